"""Supervision (issue 10 §6): for the provincial supervisor and the leaders, per unit, the
open dossiers that are overdue or due soon, the dossiers that need an apology now, and the
online dossiers left unanswered past the response window; each count a link to its
dossiers.

Who sees what:

- the provincial supervisor (Văn phòng UBND tỉnh, ``Role.PROVINCIAL_SUPERVISOR``) and
  superusers: every unit;
- a leader (``Role.LEADER``, who answers for the agency's handling, NĐ 61/2018 Điều 8–12)
  each agency they lead on the day, not the units below it (roles do not flow down the
  tree, ``accounts.selectors.has_role``), as the 766 index's ``may_read_index`` rules;
- anyone else: 404, as for a page that is not there (STYLE: "not yours" is "not found").

The dossiers are always those ``dossiers.permissions.dossiers_visible_to`` gives the
reader, narrowed to the units supervised. A dossier belongs to the unit that handles it
(``handling_agency``): the body that answers for its deadline and to which the 766 index
attributes it; an online dossier waiting for an answer too, since the handling body is
known from the submission.

How each list judges (spec 02 §6–7, with the one-stop rules the dossier keeps, NĐ 61/2018
until 30/6/2025, NĐ 118/2025 after; ``dossiers.models.OneStopRules``):

- **overdue**: the clock runs and the appointment has passed; or the dossier is paused
  (waiting for a supplement or a financial obligation) and was paused after its
  appointment: late already when the clock stopped (``deadlines.classify``). A dossier
  paused in time is not overdue while it waits: the applicant's time does not count (spec
  02 §7) and its appointment moves when it resumes (``deadlines.extend_for_pause``);
- **due soon**: the clock runs, the appointment has not passed and no more than the rules'
  warning window of working hours is left (``deadlines.is_due_soon``, asked of the
  database through ``deadlines.due_soon_until``). A paused dossier is not counting down,
  so it is not due soon;
- **apology now**: the clock runs, the appointment has not been re-set as often as the rules
  allow, and today is the last working day on which the apology (Mẫu 04) may still be sent
  (``deadlines.apology_window(...).is_last_day``; NĐ 61/2018 Điều 17), the list the
  sweeper's ``dossiers.selectors.dossiers_needing_apology`` also gives;
- **online, unanswered**: submitted online, neither accepted, returned for completion nor
  refused, and the rules' response window (``OneStopRules.online_response_hours``, working
  hours, UNCONFIRMED at 8; NĐ 45/2020 Điều 11) has run out (``deadlines.response_due``).
  Closed and finished dossiers are in none of the lists.

Overdue, due soon and unanswered are the rules of ``dossiers`` every list asks the database
(``models.overdue_condition``, ``selectors.due_soon_condition``,
``selectors.awaiting_online_answer``): their counts for every unit come from one grouped
query. The apology list is judged in Python over one query, bounded by what can qualify.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.dossiers.choices import Channel
from motcua.dossiers.deadlines import apology_window, response_due
from motcua.dossiers.models import Dossier, DossierQuerySet, overdue_condition
from motcua.dossiers.permissions import dossiers_visible_to
from motcua.dossiers.selectors import (
    RulePair,
    agency_rows,
    all_rule_sets,
    answer_late_condition,
    attach_reference_rows,
    awaiting_online_answer,
    due_soon_condition,
    rule_pairs,
    rules_on,
)
from motcua.dossiers.workflow import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    DossierStatus,
)
from motcua.indices.permissions import readable_unit_ids
from motcua.office.selectors import QueueRow, queue_rows
from motcua.office.views import OfficerRequiredMixin
from motcua.workdays.selectors import calendar_for

#: the URL name of the Decision 766 dashboard (issue 9), linked once it is routed
DASHBOARD_URL_NAME = "indices:dashboard"
#: the query parameter naming one unit by its electronic identifier
UNIT_PARAMETER = "don-vi"


class Kind:
    """The four lists, by the slug of their address."""

    OVERDUE = "qua-han"
    DUE_SOON = "sap-den-han"
    APOLOGY = "can-xin-loi"
    UNANSWERED = "truc-tuyen-chua-tra-loi"

    ALL = (OVERDUE, DUE_SOON, APOLOGY, UNANSWERED)
    LABELS = {
        OVERDUE: _("Overdue"),
        DUE_SOON: _("Due soon"),
        APOLOGY: _("Apology due now"),
        UNANSWERED: _("Online, unanswered past the response window"),
    }


# ------------------------------------------------------------------ who supervises what


@dataclass(frozen=True)
class Scope:
    """What ``user`` supervises: every unit (``units`` is ``None``) or the agencies they
    lead (module docstring)."""

    user: User
    units: frozenset[int] | None

    @property
    def is_everything(self) -> bool:
        return self.units is None


def supervision_scope(user: User, *, on: dt.date | None = None) -> Scope | None:
    """The units ``user`` supervises on ``on`` (today by default), or ``None``: they may
    not see these pages. Those whose 766 index they may read, the one rule
    (``indices.permissions.readable_unit_ids``): one query, none for a superuser."""
    units = readable_unit_ids(user, on=on)
    if units is not None and not units:
        return None
    return Scope(user=user, units=units)


def supervised_dossiers(scope: Scope, *, on: dt.date | None = None) -> DossierQuerySet:
    """The dossiers of the units of ``scope`` that the reader may see (the chokepoint)."""
    visible: DossierQuerySet = dossiers_visible_to(scope.user, on=on)  # type: ignore[assignment]
    if scope.units is None:
        return visible
    return visible.filter(handling_agency__in=scope.units)


def _units_of(scope: Scope) -> list[Agency]:
    """The agencies of ``scope``: those it names, or every agency (one query of keys, the
    rows from the process's cache)."""
    if scope.units is not None:
        ids: Iterable[int] = scope.units
    else:
        ids = Agency.objects.order_by().values_list("pk", flat=True)
    return sorted(agency_rows.in_bulk(ids).values(), key=lambda a: a.identifier)


# ------------------------------------------------------------------ the rules as filters


def _pairs(units: Sequence[Agency]) -> list[RulePair]:
    """Every unit with every rule set: the pairs the supervised dossiers may hold, known
    without a query (``dossiers.selectors.due_soon_condition``)."""
    return list(product(units, all_rule_sets()))


def _list_order(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The soonest due first, as the queue (``office.selectors.open_queue``)."""
    return dossiers.order_by(F("due_at").asc(nulls_last=True), "-pk")


def _apology_bound(units: Sequence[Agency], now: dt.datetime) -> dt.datetime:
    """No dossier due later than this can be on its last day for an apology: the rules'
    longest lead plus one working day is at most that many working days plus one."""
    lead = max((r.apology_lead_working_days for r in all_rule_sets()), default=1)
    calendars = {id(c): c for c in (calendar_for(a) for a in units)}
    return max(
        (c.add_working_days(now, lead + 2) for c in calendars.values()),
        default=now,
    )


def needing_apology(
    dossiers: DossierQuerySet, units: Sequence[Agency], *, now: dt.datetime
) -> list[Dossier]:
    """Of ``dossiers``, those on the last working day an apology may still be made, the
    soonest due first: one query, the rule applied to each in Python."""
    candidates = list(
        _list_order(
            dossiers.filter(
                status__in=RUNNING_STATUSES,
                due_at__gt=now,
                due_at__lte=_apology_bound(units, now),
                reschedules__lt=F("rules__max_reschedules"),
            ).with_assignee_username()
        )
    )
    attach_reference_rows(candidates)
    found = []
    for dossier in candidates:
        assert dossier.due_at is not None  # noqa: S101 - filtered above
        window = apology_window(
            now=now,
            due_at=dossier.due_at,
            rules=dossier.rules,
            calendar=calendar_for(dossier.handling_agency),
        )
        if window.is_last_day:
            found.append(dossier)
    return found


def unanswered_online(
    dossiers: DossierQuerySet, *, now: dt.datetime
) -> DossierQuerySet:
    """Of ``dossiers``, the online ones nobody has answered past the response window, the
    longest waiting first (``dossiers.selectors.awaiting_online_answer``, in SQL; the
    bounds only for the pairs of agency and rules the waiting ones hold, each a walk of
    the calendar, rather than for every unit)."""
    return awaiting_online_answer(dossiers, late_at=now)


# ------------------------------------------------------------------ the summary


@dataclass(frozen=True)
class UnitCounts:
    """One unit's line of the summary."""

    unit: Agency
    overdue: int = 0
    due_soon: int = 0
    apology: int = 0
    unanswered: int = 0

    def count(self, kind: str) -> int:
        return {
            Kind.OVERDUE: self.overdue,
            Kind.DUE_SOON: self.due_soon,
            Kind.APOLOGY: self.apology,
            Kind.UNANSWERED: self.unanswered,
        }[kind]

    @property
    def anything(self) -> bool:
        return bool(self.overdue or self.due_soon or self.apology or self.unanswered)


def unit_counts(scope: Scope, *, now: dt.datetime) -> list[UnitCounts]:
    """Every unit of ``scope`` with its four counts: a leader's agencies all, the
    supervisor's those with anything to count. The units with the most overdue first."""
    units = _units_of(scope)
    dossiers = supervised_dossiers(scope, on=timezone.localdate(now))
    waiting = Q(status=DossierStatus.SUBMITTED, channel=Channel.ONLINE)
    answer_late = answer_late_condition(now, rule_pairs(dossiers.filter(waiting)))
    grouped = (
        dossiers.filter(Q(status__in=OPEN_STATUSES) | waiting)
        .values("handling_agency_id")
        .order_by()
        .annotate(
            overdue=Count("pk", filter=overdue_condition(now)),
            due_soon=Count("pk", filter=due_soon_condition(now, _pairs(units))),
            unanswered=Count("pk", filter=waiting & answer_late),
        )
    )
    late: dict[int, tuple[int, int, int]] = {
        row["handling_agency_id"]: (row["overdue"], row["due_soon"], row["unanswered"])
        for row in grouped
    }
    apologies = Counter(
        d.handling_agency_id for d in needing_apology(dossiers, units, now=now)
    )
    by_pk = {unit.pk: unit for unit in units}
    # a unit outside the tree's current rows (none today) still gets its line
    missing = (set(late) | set(apologies)) - set(by_pk)
    by_pk.update(agency_rows.in_bulk(missing))
    lines = [
        UnitCounts(
            unit=unit,
            overdue=late.get(pk, (0, 0, 0))[0],
            due_soon=late.get(pk, (0, 0, 0))[1],
            apology=apologies.get(pk, 0),
            unanswered=late.get(pk, (0, 0, 0))[2],
        )
        for pk, unit in by_pk.items()
    ]
    if scope.is_everything:
        lines = [line for line in lines if line.anything]
    lines.sort(key=lambda c: (-c.overdue, -c.due_soon, c.unit.identifier))
    return lines


# ------------------------------------------------------------------ the lists


@dataclass(frozen=True)
class SupervisedRow:
    """A dossier of a supervision list: the queue's row (its deadline judged), and for an
    online dossier left unanswered, when the answer was due."""

    item: QueueRow
    answer_due: dt.datetime | None = None

    @property
    def dossier(self) -> Dossier:
        return self.item.dossier


def supervised_list(
    scope: Scope, kind: str, *, now: dt.datetime, unit: Agency | None = None
) -> QuerySet[Dossier] | list[Dossier]:
    """The dossiers of one list (``Kind``), of one ``unit`` or all of ``scope``'s, the
    soonest due first: a queryset for the three the database judges, a list for the
    apologies, judged in Python."""
    dossiers = supervised_dossiers(scope, on=timezone.localdate(now))
    units = [unit] if unit is not None else _units_of(scope)
    if unit is not None:
        dossiers = dossiers.filter(handling_agency=unit)
    if kind == Kind.OVERDUE:
        return _list_order(dossiers.overdue(now=now).with_assignee_username())
    if kind == Kind.DUE_SOON:
        return _list_order(
            dossiers.filter(
                due_soon_condition(now, _pairs(units))
            ).with_assignee_username()
        )
    if kind == Kind.APOLOGY:
        return needing_apology(dossiers, units, now=now)
    if kind == Kind.UNANSWERED:
        return unanswered_online(dossiers, now=now)
    raise Http404


def page_rows(
    dossiers: Sequence[Dossier], *, now: dt.datetime, kind: str = ""
) -> list[SupervisedRow]:
    """The rows of one page; for the unanswered list, each with the moment its answer was
    due (``deadlines.response_due``, on the handling agency's calendar)."""
    rows = queue_rows(dossiers, now=now)
    if kind != Kind.UNANSWERED:
        return [SupervisedRow(item=item) for item in rows]
    return [
        SupervisedRow(
            item=item,
            answer_due=response_due(
                item.dossier.submitted_at,
                item.dossier.rules.online_response_hours,
                calendar_for(item.dossier.handling_agency),
            ),
        )
        for item in rows
    ]


def dashboard_url() -> str:
    """The 766 dashboard's address once it is routed (another part of issue 10), else
    empty: the pages link it only when it exists."""
    try:
        return reverse(DASHBOARD_URL_NAME)
    except NoReverseMatch:
        return ""


# ------------------------------------------------------------------ the pages


class SupervisionMixin(OfficerRequiredMixin):
    """Only a supervisor or a leader passes; any other officer gets 404."""

    #: the moment the pages judge at (tests set it; the wall clock otherwise)
    clock = staticmethod(timezone.now)
    request: HttpRequest

    def supervision(self) -> Scope:
        self.now = self.clock()
        scope = supervision_scope(
            self.request.user,  # type: ignore[arg-type]
            on=timezone.localdate(self.now),
        )
        if scope is None:
            raise Http404
        return scope

    def common_context(self) -> dict[str, Any]:
        return {
            "dashboard_url": dashboard_url(),
            "now": self.now,
            "rules": rules_on(timezone.localdate(self.now)),
            "kinds": [(k, Kind.LABELS[k]) for k in Kind.ALL],
        }


class SupervisionView(SupervisionMixin, TemplateView):
    """Per unit, the four counts, each a link to its list."""

    template_name = "office/supervision/summary.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        scope = self.supervision()
        context = super().get_context_data(**kwargs)
        lines = unit_counts(scope, now=self.now)
        context.update(self.common_context())
        context["scope"] = scope
        context["lines"] = [
            (line, [(k, Kind.LABELS[k], line.count(k)) for k in Kind.ALL])
            for line in lines
        ]
        context["totals"] = [
            (k, Kind.LABELS[k], sum(line.count(k) for line in lines)) for k in Kind.ALL
        ]
        context["unit_parameter"] = UNIT_PARAMETER
        return context


class SupervisionListView(SupervisionMixin, TemplateView):
    """One list of dossiers, of one unit (``?don-vi=<identifier>``) or of all the
    reader's, the soonest due first, paginated. An unknown list or a unit the reader does
    not supervise is 404."""

    template_name = "office/supervision/list.html"
    paginate_by = 25

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs["kind"] not in Kind.ALL:
            raise Http404
        return super().get(request, *args, **kwargs)

    def _unit(self, scope: Scope) -> Agency | None:
        identifier = self.request.GET.get(UNIT_PARAMETER, "")
        if not identifier:
            return None
        unit = Agency.objects.filter(identifier=identifier).first()
        if unit is None or (scope.units is not None and unit.pk not in scope.units):
            raise Http404
        return unit

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        scope = self.supervision()
        kind = str(kwargs["kind"])
        unit = self._unit(scope)
        context = super().get_context_data(**kwargs)
        objects = supervised_list(scope, kind, now=self.now, unit=unit)
        page = Paginator(objects, self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context.update(self.common_context())
        context.update(
            kind=kind,
            label=Kind.LABELS[kind],
            unit=unit,
            page_obj=page,
            total=page.paginator.count,
            rows=page_rows(list(page.object_list), now=self.now, kind=kind),
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context
