"""Who may act on a dossier, and who may see it: the one chokepoint (STYLE; NetBox's
``restrict()``, Zulip's ``access_stream_by_id``).

Roles are held in one agency (``accounts.RoleAssignment``). Each action's row in
``workflow.RULES`` names the roles that may take it and where they must hold them: the
receiving one-stop counter, the handling body, or the co-ordinating agency holding the
current step of an inter-agency hand-over; some actions are the applicant's own, and some
the system's alone (``SYSTEM``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import F, Lookup, Q, QuerySet
from django.utils import timezone

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
from motcua.core.precompiled import STAND_IN_KEY, Precompiled
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.workflow import RULES, Place
from motcua.workdays.clock import local


class SystemActor:
    """The system itself, acting on its own account: the deadline sweeper, an import. It
    may take only the actions whose row names ``Place.SYSTEM``; it is written into the
    legal history by that name, and never stands in for a person."""

    _instance: SystemActor | None = None

    def __new__(cls) -> SystemActor:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    pk = None
    is_authenticated = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()
#: who acts on a dossier: a person with an account, or the system itself
Actor = User | SystemActor


#: every role a user was ever given, with its dates, compiled once (``Precompiled``)
_roles_given = Precompiled(
    "dossiers.roles_given",
    lambda user: RoleAssignment.objects.filter(user_id=user).values_list(
        "agency_id", "role", "valid_from", "valid_to"
    ),
    user=STAND_IN_KEY,
)


#: the roles read while a page is read (``roles_read_once``), by user; ``None`` outside
_roles_read: ContextVar[dict[int, Sequence[tuple[Any, ...]]] | None] = ContextVar(
    "motcua_roles_read", default=None
)


@contextmanager
def roles_read_once() -> Iterator[None]:
    """While open, each user's roles are read from the database once: for a request that
    only reads (an officer's page), where the chokepoint, the check of every action the
    page offers and its header would each read them again. Not around a write: a service
    checks the roles on the day of its act as they are then (``may_act``)."""
    token = _roles_read.set({})
    try:
        yield
    finally:
        _roles_read.reset(token)


def _role_rows(user: User) -> Sequence[tuple[Any, ...]]:
    kept = _roles_read.get()
    if kept is None:
        return _roles_given.rows(user=user.pk)
    if user.pk not in kept:
        kept[user.pk] = _roles_given.rows(user=user.pk)
    return kept[user.pk]


def held_roles(user: User, day: dt.date) -> list[tuple[int, str]]:
    """(agency, role) of every role ``user`` holds on ``day``: the rule of
    ``RoleAssignment.period_holds_on``, on the rows of one query (none more inside
    ``roles_read_once``)."""
    return [
        (int(agency), str(role))
        for agency, role, valid_from, valid_to in _role_rows(user)
        if RoleAssignment.period_holds_on(valid_from, valid_to, day)
    ]


def _current_step_agencies(dossier: Dossier) -> list[int]:
    return list(
        dossier.steps.filter(
            started_at__isnull=False, finished_at__isnull=True
        ).values_list("agency_id", flat=True)
    )


def may_act(
    actor: Actor,
    action: str,
    dossier: Dossier,
    *,
    at: dt.datetime | None = None,
) -> bool:
    """Whether ``actor`` may take ``action`` on ``dossier`` at the moment ``at`` (now by
    default): the action's row (``workflow.RULES``) names the roles and the places they
    must be held in, on the day of the act. The system may take only the actions whose
    row names it; the applicant only those whose row names the applicant."""
    rule = RULES[action]
    if isinstance(actor, SystemActor):
        return Place.SYSTEM in rule.places
    if not actor.is_authenticated or not actor.is_active:
        return False
    if Place.APPLICANT in rule.places and (
        dossier.applicant_id is not None and dossier.applicant_id == actor.pk
    ):
        return True
    if Place.SYSTEM in rule.places:
        return False
    if actor.is_superuser:
        return bool(rule.roles)
    if not rule.roles:
        return False
    day = local(at).date() if at is not None else timezone.localdate()
    agencies = {agency for agency, role in held_roles(actor, day) if role in rule.roles}
    if not agencies:
        return False
    if Place.RECEIVING in rule.places and dossier.receiving_agency_id in agencies:
        return True
    if Place.HANDLING in rule.places and dossier.handling_agency_id in agencies:
        return True
    if Place.CURRENT_STEP in rule.places:
        return any(agency in agencies for agency in _current_step_agencies(dossier))
    return False


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
    held = held_roles(user, on or timezone.localdate())
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
    handling, receiving, stepping = _branches(agencies)
    return Dossier.objects.filter(receiving | handling | stepping)


def dossiers_visible_in_parts(
    user: User, *, on: dt.date | None = None
) -> tuple[QuerySet[Dossier], ...]:
    """``dossiers_visible_to(user)`` in parts that share no dossier and together hold
    all of it: for an officer whose scope is their agencies, the dossiers those agencies
    handle; those they received and do not handle; those they hold a step of and neither
    received nor handle. For any other scope (an applicant's, the provincial
    supervisor's, a superuser's, no role that day), the one query.

    What a list counts, or sorts and cuts short, reads best part by part. PostgreSQL
    cannot read an ``OR`` of the three branches from an index in the list's order, so it
    reads and sorts every dossier of the three. A part of one agency alone it reads from
    its own index, in order, and stops at the page (``office.selectors.IdsFirst``;
    docs/decisions/0019 says when it cannot). A count of the parts adds up, since no
    dossier is in two (``office.selectors.queue_kinds``)."""
    scope, agencies = _scope(user, on)
    if scope is not Scope.AGENCIES:
        return (dossiers_visible_to(user, on=on),)
    handling, receiving, stepping = _branches(agencies)
    return (
        Dossier.objects.filter(handling),
        Dossier.objects.filter(receiving & ~handling),
        Dossier.objects.filter(stepping & ~receiving & ~handling),
    )


def visibility_shape(user: User, *, on: dt.date | None = None) -> Hashable:
    """What decides the SQL of ``dossiers_visible_to(user)`` and of its parts: the
    scope and its agencies, or the applicant. Two readers of one shape read the same
    statements (``core.precompiled.ByShape``); a reader whose roles change that day
    takes another shape."""
    scope, agencies = _scope(user, on)
    if scope is Scope.OWN:
        return (scope.value, user.pk)
    return (scope.value, tuple(sorted(agencies)))


def _branches(agencies: frozenset[int]) -> tuple[Q, Q, Q]:
    """The dossiers an officer of ``agencies`` sees (``_scope``): those handled there,
    those received there, and those with a step there (a dossier may be in more than
    one). Both agencies of a dossier are required, so a negated branch needs no test
    for NULL."""
    return (
        Q(handling_agency__in=agencies),
        Q(receiving_agency__in=agencies),
        Q(
            _InSubquery(
                F("pk"),
                DossierStep.objects.filter(agency__in=agencies)
                .order_by()
                .values("dossier"),
            )
        ),
    )


class _InSubquery(Lookup):
    """``column IN (subquery)``, written on PostgreSQL as ``column = ANY(ARRAY(subquery))``.

    The same rows either way. But PostgreSQL cannot use an index for ``IN (subquery)``
    inside an ``OR``: the visibility rule's three branches then cost a sequential scan of
    every dossier, each tested against the hashed subquery (a million rows for a queue of
    5,000). ``ANY(ARRAY(...))`` runs the subquery once before the scan (an InitPlan), so
    each branch is an index scan and the three combine as one BitmapOr: the cost follows
    the officer's dossiers, not the province's (docs/decisions/0014)."""

    lookup_name = "in_subquery"
    prepare_rhs = False

    def _sides(self, compiler: Any, connection: Any) -> tuple[str, str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


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
