"""Deadline arithmetic of dossiers and steps: pure functions over a ``WorkCalendar``.

Every page, the API, the sweeper and later the Decision 766 index judge deadlines with
``classify``; every due moment comes from ``due_after`` and ``extend_for_pause``. Nothing here
touches the database (STYLE: "deadlines are data"; Healthchecks' ``alert_after``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from motcua.dossiers.choices import DeadlineState
from motcua.procedures.choices import TimeUnit
from motcua.workdays.clock import (
    VN_TZ,
    OutOfCalendarRange,
    WorkCalendar,
    local,
)


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


def classify(
    *,
    due_at: dt.datetime | None,
    finished_at: dt.datetime | None,
    now: dt.datetime,
    calendar: WorkCalendar,
    due_soon_hours: Decimal,
    paused_at: dt.datetime | None = None,
) -> DeadlineState | None:
    """How a dossier or a step stands against its due moment (spec 02 §7).

    Finished: **early** when finished on a day before the due day, **on time** when finished
    on the due day no later than the due moment, **late** after it. Open: **overdue** past
    the due moment, **due soon** when no more than ``due_soon_hours`` working hours remain,
    otherwise **in time**. A paused dossier is judged at the moment it was paused: its clock
    is not running. ``None`` when there is no due moment yet (not received).

    Bounded whatever ``due_at`` is: "due soon" is decided by where ``due_soon_hours``
    working hours from the moment judged end, never by walking to the due moment, so a due
    moment in year 9999 costs what one in next week does.
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
    at = local(paused_at) if paused_at is not None else local(now)
    if at > due_at:
        return DeadlineState.OVERDUE
    # remaining working time <= H  ⇔  due_at <= the moment H working hours after ``at``,
    # or due_at falls in the break that follows it (no working time in between).
    horizon = calendar.add_working_hours(at, due_soon_hours)
    if due_at <= horizon or due_at <= calendar.next_working_moment(horizon):
        return DeadlineState.DUE_SOON
    return DeadlineState.IN_TIME


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
