"""Who may act on a dossier, and who may see it: the one chokepoint (STYLE; NetBox's
``restrict()``, Zulip's ``access_stream_by_id``).

Roles are held in one agency (``accounts.RoleAssignment``). An action names the roles that
may take it and the agency they must hold it in: the receiving one-stop counter, or the
handling body (or, during an inter-agency hand-over, the co-ordinating agency of the current
step).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
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


def _held_roles(user: User, day: dt.date) -> list[tuple[int, str]]:
    """(agency, role) of every role ``user`` holds on ``day``: one query."""
    return list(
        RoleAssignment.objects.active_on(day)
        .filter(user=user)
        .values_list("agency_id", "role")
    )


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


def dossiers_visible_to(user: User, *, on: dt.date | None = None) -> QuerySet[Dossier]:
    """Every page and API view starts here. A citizen or business sees their own dossiers;
    an officer those their agencies received, handle, or hold a step of; the provincial
    supervisor and superusers see all. Anyone else sees none: "not yours" and "not found"
    must look the same (404)."""
    if not user.is_authenticated or not user.is_active:
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    if user.kind != AccountKind.OFFICER:
        return Dossier.objects.filter(applicant=user)
    held = _held_roles(user, on or timezone.localdate())
    if any(role == Role.PROVINCIAL_SUPERVISOR for _, role in held):
        return Dossier.objects.all()
    agencies = {agency for agency, _ in held}
    if not agencies:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        Q(receiving_agency__in=agencies)
        | Q(handling_agency__in=agencies)
        | Q(pk__in=DossierStep.objects.filter(agency__in=agencies).values("dossier"))
    )
