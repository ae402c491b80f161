"""Reads of dossiers that pages, the API and the sweeper share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Model, QuerySet
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.core.cache import ReferenceCache, ReferenceRows
from motcua.core.precompiled import STAND_IN_KEY, Precompiled
from motcua.dossiers.deadlines import response_due
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierResult,
    DossierStep,
    OneStopRules,
)
from motcua.dossiers.workflow import RUNNING_STATUSES, DossierStatus
from motcua.procedures.models import (
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredComponent,
)
from motcua.workdays.clock import WorkCalendar
from motcua.workdays.selectors import calendar_for

#: A due-soon window is a few working hours; no such window spans more calendar time than
#: this, so the sweeper only looks at dossiers due within it.
_LOOKAHEAD = dt.timedelta(days=21)

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
            "no_rules",
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
    depends_on=(Procedure, ProcedureVersion, RequiredComponent, ProcessStep),
)


def _versions_of(codes: list[str]) -> dict[str, tuple[ProcedureVersion, ...]]:
    found: dict[str, list[ProcedureVersion]] = {}
    for version in (
        ProcedureVersion.objects.filter(procedure__code__in=codes)
        .select_related("procedure")
        .prefetch_related("components", "steps")
        .order_by("procedure__code", "number")
    ):
        found.setdefault(version.procedure.code, []).append(version)
    return {code: tuple(versions) for code, versions in found.items()}


def versions_for_intake(code: str) -> tuple[ProcedureVersion, ...]:
    """The versions of the procedure with this code, lowest number first, each with its
    papers and process read (``components``, ``steps``); none if no procedure has it.
    Kept by the process (three queries the first time), so that an intake reads none."""
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
    for dossier in dossiers:
        dossier.procedure_version = versions[dossier.procedure_version_id]
        dossier.receiving_agency = agencies[dossier.receiving_agency_id]
        dossier.handling_agency = agencies[dossier.handling_agency_id]
        dossier.rules = rules[dossier.rules_id]


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


@dataclass(frozen=True)
class DossierDetails:
    """What a dossier's detail shows beyond its row (``Dossier.details``)."""

    components: list[DossierComponent]
    steps: list[DossierStep]
    results: list[DossierResult]
    events: list[DossierEvent]


def load_details(dossier: Dossier) -> Dossier:
    """Read the dossier's papers, process steps, results and events into
    ``dossier.details``: four queries, whatever their length."""
    using = dossier._state.db or DEFAULT_DB_ALIAS
    steps = _steps.instances(using=using, key=dossier.pk)
    agencies = agency_rows.in_bulk(step.agency_id for step in steps)
    for step in steps:
        step.dossier = dossier  # its deadline is judged with the dossier's pause
        step.agency = agencies[step.agency_id]
    dossier.details = DossierDetails(
        components=_components.instances(using=using, key=dossier.pk),
        steps=steps,
        results=_results.instances(using=using, key=dossier.pk),
        events=_events.instances(using=using, key=dossier.pk),
    )
    return dossier


def show_written(dossier: Dossier) -> Dossier:
    """Complete ``dossier.details`` as the service that created the dossier left it (the
    rows it wrote: papers, steps, first event) with the columns ``load_details`` would have
    joined, so that the answer to an intake need not read back what it has just written.
    The agencies and the procedure version's components come from the process's caches
    or the intake's own read; no query once they are kept."""
    details = dossier.details
    if details is None:
        raise ValueError("show_written: the dossier carries no rows written")
    dossier.assignee_username = (  # type: ignore[attr-defined]
        None if dossier.assignee is None else dossier.assignee.username
    )
    positions = {c.pk: c.position for c in dossier.procedure_version.components.all()}
    for component in details.components:
        component.component_position = (  # type: ignore[attr-defined]
            None if component.required_id is None else positions[component.required_id]
        )
    agencies = agency_rows.in_bulk(step.agency_id for step in details.steps)
    for step in details.steps:
        step.dossier = dossier
        step.agency = agencies[step.agency_id]
        step.actor_username = (  # type: ignore[attr-defined]
            None if step.actor is None else step.actor.username
        )
    for event in details.events:
        event.agency_identifier = (  # type: ignore[attr-defined]
            None if event.agency is None else event.agency.identifier
        )
        event.step_position = (  # type: ignore[attr-defined]
            None if event.step is None else event.step.position
        )
    return dossier


class CalendarCache:
    """One ``WorkCalendar`` per handling agency for the length of a sweep or a page.

    ``calendar_for`` keeps calendars for the process already, but not when the caches are
    turned off (``MOTCUA_REFERENCE_CACHE_SECONDS=0``); this keeps a sweep at one calendar
    read per agency either way."""

    def __init__(self) -> None:
        self._calendars: dict[int, WorkCalendar] = {}

    def __call__(self, agency: Agency) -> WorkCalendar:
        calendar = self._calendars.get(agency.pk)
        if calendar is None:
            calendar = self._calendars[agency.pk] = calendar_for(agency)
        return calendar


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
    candidates = running_due_before(now + _LOOKAHEAD).filter(due_at__gt=now)
    if agencies is not None:
        candidates = candidates.filter(handling_agency__in=agencies)
    calendars = CalendarCache()
    for dossier in candidates:
        assert dossier.due_at is not None  # noqa: S101 - filtered above
        rules = dossier.rules
        if dossier.reschedules >= rules.max_reschedules:
            continue
        calendar = calendars(dossier.handling_agency)
        left = calendar.working_time_between(now, dossier.due_at)
        day = calendar.hours_on(dossier.due_at.date()).day_length
        lead = day * rules.apology_lead_working_days
        if lead <= left <= lead + day:
            yield dossier


def online_awaiting_response(
    *, now: dt.datetime, agencies: QuerySet[Agency] | None = None
) -> list[tuple[Dossier, dt.datetime, bool]]:
    """Online dossiers nobody has accepted, returned or refused yet, oldest first, each
    with its response deadline and whether that has passed (spec 02 §3; spec 03 §1)."""
    submitted = (
        Dossier.objects.filter(status=DossierStatus.SUBMITTED)
        .select_related("rules", "handling_agency")
        .order_by("submitted_at")
    )
    if agencies is not None:
        submitted = submitted.filter(receiving_agency__in=agencies)
    calendars = CalendarCache()
    rows = []
    for dossier in submitted:
        due = response_due(
            dossier.submitted_at,
            dossier.rules.online_response_hours,
            calendars(dossier.handling_agency),
        )
        rows.append((dossier, due, due < now))
    return rows
