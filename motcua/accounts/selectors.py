"""Reads about people and what they may do."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.accounts.choices import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency


def active_roles(user: User, *, on: dt.date | None = None) -> list[RoleAssignment]:
    """The roles ``user`` holds on ``on`` (today in Asia/Ho_Chi_Minh by default)."""
    day = on or timezone.localdate()
    return list(
        RoleAssignment.objects.active_on(day).filter(user=user).select_related("agency")
    )


def has_role(
    user: User, role: Role, agency: Agency, *, on: dt.date | None = None
) -> bool:
    """Whether ``user`` holds ``role`` in ``agency`` itself on ``on``.

    Roles are scoped to one agency and do not flow down the tree: a leader of a department
    is not thereby a leader of its units.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    day = on or timezone.localdate()
    return (
        RoleAssignment.objects.active_on(day)
        .filter(user=user, role=role, agency=agency)
        .exists()
    )
