"""Defects of the legal clock found when the core was tried as a new user would (issue 8):
acts outside office hours, closed dossiers judged against now, far-future appointments.

The world's handling agency keeps the default office hours, 07:00–11:30 and 13:30–17:00
(8 working hours a day); March 2026 has no public holiday; its procedure takes 3 working
days, and its process steps take 0.5, 1.5, 0.5 and 0.5 working days.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.dossiers import services
from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.deadlines import classify
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import VN, at, build_world
from motcua.workdays.clock import WorkCalendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


Moment = dt.datetime | None


def _steps(dossier: Dossier) -> list[tuple[Moment, Moment, Moment]]:
    return [
        (step.started_at, step.due_at, step.finished_at)
        for step in dossier.steps.order_by("position")
    ]


def test_an_act_at_night_is_recorded_when_it_happened_and_counted_from_the_morning(
    world,
):
    """Received Mon 2/3 at 01:07 and transferred at 01:10: the moments are recorded as
    they happened; the appointment counts from the next working moment, Mon 07:00, so it
    is Thu 5/3 07:00 (3 working days, same clock time); the second step (1.5 working
    days) counts from Mon 07:00 too: Tue 07:00 plus 4 working hours = Tue 3/3 11:00. No
    step ends before it starts."""
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 1, 7)
    )
    assert dossier.received_at == at(2, 1, 7)
    assert dossier.due_at == at(5, 7)
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 1, 10)
    )
    first, second, *_ = _steps(dossier)
    assert first[0] == at(2, 1, 7)
    assert first[2] == at(2, 1, 10)
    assert second[0] == at(2, 1, 10)
    assert second[1] == at(3, 11)
    for started, _due, finished in _steps(dossier):
        assert finished is None or (started is not None and started <= finished)


def test_equal_budgets_give_equal_due_moments_whenever_the_act_before_office_hours(
    world,
):
    """Two dossiers transferred on Mon 2/3, one at 01:10, one at 07:00, the start of the
    first session: their second steps are due at the same moment, Tue 3/3 11:00."""
    night = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 1, 0)
    )
    morning = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 1, 5)
    )
    night = services.transfer_dossier(
        dossier=night, actor=world.counter, at=at(2, 1, 10)
    )
    morning = services.transfer_dossier(
        dossier=morning, actor=world.counter, at=at(2, 7)
    )
    assert _steps(night)[1][1] == _steps(morning)[1][1] == at(3, 11)


def test_a_withdrawn_dossier_is_judged_at_the_moment_it_closed(world):
    """Received Mon 2/3 08:00 (due Thu 5/3 08:00) and withdrawn Tue 3/3 10:00: 14 working
    hours were left then (Tue 1.5 + 3.5, Wed 8, Thu 1), more than the 8-hour warning, so
    it stays "in time" for ever; it is not "overdue" when read after Thursday."""
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )
    services.withdraw_dossier(dossier=dossier, actor=world.counter, at=at(3, 10))
    answer = s.client_for(world.counter).get(s.url(dossier)).json()
    assert answer["status"] == "withdrawn"
    assert answer["deadline"] == DeadlineState.IN_TIME
    # its reception step was due at the end of Monday and never finished: at closing,
    # it was overdue; the steps not reached have no due moment
    assert [step["deadline"] for step in answer["steps"]] == [
        DeadlineState.OVERDUE,
        None,
        None,
        None,
    ]


def test_classifying_a_due_moment_in_a_far_year_is_bounded():
    """Counting working time stops after a year of calendar time: a due moment in 9999
    is simply "in time", with no walk to it."""
    calendar = WorkCalendar()
    state = classify(
        due_at=dt.datetime(9999, 12, 30, 17, tzinfo=VN),
        finished_at=None,
        now=at(2, 8),
        calendar=calendar,
        due_soon_hours=Decimal(8),
    )
    assert state == DeadlineState.IN_TIME


def _processing(world) -> Dossier:
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )
    return services.transfer_dossier(dossier=dossier, actor=world.counter, at=at(2, 9))


def test_an_appointment_in_year_9999_is_refused_and_changes_nothing(world):
    dossier = _processing(world)
    before = s.snapshot(dossier)
    with pytest.raises(InvalidInput) as refused:
        services.apologise(
            dossier=dossier,
            new_due_at=dt.datetime(9999, 12, 31, 17, tzinfo=VN),
            reason="Chờ xác minh",
            actor=world.leader,
            at=at(2, 10),
        )
    assert refused.value.code == "due_beyond_limit"
    assert refused.value.details["field"] == "new_due_at"
    assert s.snapshot(dossier) == before
    # and the dossier still reads at once
    assert s.client_for(world.leader).get(s.url(dossier)).status_code == 200


def test_the_limit_of_a_re_set_appointment_is_the_rules_row(world):
    """Due Thu 5/3/2026 08:00; the rules allow 365 days: 5/3/2027 08:00 is accepted, one
    minute later is not; a province that changes the row changes the limit."""
    dossier = _processing(world)
    rules = dossier.rules
    assert rules.max_reschedule_days == 365
    with pytest.raises(InvalidInput) as refused:
        services.apologise(
            dossier=dossier,
            new_due_at=dt.datetime(2027, 3, 5, 8, 1, tzinfo=VN),
            reason="Chờ xác minh",
            actor=world.leader,
            at=at(2, 10),
        )
    assert refused.value.code == "due_beyond_limit"
    rules.max_reschedule_days = 400
    rules.save()
    dossier = Dossier.objects.get(pk=dossier.pk)
    apologised = services.apologise(
        dossier=dossier,
        new_due_at=dt.datetime(2027, 3, 5, 8, 1, tzinfo=VN),
        reason="Chờ xác minh",
        actor=world.leader,
        at=at(2, 10),
    )
    assert apologised.due_at == dt.datetime(2027, 3, 5, 8, 1, tzinfo=VN)


def test_a_date_without_a_time_is_not_an_appointment(world):
    dossier = _processing(world)
    before = s.snapshot(dossier)
    response = s.post(
        world.leader,
        dossier,
        "apologise",
        {"new_due_at": "2026-03-10", "reason": "Chờ xác minh"},
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"new_due_at"}
    assert s.snapshot(dossier) == before
