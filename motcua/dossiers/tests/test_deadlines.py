"""Deadline states, the sweeper that records them once, and the apology work list.

The dossier of these tests is received Mon 2/3/2026 09:00 under a 3-working-day procedure:
its appointment is Thu 5/3 09:00 (office hours 07:00–11:30, 13:30–17:00)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from motcua.dossiers import services
from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.deadlines import classify, due_after
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.selectors import dossiers_needing_apology
from motcua.dossiers.tasks import sweep_deadlines_task
from motcua.dossiers.tests.world import at, build_world
from motcua.procedures.choices import TimeUnit
from motcua.workdays.clock import (
    VN_TZ,
    OfficeHours,
    OutOfCalendarRange,
    WorkCalendar,
)
from motcua.workdays.selectors import calendar_for
from motcua.workdays.tests.factories import OfficeHoursFactory

pytestmark = pytest.mark.django_db
CALENDAR = WorkCalendar()
DUE = at(5, 9)


@pytest.mark.parametrize(
    ("finished", "now", "expected"),
    [
        (at(4, 16), None, DeadlineState.EARLY),  # the day before the due day
        (at(5, 8), None, DeadlineState.ON_TIME),  # on the due day, before the moment
        (at(5, 9), None, DeadlineState.ON_TIME),  # exactly at the appointment
        (at(5, 9, 1), None, DeadlineState.LATE),
        (None, at(3, 9), DeadlineState.IN_TIME),  # 16 working hours left
        (None, at(4, 9), DeadlineState.DUE_SOON),  # exactly 8 working hours left
        (None, at(4, 8, 59), DeadlineState.IN_TIME),  # 8 h 1 min left
        (None, at(5, 9, 1), DeadlineState.OVERDUE),
    ],
)
def test_classify(finished, now, expected):
    state = classify(
        due_at=DUE,
        finished_at=finished,
        now=now or at(9, 9),
        calendar=CALENDAR,
        due_soon_hours=Decimal(8),
    )
    assert state == expected


def test_a_paused_dossier_is_judged_when_it_was_paused():
    # paused on Tue with two working days left: still in time a week later
    state = classify(
        due_at=DUE,
        finished_at=None,
        now=at(12, 9),
        paused_at=at(3, 9),
        calendar=CALENDAR,
        due_soon_hours=Decimal(8),
    )
    assert state == DeadlineState.IN_TIME


@pytest.fixture
def dossier():
    world = build_world()
    received = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 9)
    )
    return world, services.transfer_dossier(
        dossier=received, actor=world.counter, at=at(2, 10)
    )


def _flags(dossier):
    return list(
        DossierEvent.objects.filter(
            dossier=dossier, action__in=["flag_due_soon", "flag_overdue"]
        )
        .order_by("sequence")
        .values_list("action", "at")
    )


def test_the_sweeper_records_due_soon_then_overdue_once_each(dossier):
    _world, d = dossier
    assert sweep_deadlines_task(now=at(3, 9)).due_soon == 0  # 16 working hours left
    assert sweep_deadlines_task(now=at(4, 10)).due_soon == 1  # 7 left
    assert sweep_deadlines_task(now=at(4, 11)).due_soon == 0
    assert sweep_deadlines_task(now=at(5, 9, 30)).overdue == 1
    assert sweep_deadlines_task(now=at(5, 10)).overdue == 0
    assert _flags(d) == [("flag_due_soon", at(4, 10)), ("flag_overdue", at(5, 9, 30))]
    d.refresh_from_db()
    # the status and the version officers act on are untouched
    assert (d.status, d.lock_version) == ("processing", 2)


def test_a_paused_dossier_is_not_flagged(dossier):
    world, d = dossier
    services.request_supplement(
        dossier=d, missing=["X"], actor=world.specialist, at=at(3, 9)
    )
    report = sweep_deadlines_task(now=at(9, 9))
    assert (report.due_soon, report.overdue) == (0, 0)
    assert _flags(d) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_the_same_moment_record_once():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every writer; the race only exists on PostgreSQL"
        )
    world = build_world()
    d = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 9)
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            sweep_deadlines_task(now=at(5, 10))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _flags(d) == [("flag_overdue", at(5, 10))]


def test_the_apology_list_shows_the_last_day_an_apology_is_possible(dossier):
    world, d = dossier
    # Mon 10:00: 23 working hours left, not yet; Tue 09:00: 16 left, now; Wed 10:00: 7, too late
    assert list(dossiers_needing_apology(now=at(2, 10))) == []
    assert list(dossiers_needing_apology(now=at(3, 9))) == [d]
    assert list(dossiers_needing_apology(now=at(4, 10))) == []
    services.apologise(
        dossier=d,
        new_due_at=at(10, 9),
        reason="Chờ xác minh",
        actor=world.leader,
        at=at(3, 9),
    )
    assert list(dossiers_needing_apology(now=at(3, 9))) == []


def test_online_dossiers_awaiting_a_response_within_eight_working_hours():
    from motcua.dossiers.choices import Channel
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import awaiting_online_answer

    world = build_world()
    # submitted Fri 6/3 16:00: 1 h on Friday + 4,5 h + 2,5 h on Monday → respond by Mon 9/3 16:00
    late = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(6, 16),
    )
    # Mon 15:00 + 8 h = 2 h on Monday, 4,5 h + 1,5 h on Tuesday → Tue 10/3 15:00
    fresh = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(9, 15),
    )
    # a paper dossier received at the counter waits for no answer
    services.receive_dossier(intake=world.intake(), actor=world.counter, at=at(6, 9))
    every = Dossier.objects.all()
    assert list(awaiting_online_answer(every)) == [late, fresh]
    assert list(awaiting_online_answer(every, late_at=at(9, 16, 30))) == [late]
    # due at Mon 16:00 exactly: not late at that moment, late a microsecond after it
    assert list(awaiting_online_answer(every, late_at=at(9, 16))) == []
    tick = dt.timedelta(microseconds=1)
    assert list(awaiting_online_answer(every, late_at=at(9, 16) + tick)) == [late]
    services.receive_dossier(dossier=late, actor=world.counter, at=at(9, 16))
    assert list(awaiting_online_answer(every)) == [fresh]


@pytest.mark.parametrize(
    ("now", "first_in_time"),
    [
        # back 8 working hours from Fri 6/3 10:00: 3 h on Friday, 3,5 h on Thursday
        # afternoon, 1,5 h of its morning → Thu 5/3 10:00, whose answer is due at now
        (at(6, 10), at(5, 10)),
        # back from Mon 9/3 16:00: 2,5 h + 4,5 h on Monday, 1 h on Friday → Fri 16:00
        (at(9, 16), at(6, 16)),
        # back from Mon 9/3 07:00: the whole of Friday, 8 h. Submitted Fri 07:00 (or the
        # night before), the answer was due Fri 17:00, before now; a microsecond later, at
        # Mon 07:00 and a microsecond: the first submission not late is just after 07:00
        (at(9, 7), at(6, 7) + dt.timedelta(microseconds=1)),
    ],
)
def test_the_first_submission_not_late_is_found_to_the_microsecond(now, first_in_time):
    from motcua.dossiers.deadlines import answer_late_before, response_due

    found = answer_late_before(now, Decimal(8), CALENDAR)
    assert found == first_in_time
    tick = dt.timedelta(microseconds=1)
    assert response_due(found, Decimal(8), CALENDAR) >= now
    assert response_due(found - tick, Decimal(8), CALENDAR) < now


@pytest.mark.parametrize("hours", ["0", "1", "4.5", "8", "16"])
def test_the_first_submission_not_late_agrees_with_response_due_at_every_moment(hours):
    """Every half hour from Thu 30/4/2026 to Tue 5/5 (the holidays of 30/4 and 1/5, a
    weekend, the sessions' starts and ends): the moment found is exactly where the
    answer of a submission stops being late. ``response_due`` never moves back, so being
    late a microsecond before it and not at it is being right everywhere."""
    from motcua.dossiers.deadlines import answer_late_before, response_due

    window = Decimal(hours)
    tick = dt.timedelta(microseconds=1)
    start = dt.datetime(2026, 4, 30, tzinfo=VN_TZ)
    for step in range(6 * 48):
        now = start + dt.timedelta(minutes=30 * step)
        found = answer_late_before(now, window, CALENDAR)
        assert response_due(found - tick, window, CALENDAR) < now, now
        assert response_due(found, window, CALENDAR) >= now, now


# ------------------------------------------------------- same-day procedures


def moment(month, day, hour, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Mon 2/3/2026 10:00: the end of that day's afternoon session
        (moment(3, 2, 10), moment(3, 2, 17)),
        # received at the cut-off itself: still "not after 15 giờ"
        (moment(3, 2, 15), moment(3, 2, 17)),
        # after the cut-off: the end of the next working day, Tue 3/3
        (moment(3, 2, 15, 30), moment(3, 3, 17)),
        # Fri 24/4/2026 16:00; Sat 25, Giỗ Tổ Sun 26 and its day in lieu Mon 27/4 are off
        (moment(4, 24, 16), moment(4, 28, 17)),
        # a Saturday (online): the next working day, Mon 2/3
        (moment(2, 28, 10), moment(3, 2, 17)),
        # before office hours on a working day: that day
        (moment(3, 2, 6), moment(3, 2, 17)),
    ],
)
def test_a_same_day_procedure_is_due_at_the_end_of_its_day(received, due):
    """NĐ 23/2015 Điều 7, NĐ 61/2018 Điều 16; spec 06 §3 rule 4."""
    assert due_after(received, Decimal(1), TimeUnit.SAME_DAY, CALENDAR) == due


def test_counted_from_the_next_working_moment_the_appointment_is_the_same():
    # the services count from next_working_moment(received); it must not change the day
    for received in (moment(3, 2, 18), moment(2, 28, 10), moment(3, 2, 15, 30)):
        start = CALENDAR.next_working_moment(received)
        assert due_after(start, Decimal(1), TimeUnit.SAME_DAY, CALENDAR) == due_after(
            received, Decimal(1), TimeUnit.SAME_DAY, CALENDAR
        )


def test_it_was_one_working_day_before():
    # what the demo stored: 1 working day from 10:00 is 10:00 the next day
    assert due_after(moment(3, 2, 10), Decimal(1), TimeUnit.WORKING_DAYS, CALENDAR) == (
        moment(3, 3, 10)
    )


def test_the_cutoff_comes_from_the_office_hours():
    early = WorkCalendar(office_hours=OfficeHours(cutoff=dt.time(11, 0)))
    assert due_after(moment(3, 2, 11, 5), Decimal(1), TimeUnit.SAME_DAY, early) == (
        moment(3, 3, 17)
    )
    assert due_after(moment(3, 2, 10, 55), Decimal(1), TimeUnit.SAME_DAY, early) == (
        moment(3, 2, 17)
    )


def test_the_cutoff_of_an_office_hours_row_is_used():
    OfficeHoursFactory(cutoff=dt.time(14, 0), afternoon_end=dt.time(16, 30))
    calendar = calendar_for()
    assert due_after(moment(3, 2, 14, 30), Decimal(1), TimeUnit.SAME_DAY, calendar) == (
        moment(3, 3, 16, 30)
    )


@pytest.mark.parametrize(
    ("start", "share", "due"),
    [
        # a quarter of the 8-hour day is 2 working hours: 10:00–11:30, 13:30–14:00
        (moment(3, 2, 10), "0.25", moment(3, 2, 14)),
        # half a day from 15:00 would end 09:00 the next day: capped at the appointment
        (moment(3, 2, 15), "0.5", moment(3, 2, 17)),
        # a step started after the cut-off belongs to the next day's appointment
        (moment(3, 2, 15, 30), "0.25", moment(3, 3, 7, 30)),
        (moment(3, 2, 10), "0", moment(3, 2, 10)),
    ],
)
def test_a_step_share_of_the_same_day(start, share, due):
    assert due_after(start, Decimal(share), TimeUnit.SAME_DAY, CALENDAR) == due


def test_more_than_the_day_is_not_a_same_day_amount():
    with pytest.raises(ValueError, match="same-day"):
        due_after(moment(3, 2, 10), Decimal(2), TimeUnit.SAME_DAY, CALENDAR)


# ------------------------------------------------------------ bounded deadlines


def test_a_due_moment_in_year_9999_is_judged_without_walking_to_it():
    far = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)
    state = classify(
        due_at=far,
        finished_at=None,
        now=at(3, 9),
        calendar=CALENDAR,
        due_soon_hours=Decimal(8),
    )
    assert state == DeadlineState.IN_TIME


def test_finished_long_before_a_due_moment_in_year_9999_is_early():
    far = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)
    state = classify(
        due_at=far,
        finished_at=at(3, 9),
        now=at(3, 9),
        calendar=CALENDAR,
        due_soon_hours=Decimal(8),
    )
    assert state == DeadlineState.EARLY


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Wed 4/3 11:30 to Thu 5/3 12:00: 13:30–17:00 (3 h 30) + 07:00–11:30 (4 h 30) = 8 h
        (at(4, 11, 30), DeadlineState.DUE_SOON),
        # the lunch break does not count: from 13:30 the same 8 h are left
        (at(4, 13, 30), DeadlineState.DUE_SOON),
        (at(4, 11, 29), DeadlineState.IN_TIME),  # 8 h 1 min
        (at(4, 9), DeadlineState.IN_TIME),  # 10 h 30
    ],
)
def test_due_soon_when_the_due_moment_falls_in_a_break(now, expected):
    # due Thu 5/3 12:00, in the lunch break that follows the 8th working hour
    state = classify(
        due_at=at(5, 12),
        finished_at=None,
        now=now,
        calendar=CALENDAR,
        due_soon_hours=Decimal(8),
    )
    assert state == expected


def test_adding_beyond_the_covered_years_is_refused():
    with pytest.raises(OutOfCalendarRange):
        due_after(
            moment(3, 2, 10), Decimal(99_999_999), TimeUnit.WORKING_DAYS, CALENDAR
        )
    with pytest.raises(OutOfCalendarRange):
        due_after(moment(3, 2, 10), Decimal("1e12"), TimeUnit.WORKING_HOURS, CALENDAR)
    with pytest.raises(OutOfCalendarRange):
        due_after(moment(3, 2, 10), Decimal(10**9), TimeUnit.CALENDAR_DAYS, CALENDAR)
