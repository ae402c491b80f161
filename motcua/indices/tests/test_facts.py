"""The per-dossier and per-petition judgement (``indices.facts``) and the new formulas,
on plain values: no database. Every expected value is worked by hand below.

March 2026 has no public holiday; office hours 07:00–11:30, 13:30–17:00 (8 working hours
a day). Working days: Mon 2 – Fri 6, Mon 9 – Fri 13, Mon 16 – Fri 20, Mon 23 – Fri 27,
Mon 30, Tue 31.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from motcua.dossiers.choices import Channel
from motcua.dossiers.workflow import DossierStatus as S
from motcua.indices import formulas
from motcua.indices.choices import ZeroPolicy
from motcua.indices.explain import more_needed
from motcua.indices.facts import (
    DossierFacts,
    Moment,
    Options,
    PetitionDeadlines,
    PetitionFacts,
    add_up,
    dossier_contributions,
    dossier_reasons,
    petition_contributions,
)
from motcua.indices.formulas import Definition
from motcua.workdays.clock import VN_TZ

MARCH = (
    dt.datetime(2026, 3, 1, tzinfo=VN_TZ),
    dt.datetime(2026, 4, 1, tzinfo=VN_TZ),
)
APRIL = (MARCH[1], dt.datetime(2026, 5, 1, tzinfo=VN_TZ))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The reasons are compared in English (their msgids)."""
    with translation.override("en"):
        yield


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


def dossier(*history: Moment, **flags: object) -> DossierFacts:
    """Received Mon 2/3 09:00 with the appointment Thu 5/3 09:00 (3 working days)."""
    received = history[0].at if history else at(2, 9)
    values: dict[str, object] = {
        "dossier": 1,
        "code": "H1",
        "agency": 1,
        "procedure": 1,
        "field": None,
        "officer": None,
        "channel": Channel.DIRECT,
        "received_at": received,
        "due_at": at(5, 9),
        "history": history
        or (Moment(at(2, 9), S.RECEIVED, due=at(5, 9), reception=True),),
    }
    values.update(flags)
    return DossierFacts(**values)  # type: ignore[arg-type]


def received(day: int = 2, hour: int = 9, due: dt.datetime | None = None) -> Moment:
    return Moment(at(day, hour), S.RECEIVED, due=due or at(5, 9), reception=True)


def contributions(facts: DossierFacts, period=MARCH, **kwargs):
    start, end = period
    return dossier_contributions(
        facts, start=start, end=end, judged_at=kwargs.pop("judged_at", end), **kwargs
    )


# ------------------------------------------------------------------ 2.1 through the facts


def test_supplement_time_is_subtracted_through_the_moved_appointment():
    # asked Mon 2/3 14:00, given Tue 3/3 14:00: 8 working hours, the appointment moves
    # from Thu 5/3 09:00 to Fri 6/3 09:00; finished Thu 5/3 15:00 → on time
    facts = dossier(
        received(),
        Moment(at(2, 14), S.SUPPLEMENT_REQUESTED),
        Moment(at(3, 14), S.PROCESSING, due=at(6, 9)),
        Moment(at(5, 15), S.RESOLVED),
    )
    assert contributions(facts)["2.1"] == (1, 1)
    # the same without the move: 5/3 15:00 is after 5/3 09:00 → late
    unmoved = dossier(
        received(),
        Moment(at(2, 14), S.SUPPLEMENT_REQUESTED),
        Moment(at(3, 14), S.PROCESSING),
        Moment(at(5, 15), S.RESOLVED),
    )
    assert contributions(unmoved)["2.1"] == (0, 1)


def test_a_second_supplement_request_counts_late_however_early_it_ends():
    facts = dossier(
        received(),
        Moment(at(2, 14), S.SUPPLEMENT_REQUESTED),
        Moment(at(2, 15), S.PROCESSING, due=at(5, 10)),
        Moment(at(3, 9), S.SUPPLEMENT_REQUESTED),
        Moment(at(3, 10), S.PROCESSING, due=at(5, 11)),
        Moment(at(4, 9), S.RESOLVED),
    )
    assert contributions(facts)["2.1"] == (0, 1)
    reasons = dossier_reasons(facts, start=MARCH[0], end=MARCH[1], judged_at=MARCH[1])
    assert reasons["2.1"] == (False, "late: second supplement request")


def test_finished_exactly_at_the_appointment_is_on_time():
    facts = dossier(received(), Moment(at(5, 9), S.RESOLVED))
    assert contributions(facts)["2.1"] == (1, 1)
    reasons = dossier_reasons(facts, start=MARCH[0], end=MARCH[1], judged_at=MARCH[1])
    assert reasons["2.1"] == (True, "on time: finished exactly at its appointment")
    # one minute later is late
    late = dossier(received(), Moment(at(5, 9, 1), S.RESOLVED))
    assert contributions(late)["2.1"] == (0, 1)


def test_an_open_dossier_is_judged_at_the_period_end():
    # received Mon 30/3 09:00, appointment Thu 2/4 09:00, still open
    facts = dossier(received(30, 9, due=at(2, 9, month=4)))
    # March: judged at the midnight after 31/3, before 2/4 09:00 → in time
    assert contributions(facts)["2.1"] == (1, 1)
    # April: judged at the midnight after 30/4, long past → late
    assert contributions(facts, APRIL)["2.1"] == (0, 1)
    # the current period: judged now, Wed 1/4 08:00 → still in time
    assert contributions(facts, APRIL, judged_at=at(1, 8, month=4))["2.1"] == (1, 1)


def test_a_dossier_finished_before_the_period_is_not_in_it():
    facts = dossier(received(), Moment(at(4, 9), S.RESOLVED))
    assert "2.1" not in contributions(facts, APRIL)
    # nor is one received after it
    assert contributions(dossier(received(2, 9)), (MARCH[0], at(2, 8))) == {}


# ------------------------------------------------------------------ 5.4


def test_5_4_counts_each_dossier_once():
    on_time = (received(), Moment(at(4, 9), S.RESOLVED))
    late = (received(), Moment(at(6, 9), S.RESOLVED))
    clean = dossier(*on_time)
    # on time, with both a petition and a dislike: out of the numerator once, not twice
    both = dossier(*on_time, first_petition_at=at(10, 9), first_dislike_at=at(11, 9))
    # late and disliked: out once
    late_disliked = dossier(*late, first_dislike_at=at(11, 9))
    summed = add_up(contributions(f) for f in (clean, both, late_disliked))
    # 5.4 = 1 of 3; 2.1 = 2 of 3 (the petition does not make a dossier late)
    assert summed["5.4"] == (1, 3)
    assert summed["2.1"] == (2, 3)
    # a petition made after the moment judged does not count yet
    future = dossier(*on_time, first_petition_at=at(2, 9, month=4))
    assert contributions(future)["5.4"] == (1, 1)


# ------------------------------------------------------------------ dossiers received


def test_the_received_dossier_flags():
    facts = dossier(
        received(),
        Moment(at(4, 9), S.RESOLVED),
        channel=Channel.ONLINE,
        synced_at=at(2, 10),
        papers=2,
        papers_digitised=2,
        last_digitised_at=at(2, 9),
        returns_document=True,
        first_result_at=at(4, 9),
        first_electronic_result_at=at(4, 9),
        reused=True,
        fees_owed=1,
        first_online_payment_at=at(3, 9),
        vneid_verified=True,
    )
    found = contributions(facts)
    for indicator in ("1.4", "3.3", "3.6", "4.1", "4.2", "4.3", "4.5b"):
        assert found[indicator] == (1, 1), indicator
    # 4.4: no paper from the data store, no result sent to it
    assert found["4.4"] == (0, 1)
    # one paper of two not digitised: 4.2 out, and the reason says so
    half = dossier(received(), papers=2, papers_digitised=1, last_digitised_at=at(2, 9))
    assert contributions(half)["4.2"] == (0, 1)
    reasons = dossier_reasons(half, start=MARCH[0], end=MARCH[1], judged_at=MARCH[1])
    assert reasons["4.2"] == (False, "1 of 2 papers not digitised")
    # a procedure returning a document whose result was issued on paper: 4.2 out
    paper_result = dossier(
        received(),
        papers=1,
        papers_digitised=1,
        last_digitised_at=at(2, 9),
        returns_document=True,
        first_result_at=at(4, 9),
    )
    assert contributions(paper_result)["4.2"] == (0, 1)
    # no fee owed: not in 3.6 at all
    assert "3.6" not in contributions(dossier(received()))


def test_4_1_all_dossiers_or_only_those_returning_a_document():
    facts = dossier(received(), returns_document=False)
    assert contributions(facts)["4.1"] == (0, 1)
    narrow = Options(e_result_all_dossiers=False)
    assert "4.1" not in contributions(facts, options=narrow)


# ------------------------------------------------------------------ petitions


def _add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """Weekdays only: March 2026 has no public holiday."""
    while days:
        moment += dt.timedelta(days=1)
        days -= moment.weekday() < 5
    return moment


DEADLINES = PetitionDeadlines(add=_add_working_days)


def petition(**moments: object) -> PetitionFacts:
    values: dict[str, object] = {
        "petition": 1,
        "code": "P1",
        "agency": 1,
        "category": "procedure",
        "submitted_at": at(6, 10),
    }
    values.update(moments)
    return PetitionFacts(**values)  # type: ignore[arg-type]


def judged(facts: PetitionFacts, judged_at: dt.datetime = MARCH[1]):
    return petition_contributions(
        facts, start=MARCH[0], end=MARCH[1], judged_at=judged_at, deadlines=DEADLINES
    )


def test_5_2_deadlines_are_working_days():
    # submitted Fri 6/3 10:00; 15 working days: 9–13 (5), 16–20 (10), 23–27 (15) →
    # Fri 27/3 10:00; publication within 2 working days of the answer
    answered = petition(answered_at=at(27, 10), published_at=at(31, 10))
    assert judged(answered)["5.2"] == (1, 1)
    assert judged(petition(answered_at=at(27, 10, 1), published_at=at(27, 11)))[
        "5.2"
    ] == (0, 1)
    # answered Fri 27/3 10:00, publish by Tue 31/3 10:00 (Mon 30, Tue 31): 11:00 late
    assert judged(petition(answered_at=at(27, 10), published_at=at(31, 11)))["5.2"] == (
        0,
        1,
    )
    # refused within 2 working days: by Tue 10/3 10:00
    assert judged(petition(refused_at=at(10, 10)))["5.2"] == (1, 1)
    assert judged(petition(refused_at=at(10, 10, 30)))["5.2"] == (0, 1)
    # counted from the latest transfer: transferred Mon 9/3 10:00 → refuse by Wed 11/3
    assert judged(petition(transferred_at=at(9, 10), refused_at=at(11, 10)))["5.2"] == (
        1,
        1,
    )
    # still open: in time while the moment judged is by Fri 27/3 10:00
    assert judged(petition(), judged_at=at(27, 10))["5.2"] == (1, 1)
    assert judged(petition())["5.2"] == (0, 1)


def test_5_3_and_5_1_over_the_petitions_received_in_the_period():
    on_time = {"answered_at": at(10, 9), "published_at": at(11, 9)}
    clean = petition(**on_time)
    disliked = petition(**on_time, likes=1, dislikes=3, category="staff")
    re_raised = petition(**on_time, re_raised=True, category="other")
    late = petition()  # open past 15 working days at the end of March
    summed = add_up(judged(p) for p in (clean, disliked, re_raised, late))
    assert summed["5.3"] == (1, 4)
    assert summed["5.2"] == (3, 4)
    assert summed["5.1a"] == (2, 4)  # clean and late are about procedures
    assert summed["5.1b"] == (1, 4)
    # as many likes as dislikes is not "more dislikes than likes"
    assert judged(petition(**on_time, likes=2, dislikes=2))["5.3"] == (1, 1)


# ------------------------------------------------------------------ formulas


def definition(points: int, target: int = 100, policy: str = ZeroPolicy.ZERO):
    return Definition(
        indicator="x",
        group=4,
        max_points=Decimal(points),
        target=Decimal(target),
        zero_policy=policy,
    )


def test_payment_points_are_rounded_per_component():
    # 3.4: 1 of 3 procedures, target 80 %: 2 × 33.33/80 = 0.8333 → 0.83
    # 3.5: the same, 0.83; 3.6: 2 of 3 dossiers, linear: 6 × 2/3 = 4.00
    # per component 0.83 + 0.83 + 4.00 = 5.66 (rounded once it would be 5.67)
    scores = [
        formulas.ratio(definition(2, 80), 1, 3),
        formulas.ratio(definition(2, 80), 1, 3),
        formulas.ratio(definition(6), 2, 3),
    ]
    assert [s.points for s in scores] == [
        Decimal("0.83"),
        Decimal("0.83"),
        Decimal("4.00"),
    ]
    assert formulas.group_points(scores) == {4: Decimal("5.66")}


def test_points_are_capped_at_the_target():
    # 9 of 10 = 90 % with a target of 80 %: 2 × min(1, 90/80) = 2.00
    assert formulas.ratio(definition(2, 80), 9, 10).points == Decimal("2.00")
    # 5.4 at 85 %, target 90 %: 6 × 85/90 = 5.667 → 5.67; at 95 %: 6
    assert formulas.ratio(definition(6, 90), 17, 20).points == Decimal("5.67")
    assert formulas.ratio(definition(6, 90), 19, 20).points == Decimal("6.00")


def test_zero_denominators_follow_the_policy():
    assert formulas.ratio(definition(6, policy=ZeroPolicy.FULL), 0, 0).points == 6
    assert formulas.ratio(definition(6, 90), 0, 0).points == Decimal("0.00")
    empty = formulas.ratio(definition(6, policy=ZeroPolicy.NOT_SCORED), 0, 0)
    assert (empty.ratio, empty.points) == (None, None)


def test_the_sync_denominator_falls_back_on_the_previous_year():
    # nothing received: the previous year's 120 / 12 for a month, / 4 for a quarter
    common = {"previous_year": 120, "days": 31, "year_days": 365}
    assert formulas.sync_denominator(0, months=1, **common) == 10
    assert formulas.sync_denominator(0, months=3, **common) == 30
    assert formulas.sync_denominator(0, months=12, **common) == 120
    # a 10-day range: 120 × 10/365 = 3.29 → 3
    assert (
        formulas.sync_denominator(
            0, previous_year=120, months=None, days=10, year_days=365
        )
        == 3
    )
    # something received: that count, whatever the previous year
    assert formulas.sync_denominator(7, months=1, **common) == 7
    # with the fallback nothing is synchronised: 0 / 10 → 0 points, not "not scored"
    fallback = formulas.synced(
        definition(6, policy=ZeroPolicy.NOT_SCORED),
        synced=0,
        received=0,
        denominator=10,
    )
    assert fallback.points == Decimal("0.00")


def test_more_needed_is_worked_from_the_formula():
    on_time = definition(20)
    # 3 of 6 on time (10 points); 12 points need (3 + k)/(6 + k) ≥ 60 %: 0.4k ≥ 0.6,
    # k = 2 (5/8 = 62.5 % → 12.50; k = 1: 4/7 = 57.14 % → 11.43)
    assert more_needed(on_time, 3, 6, Decimal(12)) == 2
    # full points need 100 %: never, with three late already in the denominator
    assert more_needed(on_time, 3, 6, Decimal(20)) is None
    # 5.4, full at 90 %: (3 + k)/(6 + k) ≥ 0.9: 0.1k ≥ 2.4, k = 24 (27/30 = 90 %;
    # k = 23: 26/29 = 89.66 % → 6 × 89.66/90 = 5.98)
    assert more_needed(definition(6, 90), 3, 6, Decimal(6)) == 24
    # already there
    assert more_needed(definition(6, 90), 9, 10, Decimal(6)) == 0
    # an empty denominator: one qualifying dossier makes 100 %
    assert more_needed(definition(2, 80), 0, 0, Decimal(2)) == 1
    # more than the maximum: never
    assert more_needed(definition(2, 80), 0, 0, Decimal(3)) is None
