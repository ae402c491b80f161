"""Who may read the Decision 766 index of a unit (issue 9: the dashboard and its figures are
"reachable by leaders and supervisors, scoped to what they may see").

The rule, on the roles a user holds today (``dossiers.permissions.held_roles``, the rule of
``RoleAssignment.period_holds_on`` that ``dossiers.permissions`` reads too):

- a superuser and the provincial supervisor (Văn phòng UBND tỉnh, ``Role.PROVINCIAL_SUPERVISOR``,
  who watches every agency) read any unit, alone or with its subtree;
- a leader (``Role.LEADER``, NĐ 61/2018 Điều 8–12: the one who approves and answers for the
  agency's handling) reads each agency they lead, alone or, with ``subtree``, with what is
  below it; not, on its own, a unit below it (roles do not flow down the tree,
  ``accounts.selectors.has_role``) nor any other agency;
- anyone else reads no unit.

A unit the user may not read is answered as one that is not there (404, never 403): "not
yours" and "not found" look the same (STYLE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from motcua.accounts.choices import Role
from motcua.accounts.models import User
from motcua.agencies.models import Agency, AgencyQuerySet
from motcua.dossiers.permissions import held_roles


def may_read_index(user: User, unit: Agency, *, on: dt.date | None = None) -> bool:
    """Whether ``user`` may read ``unit``'s index (alone or with its subtree: the same
    answer, module docstring), by the roles held on ``on`` (today by default). One
    query, none for a superuser."""
    units = readable_unit_ids(user, on=on)
    return units is None or unit.pk in units


def readable_unit_ids(
    user: User,
    *,
    on: dt.date | None = None,
    roles: Sequence[tuple[int, str]] | None = None,
) -> frozenset[int] | None:
    """The keys of the agencies ``user`` may read, by the rule of ``may_read_index``:
    ``None`` for every agency (a superuser, the provincial supervisor), the agencies a
    leader leads, none for anyone else. The one rule the dashboard (``units_readable_by``)
    and supervision (``office.supervision.supervision_scope``) read. The roles as the
    dossier chokepoint reads them (``dossiers.permissions.held_roles``): one query, none
    for a superuser, none again on a page that has read them (``roles_read_once``), none
    when given ``roles``, those ``held_roles`` answers for the day."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    led: set[int] = set()
    if roles is None:
        roles = held_roles(user, on or timezone.localdate())
    for agency, role in roles:
        if role == Role.PROVINCIAL_SUPERVISOR:
            return None
        if role == Role.LEADER:
            led.add(agency)
    return frozenset(led)


def units_readable_by(user: User, *, on: dt.date | None = None) -> AgencyQuerySet:
    """The agencies whose index ``user`` may read (``readable_unit_ids``; the dashboard's
    unit picker and the ranking list only these), as a lazy queryset."""
    units = readable_unit_ids(user, on=on)
    if units is None:
        return Agency.objects.all()
    if not units:
        return Agency.objects.none()
    return Agency.objects.filter(pk__in=units)
