"""Reads of dossiers that pages, the API and the sweeper share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Model, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.core.cache import ReferenceCache, ReferenceRows
from motcua.core.precompiled import STAND_IN_KEY, Precompiled
from motcua.dossiers.choices import Channel, DeadlineState
from motcua.dossiers.deadlines import (
    LOOKAHEAD,
    DueSoonLimits,
    answer_late_before,
    apology_window,
    classify,
    due_soon_until,
)
from motcua.dossiers.errors import ErrorCode, InvalidInput
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierQuerySet,
    DossierResult,
    DossierStep,
    OneStopRules,
    is_overdue,
)
from motcua.dossiers.workflow import INTERNAL_ACTIONS, RUNNING_STATUSES, DossierStatus
from motcua.procedures.models import (
    FeeLine,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredComponent,
)
from motcua.workdays.selectors import calendar_for

M = TypeVar("M", bound=Model)

#: every row of ``OneStopRules``, latest first (:mod:`motcua.core.cache`)
rule_sets: ReferenceCache[None, tuple[OneStopRules, ...]] = ReferenceCache(
    "rules", depends_on=(OneStopRules,)
)


def all_rule_sets() -> tuple[OneStopRules, ...]:
    """Every set of one-stop rules, latest first, as the process keeps them."""
    return rule_sets.get(
        None, lambda: tuple(OneStopRules.objects.order_by("-effective_from"))
    )


def rules_in_force(
    candidates: Sequence[OneStopRules], day: dt.date
) -> OneStopRules | None:
    """The rules in force on ``day`` among ``candidates`` (latest first): the latest that
    took effect on or before it (NĐ 61/2018 until 30/6/2025, NĐ 118/2025 after; spec 02
    §0)."""
    for rules in candidates:
        if rules.effective_from <= day:
            return rules
    return None


def rules_on(day: dt.date) -> OneStopRules:
    """The one-stop rules in force on ``day``. The rows are few and read by every intake,
    so the process keeps them (:mod:`motcua.core.cache`)."""
    rules = rules_in_force(all_rule_sets(), day)
    if rules is None:
        raise InvalidInput(
            ErrorCode.NO_RULES,
            _("No one-stop rules are in force on %(day)s.")
            % {"day": f"{day:%d/%m/%Y}"},
        )
    return rules


#: Agencies and the procedure versions that dossiers are received under change rarely (a
#: version with dossiers is frozen), and every dossier shown names them: the process keeps
#: them (:mod:`motcua.core.cache`) instead of joining them into every read.
agency_rows: ReferenceRows[Agency] = ReferenceRows(
    "agencies", Agency.objects.all, depends_on=(Agency,)
)
version_rows: ReferenceRows[ProcedureVersion] = ReferenceRows(
    "procedure_versions",
    lambda: ProcedureVersion.objects.select_related("procedure"),
    depends_on=(ProcedureVersion, Procedure),
)


#: agencies by identifier, for those an intake or a hand-over names. Only identifiers
#: found are kept, so that made-up ones cannot grow it.
agency_identifiers: ReferenceCache[str, Agency] = ReferenceCache(
    "agency_identifiers", depends_on=(Agency,)
)


def agency_by_identifier(identifier: str) -> Agency | None:
    """The agency with this identifier (QCVN 102:2016/BTTTT), kept by the process."""
    return agency_identifiers.get_many(
        [identifier],
        lambda missing: {
            a.identifier: a for a in Agency.objects.filter(identifier__in=missing)
        },
    ).get(identifier)


#: a procedure's versions with what intake reads of them (papers, process), by procedure
#: code. Only codes found are kept.
intake_catalogue: ReferenceCache[str, tuple[ProcedureVersion, ...]] = ReferenceCache(
    "intake_catalogue",
    depends_on=(Procedure, ProcedureVersion, RequiredComponent, ProcessStep, FeeLine),
)


def _versions_of(codes: list[str]) -> dict[str, tuple[ProcedureVersion, ...]]:
    found: dict[str, list[ProcedureVersion]] = {}
    for version in (
        ProcedureVersion.objects.filter(procedure__code__in=codes)
        .select_related("procedure")
        .prefetch_related("components", "steps", "fees")
        .order_by("procedure__code", "number")
    ):
        found.setdefault(version.procedure.code, []).append(version)
    return {code: tuple(versions) for code, versions in found.items()}


def versions_for_intake(code: str) -> tuple[ProcedureVersion, ...]:
    """The versions of the procedure with this code, lowest number first, each with its
    papers, process and fee lines read (``components``, ``steps``, ``fees``); none if no
    procedure has it. Kept by the process (four queries the first time), so that an
    intake reads none."""
    return intake_catalogue.get_many([code], _versions_of).get(code, ())


def attach_reference_rows(dossiers: Sequence[Dossier]) -> None:
    """Give each dossier its procedure version, agencies and rules from the process's
    caches: at most one query per kind of row not kept yet, none once they are."""
    agencies = agency_rows.in_bulk(
        [
            *(d.receiving_agency_id for d in dossiers),
            *(d.handling_agency_id for d in dossiers),
        ]
    )
    versions = version_rows.in_bulk(d.procedure_version_id for d in dossiers)
    rules = {r.pk: r for r in all_rule_sets()}
    version, receiving, handling, rule_set = _REFERENCE_FIELDS
    for dossier in dossiers:
        # each row is the one its key names, so it is put in the field's cache as
        # ``select_related`` puts a joined row, without the assignment's checks and
        # its setting of the key again
        version.set_cached_value(dossier, versions[dossier.procedure_version_id])
        receiving.set_cached_value(dossier, agencies[dossier.receiving_agency_id])
        handling.set_cached_value(dossier, agencies[dossier.handling_agency_id])
        rule_set.set_cached_value(dossier, rules[dossier.rules_id])


#: the foreign keys ``attach_reference_rows`` fills
_REFERENCE_FIELDS = (
    Dossier.procedure_version.field,
    Dossier.receiving_agency.field,
    Dossier.handling_agency.field,
    Dossier.rules.field,
)


#: stands for a dossier's code while a query is compiled (``Precompiled``)
_CODE = "\x00dossier-code"


def _child_rows(model: type[M], **names: str) -> Precompiled[M]:
    """The rows of one of a dossier's child tables, in the model's order, with a few
    columns of the rows they point to (``names``: attribute → path, as for ``F()``).

    Compiled once per process (:mod:`motcua.core.precompiled`): compiling a queryset is
    Django's work on every evaluation, and on the lookup of one dossier it was half the
    time (docs/benchmarks.md; docs/decisions/0005)."""
    return Precompiled(
        f"dossiers.{model.__name__}_by_dossier",
        lambda key: model._default_manager.filter(dossier_id=key).annotate(
            **{name: F(path) for name, path in names.items()}
        ),
        key=STAND_IN_KEY,
    )


_components = _child_rows(DossierComponent, component_position="required__position")
_steps = _child_rows(DossierStep, actor_username="actor__username")
_results = _child_rows(DossierResult)
_events = _child_rows(
    DossierEvent, agency_identifier="agency__identifier", step_position="step__position"
)
_by_code = Precompiled(
    "dossiers.dossier_by_code",
    lambda code: Dossier.objects.filter(code=code).with_assignee_username(),
    code=_CODE,
)


def dossier_by_code(code: str) -> Dossier | None:
    """The dossier with this code, whoever may see it (the caller asks
    ``permissions.may_see``), with its assignee's username (``assignee_username``) and
    its reference rows (``attach_reference_rows``): one query, compiled once."""
    found = _by_code.instances(code=code)
    if not found:
        return None
    attach_reference_rows(found)
    return found[0]


# ------------------------------------------------------------------ the read model


def _assignee_of(dossier: Dossier) -> str | None:
    """The assignee's username: from the user the dossier holds (a change just set it),
    from the column the reading query joined (``with_assignee_username``), or read."""
    if dossier.assignee_id is None:
        return None
    if Dossier.assignee.is_cached(dossier):
        return str(dossier.assignee.username)  # type: ignore[union-attr]
    joined = dossier.__dict__.get("assignee_username")
    if joined is not None:
        return str(joined)
    return str(dossier.assignee.username)  # type: ignore[union-attr]


@dataclass(frozen=True)
class DossierRow:
    """One dossier of a list, as ``dossier_rows`` reads it: the row, its reference rows
    from the caches, and the assignee's username."""

    dossier: Dossier
    assignee: str | None
    is_overdue: bool


@dataclass(frozen=True)
class ComponentView:
    """A paper handed in, with the position of the catalogue component it answers."""

    component: int | None
    name: str
    form: str
    quantity: int
    #: the paper's row, and when its scan was attached (TT 01/2023; ``motcua.files``)
    pk: int | None = None
    digitised_at: dt.datetime | None = None
    #: where its data came from (766 group 4; ``DossierComponent``)
    reused: bool = False
    from_data_store: bool = False
    source_database: str = ""


@dataclass(frozen=True)
class StepView:
    """A process step of the dossier with its deadline state."""

    step: DossierStep
    agency: Agency
    actor: str | None
    deadline: DeadlineState | None


@dataclass(frozen=True)
class EventView:
    """An entry of the legal history as the reader may see it: an applicant sees that an
    internal action happened, when and by whom, but not its notes or details
    (``ActionRule.internal``)."""

    event: DossierEvent
    agency: str | None
    step: int | None
    note: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class DossierDetail:
    """Everything a dossier's page and the API's detail show: built only by
    ``dossier_detail``, which reads the dossier's children in four queries whatever their
    length and judges every deadline under the handling agency's calendar. Serializers
    accept nothing else, so a dossier read some other way cannot be shown half-empty."""

    dossier: Dossier
    assignee: str | None
    is_overdue: bool
    deadline: DeadlineState | None
    components: tuple[ComponentView, ...]
    steps: tuple[StepView, ...]
    results: tuple[DossierResult, ...]
    events: tuple[EventView, ...]


def dossier_rows(dossiers: Sequence[Dossier], *, now: dt.datetime) -> list[DossierRow]:
    """The rows of a list page (read with ``with_assignee_username``), with their
    reference rows from the caches: no query per row."""
    attach_reference_rows(dossiers)
    return [
        DossierRow(
            dossier=dossier,
            assignee=_assignee_of(dossier),
            is_overdue=is_overdue(dossier, now),
        )
        for dossier in dossiers
    ]


def dossier_detail(
    dossier: Dossier, *, now: dt.datetime, hide_internal: bool
) -> DossierDetail:
    """The detail of ``dossier`` as it is now in memory (read by ``dossier_by_code``, or
    just changed by a service): its papers, steps, results and events read with four
    precompiled queries, deadlines judged at ``now``. ``hide_internal``: the reader is
    the applicant, who does not see the administration's working notes."""
    using = dossier._state.db or DEFAULT_DB_ALIAS
    calendar = calendar_for(dossier.handling_agency)
    rules = dossier.rules
    steps = _steps.instances(using=using, key=dossier.pk)
    agencies = agency_rows.in_bulk(step.agency_id for step in steps)
    events = _events.instances(using=using, key=dossier.pk)
    # the dossier and its open steps are judged at one moment: one due-soon horizon
    limits = DueSoonLimits()

    def judge(step: DossierStep) -> DeadlineState | None:
        return classify(
            due_at=step.due_at,
            finished_at=step.finished_at,
            now=now,
            calendar=calendar,
            due_soon_hours=rules.due_soon_working_hours,
            # an open step is paused, or closed, with its dossier
            paused_at=dossier.paused_at if step.finished_at is None else None,
            closed_at=dossier.closed_at if step.finished_at is None else None,
            limits=limits,
        )

    return DossierDetail(
        dossier=dossier,
        assignee=_assignee_of(dossier),
        is_overdue=is_overdue(dossier, now),
        deadline=classify(
            due_at=dossier.due_at,
            finished_at=dossier.finished_at,
            now=now,
            calendar=calendar,
            due_soon_hours=rules.due_soon_working_hours,
            paused_at=dossier.paused_at,
            closed_at=dossier.closed_at,
            limits=limits,
        ),
        components=tuple(
            ComponentView(
                component=c.__dict__["component_position"],
                name=c.name,
                form=c.form,
                quantity=c.quantity,
                pk=c.pk,
                digitised_at=c.digitised_at,
                reused=c.reused,
                from_data_store=c.from_data_store,
                source_database=c.source_database,
            )
            for c in _components.instances(using=using, key=dossier.pk)
        ),
        steps=tuple(
            StepView(
                step=step,
                agency=agencies[step.agency_id],
                actor=step.__dict__["actor_username"],
                deadline=judge(step),
            )
            for step in steps
        ),
        results=tuple(_results.instances(using=using, key=dossier.pk)),
        events=tuple(
            EventView(
                event=event,
                agency=event.__dict__["agency_identifier"],
                step=event.__dict__["step_position"],
                note=""
                if hide_internal and event.action in INTERNAL_ACTIONS
                else event.note,
                payload={}
                if hide_internal and event.action in INTERNAL_ACTIONS
                else dict(event.payload or {}),
            )
            for event in events
        ),
    )


def running_due_before(moment: dt.datetime) -> QuerySet[Dossier]:
    """Dossiers whose clock runs and whose appointment is before ``moment``: the sweeper's
    scan, served by the (status, due_at) index."""
    return (
        Dossier.objects.filter(status__in=RUNNING_STATUSES, due_at__lt=moment)
        .select_related("rules", "handling_agency", "procedure_version")
        .order_by("due_at")
    )


def dossiers_needing_apology(
    *, now: dt.datetime, agencies: QuerySet[Agency] | None = None
) -> Iterator[Dossier]:
    """Open dossiers that will be late unless someone acts, while an apology is still
    allowed: not yet re-set as often as the rules allow, and at least the rules' lead (one
    working day) but no more than one working day beyond it before the appointment — the
    last working day on which Mẫu 04 may still be sent (NĐ 61/2018 Điều 17; spec 02 §6)."""
    candidates = running_due_before(now + LOOKAHEAD).filter(due_at__gt=now)
    if agencies is not None:
        candidates = candidates.filter(handling_agency__in=agencies)
    for dossier in candidates:
        assert dossier.due_at is not None  # noqa: S101 - filtered above
        rules = dossier.rules
        if dossier.reschedules >= rules.max_reschedules:
            continue
        window = apology_window(
            now=now,
            due_at=dossier.due_at,
            rules=rules,
            calendar=calendar_for(dossier.handling_agency),
        )
        if window.is_last_day:
            yield dossier


# ------------------------------------------------------------------ judged in SQL
#
# A deadline rule depends on the handling agency's calendar and on the dossier's one-stop
# rules, never on the row alone; but for one pair of them it is a bound on one column. So a
# list asks the database with one bound per pair, and pairs sharing a bound share it.

#: (handling agency, one-stop rules): what a deadline rule depends on besides the row
RulePair = tuple[Agency, OneStopRules]


def rule_pairs(dossiers: QuerySet[Dossier]) -> list[RulePair]:
    """The pairs of handling agency and rules among ``dossiers``: one query, bounded by
    agencies × rule sets, not by dossiers; the rows from the process's caches."""
    return rule_pairs_of(
        dossiers.order_by().values_list("handling_agency_id", "rules_id").distinct()
    )


def rule_pairs_of(ids: Iterable[tuple[int, int]]) -> list[RulePair]:
    """The pairs of (handling agency id, rules id) ``ids`` as rows, from the process's
    caches: no query."""
    found = list(ids)
    agencies = agency_rows.in_bulk(agency for agency, _rules in found)
    rules = {row.pk: row for row in all_rule_sets()}
    return [(agencies[agency], rules[rules_id]) for agency, rules_id in found]


def _bounded(
    pairs: Iterable[RulePair], bound: Callable[[RulePair], dt.datetime], lookup: str
) -> Q:
    """``lookup`` (``due_at__lte`` …) against each pair's ``bound``, as one condition:
    the pairs of one bound in one branch, by rules set, the agencies of each listed."""
    by_bound: dict[dt.datetime, dict[int, list[int]]] = {}
    for pair in pairs:
        agency, rules = pair
        by_bound.setdefault(bound(pair), {}).setdefault(rules.pk, []).append(agency.pk)
    condition = Q(pk__in=[])
    for moment, by_rules in by_bound.items():
        same = Q(pk__in=[])
        for rules_id, agencies in by_rules.items():
            same |= Q(rules_id=rules_id, handling_agency_id__in=sorted(agencies))
        condition |= same & Q(**{lookup: moment})
    return condition


def due_soon_condition(
    now: dt.datetime,
    pairs: Iterable[RulePair],
    *,
    until: Callable[[RulePair], dt.datetime] | None = None,
) -> Q:
    """Due soon at ``now`` (``deadlines.is_due_soon``, spec 02 §7): the clock runs, the
    appointment has not passed, and it is no later than ``deadlines.due_soon_until`` of
    the handling agency's calendar and the rules' warning window. ``pairs``: the pairs the
    dossiers asked about may hold (``rule_pairs``, or every unit × every rule set); a
    dossier of another pair is not due soon. Paused dossiers are not counting down.
    ``until``: each pair's horizon, when the caller has worked them out
    (``due_soon_horizon`` by default). ``due_soon_test`` is the same rule for the
    dossiers of the running statuses, for counts grouped by status."""
    return Q(status__in=RUNNING_STATUSES) & due_soon_test(now, pairs, until=until)


def due_soon_test(
    now: dt.datetime,
    pairs: Iterable[RulePair],
    *,
    until: Callable[[RulePair], dt.datetime] | None = None,
) -> Q:
    """``due_soon_condition`` of a dossier whose status is one of ``RUNNING_STATUSES``
    (the others are never due soon), without the test of its status."""
    return Q(due_at__gte=now) & _bounded(
        pairs,
        until or (lambda pair: due_soon_horizon(now, pair)),
        "due_at__lte",
    )


def due_soon_horizon(now: dt.datetime, pair: RulePair) -> dt.datetime:
    """The latest appointment that is due soon at ``now`` for a dossier of ``pair``
    (``deadlines.due_soon_until`` of the handling agency's calendar and the rules'
    warning window)."""
    return due_soon_until(
        at=now,
        calendar=calendar_for(pair[0]),
        due_soon_hours=pair[1].due_soon_working_hours,
    )


def answer_late_condition(now: dt.datetime, pairs: Iterable[RulePair]) -> Q:
    """Of online dossiers waiting for an answer, those whose answer was due before
    ``now``: submitted before ``deadlines.answer_late_before`` of the handling agency's
    calendar and the rules' response window (``OneStopRules.online_response_hours``,
    working hours; NĐ 45/2020 Điều 11). ``pairs`` as for ``due_soon_condition``."""
    return _bounded(
        pairs,
        lambda pair: answer_late_before(
            now, pair[1].online_response_hours, calendar_for(pair[0])
        ),
        "submitted_at__lt",
    )


def awaiting_online_answer(
    dossiers: QuerySet[Dossier],
    *,
    late_at: dt.datetime | None = None,
    pairs: Iterable[RulePair] | None = None,
) -> DossierQuerySet:
    """Of ``dossiers`` (the reader's, ``permissions.dossiers_visible_to``), the online ones
    nobody has received, returned for completion or refused yet (status 1; NĐ 45/2020
    Điều 11; spec 02 §3), the first submitted first: the first submitted is the first
    due. ``late_at``: only those whose answer was due before that moment
    (``answer_late_condition``; ``pairs`` as there, found by one query if not given).
    The moment each answer is due is ``deadlines.response_due``, for the rows shown.

    The one selector of the counter's waiting list, supervision's "online, unanswered"
    and the sweeper's tests. Of its earlier copies, one took any channel: the response
    window is the online one's (NĐ 45/2020 Điều 11), so only online dossiers are here;
    supervision's ordered by the moment the answer was due, which follows submission."""
    waiting: DossierQuerySet = dossiers.filter(  # type: ignore[assignment]
        status=DossierStatus.SUBMITTED, channel=Channel.ONLINE
    )
    if late_at is not None:
        waiting = waiting.filter(
            answer_late_condition(
                late_at, rule_pairs(waiting) if pairs is None else pairs
            )
        )
    return waiting.with_assignee_username().order_by("submitted_at", "pk")
