"""The authentication backend: Django's ``ModelBackend``, with the user of a session read
by a precompiled query (:mod:`motcua.core.precompiled`): every request of a logged-in user
reads it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

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
