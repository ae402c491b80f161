"""The API's ways in besides the session (``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``).

- :class:`BasicAuthentication`: DRF's HTTP Basic, refused with 429 ``locked_out`` once
  django-axes locked the username out from the client's address (:mod:`.lockout`), and
  clearing the failures of that pair when the password is right, as a login does.
- :class:`TokenAuthentication`: an API token of :class:`~motcua.accounts.models.ApiToken`
  sent as ``Authorization: Token <key>`` or ``Authorization: Bearer <key>``; an unknown,
  revoked or expired key, or one whose account is inactive, is 401 ``authentication_failed``.
"""

from __future__ import annotations

import re
from typing import Any

from axes.utils import reset as reset_failures
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from motcua.accounts.lockout import LockedOut

#: What a key looks like (``motcua_`` and 64 hexadecimal digits); anything else is refused
#: before it is hashed or looked up.
KEY_PATTERN = re.compile(rb"[A-Za-z0-9_]{1,100}")
KEYWORDS = (b"token", b"bearer")


class BasicAuthentication(authentication.BasicAuthentication):
    def authenticate_credentials(
        self, userid: str, password: str, request: Request | None = None
    ) -> tuple[Any, None]:
        try:
            found = super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if request is not None and getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise
        if request is not None:
            # as AXES_RESET_ON_SUCCESS does for a login: the right password clears the
            # pair's failures (Basic logs nobody in, so axes' own reset never runs)
            reset_failures(
                ip=getattr(request, "axes_ip_address", None), username=userid
            )
        return found


class TokenAuthentication(KnoxTokenAuthentication):
    """django-rest-knox's check of a hashed token, under both usual keywords."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # another scheme's header, or none
        if len(parts) != 2 or not KEY_PATTERN.fullmatch(parts[1]):
            raise exceptions.AuthenticationFailed(
                _("Send one API token after the word Token or Bearer.")
            )
        user_and_token: tuple[Any, Any] = self.authenticate_credentials(parts[1])
        return user_and_token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The token in the OpenAPI schema (``tokenAuth``)."""

    target_class = "motcua.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _(
                "An API token made by `motcua tokens create` or in the admin, sent as "
                "`Authorization: Token <key>` or `Authorization: Bearer <key>`."
            ),
        }


class BasicScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """HTTP Basic in the OpenAPI schema, under the name DRF's own class has there."""

    target_class = "motcua.accounts.authentication.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "basic"}
