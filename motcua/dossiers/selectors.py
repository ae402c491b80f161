"""Reads of dossiers that pages, the API and the sweeper share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Model, QuerySet
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.core.cache import ReferenceCache, ReferenceRows
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
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.workdays.clock import WorkCalendar
from motcua.workdays.selectors import calendar_for

#: A due-soon window is a few working hours; no such window spans more calendar time than
#: this, so the sweeper only looks at dossiers due within it.
_LOOKAHEAD = dt.timedelta(days=21)

M = TypeVar("M", bound=Model)

#: every row of ``OneStopRules``, latest first; cleared when one changes (``DossiersConfig.ready``)
rule_sets: ReferenceCache[None, tuple[OneStopRules, ...]] = ReferenceCache("rules")


def _rule_sets() -> tuple[OneStopRules, ...]:
    return rule_sets.get(
        None, lambda: tuple(OneStopRules.objects.order_by("-effective_from"))
    )


def rules_on(day: dt.date) -> OneStopRules:
    """The one-stop rules in force on ``day`` (NĐ 61/2018 until 30/6/2025, NĐ 118/2025
    after; spec 02 §0). The rows are few and read by every intake, so the process keeps
    them (:mod:`motcua.core.cache`)."""
    for rules in _rule_sets():
        if rules.effective_from <= day:
            return rules
    raise InvalidInput(
        "no_rules",
        _("No one-stop rules are in force on %(day)s.") % {"day": f"{day:%d/%m/%Y}"},
    )


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
    rules = {r.pk: r for r in _rule_sets()}
    for dossier in dossiers:
        dossier.procedure_version = versions[dossier.procedure_version_id]
        dossier.receiving_agency = agencies[dossier.receiving_agency_id]
        dossier.handling_agency = agencies[dossier.handling_agency_id]
        dossier.rules = rules[dossier.rules_id]


class _ChildRows(Generic[M]):
    """The rows of one of a dossier's child tables, in the model's order, with a few
    columns of the rows they point to (``names``: attribute → path, as for ``F()``).

    The query is compiled once per process and database, then run with the dossier's key
    through ``Model.objects.raw``, which turns rows into instances as the ORM does, with
    the named columns as plain attributes. Compiling a queryset is Django's work on every
    evaluation; on the lookup of one dossier it was half the time (docs/benchmarks.md;
    docs/decisions/0005)."""

    _KEY = -7919  # stands for the dossier's key while compiling

    def __init__(self, model: type[M], **names: str) -> None:
        self.model = model
        self.names = names
        self._compiled: dict[str, tuple[str, list[Any], int]] = {}

    def _query(self, using: str) -> tuple[str, list[Any], int]:
        compiled = self._compiled.get(using)
        if compiled is None:
            queryset = self.model._default_manager.filter(dossier_id=self._KEY)
            if self.names:
                queryset = queryset.annotate(
                    **{name: F(path) for name, path in self.names.items()}
                )
            sql, params = queryset.query.get_compiler(using).as_sql()
            compiled = self._compiled[using] = (
                sql,
                list(params),
                params.index(self._KEY),
            )
        return compiled

    def of(self, dossier: Dossier) -> list[M]:
        using = dossier._state.db or DEFAULT_DB_ALIAS
        sql, params, at = self._query(using)
        params = [*params[:at], dossier.pk, *params[at + 1 :]]
        return list(self.model._default_manager.db_manager(using).raw(sql, params))


_components = _ChildRows(DossierComponent, component_position="required__position")
_steps = _ChildRows(DossierStep, actor_username="actor__username")
_results = _ChildRows(DossierResult)
_events = _ChildRows(
    DossierEvent, agency_identifier="agency__identifier", step_position="step__position"
)


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
    steps = _steps.of(dossier)
    agencies = agency_rows.in_bulk(step.agency_id for step in steps)
    for step in steps:
        step.dossier = dossier  # its deadline is judged with the dossier's pause
        step.agency = agencies[step.agency_id]
    dossier.details = DossierDetails(
        components=_components.of(dossier),
        steps=steps,
        results=_results.of(dossier),
        events=_events.of(dossier),
    )
    return dossier


class CalendarCache:
    """One ``WorkCalendar`` per handling agency for the length of a sweep or a page."""

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
