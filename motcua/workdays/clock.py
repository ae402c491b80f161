"""The working-day clock: every deadline of the system is computed here.

Pure Python: no database, no Django models. :mod:`motcua.workdays.selectors` builds a
:class:`WorkCalendar` from the database (overrides, office hours); everything else only asks
it questions.

Sources of the calendar, in order of precedence (domain spec 06 §1–2):

1. **Overrides** given to the calendar (``CalendarOverride`` rows): a province's extra day
   off, an agency's make-up day, a national notice the ``holidays`` package does not know.
2. **The national calendar of the** ``holidays`` **package**: the public holidays of
   BLLĐ 2019 (Luật 45/2019/QH14) Điều 112, the days off in lieu when a holiday falls on the
   weekly rest day (BLLĐ 2019 Điều 111 khoản 3), and the swaps of working days for civil
   servants that the Prime Minister approves each year (VPCP letters, ministry notices),
   with their make-up Saturdays (``weekend_workdays``).
3. **The civil-service week**: Monday to Friday, Saturday and Sunday off
   (QĐ 188/1999/QĐ-TTg).

Deadline arithmetic follows spec 06 §3. All moments are aware datetimes; they are read in
Asia/Ho_Chi_Minh (UTC+07:00 all year, no daylight saving time), so combining a local date
with a clock time is always unambiguous.
"""

from __future__ import annotations

import calendar as _gregorian
import enum
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: Holidays of the ``holidays`` package whose enactment for the public sector is not yet
#: confirmed (spec 06 §1: Ngày Văn hóa Việt Nam, 24/11, chosen by Nghị quyết 80-NQ/TW but
#: waiting for the amendment of BLLĐ 2019 Điều 112). The clock does not count them unless
#: told to; the project's setting ``WORKDAYS_UNCOUNTED_HOLIDAYS`` decides (see
#: :mod:`motcua.workdays.conf`), and a day-off override switches one date on.
UNCONFIRMED_PACKAGE_HOLIDAYS: frozenset[str] = frozenset({"Ngày Văn hóa Việt Nam"})

#: The years the clock answers for. Every computation refuses a moment, a result or a span
#: outside them with :class:`OutOfCalendarRange`, so no input can make it walk further
#: than these ~38,000 days (and no datetime arithmetic can overflow). 2100 is the last year
#: for which the ``holidays`` package computes Vietnam's lunar holidays (Tết, Giỗ Tổ Hùng
#: Vương): beyond it a working day would be a guess. 1995 is the entry into force of the
#: first Labour Code (BLLĐ 1994), older than any dossier a one-stop system holds (the
#: mechanism dates from QĐ 181/2003/QĐ-TTg). A time limit of the law is measured in days
#: or months, so a due moment near either bound is a typo, not a question.
MIN_YEAR, MAX_YEAR = 1995, 2100

#: How far the clock looks for the next working day before concluding the calendar is
#: broken (e.g. an override table that closes every day). A year and a half is more than
#: any real run of days off.
_MAX_SEARCH_DAYS = 550


class CalendarError(ValueError):
    """A question the calendar cannot answer: naive datetime, negative duration, no
    working day in sight."""


class OutOfCalendarRange(CalendarError):
    """A moment, a result or a span outside the years the calendar covers
    (:data:`MIN_YEAR`–:data:`MAX_YEAR`)."""


def _out_of_range(what: str) -> OutOfCalendarRange:
    return OutOfCalendarRange(
        f"{what} is outside the years the calendar covers ({MIN_YEAR}–{MAX_YEAR})."
    )


def check_in_range(day: date) -> date:
    """``day`` itself when its year is one the calendar covers, else
    :class:`OutOfCalendarRange`."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _out_of_range(f"{day:%d/%m/%Y}")
    return day


#: Upper bounds of the amounts a computation accepts: more days (or hours) than the whole
#: covered range holds can only end outside it, so they are refused before any walk.
_RANGE_DAYS = (date(MAX_YEAR, 12, 31) - date(MIN_YEAR, 1, 1)).days + 1
_RANGE_HOURS = _RANGE_DAYS * 24


class DayKind(enum.Enum):
    """What a date is for a civil servant. ``is_working`` tells whether deadlines count it."""

    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKING_DAY = "makeup_working_day"
    OVERRIDE_DAY_OFF = "override_day_off"
    OVERRIDE_WORKING_DAY = "override_working_day"

    @property
    def is_working(self) -> bool:
        return self in _WORKING_KINDS


_WORKING_KINDS = frozenset(
    {DayKind.WORKING, DayKind.MAKEUP_WORKING_DAY, DayKind.OVERRIDE_WORKING_DAY}
)


class AppointmentTime(enum.Enum):
    """Clock time of a due moment counted in working days (spec 06 §3 rule 5, UNCONFIRMED:
    no national rule was found, so each province chooses)."""

    #: The same time of day as the (adjusted) reception: received 09:00 → due 09:00.
    RECEPTION_TIME = "reception_time"
    #: The end of the session in which the dossier was received: received 09:00 → due at
    #: the end of the morning session; received 14:00 → due at the end of the afternoon.
    END_OF_SESSION = "end_of_session"


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """The two daily sessions of an office and the same-day cut-off.

    Civil servants work 8 hours a day, 40 hours a week (QĐ 188/1999/QĐ-TTg; spec 06 §2).
    The defaults, 07:00–11:30 and 13:30–17:00 (4 h 30 + 3 h 30), give those 8 hours, so a
    limit of 8 working hours is one working day; an office with other sessions (set
    locally) stores them as ``OfficeHours`` rows. ``cutoff``: a paper dossier received
    after it is transferred, and a same-day procedure finished, on the next working day
    (NĐ 61/2018 Điều 16; NĐ 23/2015 Điều 7).
    """

    morning_start: time = time(7, 0)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)
    cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        times = (
            self.morning_start,
            self.morning_end,
            self.afternoon_start,
            self.afternoon_end,
        )
        if any(t.tzinfo is not None for t in (*times, self.cutoff)):
            raise CalendarError("Office hours are local clock times without a zone.")
        if not (
            self.morning_start < self.morning_end <= self.afternoon_start
            and self.afternoon_start < self.afternoon_end
        ):
            raise CalendarError(
                "Office hours must run morning start < morning end <= afternoon start "
                "< afternoon end."
            )
        if not self.morning_start <= self.cutoff <= self.afternoon_end:
            raise CalendarError("The cut-off must fall within the working day.")

    @property
    def sessions(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return (
            (self.morning_start, self.morning_end),
            (self.afternoon_start, self.afternoon_end),
        )

    @property
    def day_length(self) -> timedelta:
        """Working time of one full day (8 h with the defaults, QĐ 188/1999)."""
        today = date(2000, 1, 1)
        return sum(
            (
                datetime.combine(today, end) - datetime.combine(today, start)
                for start, end in self.sessions
            ),
            timedelta(),
        )


DEFAULT_OFFICE_HOURS = OfficeHours()


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One date that is, against the national calendar, a day off or a working day."""

    day: date
    is_working: bool
    reason: str
    legal_basis: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the calendar says about one date.

    ``reason`` is the Vietnamese holiday name of the ``holidays`` package or the override's
    reason. ``counterpart`` pairs a make-up working day with the weekday off it pays for.
    ``uncounted_holiday`` names a package holiday that the calendar does not count (its
    enactment is UNCONFIRMED), so that listings can say why a known holiday is worked.
    """

    day: date
    kind: DayKind
    reason: str = ""
    counterpart: date | None = None
    uncounted_holiday: str = ""

    @property
    def is_working(self) -> bool:
        return self.kind.is_working


@dataclass(frozen=True, slots=True)
class _NationalYear:
    holidays: Mapping[date, tuple[str, ...]]
    makeup_days: frozenset[date]


@functools.lru_cache(maxsize=64)
def _national_year(year: int) -> _NationalYear:
    """The ``holidays`` package's Vietnamese calendar of one year, cached for the process
    (the data only changes with the package version)."""
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    names = {day: tuple(calendar.get_list(day)) for day in sorted(calendar)}
    # weekend_workdays also carries other years' make-up days; keep this year's only.
    makeup = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return _NationalYear(holidays=MappingProxyType(names), makeup_days=makeup)


def _is_uncounted(name: str, uncounted: frozenset[str]) -> bool:
    # The package adds "(nghỉ bù)" to a day off in lieu; it is uncounted with its holiday.
    return any(name == base or name.startswith(f"{base} (") for base in uncounted)


@dataclass(frozen=True, slots=True)
class _Interval:
    start: datetime
    end: datetime


def local(moment: datetime) -> datetime:
    """``moment`` in Asia/Ho_Chi_Minh. Naive datetimes are refused: the system only
    stores aware ones, and guessing a zone is how deadlines drift by seven hours."""
    if not isinstance(moment, datetime):
        raise CalendarError(f"Expected a datetime, got {type(moment).__name__}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(f"{moment.isoformat()} has no time zone.")
    try:
        return moment.astimezone(VN_TZ)
    except OverflowError:  # within hours of datetime.min or datetime.max
        raise _out_of_range(moment.isoformat()) from None


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=VN_TZ)


def _as_hours(hours: Decimal | float | int) -> timedelta:
    try:
        value = Decimal(str(hours)) if isinstance(hours, float) else Decimal(hours)
    except (InvalidOperation, TypeError, ValueError):
        raise CalendarError(f"{hours!r} is not a number of hours.") from None
    if not value.is_finite() or value < 0:
        raise CalendarError(f"{hours!r} is not a number of hours >= 0.")
    if value > _RANGE_HOURS:
        raise _out_of_range(f"{hours} working hours later")
    micro = (value * 3_600_000_000).to_integral_value()
    return timedelta(microseconds=int(micro))


@dataclass(eq=False)
class WorkCalendar:
    """Working days and office hours of one agency (or of the whole system).

    ``overrides`` win over the national calendar (spec 06 §2). ``office_hours`` is either
    one :class:`OfficeHours` or a list of ``(valid_from, OfficeHours)``; a date before the
    first ``valid_from`` uses :data:`DEFAULT_OFFICE_HOURS`. ``uncounted_holidays`` are
    package holiday names not counted as days off (see
    :data:`UNCONFIRMED_PACKAGE_HOLIDAYS`). ``appointment_time`` is the default policy of
    :meth:`add_working_days`.
    """

    overrides: Mapping[date, DayOverride] | Iterable[DayOverride] = ()
    office_hours: OfficeHours | Sequence[tuple[date, OfficeHours]] = (
        DEFAULT_OFFICE_HOURS
    )
    uncounted_holidays: Iterable[str] = ()
    appointment_time: AppointmentTime = AppointmentTime.RECEPTION_TIME
    _overrides: dict[date, DayOverride] = field(init=False, repr=False)
    _hours: tuple[tuple[date, OfficeHours], ...] = field(init=False, repr=False)
    _uncounted: frozenset[str] = field(init=False, repr=False)
    _years: dict[int, dict[date, DayInfo]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        items = (
            self.overrides.values()
            if isinstance(self.overrides, Mapping)
            else self.overrides
        )
        self._overrides = {item.day: item for item in items}
        if isinstance(self.office_hours, OfficeHours):
            self._hours = ((date.min, self.office_hours),)
        else:
            self._hours = tuple(sorted(self.office_hours, key=lambda row: row[0]))
        self._uncounted = frozenset(self.uncounted_holidays)
        self._years = {}

    # ------------------------------------------------------------------ days

    def day_info(self, day: date) -> DayInfo:
        """What ``day`` is: override first, then the package's make-up days and holidays,
        then the Monday–Friday week (module docstring)."""
        if isinstance(day, datetime):
            day = local(day).date()
        check_in_range(day)
        special = self._year(day.year).get(day)
        if special is not None:
            return special
        if day.weekday() >= 5:
            return DayInfo(day, DayKind.WEEKEND)
        return DayInfo(day, DayKind.WORKING)

    def is_working_day(self, day: date) -> bool:
        return self.day_info(day).is_working

    def days_of_year(self, year: int) -> Iterator[DayInfo]:
        """Every date of ``year`` with what it is, in order."""
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _out_of_range(str(year))
        day = date(year, 1, 1)
        while day.year == year:
            yield self.day_info(day)
            day += timedelta(days=1)

    def hours_on(self, day: date) -> OfficeHours:
        """The office hours in force on ``day``."""
        current = DEFAULT_OFFICE_HOURS
        for valid_from, hours in self._hours:
            if valid_from > day:
                break
            current = hours
        return current

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        check_in_range(day)
        for offset in range(1, _MAX_SEARCH_DAYS + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):  # refuses a candidate past MAX_YEAR
                return candidate
        raise CalendarError(
            f"No working day within {_MAX_SEARCH_DAYS} days after {day:%d/%m/%Y}."
        )

    def _year(self, year: int) -> dict[date, DayInfo]:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._build_year(year)
        return cached

    def _build_year(self, year: int) -> dict[date, DayInfo]:
        national = _national_year(year)
        days: dict[date, DayInfo] = {}
        for day, names in national.holidays.items():
            counted = [n for n in names if not _is_uncounted(n, self._uncounted)]
            if counted:
                days[day] = DayInfo(day, DayKind.HOLIDAY, "; ".join(counted))
            else:
                kind = DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKING
                days[day] = DayInfo(day, kind, uncounted_holiday="; ".join(names))
        for day in national.makeup_days:
            days[day] = DayInfo(
                day,
                DayKind.MAKEUP_WORKING_DAY,
                counterpart=self._swapped_day_off(day, national),
            )
        for day, override in self._overrides.items():
            if day.year == year:
                kind = (
                    DayKind.OVERRIDE_WORKING_DAY
                    if override.is_working
                    else DayKind.OVERRIDE_DAY_OFF
                )
                days[day] = DayInfo(day, kind, override.reason)
        return days

    @staticmethod
    def _swapped_day_off(makeup: date, national: _NationalYear) -> date | None:
        # The package names the swapped weekday "Ngày nghỉ (thay cho ngày dd/mm/yyyy)".
        label = f"{makeup:%d/%m/%Y}"
        for day, names in national.holidays.items():
            if any(label in name for name in names):
                return day
        return None

    # ---------------------------------------------------------------- moments

    def _sessions_on(self, day: date) -> list[_Interval]:
        if not self.is_working_day(day):
            return []
        return [
            _Interval(_at(day, start), _at(day, end))
            for start, end in self.hours_on(day).sessions
        ]

    def is_working_moment(self, moment: datetime) -> bool:
        """Whether ``moment`` falls inside an office session of a working day."""
        moment = local(moment)
        return any(s.start <= moment < s.end for s in self._sessions_on(moment.date()))

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself inside office hours, otherwise the start of the next session.

        A dossier received online outside office hours or on a day off is treated as
        received at the start of the next working session (spec 06 §3 rule 3; TT
        87/2021/TT-BTC Điều 10, QĐ 2988/QĐ-TCHQ Điều 7). A session's end belongs to the
        next session: 11:30 → 13:30, 17:00 → the next working day's morning.
        """
        moment = local(moment)
        for session in self._sessions_on(moment.date()):
            if moment < session.start:
                return session.start
            if moment < session.end:
                return moment
        day = self.next_working_day(moment.date())
        return _at(day, self.hours_on(day).morning_start)

    def _session_containing(self, moment: datetime) -> _Interval:
        for session in self._sessions_on(moment.date()):
            if session.start <= moment < session.end:
                return session
        raise CalendarError(f"{moment.isoformat()} is outside office hours.")

    def add_working_days(
        self,
        moment: datetime,
        days: int,
        *,
        appointment_time: AppointmentTime | None = None,
    ) -> datetime:
        """The due moment of a time limit of ``days`` working days ("ngày làm việc").

        The reception is first moved into office hours (:meth:`next_working_moment`,
        spec 06 §3 rule 3); the due day is the ``days``-th working day after the reception
        day, make-up Saturdays counted, weekends and holidays skipped (rule 1). Its clock
        time follows ``appointment_time`` (rule 5, UNCONFIRMED, the calendar's default when
        not given). ``days=0`` gives the adjusted reception moment itself (or the end of
        its session).
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise CalendarError(f"{days!r} is not a whole number of days >= 0.")
        if days > _RANGE_DAYS:
            raise _out_of_range(f"{days} working days later")
        policy = appointment_time or self.appointment_time
        start = self.next_working_moment(moment)
        due_day = start.date()
        for _ in range(days):
            due_day = self.next_working_day(due_day)
        if policy is AppointmentTime.RECEPTION_TIME:
            return _at(due_day, start.time())
        session = self._session_containing(start)
        hours = self.hours_on(due_day)
        is_morning = session.start.time() == self.hours_on(start.date()).morning_start
        return _at(due_day, hours.morning_end if is_morning else hours.afternoon_end)

    def add_working_hours(
        self, moment: datetime, hours: Decimal | float | int
    ) -> datetime:
        """The due moment of a time limit of ``hours`` working hours ("giờ làm việc").

        Only office sessions of working days are counted (spec 06 §3 rule 1): the lunch
        break, evenings, weekends and holidays are skipped. A limit that ends exactly at
        the end of a session is due then, not at the start of the next one.

        Bounded: more hours than the covered years hold are refused at once, and the walk
        (two sessions a day) stops with :class:`OutOfCalendarRange` at :data:`MAX_YEAR`.
        """
        remaining = _as_hours(hours)
        current = self.next_working_moment(moment)
        while True:
            session = self._session_containing(current)
            available = session.end - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.next_working_moment(session.end)

    def working_time_between(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[tuple[datetime, datetime]] = (),
    ) -> timedelta:
        """Working time from ``start`` to ``end``, pauses excluded.

        Counts office sessions of working days only; ``pauses`` (the citizen's
        supplementation time, spec 02 §7, spec 06 §3 rule 6) are removed, overlapping
        pauses counted once. ``end`` before ``start`` gives zero. Both ends must fall in the
        covered years (:class:`OutOfCalendarRange`), which bounds the day-by-day walk.
        """
        start, end = local(start), local(end)
        if end <= start:
            return timedelta()
        check_in_range(start.date())
        check_in_range(end.date())
        gaps = _merge(_Interval(local(a), local(b)) for a, b in _checked_pauses(pauses))
        total = timedelta()
        day = start.date()
        while day <= end.date():
            for session in self._sessions_on(day):
                span = _Interval(max(session.start, start), min(session.end, end))
                if span.start < span.end:
                    total += span.end - span.start - _overlap(span, gaps)
            day += timedelta(days=1)
        return total

    def apply_cutoff(self, moment: datetime) -> datetime:
        """When a paper dossier received at ``moment`` is transferred onwards.

        Received on a working day up to the cut-off (15:00): the same moment. Received
        after it, or on a day off: the start of the next working day (NĐ 61/2018 Điều 16);
        the same rule makes a same-day procedure next-day (NĐ 23/2015 Điều 7).
        """
        moment = local(moment)
        day = moment.date()
        if self.is_working_day(day) and moment.time() <= self.hours_on(day).cutoff:
            return moment
        next_day = self.next_working_day(day)
        return _at(next_day, self.hours_on(next_day).morning_start)

    # ---------------------------------------------------- calendar-day units

    def _roll_forward(self, due: datetime) -> datetime:
        # BLDS 2015 Điều 148 khoản 5 (best understanding): a time limit whose last day is a
        # weekly rest day or a holiday ends at the end of the next working day.
        if self.is_working_day(due.date()):
            return due
        day = self.next_working_day(due.date())
        return _at(day, self.hours_on(day).afternoon_end)

    def add_calendar_days(
        self, moment: datetime, days: int, *, roll_forward: bool = False
    ) -> datetime:
        """``moment`` plus ``days`` calendar days ("ngày"), which skip nothing (spec 06 §3
        rule 1). ``roll_forward`` moves a due day that is not a working day to the end of
        the next working day (BLDS 2015 Điều 148 khoản 5) for sectors that apply it."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise CalendarError(f"{days!r} is not a whole number of days >= 0.")
        moment = local(moment)
        check_in_range(moment.date())
        if days > _RANGE_DAYS:
            raise _out_of_range(f"{days} days later")
        due = moment + timedelta(days=days)
        check_in_range(due.date())
        return self._roll_forward(due) if roll_forward else due

    def add_months(
        self, moment: datetime, months: int, *, roll_forward: bool = False
    ) -> datetime:
        """``moment`` plus ``months`` months ("tháng"): the same day of the month, or the
        last day of a shorter month (BLDS 2015 Điều 147 khoản 3: 31/01 + 1 month =
        28/02 or 29/02). ``roll_forward`` as in :meth:`add_calendar_days`."""
        if isinstance(months, bool) or not isinstance(months, int) or months < 0:
            raise CalendarError(f"{months!r} is not a whole number of months >= 0.")
        moment = local(moment)
        check_in_range(moment.date())
        if months > _RANGE_DAYS:
            raise _out_of_range(f"{months} months later")
        index = moment.year * 12 + moment.month - 1 + months
        year, month = divmod(index, 12)
        if year > MAX_YEAR:
            raise _out_of_range(f"{months} months later")
        last = _gregorian.monthrange(year, month + 1)[1]
        due = moment.replace(year=year, month=month + 1, day=min(moment.day, last))
        return self._roll_forward(due) if roll_forward else due


def _checked_pauses(
    pauses: Iterable[tuple[datetime, datetime]],
) -> Iterator[tuple[datetime, datetime]]:
    for pause_start, pause_end in pauses:
        if local(pause_end) < local(pause_start):
            raise CalendarError(
                f"Pause ends ({pause_end.isoformat()}) before it starts "
                f"({pause_start.isoformat()})."
            )
        yield pause_start, pause_end


def _merge(intervals: Iterable[_Interval]) -> list[_Interval]:
    merged: list[_Interval] = []
    for item in sorted(intervals, key=lambda i: i.start):
        if merged and item.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = _Interval(last.start, max(last.end, item.end))
        else:
            merged.append(item)
    return merged


def _overlap(span: _Interval, gaps: Sequence[_Interval]) -> timedelta:
    total = timedelta()
    for gap in gaps:
        start, end = max(span.start, gap.start), min(span.end, gap.end)
        if start < end:
            total += end - start
    return total
