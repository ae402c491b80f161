"""The life of a dossier through its services: codes, the legal clock, pauses, the
cut-off, the apology rule, guards, roles and concurrency. Moments are in March 2026
(no public holiday; office hours 07:00–11:30 and 13:30–17:00)."""

from __future__ import annotations

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Min

from motcua.dossiers import services
from motcua.dossiers.choices import Channel
from motcua.dossiers.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers.models import DOSSIER_CODE_PATTERN, Dossier, DossierEvent
from motcua.dossiers.tests.world import at, build_world
from motcua.dossiers.workflow import DossierStatus
from motcua.procedures.choices import TimeUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _received(world, when=None, **kwargs):
    return services.receive_dossier(
        intake=world.intake(**kwargs), actor=world.counter, at=when or at(2, 9)
    )


def _in_appraisal(world):
    dossier = _received(world)
    return services.transfer_dossier(dossier=dossier, actor=world.counter, at=at(2, 10))


def _snapshot(dossier: Dossier):
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        fresh.status,
        fresh.lock_version,
        fresh.due_at,
        DossierEvent.objects.filter(dossier=dossier).count(),
    )


# ------------------------------------------------------------------ intake and codes


def test_counter_reception_gives_a_code_and_an_appointment(world):
    dossier = _received(world)
    # TT 01/2018 Điều 19: receiving agency's identifier, reception date, daily sequence
    assert dossier.code == "000.01.51.H15-260302-0001"
    assert re.match(DOSSIER_CODE_PATTERN, dossier.code)
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.national_status == 2
    # Mon 2/3 09:00 + 3 working days = Thu 5/3 09:00
    assert dossier.due_at == at(5, 9)
    assert dossier.legal_due_at == dossier.original_due_at == at(5, 9)
    event = dossier.events.get()
    assert (
        event.action,
        event.from_status,
        event.to_status,
        event.national_status,
    ) == ("receive", "", "received", 2)
    assert event.actor == world.counter


def test_codes_are_a_gapless_daily_sequence_per_receiving_agency(world):
    first = _received(world, at(2, 9))
    second = _received(world, at(2, 10))
    # an incomplete dossier is refused reception; its number is given back
    with pytest.raises(InvalidInput):
        _received(world, at(2, 11), complete=False)
    third = _received(world, at(2, 14))
    next_day = _received(world, at(3, 9))
    assert [d.code[-11:] for d in (first, second, third, next_day)] == [
        "260302-0001",
        "260302-0002",
        "260302-0003",
        "260303-0001",
    ]


def test_an_incomplete_dossier_is_not_received_and_nothing_is_written(world):
    with pytest.raises(InvalidInput) as refused:
        _received(world, complete=False)
    assert refused.value.code == "dossier_incomplete"
    assert refused.value.details["missing"] == ["Giấy tờ chứng minh"]
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0


def test_incomplete_counter_dossier_gets_a_supplement_slip_then_online_resubmission(
    world,
):
    # counter: Mẫu 02, no clock
    slip = services.request_intake_supplement(
        intake=world.intake(complete=False),
        missing=["Giấy tờ chứng minh"],
        actor=world.counter,
        at=at(2, 9),
    )
    assert slip.status == DossierStatus.INTAKE_SUPPLEMENT
    assert slip.national_status == 5
    assert slip.due_at is None
    assert slip.events.get().payload == {"missing": ["Giấy tờ chứng minh"]}

    # online: every paper attached (the portal refuses less), but the proof of identity
    # is illegible: returned for completion, resubmitted by the applicant, then received
    online = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(2, 20),
    )
    assert online.status == DossierStatus.SUBMITTED
    assert online.national_status == 1
    online = services.request_intake_supplement(
        dossier=online, missing=["Giấy tờ chứng minh"], actor=world.counter, at=at(3, 8)
    )
    missing = world.version.components.get(name="Giấy tờ chứng minh")
    online = services.resubmit_dossier(
        dossier=online,
        papers=[
            services.Paper(name=missing.name, form=missing.form, required_id=missing.pk)
        ],
        actor=world.citizen,
        at=at(3, 20),
    )
    online = services.receive_dossier(dossier=online, actor=world.counter, at=at(4, 8))
    assert online.status == DossierStatus.RECEIVED
    # Wed 4/3 08:00 + 3 working days = Mon 9/3 08:00
    assert online.due_at == at(9, 8)
    assert [e.action for e in online.events.order_by("sequence")] == [
        "submit_online",
        "request_intake_supplement",
        "resubmit",
        "receive",
    ]


def test_online_dossier_received_outside_office_hours_counts_from_the_next_session(
    world,
):
    online = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(6, 21),
    )
    # accepted at Fri 6/3 21:00, counted from Mon 9/3 07:00; + 3 working days = Thu 12/3 07:00
    received = services.receive_dossier(
        dossier=online, actor=world.counter, at=at(6, 21)
    )
    assert received.due_at == at(12, 7)


def test_refusal_needs_reasons_and_closes_the_dossier(world):
    with pytest.raises(InvalidInput) as no_reason:
        services.refuse_dossier(
            intake=world.intake(), reasons="  ", actor=world.counter, at=at(2, 9)
        )
    assert no_reason.value.code == "reasons_required"
    assert Dossier.objects.count() == 0
    refused = services.refuse_dossier(
        intake=world.intake(),
        reasons="Không thuộc thẩm quyền",
        actor=world.counter,
        at=at(2, 9),
    )
    assert (refused.status, refused.national_status, refused.closed_at) == (
        DossierStatus.REFUSED,
        3,
        at(2, 9),
    )


# ------------------------------------------------------------------ the clock


def test_one_supplement_round_moves_the_appointment_by_the_time_it_took(world):
    dossier = _in_appraisal(world)
    dossier = services.request_supplement(
        dossier=dossier,
        missing=["Bản sao giấy tờ"],
        actor=world.specialist,
        at=at(2, 14),
    )
    assert (dossier.status, dossier.national_status, dossier.paused_at) == (
        DossierStatus.SUPPLEMENT_REQUESTED,
        5,
        at(2, 14),
    )
    dossier = services.receive_supplement(
        dossier=dossier, actor=world.specialist, at=at(3, 14)
    )
    # paused Mon 14:00 → Tue 14:00 = 3 h + 4,5 h + 0,5 h = 8 working hours: Thu 5/3 09:00 → Fri 6/3 09:00
    assert dossier.due_at == at(6, 9)
    assert dossier.legal_due_at == at(6, 9)
    assert dossier.original_due_at == at(5, 9)
    assert dossier.supplement_rounds == 1
    assert dossier.paused_at is None


def test_two_supplement_rounds_add_up_and_are_counted(world):
    dossier = _in_appraisal(world)
    dossier = services.request_supplement(
        dossier=dossier, missing=["A"], actor=world.specialist, at=at(2, 14)
    )
    dossier = services.receive_supplement(
        dossier=dossier, actor=world.specialist, at=at(3, 14)
    )
    dossier = services.request_supplement(
        dossier=dossier, missing=["B"], actor=world.specialist, at=at(5, 10)
    )
    dossier = services.receive_supplement(
        dossier=dossier, actor=world.specialist, at=at(9, 10)
    )
    # second pause Thu 10:00 → Mon 10:00 = 5 h + 8 h + 3 h = 16 working hours:
    # Fri 6/3 09:00 + 16 h = Fri 6 h, Mon 8 h, Tue 07:00–09:00 2 h → Tue 10/3 09:00
    assert dossier.due_at == at(10, 9)
    assert dossier.supplement_rounds == 2
    rounds = DossierEvent.objects.filter(dossier=dossier, action="request_supplement")
    assert [e.at for e in rounds.order_by("sequence")] == [at(2, 14), at(5, 10)]


def test_paper_dossier_after_the_cut_off_is_transferred_the_next_morning(world):
    before = _received(world, at(2, 15))
    after = _received(world, at(2, 15, 30))
    online = services.receive_dossier(
        dossier=services.submit_online(
            intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
            actor=world.citizen,
            at=at(2, 15, 30),
        ),
        actor=world.counter,
        at=at(2, 15, 30),
    )
    # NĐ 61/2018 Điều 16: up to 15:00 the same working day (by 17:00); after it, the
    # start of the next working day (Tue 07:00)
    assert before.steps.get(position=1).due_at == at(2, 17)
    assert after.steps.get(position=1).due_at == at(3, 7)
    # online dossiers move electronically: their first step keeps its 0,5-day budget,
    # Mon 15:30 + 4 h = 1,5 h on Monday + 2,5 h on Tuesday → Tue 09:30
    assert online.steps.get(position=1).due_at == at(3, 9, 30)
    # the appointment itself runs from the reception: Thu 15:30
    assert after.due_at == at(5, 15, 30)


def test_same_day_procedure_after_the_cut_off_is_due_the_next_working_day(world):
    # "Trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo": one same day,
    # shared by the four steps
    world.version.handling_time = Decimal(1)
    world.version.handling_time_unit = TimeUnit.SAME_DAY
    world.version.save(update_fields=["handling_time", "handling_time_unit"])
    world.version.steps.update(budget=Decimal("0.25"))
    morning = _received(world, at(6, 14))
    late = _received(world, at(6, 15, 30))
    # NĐ 23/2015 Điều 7: the same day; after 15:00 the next working day (Fri → Mon)
    assert morning.due_at == at(6, 17)
    assert late.due_at == at(9, 17)


def test_waiting_for_a_financial_obligation_pauses_only_when_the_procedure_says_so(
    world,
):
    dossier = _in_appraisal(world)
    dossier = services.request_financial_obligation(
        dossier=dossier, amount=50_000, actor=world.specialist, at=at(2, 14)
    )
    assert (dossier.status, dossier.national_status, dossier.paused_at) == (
        DossierStatus.FINANCIAL_OBLIGATION,
        6,
        None,
    )
    dossier = services.confirm_financial_obligation(
        dossier=dossier, actor=world.specialist, at=at(3, 14)
    )
    assert dossier.due_at == at(5, 9)

    world.version.pauses_for_financial_obligation = True
    world.version.save(update_fields=["pauses_for_financial_obligation"])
    land = _in_appraisal(world)
    land = services.request_financial_obligation(
        dossier=land, actor=world.specialist, at=at(2, 14)
    )
    land = services.confirm_financial_obligation(
        dossier=land, actor=world.specialist, at=at(3, 14)
    )
    assert land.due_at == at(6, 9)


# ------------------------------------------------------------------ the whole way


def test_the_whole_way_from_counter_to_result(world):
    dossier = _in_appraisal(world)
    dossier = services.assign_dossier(
        dossier=dossier, assignee=world.specialist, actor=world.leader, at=at(2, 10, 30)
    )
    dossier = services.hand_over_dossier(
        dossier=dossier, to_agency=world.tax_office, actor=world.specialist, at=at(3, 9)
    )
    assert (dossier.status, dossier.national_status) == (DossierStatus.INTER_AGENCY, 4)
    # the co-ordinating body holds the step the hand-over started (spec 02 §8)
    holding = dossier.steps.get(started_at__isnull=False, finished_at__isnull=True)
    assert holding.agency == world.tax_office
    dossier = services.return_from_agency(
        dossier=dossier, actor=world.specialist, at=at(3, 15)
    )
    dossier = services.submit_for_approval(
        dossier=dossier, actor=world.specialist, at=at(4, 9)
    )
    dossier = services.send_back_dossier(
        dossier=dossier, note="Sửa dự thảo", actor=world.leader, at=at(4, 10)
    )
    dossier = services.submit_for_approval(
        dossier=dossier, actor=world.specialist, at=at(4, 11)
    )
    dossier = services.approve_dossier(
        dossier=dossier, actor=world.leader, at=at(4, 14)
    )
    dossier = services.issue_result(
        dossier=dossier,
        results=["Giấy xác nhận", "Bản sao trích lục"],
        actor=world.leader,
        at=at(4, 14, 30),
    )
    assert (dossier.status, dossier.national_status, dossier.finished_at) == (
        DossierStatus.RESOLVED,
        9,
        at(4, 14, 30),
    )
    assert [r.code for r in dossier.results.all()] == [
        "000.01.51.H15-260302-0001-KQ(1)",
        "000.01.51.H15-260302-0001-KQ(2)",
    ]
    dossier = services.return_result(
        dossier=dossier, receiver="Nguyễn Thị Ánh", actor=world.counter, at=at(5, 8)
    )
    assert (dossier.status, dossier.national_status, dossier.returned_at) == (
        DossierStatus.RETURNED,
        10,
        at(5, 8),
    )
    assert not dossier.steps.filter(finished_at__isnull=True).exists()

    events = list(dossier.events.order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert [e.action for e in events] == [
        "receive",
        "transfer",
        "assign",
        "hand_over",
        "return_from_agency",
        "submit_for_approval",
        "send_back",
        "submit_for_approval",
        "approve",
        "issue_result",
        "return_result",
    ]
    handover = events[3]
    assert (handover.agency, handover.payload) == (
        world.tax_office,
        {"to_agency": "000.01.42.H15"},
    )
    # the first moment of each national status is one indexed query away (QĐ 766 reads it)
    first = dict(
        DossierEvent.objects.filter(dossier=dossier)
        .values_list("national_status")
        .annotate(first=Min("at"))
        .values_list("national_status", "first")
    )
    assert first == {2: at(2, 9), 4: at(2, 10), 9: at(4, 14, 30), 10: at(5, 8)}


def test_resolved_on_the_spot_is_recorded_with_its_history(world):
    dossier = services.resolve_on_the_spot(
        intake=world.intake(),
        results=["Bản sao có chứng thực"],
        actor=world.counter,
        at=at(2, 9),
    )
    assert dossier.status == DossierStatus.RETURNED
    assert [e.national_status for e in dossier.events.order_by("sequence")] == [
        2,
        4,
        4,
        4,
        9,
        10,
    ]
    assert dossier.finished_at == dossier.returned_at == at(2, 9)
    # the counter officer who settled it is the one recorded, approval included, never
    # the system
    assert {e.actor for e in dossier.events.all()} == {world.counter}
    assert {e.actor_name for e in dossier.events.all()} == {world.counter.full_name}


# ------------------------------------------------------------------ guards


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (
            lambda w, d: services.return_result(
                dossier=d, actor=w.counter, at=at(3, 9)
            ),
            "transition_not_allowed",
        ),
        (
            lambda w, d: services.approve_dossier(
                dossier=d, actor=w.leader, at=at(3, 9)
            ),
            "transition_not_allowed",
        ),
        (
            lambda w, d: services.issue_result(
                dossier=d, results=["X"], actor=w.leader, at=at(3, 9)
            ),
            "transition_not_allowed",
        ),
        (
            lambda w, d: services.receive_supplement(
                dossier=d, actor=w.specialist, at=at(3, 9)
            ),
            "transition_not_allowed",
        ),
    ],
)
def test_a_forbidden_transition_changes_nothing(world, call, code):
    dossier = _in_appraisal(world)
    before = _snapshot(dossier)
    with pytest.raises(Conflict) as refused:
        call(world, dossier)
    assert refused.value.code == code
    assert _snapshot(dossier) == before


def test_apology_at_least_one_working_day_before_and_only_once(world):
    dossier = _in_appraisal(world)
    # due Thu 5/3 09:00; Wed 4/3 09:00 leaves exactly one working day (8 h): still allowed
    dossier = services.apologise(
        dossier=dossier,
        new_due_at=at(9, 9),
        reason="Chờ xác minh",
        actor=world.leader,
        at=at(4, 9),
    )
    assert (dossier.due_at, dossier.original_due_at, dossier.reschedules) == (
        at(9, 9),
        at(5, 9),
        1,
    )
    event = dossier.events.order_by("-sequence").first()
    assert event is not None
    assert event.payload == {
        "previous_due_at": at(5, 9).isoformat(),
        "new_due_at": at(9, 9).isoformat(),
    }

    before = _snapshot(dossier)
    with pytest.raises(Conflict) as again:
        services.apologise(
            dossier=dossier,
            new_due_at=at(10, 9),
            reason="Lần nữa",
            actor=world.leader,
            at=at(5, 9),
        )
    assert again.value.code == "apology_already_made"
    assert _snapshot(dossier) == before


def test_apology_less_than_a_working_day_before_is_too_late(world):
    dossier = _in_appraisal(world)
    before = _snapshot(dossier)
    # Wed 4/3 10:00 → Thu 09:00 leaves 1,5 + 3,5 + 2 = 7 working hours
    with pytest.raises(Conflict) as late:
        services.apologise(
            dossier=dossier,
            new_due_at=at(9, 9),
            reason="Chậm",
            actor=world.leader,
            at=at(4, 10),
        )
    assert late.value.code == "apology_too_late"
    assert _snapshot(dossier) == before
    with pytest.raises(InvalidInput) as earlier:
        services.apologise(
            dossier=dossier,
            new_due_at=at(4, 9),
            reason="Chậm",
            actor=world.leader,
            at=at(3, 9),
        )
    assert earlier.value.code == "new_appointment_not_later"


def test_an_officer_of_another_agency_may_not_act(world):
    dossier = _in_appraisal(world)
    before = _snapshot(dossier)
    with pytest.raises(NotAllowed):
        services.request_supplement(
            dossier=dossier, missing=["X"], actor=world.stranger, at=at(3, 9)
        )
    with pytest.raises(NotAllowed):
        services.approve_dossier(dossier=dossier, actor=world.specialist, at=at(3, 9))
    assert _snapshot(dossier) == before


def test_the_second_of_two_actions_on_the_same_version_is_refused(world):
    dossier = _in_appraisal(world)
    seen = dossier.lock_version
    services.request_supplement(
        dossier=dossier,
        missing=["X"],
        actor=world.specialist,
        at=at(3, 9),
        expected_version=seen,
    )
    before = _snapshot(dossier)
    with pytest.raises(Conflict) as stale:
        services.submit_for_approval(
            dossier=dossier, actor=world.specialist, at=at(3, 9), expected_version=seen
        )
    assert stale.value.code == "stale_dossier"
    assert _snapshot(dossier) == before


def test_withdrawal_and_stop_close_the_dossier(world):
    withdrawn = services.withdraw_dossier(
        dossier=_in_appraisal(world), actor=world.counter, at=at(3, 9)
    )
    assert (withdrawn.status, withdrawn.national_status, withdrawn.closed_at) == (
        DossierStatus.WITHDRAWN,
        7,
        at(3, 9),
    )
    with pytest.raises(InvalidInput):
        services.stop_dossier(
            dossier=_in_appraisal(world), reasons="", actor=world.leader, at=at(3, 9)
        )
    stopped = services.stop_dossier(
        dossier=_in_appraisal(world),
        reasons="Không đủ điều kiện",
        actor=world.leader,
        at=at(3, 9),
    )
    assert (stopped.status, stopped.national_status) == (DossierStatus.STOPPED, 8)


def test_the_applicant_may_withdraw_their_own_online_dossier_but_not_another(world):
    mine = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
        at=at(2, 9),
    )
    with pytest.raises(NotAllowed):
        services.withdraw_dossier(dossier=mine, actor=world.other_citizen, at=at(2, 10))
    withdrawn = services.withdraw_dossier(
        dossier=mine, actor=world.citizen, at=at(2, 10)
    )
    assert withdrawn.status == DossierStatus.WITHDRAWN


# ------------------------------------------------------------------ concurrency on PostgreSQL


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sixteen_concurrent_intakes_get_unique_gapless_codes():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every writer; the race only exists on PostgreSQL"
        )
    world = build_world()
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(16)

    def intake() -> None:
        try:
            barrier.wait()
            codes.append(_received(world, at(2, 9)).code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=intake) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(codes) == [f"000.01.51.H15-260302-{n:04d}" for n in range(1, 17)]


def test_only_a_specialist_of_the_handling_agency_can_be_assigned(world):
    dossier = _in_appraisal(world)
    before = _snapshot(dossier)
    with pytest.raises(InvalidInput) as refused:
        services.assign_dossier(
            dossier=dossier, assignee=world.stranger, actor=world.leader, at=at(2, 11)
        )
    assert refused.value.code == "assignee_not_specialist"
    assert _snapshot(dossier) == before
