"""What a locked-out login is answered, and who the client is.

django-axes (``AUTHENTICATION_BACKENDS``' first entry, ``backends.LockoutBackend``) counts
failed logins per username and client address and refuses a pair that reached
``MOTCUA_LOGIN_FAILURE_LIMIT`` until ``MOTCUA_LOGIN_COOLOFF_MINUTES`` after its last
recorded failure, whether or not the username exists and whether or not the password is
right. Every way in calls Django's ``authenticate()`` with the request and so meets it:

- the admin's login page (and any officer login form that does the same): axes' middleware
  turns the refusal into :func:`lockout_response`, a page saying when to try again;
- the API's HTTP Basic (``authentication.BasicAuthentication``): the refusal becomes
  :class:`LockedOut`, 429 with the JSON error body ``{"code": "locked_out", ...}`` and
  ``Retry-After``;
- the API's session: the session was opened by one of the logins above.

API tokens are not guessed (256 random bits) and are not counted; the API's throttles bound
how often anyone may try.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed logins with this username from your address: try again in "
        "%(minutes)d minutes."
    ) % {"minutes": cooloff_minutes()}


class LockedOut(exceptions.APIException):
    """The API's answer to a login refused by the lockout: 429 ``locked_out``; the
    ``Retry-After`` header (DRF sets it from ``wait``) gives the whole cool-off."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = gettext_lazy("Too many failed logins: try again later.")

    def __init__(self) -> None:
        super().__init__(lockout_message(), self.default_code)
        self.wait = settings.AXES_COOLOFF_TIME.total_seconds()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """axes' ``AXES_LOCKOUT_CALLABLE``: 429 with the JSON error body under ``/api/``, a page
    elsewhere (the admin's login)."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    message = lockout_message()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"code": "locked_out", "message": message, "details": {}},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    else:
        response = HttpResponse(
            render_to_string(
                "accounts/locked_out.html", {"message": message}, request=request
            ),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
    response["Retry-After"] = retry_after
    return response


def client_ip(request: HttpRequest) -> str | None:
    """axes' ``AXES_CLIENT_IP_CALLABLE``: the connection's address, or behind
    ``MOTCUA_TRUSTED_PROXIES`` reverse proxies the address they forwarded for, counted from
    the end of ``X-Forwarded-For`` as DRF's throttles count it (``NUM_PROXIES``); what a
    client wrote further left is not trusted."""
    proxies: int = settings.TRUSTED_PROXIES
    if proxies:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None
