"""What ``motcua index`` and ``GET /api/index/`` share: reading the unit and the period
they are asked for, and the JSON of the figures they answer (issue 9, item 9: "the same
figures" from the command line and the API).

A period is a year (``2024``), a month (``2024-03``), a quarter (``2024-Q1``), ``now`` (the
year to date, open dossiers judged at this moment: the portal's real-time view,
docs/decisions/0016), or a range of days ``dd/mm/yyyy`` to ``dd/mm/yyyy``, both included,
in Asia/Ho_Chi_Minh; its years are those the working-day calendar covers
(docs/decisions/0006). A cut narrows the dossiers to a procedure (its code), a field (its
code) or an officer (a username; the dossier's assignee, docs/decisions/0016). Each caller names the inputs
its own way (the command ``--period``, the API ``period``: ``Spelling``), and a refusal
(``QueryError``) names the input in the caller's spelling, so that the command's message
and the API's ``details`` point at what the user typed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.indices.choices import Indicator
from motcua.indices.loader import EVERYTHING, Scope
from motcua.indices.selectors import (
    Figures,
    IndexReport,
    PointsComparison,
    PortalComparison,
    Rank,
)
from motcua.procedures.models import Field, Procedure
from motcua.workdays.clock import VN_TZ

#: the patterns of a period and of a day, as the OpenAPI schema publishes them
PERIOD_PATTERN = r"^(\d{4}(-\d{2}|-[Qq][1-4])?|now)$"
DAY_PATTERN = r"^\d{2}/\d{2}/\d{4}$"

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
#: the years a period may name: those the working-day calendar covers (docs/decisions/0006)
FIRST_YEAR, LAST_YEAR = 1995, 2100


@dataclass(frozen=True)
class Spelling:
    """How a caller names its inputs."""

    unit: str
    period: str
    start: str
    end: str
    procedure: str = "procedure"
    field: str = "field"
    officer: str = "officer"
    indicator: str = "indicator"


#: ``motcua index``'s options
OPTIONS = Spelling(
    unit="--unit",
    period="--period",
    start="--from",
    end="--to",
    procedure="--procedure",
    field="--field",
    officer="--officer",
    indicator="--indicator",
)
#: ``GET /api/index/``'s query parameters
QUERY = Spelling(unit="unit", period="period", start="from", end="to")
#: the period that means "the year to date, judged now"
NOW = "now"


class QueryError(ValueError):
    """An input the index cannot be computed from: ``parameter`` names it (in the caller's
    spelling), ``message`` says why, for a person."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


def _year(parameter: str, raw: str, value: str) -> int:
    year = int(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise QueryError(
            parameter,
            _("%(value)r is outside the years %(first)s–%(last)s.")
            % {"value": raw, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return year


def today() -> dt.date:
    """Today in Asia/Ho_Chi_Minh."""
    return timezone.now().astimezone(VN_TZ).date()


def parse_period(raw: str, *, spelling: Spelling = OPTIONS) -> tuple[dt.date, dt.date]:
    """``2024`` (a year), ``2024-03`` (a month), ``2024-Q1`` (a quarter) or ``now`` (from
    the 1st of January to today) as its first and last day."""
    name = spelling.period
    if raw.strip().lower() == NOW:
        day = today()
        return dt.date(day.year, 1, 1), day
    if match := _YEAR.match(raw):
        year = _year(name, raw, match[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if match := _MONTH.match(raw):
        year, month = _year(name, raw, match[1]), int(match[2])
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
    elif match := _QUARTER.match(raw):
        year, quarter = _year(name, raw, match[1]), int(match[2])
        first_month = 3 * quarter - 2
        last = calendar.monthrange(year, first_month + 2)[1]
        return dt.date(year, first_month, 1), dt.date(year, first_month + 2, last)
    raise QueryError(
        name,
        _(
            "%(value)r is not a period; write a year (2024), a month (2024-03), a "
            "quarter (2024-Q1) or now."
        )
        % {"value": raw},
    )


def parse_day(parameter: str, raw: str) -> dt.date:
    """A day written ``dd/mm/yyyy``."""
    try:
        day = dt.datetime.strptime(raw, "%d/%m/%Y").replace(tzinfo=VN_TZ).date()
    except ValueError:
        raise QueryError(
            parameter,
            _("%(value)r is not a date; write dd/mm/yyyy, e.g. 03/11/2025.")
            % {"value": raw},
        ) from None
    _year(parameter, raw, str(day.year))
    return day


def resolve_period(
    *, period: str | None, start: str | None, end: str | None, spelling: Spelling
) -> tuple[dt.date, dt.date]:
    """The first and last day asked for: a period, or both ends of a range (never both
    ways at once), the range's end not before its start, its start not after today (a
    period not begun has nothing to measure: its figures would be the zero-denominator
    policies' alone; the dashboard refuses it too, ``forms.DashboardForm``)."""
    first, last = _asked_period(period=period, start=start, end=end, spelling=spelling)
    day = today()
    if first > day:
        raise QueryError(
            spelling.period if period is not None else spelling.start,
            _(
                "the period has not begun: it starts on %(start)s, after today %(today)s."
            )
            % {"start": f"{first:%d/%m/%Y}", "today": f"{day:%d/%m/%Y}"},
        )
    return first, last


def _asked_period(
    *, period: str | None, start: str | None, end: str | None, spelling: Spelling
) -> tuple[dt.date, dt.date]:
    if period is not None:
        if start is not None or end is not None:
            raise QueryError(
                spelling.period,
                _("give either %(period)s or %(start)s and %(end)s, not both.")
                % {
                    "period": spelling.period,
                    "start": spelling.start,
                    "end": spelling.end,
                },
            )
        return parse_period(period, spelling=spelling)
    if start is None or end is None:
        raise QueryError(
            spelling.period,
            _("give a period (2024-Q1), or both %(start)s and %(end)s.")
            % {"start": spelling.start, "end": spelling.end},
        )
    first, last = parse_day(spelling.start, start), parse_day(spelling.end, end)
    if last < first:
        raise QueryError(
            spelling.end,
            _("%(end)s is before %(option)s %(start)s.")
            % {
                "end": f"{last:%d/%m/%Y}",
                "option": spelling.start,
                "start": f"{first:%d/%m/%Y}",
            },
        )
    return first, last


def find_unit(identifier: str, *, spelling: Spelling) -> Agency:
    """The agency with this QCVN 102:2016 identifier. One query."""
    unit = Agency.objects.filter(identifier=identifier).first()
    if unit is None:
        raise QueryError(
            spelling.unit,
            _("no agency has the identifier %(value)r.") % {"value": identifier},
        )
    return unit


def find_scope(
    *,
    procedure: str | None,
    field: str | None,
    officer: str | None,
    spelling: Spelling,
) -> Scope:
    """The cut asked for: a procedure by its code (1.004873), a field by its code, an
    officer by username. At most three queries."""
    if procedure is None and field is None and officer is None:
        return EVERYTHING
    procedure_id = field_id = officer_id = None
    if procedure is not None:
        procedure_id = (
            Procedure.objects.filter(code=procedure)
            .values_list("pk", flat=True)
            .first()
        )
        if procedure_id is None:
            raise QueryError(
                spelling.procedure,
                _("no procedure has the code %(value)r.") % {"value": procedure},
            )
    if field is not None:
        field_id = Field.objects.filter(code=field).values_list("pk", flat=True).first()
        if field_id is None:
            raise QueryError(
                spelling.field,
                _("no field has the code %(value)r.") % {"value": field},
            )
    if officer is not None:
        officer_id = (
            User.objects.filter(username=officer).values_list("pk", flat=True).first()
        )
        if officer_id is None:
            raise QueryError(
                spelling.officer,
                _("no officer has the username %(value)r.") % {"value": officer},
            )
    return Scope(procedure=procedure_id, field=field_id, officer=officer_id)


def check_indicator(raw: str, *, spelling: Spelling) -> str:
    """An indicator id the index knows ("2.1", "4.5b")."""
    if raw not in Indicator.values:
        raise QueryError(
            spelling.indicator,
            _("%(value)r is not an indicator; the indicators are %(known)s.")
            % {"value": raw, "known": ", ".join(Indicator.values)},
        )
    return raw


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def as_json(
    report: IndexReport,
    *,
    cut: dict[str, str | None] | None = None,
    rank: Rank | None = None,
) -> dict[str, Any]:
    """The report as ``motcua index --json`` prints it and the API answers it: under
    ``indicators`` each indicator by id ("2.1") with its group, numerator, denominator,
    ratio (%), points, maximum, a displayed value (2.2's mean working days) and whether
    motcua has data for it; each group's points and maximum; the total, the rating band
    and whether the bands are provisional; the cut (procedure, field, officer, as asked)
    and, when computed, the rank among sibling units."""
    asked = cut or {}
    return {
        "unit": report.unit.identifier,
        "subtree": report.subtree,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "judged_at": report.judged_at.astimezone(VN_TZ).isoformat(),
        "maintained": report.maintained,
        "pending": report.pending,
        "procedure": asked.get("procedure"),
        "field": asked.get("field"),
        "officer": asked.get("officer"),
        "indicators": {
            indicator: {
                "group": score.group,
                "numerator": score.numerator,
                "denominator": score.denominator,
                "ratio": _number(score.ratio),
                "points": _number(score.points),
                "max_points": _number(score.max_points),
                "value": _number(score.value),
                "no_data": score.no_data,
            }
            for indicator, score in report.scores.items()
        },
        "groups": {
            str(group): {
                "points": _number(points),
                "max_points": _number(report.group_max.get(group)),
            }
            for group, points in sorted(report.groups.items())
        },
        "total": _number(report.total),
        "band": report.band,
        "band_provisional": report.provisional_band,
        "rank": None if rank is None else {"rank": rank.rank, "of": rank.of},
    }


def _figures(figures: Figures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        "numerator": figures.numerator,
        "denominator": figures.denominator,
        "ratio": _number(figures.ratio),
        "points": _number(figures.points),
    }


def _points_json(points: PointsComparison) -> dict[str, Any]:
    return {
        "portal": _number(points.portal),
        "motcua": _number(points.motcua),
        "difference": _number(points.difference),
        "differs": points.differs,
    }


def comparison_as_json(comparison: PortalComparison) -> dict[str, Any]:
    """What ``GET /api/index/portal-comparison/`` answers: each indicator's figures on
    the portal and in motcua, their difference (motcua − portal) and whether it is
    flagged; the same for each group's points and the total; the indicators flagged."""
    report = comparison.report
    return {
        "unit": report.unit.identifier,
        "subtree": report.subtree,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "tolerance": _number(comparison.tolerance),
        "imported_at": comparison.figures.imported_at.isoformat(),
        "source": comparison.figures.source,
        "indicators": {
            indicator: {
                "group": row.group,
                "portal": _figures(row.portal),
                "motcua": _figures(row.motcua),
                "motcua_has_data": row.motcua_has_data,
                "difference": _figures(row.difference),
                "comparable": row.comparable,
                "differs": row.differs,
            }
            for indicator, row in comparison.indicators.items()
        },
        "groups": {
            str(group): _points_json(points)
            for group, points in comparison.groups.items()
        },
        "total": _points_json(comparison.total),
        "differing": comparison.differing,
    }
