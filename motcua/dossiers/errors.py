"""Errors of the dossier services, each with a stable code (``ErrorCode``, every code the
API's error body may carry) and the HTTP status it means."""

from __future__ import annotations

from typing import Any

from motcua.core.errors import ErrorCode

__all__ = ["Conflict", "DossierError", "ErrorCode", "InvalidInput", "NotAllowed"]


class DossierError(Exception):
    """A request the dossier rules refuse. Nothing was changed when it is raised."""

    http_status = 400

    def __init__(
        self, code: ErrorCode, message: str, *, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.details = details or {}


class InvalidInput(DossierError):
    """Well-formed but unacceptable data (an unknown agency, an empty reason)."""

    http_status = 422


class Conflict(DossierError):
    """The dossier is not in a state that allows this, or someone changed it meanwhile."""

    http_status = 409


class NotAllowed(DossierError):
    """The actor lacks the role for this action in this agency. Callers that must not
    reveal the dossier's existence turn it into a 404."""

    http_status = 403
