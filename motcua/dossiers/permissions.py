"""Who may act on a dossier, and who may see it: the one chokepoint (STYLE; NetBox's
``restrict()``, Zulip's ``access_stream_by_id``).

Roles are held in one agency (``accounts.RoleAssignment``). An action names the roles that
may take it and the agency they must hold it in: the receiving one-stop counter, or the
handling body (or, during an inter-agency hand-over, the co-ordinating agency of the current
step).
"""

from __future__ import annotations

import datetime as dt
import enum

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
from motcua.core.precompiled import STAND_IN_KEY, Precompiled
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.workflow import Action

R = Role
RECEIVING, HANDLING = "receiving", "handling"

#: action → (roles that may take it, where they must hold it)
ACTION_ROLES: dict[str, tuple[frozenset[str], str]] = {
    Action.RECEIVE: (frozenset({R.COUNTER_OFFICER}), RECEIVING),
    Action.REFUSE: (frozenset({R.COUNTER_OFFICER}), RECEIVING),
    Action.REQUEST_INTAKE_SUPPLEMENT: (frozenset({R.COUNTER_OFFICER}), RECEIVING),
    Action.TRANSFER: (frozenset({R.COUNTER_OFFICER}), RECEIVING),
    Action.RETURN_RESULT: (frozenset({R.COUNTER_OFFICER}), RECEIVING),
    Action.ASSIGN: (frozenset({R.LEADER}), HANDLING),
    Action.HAND_OVER: (frozenset({R.SPECIALIST, R.LEADER}), HANDLING),
    Action.RETURN_FROM_AGENCY: (frozenset({R.SPECIALIST, R.LEADER}), HANDLING),
    Action.REQUEST_SUPPLEMENT: (frozenset({R.SPECIALIST}), HANDLING),
    Action.RECEIVE_SUPPLEMENT: (frozenset({R.SPECIALIST, R.COUNTER_OFFICER}), HANDLING),
    Action.REQUEST_FINANCIAL_OBLIGATION: (frozenset({R.SPECIALIST}), HANDLING),
    Action.CONFIRM_FINANCIAL_OBLIGATION: (
        frozenset({R.SPECIALIST, R.COUNTER_OFFICER}),
        HANDLING,
    ),
    Action.SUBMIT_FOR_APPROVAL: (frozenset({R.SPECIALIST}), HANDLING),
    Action.SEND_BACK: (frozenset({R.LEADER}), HANDLING),
    Action.APPROVE: (frozenset({R.LEADER}), HANDLING),
    Action.ISSUE_RESULT: (frozenset({R.LEADER, R.SPECIALIST}), HANDLING),
    Action.APOLOGISE: (frozenset({R.LEADER}), HANDLING),
    Action.STOP: (frozenset({R.LEADER}), HANDLING),
    Action.WITHDRAW: (frozenset({R.COUNTER_OFFICER}), RECEIVING),
}


#: every role a user was ever given, with its dates, compiled once (``Precompiled``)
_roles_given = Precompiled(
    "dossiers.roles_given",
    lambda user: RoleAssignment.objects.filter(user_id=user).values_list(
        "agency_id", "role", "valid_from", "valid_to"
    ),
    user=STAND_IN_KEY,
)


def _held_roles(user: User, day: dt.date) -> list[tuple[int, str]]:
    """(agency, role) of every role ``user`` holds on ``day``
    (``RoleAssignmentQuerySet.active_on``): one query."""
    return [
        (int(agency), str(role))
        for agency, role, valid_from, valid_to in _roles_given.rows(user=user.pk)
        if valid_from <= day and (valid_to is None or day <= valid_to)
    ]


def may_act(
    user: User | None, action: str, dossier: Dossier, *, on: dt.date | None = None
) -> bool:
    """Whether ``user`` may take ``action`` on ``dossier``. ``None`` is the system itself
    (imports, the sweeper). The applicant may withdraw their own dossier."""
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if action == Action.WITHDRAW and dossier.applicant_id == user.pk:
        return True
    if action == Action.RESUBMIT:
        return dossier.applicant_id == user.pk
    roles, where = ACTION_ROLES[action]
    held = _held_roles(user, on or timezone.localdate())
    agencies = {agency for agency, role in held if role in roles}
    if not agencies:
        return False
    if where == RECEIVING:
        return dossier.receiving_agency_id in agencies
    if dossier.handling_agency_id in agencies:
        return True
    current = dossier.steps.filter(
        started_at__isnull=False, finished_at__isnull=True
    ).values_list("agency_id", flat=True)
    return any(agency in agencies for agency in current)


class Scope(enum.Enum):
    """What part of the dossiers a user may see (``_scope``)."""

    NONE = "none"
    ALL = "all"
    OWN = "own"  # the applicant's own dossiers
    AGENCIES = "agencies"  # received, handled, or with a step, in these agencies


def _scope(user: User, on: dt.date | None) -> tuple[Scope, frozenset[int]]:
    """Which dossiers ``user`` may see: the one rule that ``dossiers_visible_to`` (a
    queryset, for lists) and ``may_see`` (one dossier already read) both apply. A citizen
    or business sees their own dossiers; an officer those their agencies received, handle,
    or hold a step of; the provincial supervisor and superusers see all; anyone else
    none."""
    if not user.is_authenticated or not user.is_active:
        return Scope.NONE, frozenset()
    if user.is_superuser:
        return Scope.ALL, frozenset()
    if user.kind != AccountKind.OFFICER:
        return Scope.OWN, frozenset()
    held = _held_roles(user, on or timezone.localdate())
    if any(role == Role.PROVINCIAL_SUPERVISOR for _, role in held):
        return Scope.ALL, frozenset()
    agencies = frozenset(agency for agency, _ in held)
    return (Scope.AGENCIES, agencies) if agencies else (Scope.NONE, agencies)


def dossiers_visible_to(user: User, *, on: dt.date | None = None) -> QuerySet[Dossier]:
    """Every page and API list starts here (``_scope`` says who sees what). "Not yours"
    and "not found" must look the same (404)."""
    scope, agencies = _scope(user, on)
    if scope is Scope.ALL:
        return Dossier.objects.all()
    if scope is Scope.OWN:
        return Dossier.objects.filter(applicant=user)
    if scope is Scope.NONE:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        Q(receiving_agency__in=agencies)
        | Q(handling_agency__in=agencies)
        | Q(pk__in=DossierStep.objects.filter(agency__in=agencies).values("dossier"))
    )


def may_see(user: User, dossier: Dossier, *, on: dt.date | None = None) -> bool:
    """Whether ``dossier``, already read, is among ``dossiers_visible_to(user)``: the
    lookup of one dossier by its code reads it first and asks here, so that its query is
    the same for everyone (and compiled once). The steps are read only for an officer
    whose agencies neither received nor handle it."""
    scope, agencies = _scope(user, on)
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN:
        return user.pk is not None and dossier.applicant_id == user.pk
    if scope is Scope.NONE:
        return False
    if (
        dossier.receiving_agency_id in agencies
        or dossier.handling_agency_id in agencies
    ):
        return True
    return DossierStep.objects.filter(dossier=dossier, agency__in=agencies).exists()
