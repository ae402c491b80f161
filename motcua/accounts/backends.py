"""The authentication backends: django-axes' lockout check first, then Django's
``ModelBackend`` with the user of a session read by a precompiled query
(:mod:`motcua.core.precompiled`): every request of a logged-in user reads it."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from motcua.accounts.models import User
from motcua.core.precompiled import STAND_IN_KEY, Precompiled

_by_key = Precompiled(
    "accounts.user_by_key", lambda key: User.objects.filter(pk=key), key=STAND_IN_KEY
)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            key = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = _by_key.instances(key=key)
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first of ``AUTHENTICATION_BACKENDS``: a username locked out from
    the client's address is refused before the next backend hashes any password, so a
    guessed or unknown username costs one Argon2 hash per failure only until the limit
    (``MOTCUA_LOGIN_FAILURE_LIMIT``) is reached, then none until the cool-off ends.

    A call of ``authenticate()`` without a request does not come over the network (the test
    client's ``login``, a management command): it has no address to count failures by, and
    passes on to the next backend instead of failing, as axes' own backend does."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return
        super().authenticate(request, username, password, **kwargs)
