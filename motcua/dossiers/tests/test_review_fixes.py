"""What a second reading of the redesigned core found: a refusal leaves the caller's
dossier as it was; the deadline flags follow the appointment; the sweeper does not flag a
dossier changed since it read it; a same-day procedure's steps fall within its day; a
date alone is never an appointment.

The world's agency keeps 07:00–11:30 and 13:30–17:00; March 2026 has no holiday; the
procedure takes 3 working days; the dossier below is received Mon 2/3 at 09:00 (due Thu
5/3 09:00) and transferred at 10:00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.dossiers import events, services
from motcua.dossiers.errors import Conflict, InvalidInput
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tasks import sweep_deadlines_task
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import at, build_world
from motcua.dossiers.workflow import Action
from motcua.procedures.choices import TimeUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def processing(world):
    received = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 9)
    )
    return services.transfer_dossier(
        dossier=received, actor=world.counter, at=at(2, 10)
    )


def test_a_refused_action_leaves_the_callers_dossier_as_it_was(world, processing):
    dossier = processing
    with pytest.raises(InvalidInput):
        services.request_supplement(
            dossier=dossier,
            missing=["Bản sao"],
            note="x" * 100_000,
            actor=world.specialist,
            at=at(2, 11),
        )
    assert (dossier.status, dossier.paused_at, dossier.supplement_rounds) == (
        "processing",
        None,
        0,
    )
    assert dossier.lock_version == Dossier.objects.get(pk=dossier.pk).lock_version
    # so the same object cannot resume a pause that never happened
    with pytest.raises(Conflict) as refused:
        services.receive_supplement(
            dossier=dossier, actor=world.specialist, at=at(4, 10)
        )
    assert refused.value.code == "transition_not_allowed"
    assert Dossier.objects.get(pk=dossier.pk).due_at == at(5, 9)


def _due_soon_flags(dossier):
    return list(
        DossierEvent.objects.filter(
            dossier=dossier, action=Action.FLAG_DUE_SOON
        ).order_by("sequence")
    )


def test_the_flags_are_recorded_again_for_a_moved_appointment(world, processing):
    """Due soon at Wed 4/3 10:00 (7 working hours left). Paused Wed 10:30 and resumed Fri
    6/3 10:30: 16 working hours paused, so due Thu 09:00 + 16 h = Mon 9/3 09:00. At Fri
    11:00 6 hours are left (0.5 + 3.5 on Friday, 2 on Monday): due soon again, for the new
    appointment."""
    dossier = processing
    assert sweep_deadlines_task(now=at(4, 10)).due_soon == 1
    dossier = services.request_supplement(
        dossier=Dossier.objects.get(pk=dossier.pk),
        missing=["Bản sao"],
        actor=world.specialist,
        at=at(4, 10, 30),
    )
    dossier = services.receive_supplement(
        dossier=dossier, actor=world.specialist, at=at(6, 10, 30)
    )
    assert dossier.due_at == at(9, 9)
    assert sweep_deadlines_task(now=at(6, 11)).due_soon == 1
    flags = _due_soon_flags(dossier)
    assert [flag.at for flag in flags] == [at(4, 10), at(6, 11)]
    assert [events.appointment(flag) for flag in flags] == [at(5, 9), at(9, 9)]


def test_the_sweeper_does_not_flag_a_dossier_changed_since_it_read_it(
    world, processing
):
    as_read = Dossier.objects.get(pk=processing.pk)
    services.request_supplement(
        dossier=Dossier.objects.get(pk=processing.pk),
        missing=["Bản sao"],
        actor=world.specialist,
        at=at(5, 8),
    )
    recorded = services.record_deadline_flag(
        dossier=as_read, action=Action.FLAG_OVERDUE, at=at(5, 10)
    )
    assert recorded is False
    assert not DossierEvent.objects.filter(action=Action.FLAG_OVERDUE).exists()


def test_a_same_day_procedures_steps_fall_within_its_day(world):
    """Same day, four steps of a quarter each. Received Mon 2/3 14:00: due at 17:00 that
    day. Transferred at 15:30: the second step's quarter (2 working hours) would run to
    Tue 07:30, but no step of a same-day procedure is due after the dossier: 17:00."""
    version = world.version
    version.handling_time = Decimal(1)
    version.handling_time_unit = TimeUnit.SAME_DAY
    version.save(update_fields=["handling_time", "handling_time_unit"])
    version.steps.update(budget=Decimal("0.25"))
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 14)
    )
    assert dossier.due_at == at(2, 17)
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 15, 30)
    )
    second = dossier.steps.get(position=2)
    assert second.due_at == at(2, 17)


@pytest.mark.parametrize("moment", ["20260310", "2026W112", "2026-03-10"])
def test_no_form_of_a_date_alone_is_an_appointment(world, processing, moment):
    before = s.snapshot(processing)
    response = s.post(
        world.leader,
        processing,
        "apologise",
        {"new_due_at": moment, "reason": "Chờ xác minh"},
    )
    assert response.status_code == 400
    assert set(response.json()["details"]) == {"new_due_at"}
    assert s.snapshot(processing) == before


def test_a_date_and_time_is_still_read(world):
    """The check is on the text's form only: 2026-03-10T16:00:00+07:00 names a time of
    day and is read as that moment."""
    from motcua.dossiers.api.serializers import MomentField

    field = MomentField()
    assert field.to_internal_value("2026-03-10T16:00:00+07:00") == dt.datetime(
        2026, 3, 10, 9, tzinfo=dt.UTC
    )
