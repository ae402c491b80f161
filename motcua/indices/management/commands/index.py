"""``motcua index``: the Decision 766 index of a unit for a period.

``motcua index --unit IDENTIFIER --period 2024-Q1 [--subtree] [--json]``
    The period is a quarter (``2024-Q1``), a month (``2024-03``), a year (``2024``), or
    ``--from dd/mm/yyyy --to dd/mm/yyyy`` (both days included). ``--subtree`` counts the
    unit's whole subtree. ``--json`` prints, under ``indicators``, each indicator by id
    ("2.1") with its group, numerator, denominator, ratio (%), points and maximum, then
    each group's points, the total and the rating band.

Bad input (an unknown unit, a malformed period, definitions that do not add up) exits
with code 2 and a message naming the argument; values are parsed here rather than by
argparse so that the exit code and message are the same from the shell and from
``call_command``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.indices.choices import Band, Indicator, PortalGroup
from motcua.indices.selectors import IndexReport, compute_index
from motcua.indices.services import DefinitionError, points_text
from motcua.workdays.clock import VN_TZ

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
#: the years a period may name: those the working-day calendar covers (docs/decisions/0006)
_FIRST_YEAR, _LAST_YEAR = 1995, 2100


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _year(option: str, raw: str, value: str) -> int:
    year = int(value)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise _fail(
            _("%(option)s: %(value)r is outside the years %(first)s–%(last)s.")
            % {"option": option, "value": raw, "first": _FIRST_YEAR, "last": _LAST_YEAR}
        )
    return year


def parse_period(raw: str) -> tuple[dt.date, dt.date]:
    """``2024`` (a year), ``2024-03`` (a month) or ``2024-Q1`` (a quarter) as its first
    and last day."""
    if match := _YEAR.match(raw):
        year = _year("--period", raw, match[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if match := _MONTH.match(raw):
        year, month = _year("--period", raw, match[1]), int(match[2])
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
    elif match := _QUARTER.match(raw):
        year, quarter = _year("--period", raw, match[1]), int(match[2])
        first_month = 3 * quarter - 2
        last = calendar.monthrange(year, first_month + 2)[1]
        return dt.date(year, first_month, 1), dt.date(year, first_month + 2, last)
    raise _fail(
        _(
            "--period: %(value)r is not a period; write a year (2024), a month (2024-03) "
            "or a quarter (2024-Q1)."
        )
        % {"value": raw}
    )


def _parse_day(option: str, raw: str) -> dt.date:
    try:
        day = dt.datetime.strptime(raw, "%d/%m/%Y").replace(tzinfo=VN_TZ).date()
    except ValueError:
        raise _fail(
            _("%(option)s: %(value)r is not a date; write dd/mm/yyyy, e.g. 03/11/2025.")
            % {"option": option, "value": raw}
        ) from None
    _year(option, raw, str(day.year))
    return day


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def as_json(report: IndexReport) -> dict[str, Any]:
    """The report as the command prints it."""
    return {
        "unit": report.unit.identifier,
        "subtree": report.subtree,
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "indicators": {
            indicator: {
                "group": score.group,
                "numerator": score.numerator,
                "denominator": score.denominator,
                "ratio": _number(score.ratio),
                "points": _number(score.points),
                "max_points": _number(score.max_points),
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
    }


class Command(BaseCommand):
    help = "Print the Decision 766 quality index of a unit for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unit",
            required=True,
            metavar="IDENTIFIER",
            help="The unit (QCVN 102:2016 identifier, e.g. 000.00.00.H15).",
        )
        parser.add_argument(
            "--period", metavar="PERIOD", help="2024, 2024-03 or 2024-Q1."
        )
        parser.add_argument(
            "--from", dest="start", metavar="DD/MM/YYYY", help="First day, included."
        )
        parser.add_argument(
            "--to", dest="end", metavar="DD/MM/YYYY", help="Last day, included."
        )
        parser.add_argument(
            "--subtree", action="store_true", help="Count the unit's whole subtree."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def _period(self, options: dict[str, Any]) -> tuple[dt.date, dt.date]:
        period, start, end = options["period"], options["start"], options["end"]
        if period is not None:
            if start is not None or end is not None:
                raise _fail(_("--period: give either --period or --from and --to."))
            return parse_period(period)
        if start is None or end is None:
            raise _fail(
                _("--period: give a period (2024-Q1), or both --from and --to.")
            )
        first, last = _parse_day("--from", start), _parse_day("--to", end)
        if last < first:
            raise _fail(
                _("--to: %(end)s is before --from %(start)s.")
                % {"end": f"{last:%d/%m/%Y}", "start": f"{first:%d/%m/%Y}"}
            )
        return first, last

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = self._period(options)
        unit = Agency.objects.filter(identifier=options["unit"]).first()
        if unit is None:
            raise _fail(
                _("--unit: no agency has the identifier %(value)r.")
                % {"value": options["unit"]}
            )
        try:
            report = compute_index(
                unit=unit, subtree=options["subtree"], start=start, end=end
            )
        except DefinitionError as error:
            raise _fail(
                _("definitions: %(message)s") % {"message": error.message}
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(as_json(report), ensure_ascii=False, indent=2))
            return
        self._print(report)

    def _print(self, report: IndexReport) -> None:
        self.stdout.write(
            f"{report.unit.name} · {report.start:%d/%m/%Y}–{report.end:%d/%m/%Y}"
        )
        for indicator, score in report.scores.items():
            figures = (
                _("no data")
                if score.no_data
                else f"{score.numerator}/{score.denominator}"
            )
            shown = "—" if score.points is None else f"{score.points}"
            self.stdout.write(
                f"  {indicator:<5} {Indicator(indicator).label}: {figures} → "
                f"{shown}/{points_text(score.max_points)}"
            )
        for group, points in sorted(report.groups.items()):
            maximum = points_text(report.group_max.get(group, Decimal(0)))
            self.stdout.write(
                f"{group}. {PortalGroup(group).label}: {points}/{maximum}"
            )
        band = "—" if report.band is None else Band(report.band).label
        self.stdout.write(
            _("Total: %(total)s · %(band)s") % {"total": report.total, "band": band}
        )
