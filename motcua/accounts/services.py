"""Writes on accounts: API tokens made and revoked."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import ApiToken, User
from motcua.workdays.clock import VN_TZ

#: The longest a token may be made to live: a key that never ends is a key nobody rotates.
MAX_TOKEN_DAYS = 3 * 366


class TokenError(ValueError):
    """A token cannot be made or revoked as asked; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def expiry_of(day: dt.date) -> dt.datetime:
    """A token that expires on ``day`` works through that day, province time: it ends at
    the following midnight."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=VN_TZ)


def token_expiry(expires_on: dt.date | None) -> dt.datetime | None:
    """The moment a token that works through ``expires_on`` ends: a day to come, at most
    ``MAX_TOKEN_DAYS`` away (None: until revoked)."""
    if expires_on is None:
        return None
    now = timezone.now()
    if expires_on > (now + dt.timedelta(days=MAX_TOKEN_DAYS)).date():
        raise TokenError(
            "expires",
            _("A token may live at most %(days)d days.") % {"days": MAX_TOKEN_DAYS},
        )
    expiry = expiry_of(expires_on)
    if expiry <= now:
        raise TokenError("expires", _("The expiry date has already passed."))
    return expiry


def create_api_token(
    *, user: User, name: str = "", expires_on: dt.date | None, actor: User | None
) -> tuple[ApiToken, str]:
    """Make a token for ``user`` and return it with its key, which is never stored and
    cannot be read again. ``expires_on`` is the last day it works (None: until revoked)."""
    if not user.is_active:
        raise TokenError("user", _("The account is not active."))
    expiry = token_expiry(expires_on)
    with transaction.atomic():
        token, key = ApiToken.objects.create(user=user, expiry=None, name=name)
        if expiry is not None:
            token.expiry = expiry
            token.save(update_fields=["expiry"])
    return token, key


def revoke_api_token(*, token: ApiToken, actor: User | None) -> None:
    """Revoke a token: it is deleted, and its key is refused from the next request on."""
    token.delete()
