"""What the Decision 766 dashboard shows (issue 9 §8): the province overview, the ranking
of units, the monthly trends, the provincial directive's targets against the figures, and
the overdue and due-soon dossiers of a unit.

Every page is a list of :class:`Section`: a :class:`Table` (the figures, which the page
shows, the Excel export writes and the monthly PDF prints) and, where it helps, a
:class:`Chart` drawn from the same rows by ``static/indices/dashboard.js`` (Chart.js,
docs/decisions/0018); the table stays beside the chart as its accessible text.

The index itself is ``selectors.compute_index``; this module reads its ``IndexReport``
generically, by group and by indicator row, never one indicator by id, so that the
indicators another slice adds appear here as they land. The one exception is the
directive's satisfaction target, which names indicator 5.4.

The directive (UBND tỉnh, văn bản chỉ đạo 18/03/2024, the seed; spec 05 §1, NQ 76/NQ-CP):
satisfaction with the handling of procedures at least 90 %, at least 85 % for land,
construction and investment; no online dossier overdue; every dossier digitised. The
selectors at the end of this module compute each from motcua's own rows.

Queries: each builder runs a fixed number of queries for a unit and a period, whatever
the number of dossiers; the ranking computes the ranked units together
(``compute_indexes``: a fixed number whatever the number of units), the trends one index
per month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.dossiers.choices import Channel, DeadlineState
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.workflow import PAUSED_STATUSES
from motcua.indices.choices import Band, Indicator, PortalGroup
from motcua.indices.explain import explain
from motcua.indices.facts import period_moments
from motcua.indices.permissions import units_readable_by
from motcua.indices.selectors import (
    IndexReport,
    attributed_agencies,
    compute_index,
    compute_indexes,
)
from motcua.office.selectors import dossier_pages, open_queue, queue_rows
from motcua.ratings.choices import Verdict
from motcua.ratings.models import Evaluation
from motcua.workdays.clock import local

# ------------------------------------------------------------------ periods

NOW, MONTH, QUARTER, YEAR = "now", "month", "quarter", "year"
#: the picker's scope: the unit with the units below it, or alone
WITH_SUBTREE, ALONE = "all", "alone"
PERIOD_KINDS = (
    (NOW, gettext_lazy("Now (this year so far)")),
    (MONTH, gettext_lazy("Month")),
    (QUARTER, gettext_lazy("Quarter")),
    (YEAR, gettext_lazy("Year")),
)
#: months the trends look back over
TREND_MONTHS = 12
#: the most dossiers each deadline list shows (the counts are exact)
DEADLINE_ROWS = 100


@dataclass(frozen=True)
class Period:
    """The days a page covers, both included, and how a person calls them."""

    kind: str
    start: dt.date
    end: dt.date
    label: str


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(
        MONTH,
        dt.date(year, month, 1),
        dt.date(year, month, last),
        _("month %(month)02d/%(year)s") % {"month": month, "year": year},
    )


def period_of(
    kind: str, *, year: int, month: int, quarter: int, today: dt.date
) -> Period:
    """The period a picker's values name. "Now" is the index in real time: from 1
    January to today, open dossiers judged at this moment (spec 01 §3 step 5)."""
    if kind == MONTH:
        return month_period(year, month)
    if kind == QUARTER:
        first = 3 * quarter - 2
        last = calendar.monthrange(year, first + 2)[1]
        return Period(
            QUARTER,
            dt.date(year, first, 1),
            dt.date(year, first + 2, last),
            _("quarter %(quarter)s/%(year)s") % {"quarter": quarter, "year": year},
        )
    if kind == YEAR:
        return Period(
            YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31), _("year %s") % year
        )
    return Period(
        NOW,
        dt.date(today.year, 1, 1),
        today,
        _("this year so far"),
    )


def months_ending(end: dt.date, count: int = TREND_MONTHS) -> list[Period]:
    """The ``count`` months up to the one holding ``end``, oldest first."""
    year, month = end.year, end.month
    months: list[Period] = []
    for _step in range(count):
        months.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


# ------------------------------------------------------------------ tables and charts

#: how a column's cells are written: text, a number (an ``int`` as 1.000, a ``Decimal``
#: with two decimals as 10,00), a day (dd/mm/yyyy) or a moment (dd/mm/yyyy hh:mm)
TEXT, NUMBER, DATE, MOMENT = "text", "number", "date", "moment"


@dataclass(frozen=True)
class Link:
    """A cell that leads to a page: the text, and where."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


Cell = str | int | Decimal | dt.date | dt.datetime | Link | None


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """One table of a page, exported as it is shown (``exports.workbook``)."""

    slug: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    #: what the page says when there are no rows
    empty: str = ""
    #: a line under the table (what the rows are, what was left out)
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart of a table's figures, drawn by ``dashboard.js`` from ``spec()``."""

    slug: str
    title: str
    kind: str
    labels: tuple[str, ...]
    #: (label, values) of each series; ``None`` where there is no figure
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    horizontal: bool = False
    stacked: bool = False
    maximum: float | None = None

    @property
    def element_id(self) -> str:
        return f"bieu-do-{self.slug}"

    @property
    def data_id(self) -> str:
        return f"du-lieu-{self.slug}"

    def spec(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "labels": list(self.labels),
            "series": [
                {"label": label, "data": list(values)} for label, values in self.series
            ],
            "horizontal": self.horizontal,
            "stacked": self.stacked,
            "max": self.maximum,
        }


@dataclass(frozen=True)
class Section:
    table: Table
    chart: Chart | None = None
    #: a heading above the section
    heading: str = ""


@dataclass
class Selection:
    """What the picker chose: whose figures, over which days, seen by whom, at what
    moment (open dossiers are judged at ``now`` in the current period)."""

    user: User
    unit: Agency
    subtree: bool
    period: Period
    now: dt.datetime
    #: the indicator the explanation page lists the items of
    indicator: str = ""

    @cached_property
    def report(self) -> IndexReport:
        """The chosen unit's index for the period, computed once per request."""
        return self.index()

    def address(
        self,
        unit: Agency,
        *,
        page: str = "dashboard",
        subtree: bool = True,
        **extra: str,
    ) -> str:
        """The address of ``page`` for ``unit`` (with its subtree unless not) over the
        same period, with ``extra`` parameters."""
        start = self.period.start
        query = {
            "unit": unit.identifier,
            "scope": WITH_SUBTREE if subtree else ALONE,
            "period": self.period.kind,
            "year": start.year,
            "month": start.month,
            "quarter": (start.month - 1) // 3 + 1,
            **extra,
        }
        return f"{reverse(f'indices:{page}')}?{urlencode(query)}"

    def explained(self, indicator: str) -> str:
        """The address of the items behind ``indicator`` for the chosen unit."""
        return self.address(
            self.unit, page="explain", subtree=self.subtree, indicator=indicator
        )

    def index(self) -> IndexReport:
        """The index of the chosen unit, as chosen, for the period."""
        return compute_index(
            unit=self.unit,
            subtree=self.subtree,
            start=self.period.start,
            end=self.period.end,
            now=self.now,
        )

    def indexes(self, units: Sequence[Agency]) -> list[IndexReport]:
        """The index of each of ``units`` with its subtree for the period, computed
        together (``compute_indexes``)."""
        return list(
            compute_indexes(
                units,
                subtree=True,
                start=self.period.start,
                end=self.period.end,
                now=self.now,
            ).values()
        )


def _float(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def group_label(group: int) -> str:
    return str(PortalGroup(group).label) if group in PortalGroup.values else str(group)


def indicator_label(indicator: str) -> str:
    return (
        str(Indicator(indicator).label) if indicator in Indicator.values else indicator
    )


def band_label(band: str | None) -> str:
    if band is None:
        return _("no band")
    return str(Band(band).label) if band in Band.values else band


def _share(points: Decimal, maximum: Decimal | None) -> Decimal | None:
    if not maximum:
        return None
    return (points * 100 / maximum).quantize(Decimal("0.01"))


# ------------------------------------------------------------------ the overview


def overview(
    report: IndexReport, explained: Callable[[str], str] | None = None
) -> list[Section]:
    """The total against 100, each group against its maximum, and every indicator's
    numerator, denominator, ratio and points, in the report's order of groups."""
    groups = sorted(report.groups)
    group_table = Table(
        slug="nhom",
        caption=_("The six groups against their maxima"),
        columns=(
            Column(_("Index group")),
            Column(_("Points"), NUMBER),
            Column(_("Maximum points"), NUMBER),
            Column(_("Share of the maximum (%)"), NUMBER),
        ),
        rows=(
            *(
                (
                    f"{group}. {group_label(group)}",
                    report.groups[group],
                    report.group_max.get(group),
                    _share(report.groups[group], report.group_max.get(group)),
                )
                for group in groups
            ),
            (
                _("Total points"),
                report.total,
                sum(report.group_max.values(), Decimal("0.00")),
                _share(report.total, sum(report.group_max.values(), Decimal(0))),
            ),
        ),
    )
    chart = Chart(
        slug="nhom",
        title=_("Points of each group against its maximum"),
        kind="bar",
        labels=tuple(group_label(group) for group in groups),
        series=(
            (_("Points"), tuple(_float(report.groups[g]) for g in groups)),
            (
                _("Maximum points"),
                tuple(_float(report.group_max.get(g)) for g in groups),
            ),
        ),
        horizontal=True,
    )
    return [Section(group_table, chart), Section(indicator_table(report, explained))]


def _note(score: Any) -> str:
    if score.no_data:
        return _("No data yet")
    if score.indicator == Indicator.AVERAGE_TIME and score.value is not None:
        # a mean, not a ratio (the table leaves its ratio empty)
        return _("Mean: %(days)s working days") % {
            "days": number_format(score.value, 2)
        }
    if score.points is None:
        return _("Not scored")
    return ""


def indicator_table(
    report: IndexReport, explained: Callable[[str], str] | None = None
) -> Table:
    """Every indicator's figures; with ``explained`` (an indicator's address of the
    items behind it), each indicator leads to them."""
    scores = sorted(
        report.scores.values(), key=lambda s: (s.group, _indicator_key(s.indicator))
    )
    return Table(
        slug="chi-so",
        caption=_("Every indicator"),
        columns=(
            Column(_("Indicator")),
            Column(_("Indicator name")),
            Column(_("Index group")),
            Column(_("Numerator"), NUMBER),
            Column(_("Denominator"), NUMBER),
            Column(_("Ratio (%)"), NUMBER),
            Column(_("Points"), NUMBER),
            Column(_("Maximum points"), NUMBER),
            Column(_("Note")),
        ),
        rows=tuple(
            (
                score.indicator
                if explained is None
                else Link(score.indicator, explained(score.indicator)),
                indicator_label(score.indicator),
                str(score.group),
                score.numerator,
                score.denominator,
                None if score.indicator == Indicator.AVERAGE_TIME else score.ratio,
                score.points,
                score.max_points,
                _note(score),
            )
            for score in scores
        ),
        note=_(
            "“No data yet”: motcua does not record what the indicator reads yet; it is "
            "scored as the national portal scores an empty denominator."
        ),
    )


def _indicator_key(indicator: str) -> tuple[int, str]:
    """ "4.10" after "4.9", "4.5a" after "4.5", "4.x" last in its group."""
    _group, _dot, rest = indicator.partition(".")
    digits = "".join(c for c in rest if c.isdigit())
    return (int(digits) if digits else 999, rest)


# ------------------------------------------------------------------ the ranking


def ranking(selection: Selection) -> list[Section]:
    """The units directly below the chosen one, each with its whole subtree, ranked by
    total (equal totals share a rank), each a link to its own overview; only those the
    reader may read (``permissions.units_readable_by``)."""
    children = list(
        units_readable_by(selection.user)
        .filter(parent=selection.unit)
        .active_on(selection.period.end)
        .order_by("name")
    )
    reports = selection.indexes(children)
    reports.sort(key=lambda r: (-r.total, r.unit.name))
    groups = sorted(reports[0].groups) if reports else []
    rows: list[tuple[Cell, ...]] = []
    rank = 0
    previous: Decimal | None = None
    for position, report in enumerate(reports, start=1):
        if report.total != previous:
            rank, previous = position, report.total
        rows.append(
            (
                rank,
                Link(report.unit.name, selection.address(report.unit)),
                report.unit.get_level_display(),
                report.total,
                band_label(report.band),
                *(report.groups[g] for g in groups),
            )
        )
    table = Table(
        slug="xep-hang",
        caption=_("Units of %(unit)s ranked by total") % {"unit": selection.unit.name},
        columns=(
            Column(_("Rank"), NUMBER),
            Column(_("Unit")),
            Column(_("Level")),
            Column(_("Total points"), NUMBER),
            Column(_("Band")),
            *(Column(f"{g}. {group_label(g)}", NUMBER) for g in groups),
        ),
        rows=tuple(rows),
        empty=_("No unit below this one that you may read."),
        note=_("Each unit is counted with the units below it."),
    )
    chart = Chart(
        slug="xep-hang",
        title=_("Total of each unit"),
        kind="bar",
        labels=tuple(r.unit.name for r in reports),
        series=((_("Total points"), tuple(_float(r.total) for r in reports)),),
        horizontal=True,
        maximum=100,
    )
    return [Section(table, chart if reports else None)]


# ------------------------------------------------------------------ the trends


def trends(selection: Selection) -> list[Section]:
    """The total and each group's points in each of the twelve months up to the one
    that holds the period's end."""
    months = months_ending(selection.period.end)
    reports = [
        compute_index(
            unit=selection.unit,
            subtree=selection.subtree,
            start=month.start,
            end=month.end,
            now=selection.now,
        )
        for month in months
    ]
    groups = sorted({g for r in reports for g in r.groups})
    labels = tuple(f"{m.start:%m/%Y}" for m in months)
    table = Table(
        slug="xu-huong",
        caption=_("The index month by month"),
        columns=(
            Column(_("Month")),
            Column(_("Total points"), NUMBER),
            Column(_("Band")),
            *(Column(f"{g}. {group_label(g)}", NUMBER) for g in groups),
        ),
        rows=tuple(
            (
                label,
                report.total,
                band_label(report.band),
                *(report.groups.get(g) for g in groups),
            )
            for label, report in zip(labels, reports, strict=True)
        ),
    )
    chart = Chart(
        slug="xu-huong",
        title=_("Points of each group, month by month"),
        kind="bar",
        labels=labels,
        series=tuple(
            (group_label(g), tuple(_float(r.groups.get(g)) for r in reports))
            for g in groups
        ),
        stacked=True,
        maximum=100,
    )
    return [Section(table, chart)]


# ------------------------------------------------------------------ the targets


@dataclass(frozen=True)
class Target:
    """One of the directive's targets and where the unit stands."""

    name: str
    required: str
    #: the percentage the target asks for, ``None`` for a count
    threshold: int | None
    numerator: int | None
    denominator: int | None
    #: the figure: a percentage, or a count for "no overdue online dossier"
    figure: Decimal | int | None
    met: bool | None
    basis: str


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


def _at_least(
    name: str, threshold: int, numerator: int, denominator: int, basis: str
) -> Target:
    figure = _percent(numerator, denominator)
    return Target(
        name=name,
        required=f"≥ {threshold} %" if threshold < 100 else f"{threshold} %",
        threshold=threshold,
        numerator=numerator,
        denominator=denominator,
        figure=figure,
        met=None if figure is None else figure >= threshold,
        basis=basis,
    )


def satisfied_dossiers(
    agencies: set[int],
    start: dt.date,
    end: dt.date,
    *,
    land_construction_investment: bool = False,
) -> tuple[int, int]:
    """``(satisfied, evaluated)``: the dossiers handled by ``agencies`` that their
    applicants rated (a like or a dislike, ``Evaluation.verdict``) in the period, and how
    many of them drew no dislike then. A dossier counts once, however often it was rated,
    as 766 indicator 5.4 counts a dossier with a dislike once (spec 01b §7). With
    ``land_construction_investment``: only procedures of the fields the directive holds
    to 85 % (``Field.is_land_construction_investment``; spec 05 §1). One query."""
    begin, finish = period_moments(start, end)
    rated = Evaluation.objects.filter(
        at__gte=begin, at__lt=finish, dossier__handling_agency_id__in=agencies
    ).exclude(verdict="")
    if land_construction_investment:
        rated = rated.filter(
            dossier__procedure_version__field__is_land_construction_investment=True
        )
    counts = rated.aggregate(
        evaluated=Count("dossier", distinct=True),
        unsatisfied=Count(
            "dossier", distinct=True, filter=Q(verdict=Verdict.UNSATISFIED)
        ),
    )
    return counts["evaluated"] - counts["unsatisfied"], counts["evaluated"]


def overdue_online(agencies: set[int], *, now: dt.datetime) -> int:
    """Online dossiers handled by ``agencies`` still open and past their appointment at
    ``now`` (the directive: "xử lý dứt điểm các hồ sơ trực tuyến quá hạn"), by the one
    overdue rule (``DossierQuerySet.overdue``: a paused dossier counts only if it was
    paused after its appointment, spec 02 §7). One query."""
    return (
        Dossier.objects.filter(handling_agency_id__in=agencies, channel=Channel.ONLINE)
        .overdue(now=now)
        .count()
    )


def digitised_dossiers(
    agencies: set[int], start: dt.date, end: dt.date
) -> tuple[int, int]:
    """``(digitised, received)``: dossiers handled by ``agencies`` received in the period,
    and those of them whose every paper was digitised at reception
    (``DossierComponent.digitised_at``; TT 01/2023/TT-VPCP, the directive's "số hóa 100%
    các hồ sơ"). A dossier with no paper on record has nothing digitised and is not
    counted as digitised. One query."""
    begin, finish = period_moments(start, end)
    papers = DossierComponent.objects.filter(dossier=OuterRef("pk"))
    counts = (
        Dossier.objects.filter(
            handling_agency_id__in=agencies,
            received_at__gte=begin,
            received_at__lt=finish,
        )
        .annotate(
            has_papers=Exists(papers),
            has_undigitised=Exists(papers.filter(digitised_at__isnull=True)),
        )
        .aggregate(
            received=Count("pk"),
            digitised=Count("pk", filter=Q(has_papers=True, has_undigitised=False)),
        )
    )
    return counts["digitised"], counts["received"]


def directive_targets(selection: Selection, report: IndexReport) -> list[Target]:
    """The directive's four targets for the selection, the satisfaction one twice: from
    the applicants' ratings and as indicator 5.4 scores it."""
    agencies = attributed_agencies(selection.unit, subtree=selection.subtree)
    start, end = selection.period.start, selection.period.end
    directive = _("Provincial directive of 18/03/2024; NQ 76/NQ-CP")
    targets = [
        _at_least(
            _("Satisfaction with the handling of procedures (ratings)"),
            90,
            *satisfied_dossiers(agencies, start, end),
            basis=directive,
        )
    ]
    sat = report.scores.get(Indicator.SATISFIED)
    if sat is not None:
        # an empty 5.4 (0/0) scores 0 in the index (spec 01b §4), but gives no
        # satisfaction to hold to 90 %: no data, as the targets from the ratings say
        empty = sat.no_data or not sat.denominator or sat.ratio is None
        targets.append(
            Target(
                name=_(
                    "Satisfaction with the handling of procedures (766 indicator 5.4)"
                ),
                required="≥ 90 %",
                threshold=90,
                numerator=sat.numerator,
                denominator=sat.denominator,
                figure=None if empty else sat.ratio,
                met=None if empty or sat.ratio is None else sat.ratio >= 90,
                basis=_("QĐ 766/QĐ-TTg, indicator 5.4"),
            )
        )
    targets.append(
        _at_least(
            _("Satisfaction in land, construction and investment (ratings)"),
            85,
            *satisfied_dossiers(
                agencies, start, end, land_construction_investment=True
            ),
            basis=directive,
        )
    )
    overdue = overdue_online(agencies, now=selection.now)
    targets.append(
        Target(
            name=_("Online dossiers overdue now"),
            required="0",
            threshold=None,
            numerator=None,
            denominator=None,
            figure=overdue,
            met=overdue == 0,
            basis=directive,
        )
    )
    targets.append(
        _at_least(
            _("Dossiers received with every paper digitised"),
            100,
            *digitised_dossiers(agencies, start, end),
            basis=_("%(directive)s; TT 01/2023/TT-VPCP") % {"directive": directive},
        )
    )
    return targets


def _met(met: bool | None) -> str:
    if met is None:
        return _("No data yet")
    return _("Met") if met else _("Not met")


def targets_table(targets: Sequence[Target]) -> Table:
    return Table(
        slug="muc-tieu",
        caption=_("The directive's targets against the figures"),
        columns=(
            Column(_("Target")),
            Column(_("Required level")),
            Column(_("Figure"), NUMBER),
            Column(_("Numerator"), NUMBER),
            Column(_("Denominator"), NUMBER),
            Column(_("Assessment")),
            Column(_("Basis")),
        ),
        rows=tuple(
            (
                t.name,
                t.required,
                t.figure,
                t.numerator,
                t.denominator,
                _met(t.met),
                t.basis,
            )
            for t in targets
        ),
        note=_(
            "Figures in %, except the overdue online dossiers, a count at this moment. "
            "Ratings: dossiers rated in the period, each once, satisfied unless it drew "
            "a dislike."
        ),
    )


def targets(selection: Selection) -> list[Section]:
    found = directive_targets(selection, selection.report)
    shares = [t for t in found if t.threshold is not None]
    chart = Chart(
        slug="muc-tieu",
        title=_("The targets in % against the figures"),
        kind="bar",
        labels=tuple(t.name for t in shares),
        series=(
            (_("Figure"), tuple(_float(t.figure) for t in shares)),
            (
                _("Required level"),
                tuple(
                    float(t.required.removeprefix("≥ ").rstrip(" %")) for t in shares
                ),
            ),
        ),
        horizontal=True,
        maximum=100,
    )
    return [Section(targets_table(found), chart)]


# ------------------------------------------------------------------ deadlines


def _dossier_rows(rows: Sequence[Any]) -> tuple[tuple[Cell, ...], ...]:
    return tuple(
        (
            Link(r.dossier.code, r.url),
            r.dossier.procedure_version.name,
            r.dossier.applicant_name,
            r.dossier.handling_agency.name,
            r.dossier.get_status_display(),
            local(r.dossier.due_at) if r.dossier.due_at else None,
        )
        for r in rows
    )


def _dossier_columns() -> tuple[Column, ...]:
    return (
        Column(_("Dossier")),
        Column(_("Procedure")),
        Column(_("Applicant")),
        Column(_("Handling agency")),
        Column(_("Status")),
        Column(_("Appointment"), MOMENT),
    )


def deadlines(selection: Selection) -> list[Section]:
    """The open dossiers of the unit (with its subtree if chosen) that the reader may
    see (``office.selectors.open_queue``, through ``dossiers_visible_to``): those past
    their appointment, and those due soon (within the one-stop rules' warning window,
    ``deadlines.classify`` by ``office.selectors.queue_rows``), soonest first, each a link
    to the dossier's page; and the counts per handling agency."""
    agencies = attributed_agencies(selection.unit, subtree=selection.subtree)
    now = selection.now
    visible = open_queue(selection.user).filter(handling_agency_id__in=agencies)
    overdue_all = visible.overdue(now=now)
    overdue_total = overdue_all.count()
    overdue = queue_rows(list(overdue_all[:DEADLINE_ROWS]), now=now)
    running = queue_rows(
        list(
            visible.exclude(status__in=PAUSED_STATUSES).filter(due_at__gte=now)[
                :DEADLINE_ROWS
            ]
        ),
        now=now,
    )
    due_soon = [r for r in running if r.deadline == DeadlineState.DUE_SOON]
    per_agency: dict[str, list[int]] = {}
    for name, count in (
        overdue_all.values_list("handling_agency__name")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        per_agency.setdefault(name, [0, 0])[0] = count
    for row in due_soon:
        per_agency.setdefault(row.dossier.handling_agency.name, [0, 0])[1] += 1
    shown = _("Showing the first %(shown)s of %(total)s.")
    summary = Table(
        slug="theo-don-vi",
        caption=_("Overdue and due-soon dossiers per handling agency"),
        columns=(
            Column(_("Handling agency")),
            Column(_("Overdue"), NUMBER),
            Column(_("Due soon"), NUMBER),
        ),
        rows=tuple(
            (name, counts[0], counts[1]) for name, counts in sorted(per_agency.items())
        ),
        empty=_("No open dossier overdue or due soon."),
        note=_("At this moment, whatever the period chosen."),
    )
    return [
        Section(summary),
        Section(
            Table(
                slug="qua-han",
                caption=_("Overdue dossiers, the longest overdue first"),
                columns=_dossier_columns(),
                rows=_dossier_rows(overdue),
                empty=_("No open dossier is overdue."),
                note=shown % {"shown": len(overdue), "total": overdue_total}
                if overdue_total > len(overdue)
                else "",
            )
        ),
        Section(
            Table(
                slug="sap-den-han",
                caption=_("Dossiers due soon, the soonest first"),
                columns=_dossier_columns(),
                rows=_dossier_rows(due_soon),
                empty=_("No open dossier is due soon."),
            )
        ),
    ]


# ------------------------------------------------------------------ the pages


@dataclass(frozen=True)
class Page:
    """A page of the dashboard: its address name, title and what builds its sections."""

    name: str
    slug: str
    title: Any
    build: Callable[[Selection], list[Section]] = field(compare=False)


def _overview(selection: Selection) -> list[Section]:
    return overview(selection.report, selection.explained)


# ------------------------------------------------------------------ the items behind a figure

_KINDS = {
    "dossier": pgettext_lazy("item of an indicator", "Dossier"),
    "petition": pgettext_lazy("item of an indicator", "Petition"),
    "procedure": pgettext_lazy("item of an indicator", "Procedure"),
    "service": pgettext_lazy("item of an indicator", "Online service"),
    "agency": pgettext_lazy("item of an indicator", "Commune"),
}


def explanation(selection: Selection) -> list[Section]:
    """The items behind ``selection.indicator``'s figure (``explain.explain``): every
    dossier, petition, procedure, service or commune of its denominator, those that
    cost points first, each with whether it is in the numerator and why; a dossier
    leads to its page in the workspace."""
    indicator = selection.indicator
    entries = explain(
        unit=selection.unit,
        subtree=selection.subtree,
        start=selection.period.start,
        end=selection.period.end,
        indicator=indicator,
        now=selection.now,
    )
    score = selection.report.scores.get(indicator)
    dossier_page = dossier_pages()
    # 2.2 is a mean, not a ratio: every dossier it timed counts alike, the longest first
    mean = indicator == Indicator.AVERAGE_TIME
    rows = tuple(
        (
            Link(entry.code, dossier_page(entry.code))
            if entry.kind == "dossier"
            else entry.code,
            str(_KINDS.get(entry.kind, entry.kind)),
            *(() if mean else (_("Yes") if entry.in_numerator else _("No"),)),
            entry.reason,
        )
        for entry in entries
    )
    if mean:
        # the index's own count and mean (maintained, or recomputed: the same figures)
        figures = (
            ""
            if score is None or score.value is None or score.denominator is None
            else ngettext(
                "The mean of %(count)s dossier timed: %(days)s working days.",
                "The mean of %(count)s dossiers timed: %(days)s working days.",
                score.denominator,
            )
            % {
                "count": number_format(score.denominator, force_grouping=True),
                "days": number_format(score.value, 2),
            }
        )
        order = _("The longest are listed first.")
    else:
        figures = (
            ""
            if score is None or score.denominator is None
            else _("%(numerator)s of %(denominator)s counted in the numerator.")
            % {
                "numerator": score.numerator if score.numerator is not None else "—",
                "denominator": score.denominator,
            }
        )
        order = _("Those that cost points are listed first.")
    table = Table(
        slug=f"giai-thich-{slugify(indicator)}",
        caption=_("Indicator %(indicator)s: %(name)s")
        % {"indicator": indicator, "name": indicator_label(indicator)},
        columns=(
            Column(_("Item")),
            Column(_("Kind")),
            *(() if mean else (Column(_("In the numerator")),)),
            Column(_("Why")),
        ),
        rows=rows,
        empty=_("Nothing in this indicator's denominator for the period."),
        note=" ".join(part for part in (figures, order) if part),
    )
    return [Section(table)]


PAGES: tuple[Page, ...] = (
    Page("dashboard", "tong-quan", gettext_lazy("Overview"), _overview),
    Page("ranking", "xep-hang", gettext_lazy("Ranking of units"), ranking),
    Page("trends", "xu-huong", gettext_lazy("Monthly trends"), trends),
    Page("targets", "muc-tieu", gettext_lazy("Targets"), targets),
    Page("deadlines", "han-xu-ly", gettext_lazy("Overdue and due soon"), deadlines),
)
#: reached from an indicator of the overview, not from the pages' navigation
EXPLANATION = Page(
    "explain", "giai-thich", gettext_lazy("Items behind a figure"), explanation
)
PAGES_BY_SLUG = {page.slug: page for page in (*PAGES, EXPLANATION)}
PAGES_BY_NAME = {page.name: page for page in (*PAGES, EXPLANATION)}
