"""Errors of the dossier services and the API, each with a stable code and the HTTP status it
means.

Every code a client may meet is a member of ``ErrorCode``: the OpenAPI schema publishes the
enum in the error body, so that a client can switch on it and a typo in the server is a
Python error rather than a new code in the wild.
"""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    """The ``code`` of every error body (``{code, message, details}``)."""

    # the request itself
    INVALID = "invalid"
    PARSE_ERROR = "parse_error"
    JSON_TOO_DEEP = "json_too_deep"
    CONTROL_CHARACTER = "control_character"
    TEXT_TOO_LONG = "text_too_long"
    BODY_TOO_LARGE = "body_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NOT_ACCEPTABLE = "not_acceptable"
    # who asks
    NOT_AUTHENTICATED = "not_authenticated"
    AUTHENTICATION_FAILED = "authentication_failed"
    PERMISSION_DENIED = "permission_denied"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    THROTTLED = "throttled"
    LOCKED_OUT = "locked_out"
    # creating safely
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_in_progress"
    # the state of the dossier
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    STALE_DOSSIER = "stale_dossier"
    APOLOGY_ALREADY_MADE = "apology_already_made"
    APOLOGY_TOO_LATE = "apology_too_late"
    DAILY_SEQUENCE_EXHAUSTED = "daily_sequence_exhausted"
    # what was asked
    NAIVE_DATETIME = "naive_datetime"
    MOMENT_OUT_OF_RANGE = "moment_out_of_range"
    DUE_BEYOND_LIMIT = "due_beyond_limit"
    NEW_APPOINTMENT_NOT_LATER = "new_appointment_not_later"
    DOSSIER_OR_INTAKE = "dossier_or_intake"
    WRONG_CHANNEL = "wrong_channel"
    PROCEDURE_NOT_IN_FORCE = "procedure_not_in_force"
    AGENCY_NOT_ACTIVE = "agency_not_active"
    APPLICANT_REQUIRED = "applicant_required"
    UNKNOWN_COMPONENT = "unknown_component"
    DOSSIER_INCOMPLETE = "dossier_incomplete"
    MISSING_REQUIRED = "missing_required"
    REASONS_REQUIRED = "reasons_required"
    RESULTS_REQUIRED = "results_required"
    ASSIGNEE_NOT_SPECIALIST = "assignee_not_specialist"
    NO_RULES = "no_rules"
    SERVER_ERROR = "server_error"


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
