"""Who may see and record evaluations and petitions.

- An evaluation belongs to its dossier: whoever may see the dossier
  (``dossiers.permissions.dossiers_visible_to``, ``may_see``) sees its evaluations; the
  applicant records one about their own dossier on the provincial portal, an officer who
  may see the dossier records one given on paper at the counter or on another portal
  (spec 05 §3–4: forms handed out at the counter, the portals' electronic evaluations).
- A petition (PAKN) is addressed to an agency (spec 08 §6): officers see and record those
  addressed to an agency they hold a role in today; the provincial supervisor and
  superusers every one; anyone else none. Not yours and not there look the same (404).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
from motcua.dossiers.permissions import Actor, SystemActor
from motcua.ratings.choices import EvaluationChannel
from motcua.ratings.models import Petition


def is_officer(user: User) -> bool:
    return user.is_superuser or user.kind == AccountKind.OFFICER


def may_record_evaluation(actor: Actor, channel: str) -> bool:
    """The system (an import) records any channel; an officer every channel but the
    import's; an applicant only their own, on the provincial portal. Whether the dossier
    is theirs to see is the caller's ``may_see``."""
    if isinstance(actor, SystemActor):
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    if channel == EvaluationChannel.IMPORT:
        return False
    return is_officer(actor) or channel == EvaluationChannel.PROVINCIAL_PORTAL


def petition_agencies(
    user: User, *, on: dt.date | None = None
) -> frozenset[int] | None:
    """The agencies whose petitions ``user`` may see: ``None`` for all of them (the
    provincial supervisor, superusers), else those they hold a role in on ``on``."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    if user.kind != AccountKind.OFFICER:
        return frozenset()
    day = on or timezone.localdate()
    held = list(
        RoleAssignment.objects.active_on(day)
        .filter(user=user)
        .values_list("agency_id", "role")
    )
    if any(role == Role.PROVINCIAL_SUPERVISOR for _agency, role in held):
        return None
    return frozenset(agency for agency, _role in held)


def petitions_visible_to(
    user: User, *, on: dt.date | None = None
) -> QuerySet[Petition]:
    """Every petition list and lookup starts here."""
    agencies = petition_agencies(user, on=on)
    if agencies is None:
        return Petition.objects.all()
    return Petition.objects.filter(agency_id__in=agencies)


def may_record_petition(actor: Actor, agency_id: int) -> bool:
    """The system, or an officer who may see the petitions of ``agency_id``."""
    if isinstance(actor, SystemActor):
        return True
    agencies = petition_agencies(actor)
    return agencies is None or agency_id in agencies
