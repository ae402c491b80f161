"""The authentication backend finds the user of a session as Django's ``ModelBackend``
does: an active user by key; nobody for an inactive user, an unknown key or a key that is
not a number."""

from __future__ import annotations

import pytest

from motcua.accounts.backends import ModelBackend
from motcua.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_of_a_session():
    user = UserFactory.create(username="congdan")
    backend = ModelBackend()

    found = backend.get_user(str(user.pk))
    assert found == user
    assert found is not None
    assert found.username == "congdan"


@pytest.mark.parametrize("case", ["inactive", "unknown", "not a number"])
def test_nobody(case):
    user = UserFactory.create(is_active=case != "inactive")
    key = {"inactive": user.pk, "unknown": user.pk + 1000, "not a number": "abc"}[case]
    assert ModelBackend().get_user(key) is None
