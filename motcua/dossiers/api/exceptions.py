"""The one exception handler of the API (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

Every error leaves as ``{"code": ..., "message": ..., "details": {...}}``: the services'
``DossierError`` with its own code and HTTP status; DRF's validation errors as 400
``invalid`` with the messages of each field in ``details``; everything else DRF knows with
its own code (``not_found``, ``not_authenticated``, ``permission_denied``, ...); the
parser's ``ApiError`` (``json_too_deep``, ``control_character``) with its details. What DRF
does not know of (a body too large, a failure) is left to ``core.api.ApiErrorMiddleware``.

A ``NotAllowed`` about a dossier the user cannot see becomes 404, never 403: "not yours" and
"not found" must look the same (STYLE; Zulip's ``access_stream_by_id``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from motcua.accounts.models import User
from motcua.core.api import ApiError, error_body
from motcua.core.errors import ErrorCode, known_code
from motcua.dossiers.errors import DossierError, NotAllowed
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import may_see
from motcua.workdays.clock import OutOfCalendarRange


def _not_found() -> Response:
    return Response(
        error_body(ErrorCode.NOT_FOUND, _("Not found.")),
        status=status.HTTP_404_NOT_FOUND,
    )


def _hidden_from_user(context: dict[str, Any]) -> bool:
    """Whether the dossier the view acted on is one the user may not see."""
    view = context.get("view")
    dossier: Dossier | None = getattr(view, "dossier_acted_on", None)
    if dossier is None:
        return False
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return True
    return not may_see(user, dossier)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DossierError):
        set_rollback()
        if isinstance(exc, NotAllowed) and _hidden_from_user(context):
            return _not_found()
        return Response(
            error_body(exc.code, exc.message, exc.details), status=exc.http_status
        )
    if isinstance(exc, OutOfCalendarRange):
        # a moment beyond the years the working-day calendar covers (workdays.clock)
        set_rollback()
        return Response(
            error_body(ErrorCode.MOMENT_OUT_OF_RANGE, str(exc)),
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, Http404 | exceptions.NotFound):
        # Django's message names the model and the lookup; say no more than "not found".
        set_rollback()
        return _not_found()
    response = drf_exception_handler(exc, context)
    if response is None:
        # not DRF's: motcua.core.api.ApiErrorMiddleware answers it
        return None
    if isinstance(exc, ApiError):
        response.data = error_body(exc.code, exc.message, exc.details)
        return response
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = error_body(
            ErrorCode.INVALID, _("The request is not valid; see the details."), details
        )
        return response
    assert isinstance(exc, exceptions.APIException)  # noqa: S101 - DRF handled it
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    fallback = (
        ErrorCode.INVALID if response.status_code < 500 else ErrorCode.SERVER_ERROR
    )
    response.data = error_body(
        known_code(str(code), fallback=fallback), str(exc.detail)
    )
    return response
