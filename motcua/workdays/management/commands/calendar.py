"""``motcua calendar``: look at the working-day calendar and compute due moments.

``motcua calendar show 2026 [--agency IDENTIFIER]``
    Every weekday that is not a working day and every weekend day that is one, with its
    reason; package holidays that are not counted (UNCONFIRMED enactment) are listed too.
``motcua calendar due --from MOMENT (--days N | --hours N) [--agency IDENTIFIER]``
    The due moment, ISO 8601 with its offset on the first line, then how it was counted.

Bad input exits with code 2 and a message naming the argument at fault. Values are parsed
here rather than by argparse so that the exit code and message are the same whether the
command runs from the shell or through ``call_command``.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.workdays.clock import (
    MAX_YEAR,
    MIN_YEAR,
    VN_TZ,
    AppointmentTime,
    CalendarError,
    DayInfo,
    DayKind,
    OutOfCalendarRange,
    WorkCalendar,
    check_in_range,
    local,
)
from motcua.workdays.selectors import calendar_for


def _kind_label(kind: DayKind) -> str:
    labels = {
        DayKind.WORKING: _("Working day"),
        DayKind.WEEKEND: _("Weekend"),
        DayKind.HOLIDAY: _("Public holiday"),
        DayKind.MAKEUP_WORKING_DAY: _("Make-up working day"),
        DayKind.OVERRIDE_DAY_OFF: _("Extra day off"),
        DayKind.OVERRIDE_WORKING_DAY: _("Extra working day"),
    }
    return labels[kind]


def _day_label(day: date) -> str:
    return f"{day:%d/%m/%Y} {WEEKDAYS[day.weekday()]}"


def _moment_label(moment: datetime) -> str:
    return f"{_day_label(moment.date())} {moment:%H:%M}"


def describe(info: DayInfo) -> str:
    """One line for a day: date, weekday, what it is and why."""
    parts = [_day_label(info.day), _kind_label(info.kind)]
    if info.reason:
        parts.append(info.reason)
    if info.counterpart is not None:
        parts.append(_("instead of %(date)s") % {"date": _day_label(info.counterpart)})
    if info.uncounted_holiday:
        parts.append(
            _("%(name)s: not counted as a day off, its enactment is unconfirmed")
            % {"name": info.uncounted_holiday}
        )
    return " — ".join(parts)


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _parse_year(raw: str) -> int:
    try:
        year = int(raw)
    except ValueError:
        raise _fail(_("YEAR: %(value)r is not a year.") % {"value": raw}) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(
            _("YEAR: %(value)s is outside %(min)s–%(max)s.")
            % {"value": year, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    return year


def _parse_moment(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise _fail(
            _(
                "--from: %(value)r is not a date-time; write e.g. 2024-02-07T09:00+07:00."
            )
            % {"value": raw}
        ) from None
    if moment.tzinfo is None:
        # Read in the province's clock (spec 06: Asia/Ho_Chi_Minh).
        moment = moment.replace(tzinfo=VN_TZ)
    try:
        check_in_range(local(moment).date())
    except OutOfCalendarRange:
        raise _fail(
            _("--from: %(value)r is outside the years %(min)s–%(max)s.")
            % {"value": raw, "min": MIN_YEAR, "max": MAX_YEAR}
        ) from None
    return moment


def _parse_days(raw: str) -> int:
    try:
        days = int(raw)
    except ValueError:
        days = -1
    if days < 0:
        raise _fail(
            _("--days: %(value)r is not a whole number of days >= 0.") % {"value": raw}
        )
    return days


def _parse_hours(raw: str) -> Decimal:
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        hours = Decimal(-1)
    if not hours.is_finite() or hours < 0:
        raise _fail(
            _("--hours: %(value)r is not a number of hours >= 0.") % {"value": raw}
        )
    return hours


def _calendar(identifier: str | None) -> WorkCalendar:
    """The calendar read from the database; a database without the calendar's tables (never
    migrated) is a message and exit 2, not a traceback."""
    try:
        if identifier is None:
            return calendar_for()
        agency = Agency.objects.filter(identifier=identifier).first()
        if agency is None:
            raise _fail(
                _("--agency: no agency has the identifier %(value)r.")
                % {"value": identifier}
            )
        return calendar_for(agency)
    except DatabaseError as error:
        raise _fail(
            _(
                "Cannot read the calendar from the database (%(error)s); "
                "run “motcua migrate” first."
            )
            % {"error": str(error).strip().splitlines()[0] if str(error) else error}
        ) from None


class Command(BaseCommand):
    help = "Show the working-day calendar of a year, or compute a due moment."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{show,due}"
        )
        show = commands.add_parser(
            "show",
            help="List the days that break the Monday–Friday pattern in a year.",
            description="Every weekday that is not a working day and every weekend "
            "day that is one, with its reason.",
        )
        show.add_argument("year", metavar="YEAR", help="e.g. 2026")
        self._add_agency(show)

        due = commands.add_parser(
            "due",
            help="Compute the due moment of a time limit.",
            description="Prints the due moment (ISO 8601 with its offset) on the first "
            "line, then how it was counted.",
        )
        due.add_argument(
            "--from",
            dest="start",
            required=True,
            metavar="MOMENT",
            help="Reception moment, ISO 8601; without an offset it is read in "
            "Asia/Ho_Chi_Minh.",
        )
        due.add_argument("--days", metavar="N", help="Time limit in working days.")
        due.add_argument("--hours", metavar="N", help="Time limit in working hours.")
        due.add_argument(
            "--appointment-time",
            metavar="POLICY",
            help="reception_time or end_of_session (default: the setting "
            "WORKDAYS_APPOINTMENT_TIME).",
        )
        self._add_agency(due)

    @staticmethod
    def _add_agency(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--agency",
            metavar="IDENTIFIER",
            help="Apply this agency's overrides (QCVN 102:2016 identifier, e.g. "
            "000.00.00.H15).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "show":
            self._show(options)
        else:
            self._due(options)

    def _show(self, options: dict[str, Any]) -> None:
        year = _parse_year(options["year"])
        calendar = _calendar(options["agency"])
        for info in calendar.days_of_year(year):
            is_weekend = info.day.weekday() >= 5
            if info.is_working == is_weekend or info.uncounted_holiday:
                self.stdout.write(describe(info))

    def _due(self, options: dict[str, Any]) -> None:
        start = _parse_moment(options["start"])
        raw_days, raw_hours = options["days"], options["hours"]
        if (raw_days is None) == (raw_hours is None):
            raise _fail(_("Give exactly one of --days and --hours."))
        policy = None
        if options["appointment_time"] is not None:
            try:
                policy = AppointmentTime(options["appointment_time"])
            except ValueError:
                raise _fail(
                    _("--appointment-time: %(value)r is not one of %(choices)s.")
                    % {
                        "value": options["appointment_time"],
                        "choices": ", ".join(p.value for p in AppointmentTime),
                    }
                ) from None
        in_days = raw_days is not None
        amount = _parse_days(raw_days) if in_days else _parse_hours(raw_hours)
        calendar = _calendar(options["agency"])
        try:
            if in_days:
                due = calendar.add_working_days(
                    start, int(amount), appointment_time=policy
                )
                rule = _("%(n)s working days") % {"n": amount}
            else:
                due = calendar.add_working_hours(start, amount)
                rule = _("%(n)s working hours") % {"n": amount}
        except OutOfCalendarRange:
            raise _fail(
                _(
                    "%(argument)s: %(value)s from %(start)s ends after the last year the "
                    "calendar covers (%(max)s)."
                )
                % {
                    "argument": "--days" if in_days else "--hours",
                    "value": raw_days if in_days else raw_hours,
                    "start": options["start"],
                    "max": MAX_YEAR,
                }
            ) from None
        except CalendarError as error:
            raise _fail(str(error)) from None

        self.stdout.write(due.isoformat())
        received = start.astimezone(VN_TZ)
        counted_from = calendar.next_working_moment(received)
        self.stdout.write(
            _("Due %(due)s: %(rule)s from the reception on %(received)s.")
            % {
                "due": _moment_label(due),
                "rule": rule,
                "received": _moment_label(received),
            }
        )
        if counted_from != received:
            self.stdout.write(
                _("Received outside office hours: counted from %(start)s.")
                % {"start": _moment_label(counted_from)}
            )
        skipped = self._days_not_counted(calendar, counted_from.date(), due.date())
        if skipped:
            self.stdout.write(_("Days not counted:"))
            for info in skipped:
                self.stdout.write(f"  {describe(info)}")

    @staticmethod
    def _days_not_counted(
        calendar: WorkCalendar, first: date, last: date
    ) -> list[DayInfo]:
        infos = []
        day = first + timedelta(days=1)
        while day < last:
            info = calendar.day_info(day)
            if not info.is_working:
                infos.append(info)
            day += timedelta(days=1)
        return infos
