"""Deadline states, the sweeper that records them once, and the apology work list.

The dossier of these tests is received Mon 2/3/2026 09:00 under a 3-working-day procedure:
its appointment is Thu 5/3 09:00 (office hours 07:00–11:30, 13:30–17:00)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from motcua.dossiers import services
from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.deadlines import classify
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.selectors import dossiers_needing_apology
from motcua.dossiers.tasks import sweep_deadlines_task
from motcua.dossiers.tests.world import at, build_world
from motcua.workdays.clock import WorkCalendar

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
    from motcua.dossiers.selectors import online_awaiting_response

    world = build_world()
    # submitted Fri 6/3 16:00: 1 h on Friday + 4,5 h + 2,5 h on Monday → respond by Mon 9/3 16:00
    late = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(6, 16),
    )
    fresh = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(9, 15),
    )
    rows = online_awaiting_response(now=at(9, 16, 30))
    assert [(d, due, overdue) for d, due, overdue in rows] == [
        (late, at(9, 16), True),
        # Mon 15:00 + 8 h = 2 h on Monday, 4,5 h + 1,5 h on Tuesday → Tue 10/3 15:00
        (fresh, at(10, 15), False),
    ]
    services.receive_dossier(dossier=late, actor=world.counter, at=at(9, 16))
    assert [d for d, _due, _overdue in online_awaiting_response(now=at(9, 16))] == [
        fresh
    ]
