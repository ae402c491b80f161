"""Deadline arithmetic of dossiers and steps: pure functions over a ``WorkCalendar``.

Every page, the API, the sweeper and later the Decision 766 index judge deadlines with
``classify`` and ``is_due_soon``; every due moment comes from ``due_after`` and
``extend_for_pause``; the apology rule is ``apology_window``. Nothing here touches the
database (STYLE: "deadlines are data"; Healthchecks' ``alert_after``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.errors import ErrorCode, InvalidInput
from motcua.procedures.choices import TimeUnit
from motcua.workdays.clock import (
    VN_TZ,
    OutOfCalendarRange,
    WorkCalendar,
    check_in_range,
    local,
)

if TYPE_CHECKING:
    from motcua.dossiers.models import OneStopRules


def _end_of_day(day: dt.date, calendar: WorkCalendar) -> dt.datetime:
    return dt.datetime.combine(day, calendar.hours_on(day).afternoon_end, tzinfo=VN_TZ)


def paper_transfer_due(received_at: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """By when the counter must hand a paper dossier to the competent body: within the same
    working day when received up to the cut-off (15:00), otherwise at the start of the next
    working day (NĐ 61/2018/NĐ-CP Điều 16; spec 02 §6)."""
    transfer = calendar.apply_cutoff(received_at)
    if transfer == local(received_at):
        return _end_of_day(transfer.date(), calendar)
    return transfer


def same_day_due(received_at: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """The appointment of a same-day procedure (handling time 0 working days, "trong
    ngày"): the end of the reception day, or of the next working day when received after
    the cut-off (NĐ 23/2015/NĐ-CP Điều 7 as amended by NĐ 07/2025; spec 06 §3 rule 4)."""
    return _end_of_day(calendar.apply_cutoff(received_at).date(), calendar)


def _whole_and_fraction(amount: Decimal) -> tuple[int, Decimal]:
    whole = int(amount)
    return whole, amount - whole


def _day_hours(day: dt.date, calendar: WorkCalendar) -> Decimal:
    return Decimal(calendar.hours_on(day).day_length.total_seconds()) / 3600


def _same_day_share(
    start: dt.datetime, amount: Decimal, calendar: WorkCalendar
) -> dt.datetime:
    """Due moment of ``amount`` of a same-day procedure's one day (docs/decisions/0006).

    The whole day (1) is the procedure's appointment: :func:`same_day_due` of ``start``.
    A step's share (less than 1) is that fraction of a working day's sessions counted in
    working hours from ``start`` ("0,25 ngày" of an 8-hour day is 2 working hours), and
    never later than the appointment: nothing of a same-day procedure is due after it.
    """
    if amount < 0 or amount > 1:
        raise ValueError(
            f"{amount} is not a share of a same-day procedure's day (0 to 1)."
        )
    appointment = same_day_due(start, calendar)
    if amount == 1:
        return appointment
    begin = calendar.next_working_moment(start)
    share = calendar.add_working_hours(
        begin, amount * _day_hours(begin.date(), calendar)
    )
    return min(share, appointment)


def due_after(
    start: dt.datetime, amount: Decimal, unit: str, calendar: WorkCalendar
) -> dt.datetime:
    """The moment a time limit of ``amount`` ``unit`` that starts at ``start`` runs out.

    Working days count whole working days (same clock time, spec 06 §3 rule 5) and turn a
    fraction into working hours of that day's sessions (a "0,5 ngày" step budget is half a
    working day); working hours count office sessions only; calendar days and months skip
    nothing (rule 1). Same day ("trong ngày"): the whole day (``amount`` 1) ends with the
    reception day's sessions, or with the next working day's when received after the
    cut-off of the office hours (:func:`same_day_due`; NĐ 61/2018 Điều 16, NĐ 23/2015
    Điều 7, spec 06 §3 rule 4); a step's share of it, see :func:`_same_day_share`.

    A result outside the years the calendar covers raises
    :class:`~motcua.workdays.clock.OutOfCalendarRange`.
    """
    if unit == TimeUnit.SAME_DAY:
        return _same_day_share(start, amount, calendar)
    if unit == TimeUnit.WORKING_DAYS:
        whole, fraction = _whole_and_fraction(amount)
        due = calendar.add_working_days(start, whole)
        if fraction:
            due = calendar.add_working_hours(
                due, fraction * _day_hours(due.date(), calendar)
            )
        return due
    if unit == TimeUnit.WORKING_HOURS:
        return calendar.add_working_hours(start, amount)
    if unit == TimeUnit.CALENDAR_DAYS:
        whole, fraction = _whole_and_fraction(amount)
        due = calendar.add_calendar_days(start, whole)
        if fraction:
            due = calendar.add_calendar_days(
                due + dt.timedelta(days=float(fraction)), 0
            )
        return due
    if unit == TimeUnit.MONTHS:
        return calendar.add_months(start, int(amount))
    raise ValueError(f"unknown time unit {unit!r}")


def extend_for_pause(
    due: dt.datetime,
    pause_start: dt.datetime,
    pause_end: dt.datetime,
    unit: str,
    calendar: WorkCalendar,
) -> dt.datetime:
    """``due`` moved later by the time the pause took, counted in the limit's own kind of
    time: working time for working days and hours, elapsed time for calendar units.

    The applicant's supplementation time does not count towards the handling time (spec 02
    §7, VPCP rulebook of QĐ 766); neither does waiting for a financial obligation where the
    procedure version says so.
    """
    if unit in (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS, TimeUnit.SAME_DAY):
        paused = calendar.working_time_between(pause_start, pause_end)
        if not paused:
            return due
        return calendar.add_working_hours(due, Decimal(paused.total_seconds()) / 3600)
    return due + (pause_end - pause_start)


#: Counting working time is bounded by this much calendar time: beyond it, any window the
#: rules may set (a few working hours) is already exceeded.
_COUNTING_SPAN = dt.timedelta(days=366)


def working_time_left(
    at: dt.datetime, due_at: dt.datetime, calendar: WorkCalendar
) -> dt.timedelta:
    """The working time from ``at`` to ``due_at``, counted over at most ``_COUNTING_SPAN``
    of calendar time (so a due moment in a far year costs no more than one a year away)."""
    end = min(due_at, at + _COUNTING_SPAN)
    if end <= at:
        return dt.timedelta(0)
    return calendar.working_time_between(at, end)


def is_due_soon(
    *,
    at: dt.datetime,
    due_at: dt.datetime,
    calendar: WorkCalendar,
    due_soon_hours: Decimal,
    limits: DueSoonLimits | None = None,
) -> bool:
    """Not past the due moment, and no more than ``due_soon_hours`` working hours left
    (the rules' warning window, ``OneStopRules.due_soon_working_hours``; spec 02 §7): the
    one test the sweeper, the pages and the API all apply.

    Remaining working time ≤ H exactly when ``due_at`` is no later than the moment H
    working hours after ``at``, or falls in the break that follows it (no working time in
    between): found without walking to a far due moment. ``limits``: the horizons a list
    has already worked out (:class:`DueSoonLimits`)."""
    if at > due_at:
        return False
    until = due_soon_until if limits is None else limits.until
    return due_at <= until(at=at, calendar=calendar, due_soon_hours=due_soon_hours)


#: How far ahead of now any warning window of the rules can reach in calendar time: the
#: due-soon window (``OneStopRules.due_soon_working_hours``, a few working hours) and the
#: apology's last day (the rules' lead plus one working day). The sweeper and the apology
#: work list look only at dossiers due within it (``dossiers.tasks``,
#: ``dossiers.selectors.dossiers_needing_apology``): one figure, so the two cannot drift.
LOOKAHEAD = dt.timedelta(days=21)


def due_soon_until(
    *, at: dt.datetime, calendar: WorkCalendar, due_soon_hours: Decimal
) -> dt.datetime:
    """The latest due moment that is "due soon" at ``at`` (:func:`is_due_soon`): the moment
    ``due_soon_hours`` working hours after ``at``, or the end of the break that follows
    it. A dossier not past its due moment is due soon exactly when its due moment is no
    later than this, so a list can ask the database
    (``dossiers.selectors.due_soon_condition``)."""
    horizon = calendar.add_working_hours(at, due_soon_hours)
    return max(horizon, calendar.next_working_moment(horizon))


class DueSoonLimits:
    """:func:`due_soon_until`, worked out once for each moment, calendar and window asked.

    The rows of a list are judged at one moment under the calendars of a few agencies and
    a few sets of rules, so a page of 25 dossiers needs a handful of horizons, not 25
    walks through the calendar's sessions. Keep one for the rows judged together (one
    page), not longer: it does not see a calendar change."""

    def __init__(self) -> None:
        self._known: dict[tuple[dt.datetime, WorkCalendar, Decimal], dt.datetime] = {}

    def until(
        self, *, at: dt.datetime, calendar: WorkCalendar, due_soon_hours: Decimal
    ) -> dt.datetime:
        # calendars compare by identity (``WorkCalendar`` is ``eq=False``): the key holds
        # the very calendar asked about
        key = (at, calendar, due_soon_hours)
        limit = self._known.get(key)
        if limit is None:
            limit = self._known[key] = due_soon_until(
                at=at, calendar=calendar, due_soon_hours=due_soon_hours
            )
        return limit


def classify(
    *,
    due_at: dt.datetime | None,
    finished_at: dt.datetime | None,
    now: dt.datetime,
    calendar: WorkCalendar,
    due_soon_hours: Decimal,
    paused_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    limits: DueSoonLimits | None = None,
) -> DeadlineState | None:
    """How a dossier or a step stands against its due moment (spec 02 §7).

    Finished: **early** when finished on a day before the due day, **on time** when finished
    on the due day no later than the due moment, **late** after it. Not finished:
    **overdue** past the due moment, **due soon** when no more than ``due_soon_hours``
    working hours remain (``is_due_soon``), otherwise **in time**, judged now, or at the
    moment the clock stopped: a paused dossier at the moment it was paused, a dossier
    closed without a result (withdrawn, stopped) at the moment it closed. ``None`` when
    there is no due moment yet (not received).

    Bounded whatever ``due_at`` is: "due soon" is decided by where ``due_soon_hours``
    working hours from the moment judged end, never by walking to the due moment, so a due
    moment in year 9999 costs what one in next week does. ``limits``: the horizons of
    the rows judged with this one (:class:`DueSoonLimits`), for a list.
    """
    if due_at is None:
        return None
    if finished_at is not None:
        if finished_at > due_at:
            return DeadlineState.LATE
        return (
            DeadlineState.ON_TIME
            if _local_date(finished_at) == _local_date(due_at)
            else DeadlineState.EARLY
        )
    stopped = paused_at if paused_at is not None else closed_at
    at = local(stopped) if stopped is not None else local(now)
    if at > due_at:
        return DeadlineState.OVERDUE
    if is_due_soon(
        at=at,
        due_at=due_at,
        calendar=calendar,
        due_soon_hours=due_soon_hours,
        limits=limits,
    ):
        return DeadlineState.DUE_SOON
    return DeadlineState.IN_TIME


@dataclass(frozen=True)
class ApologyWindow:
    """Where a dossier stands against the apology rule (NĐ 61/2018 Điều 17: the apology,
    Mẫu 04, is sent no later than the rules' lead, one working day, before the
    appointment). "One working day" is a day of the agency's office sessions on the
    appointment's local date (8 hours by default)."""

    #: working time from now to the appointment (0 once it has passed)
    left: dt.timedelta
    #: the rules' lead, as working time
    lead: dt.timedelta
    #: one working day of the appointment's date
    day: dt.timedelta
    passed: bool

    @property
    def allows_now(self) -> bool:
        """An apology may still be made."""
        return not self.passed and self.left >= self.lead

    @property
    def is_last_day(self) -> bool:
        """The last working day on which it may still be made: the apology work list."""
        return not self.passed and self.lead <= self.left <= self.lead + self.day


def apology_window(
    *,
    now: dt.datetime,
    due_at: dt.datetime,
    rules: OneStopRules,
    calendar: WorkCalendar,
) -> ApologyWindow:
    """The apology rule for a dossier due at ``due_at``, seen at ``now``: the one rule the
    service that records an apology and the work list of dossiers needing one apply."""
    day = calendar.hours_on(local(due_at).date()).day_length
    return ApologyWindow(
        left=working_time_left(now, due_at, calendar),
        lead=day * rules.apology_lead_working_days,
        day=day,
        passed=now >= due_at,
    )


def check_due_within_limit(
    due_at: dt.datetime,
    *,
    since: dt.datetime,
    rules: OneStopRules,
    calendar: WorkCalendar,
    field: str,
) -> None:
    """Refuse a due moment further than the rules allow an appointment to be re-set
    (``OneStopRules.max_reschedule_days`` calendar days after ``since``; UNCONFIRMED,
    so it is a row, not a constant), and one outside the calendar's years."""
    limit = since + dt.timedelta(days=rules.max_reschedule_days)
    if due_at > limit:
        raise InvalidInput(
            ErrorCode.DUE_BEYOND_LIMIT,
            _("The new appointment may be at most %(days)s days after %(since)s.")
            % {"days": rules.max_reschedule_days, "since": f"{local(since):%d/%m/%Y}"},
            details={"field": field, "latest": local(limit).isoformat()},
        )


def _local_date(moment: dt.datetime) -> dt.date | None:
    """The local date of ``moment``; ``None`` within hours of ``datetime.max``, where the
    conversion overflows (a later date than any other)."""
    try:
        return local(moment).date()
    except OutOfCalendarRange:
        return None


def response_due(
    submitted_at: dt.datetime, hours: Decimal, calendar: WorkCalendar
) -> dt.datetime:
    """By when the one-stop counter must accept, return for completion or refuse an online
    dossier: ``hours`` working hours after its submission (NĐ 45/2020 Điều 11; the window
    is a row of ``OneStopRules``, UNCONFIRMED at 8 working hours; spec 02 §3)."""
    return calendar.add_working_hours(submitted_at, hours)


#: the finest step of a stored moment (PostgreSQL and SQLite keep microseconds)
_TICK = dt.timedelta(microseconds=1)


def answer_late_before(
    now: dt.datetime, hours: Decimal, calendar: WorkCalendar
) -> dt.datetime:
    """The first submission moment whose answer is not late at ``now``: an online dossier
    submitted before it had its answer due before ``now`` (``response_due(s) < now``
    exactly when ``s`` is earlier), so that a list can ask the database
    (``dossiers.selectors.awaiting_online_answer``) instead of judging every row.

    ``response_due`` never moves back when the submission moves later, so the late
    submissions are all those before one moment, found by walking back ``hours`` of
    office sessions from ``now``: ``back`` is the latest moment with ``hours`` of working
    time between it and ``now``. A submission earlier than the stretch without working
    time that ends at ``back`` (``back`` itself when inside a session) has more working
    time before ``now``: its answer was due before ``now``. One in that stretch counts
    from ``back`` (``next_working_moment``), so its answer is due at
    ``response_due(back)``; one after ``back`` has less: not late. The tests check it
    against ``response_due`` itself, to the microsecond a stored moment holds."""
    left = dt.timedelta(microseconds=int(Decimal(hours) * 3_600_000_000))
    at = local(now)
    day = at.date()
    back: dt.datetime | None = None
    while True:
        check_in_range(day)
        sessions = (
            calendar.hours_on(day).sessions if calendar.is_working_day(day) else ()
        )
        for start, end in reversed(sessions):
            begins = dt.datetime.combine(day, start, tzinfo=VN_TZ)
            ends = min(dt.datetime.combine(day, end, tzinfo=VN_TZ), at)
            if begins >= ends:
                continue  # a session not begun at ``now``
            if back is not None:
                # ``back`` began a session: the stretch before it began when this ended
                return _first_after(
                    back, stretch=ends, now=now, hours=hours, calendar=calendar
                )
            if ends - begins > left:
                back = ends - left
                return _first_after(
                    back, stretch=back, now=now, hours=hours, calendar=calendar
                )
            left -= ends - begins
            if not left:
                back = begins
        day -= dt.timedelta(days=1)


def _first_after(
    back: dt.datetime,
    *,
    stretch: dt.datetime,
    now: dt.datetime,
    hours: Decimal,
    calendar: WorkCalendar,
) -> dt.datetime:
    """The first submission not late, given ``back`` and the start of the stretch
    without working time before it (``answer_late_before``)."""
    if response_due(back, hours, calendar) < now:
        return back + _TICK
    return stretch
