"""The indicators' pure formulas, with values worked by hand from spec 01 §2–3 and 01b §4:
``points = Pmax × min(1, ratio / target)`` rounded to 2 decimals, an empty denominator by
the definition's policy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.dossiers.tests.world import at
from motcua.indices import formulas
from motcua.indices.choices import ZeroPolicy
from motcua.indices.formulas import ChannelCounts, Definition, DossierClock


def _definition(
    points: int = 20,
    target: int = 100,
    policy: str = ZeroPolicy.NOT_SCORED,
    indicator: str = "2.1",
    group: int = 2,
) -> Definition:
    return Definition(
        indicator=indicator,
        group=group,
        max_points=Decimal(points),
        target=Decimal(target),
        zero_policy=policy,
    )


# ------------------------------------------------------------------ scoring


def test_a_linear_indicator_scores_its_share_of_the_maximum():
    # 2.1: 20 × 2/3 = 13.333… → 13.33; ratio 66.666…% → 66.67
    result = formulas.score(_definition(), 2, 3)
    assert (result.ratio, result.points) == (Decimal("66.67"), Decimal("13.33"))


def test_3_3_weighted_by_the_share_synchronised():
    online = _definition(points=6, target=50, indicator="3.3", group=3)
    # 60 % online caps at 6; × 75 of 100 synchronised: 4.50 (the cap first, then the
    # share: not 6 × min(1, 0.6 × 0.75 / 0.5) = 5.40)
    result = formulas.submitted_online(
        online, ChannelCounts(online=60, direct=40), synced=75
    )
    assert (result.ratio, result.points) == (Decimal("60.00"), Decimal("4.50"))
    # 30 % online, all synchronised: unchanged, 3.60
    assert formulas.submitted_online(
        online, ChannelCounts(online=30, direct=70), synced=100
    ).points == Decimal("3.60")
    # nothing received: the zero-denominator policy, no share to apply
    assert formulas.submitted_online(online, ChannelCounts(), synced=0).points is None
    with pytest.raises(ValueError, match="3.3"):
        formulas.submitted_online(online, ChannelCounts(online=1, direct=1), synced=3)


def test_a_target_caps_the_points_at_the_maximum():
    online = _definition(points=6, target=50, indicator="3.3", group=3)
    # 60 % online ≥ the 50 % target: full 6 points, not 7.2
    assert formulas.submitted_online(
        online, ChannelCounts(online=60, direct=40)
    ).points == Decimal("6.00")
    # 30 % online: 6 × 30/50 = 3.60
    assert formulas.submitted_online(
        online, ChannelCounts(online=30, direct=65, postal=5)
    ).points == Decimal("3.60")
    # 3.1 at 80 %: 7 of 10 = 70 % → 2 × 70/80 = 1.75
    offer = _definition(points=2, target=80, indicator="3.1", group=3)
    assert formulas.offered_online(offer, offering=7, procedures=10).points == Decimal(
        "1.75"
    )
    # exactly at the target: full points
    assert formulas.offered_online(offer, offering=8, procedures=10).points == Decimal(
        "2.00"
    )


@pytest.mark.parametrize(
    ("policy", "ratio", "points"),
    [
        (ZeroPolicy.FULL, Decimal("100.00"), Decimal("6.00")),  # 5.2, 5.3 (01b §4)
        (ZeroPolicy.ZERO, Decimal("0.00"), Decimal("0.00")),  # 5.4, payments
        (ZeroPolicy.NOT_SCORED, None, None),  # 1.1, 1.2, 1.4
    ],
)
def test_a_zero_denominator_scores_by_the_policy(policy, ratio, points):
    result = formulas.score(_definition(points=6, policy=policy), 0, 0)
    assert (result.numerator, result.denominator) == (0, 0)
    assert (result.ratio, result.points, result.no_data) == (ratio, points, False)


def test_an_indicator_without_data_says_so_and_scores_as_an_empty_denominator():
    payment = formulas.no_data(
        _definition(points=6, policy=ZeroPolicy.ZERO, indicator="3.6", group=4)
    )
    assert (
        payment.numerator,
        payment.denominator,
        payment.points,
        payment.no_data,
    ) == (
        None,
        None,
        Decimal("0.00"),
        True,
    )
    # the e-certified copy: the portal gives every unit its 2 points (01b §3)
    copy = formulas.no_data(
        _definition(points=2, policy=ZeroPolicy.FULL, indicator="4.x", group=5)
    )
    assert (copy.points, copy.no_data) == (Decimal("2.00"), True)


def test_a_group_adds_its_rounded_points_and_an_unscored_one_counts_zero():
    scores = [
        formulas.score(_definition(points=6, indicator="1.3", group=1), 1, 3),  # 2.00
        formulas.score(_definition(points=6, indicator="1.1", group=1), 0, 0),  # None
        formulas.score(_definition(points=4, indicator="1.2", group=1), 2, 3),  # 2.67
    ]
    assert formulas.group_points(scores) == {1: Decimal("4.67")}


def test_not_a_ratio_is_refused():
    with pytest.raises(ValueError, match="2.1"):
        formulas.score(_definition(), 4, 3)


def test_bands_start_at_their_lower_bound():
    bands = [("excellent", Decimal(90)), ("good", Decimal(80)), ("weak", Decimal(0))]
    assert formulas.band_of(Decimal("90.00"), bands) == "excellent"
    assert formulas.band_of(Decimal("89.99"), bands) == "good"
    assert formulas.band_of(Decimal("0.00"), bands) == "weak"
    assert formulas.band_of(Decimal(50), []) is None


# ------------------------------------------------------------------ 2.1 on time

DUE = at(5, 9)  # Thu 5/3/2026 09:00
PERIOD_END = at(1, 0, month=4)  # the midnight after 31/3


def _clock(**kwargs: object) -> DossierClock:
    return DossierClock(received_at=at(2, 9), due_at=DUE, **kwargs)  # type: ignore[arg-type]


def test_finished_exactly_at_the_appointment_is_on_time():
    assert formulas.is_on_time(_clock(ended_at=DUE), judged_at=PERIOD_END)
    assert not formulas.is_on_time(
        _clock(ended_at=DUE + dt.timedelta(seconds=1)), judged_at=PERIOD_END
    )


def test_a_second_supplement_request_is_late_whenever_it_finished():
    assert not formulas.is_on_time(
        _clock(ended_at=at(3, 9), supplement_requests=2), judged_at=PERIOD_END
    )
    assert formulas.is_on_time(
        _clock(ended_at=at(3, 9), supplement_requests=1), judged_at=PERIOD_END
    )


def test_an_open_dossier_is_judged_at_the_end_of_the_period():
    # open, appointment Thu 5/3 09:00: in time for a period ending 4/3, late for one ending 5/3
    assert formulas.is_on_time(_clock(), judged_at=at(5, 0))
    assert formulas.is_on_time(_clock(), judged_at=DUE)
    assert not formulas.is_on_time(_clock(), judged_at=at(6, 0))


def test_a_paused_dossier_is_judged_when_it_was_paused():
    # one request at Wed 4/3 14:00, before the appointment: in time at any later period end
    assert formulas.is_on_time(
        _clock(paused_at=at(4, 14), supplement_requests=1), judged_at=PERIOD_END
    )
    # asked after the appointment had passed: late
    assert not formulas.is_on_time(
        _clock(paused_at=at(5, 14), supplement_requests=1), judged_at=PERIOD_END
    )


def test_on_time_counts_over_any_iterable():
    clocks = iter([_clock(ended_at=DUE), _clock(ended_at=at(6, 9)), _clock()])
    # on time, late, open and late at 31/3: 1/3 → 20 × 1/3 = 6.67
    result = formulas.on_time(_definition(), clocks, judged_at=PERIOD_END)
    assert (result.numerator, result.denominator, result.points) == (
        1,
        3,
        Decimal("6.67"),
    )


# ------------------------------------------------------------------ 1.1, 1.2


def _weekday(day: dt.date) -> bool:
    return day.weekday() < 5


def test_working_days_count_over_weekends_both_ways():
    # Mon 9/3/2026 less 5 working days: Fri 6, Thu 5, Wed 4, Tue 3, Mon 2/3
    assert formulas.working_days_from(dt.date(2026, 3, 9), -5, _weekday) == dt.date(
        2026, 3, 2
    )
    assert formulas.working_days_from(dt.date(2026, 3, 2), 5, _weekday) == dt.date(
        2026, 3, 9
    )
    with pytest.raises(ValueError, match="working days"):
        formulas.working_days_from(dt.date(2026, 3, 2), 5, lambda day: False)


def test_a_procedure_late_once_is_late_for_the_period():
    announced = _definition(points=6, indicator="1.1", group=1)
    items = [
        formulas.Announcement(1, dt.date(2026, 3, 2), announce_by=dt.date(2026, 3, 2)),
        formulas.Announcement(2, dt.date(2026, 3, 2), announce_by=dt.date(2026, 3, 9)),
        formulas.Announcement(2, dt.date(2026, 3, 20), announce_by=dt.date(2026, 3, 9)),
        # no effective date of the legal basis: cannot be judged, left out
        formulas.Announcement(3, dt.date(2026, 3, 2)),
    ]
    # procedure 1 on time; 2 late once: 1/2 → 6 × 0.5 = 3.00
    assert formulas.announced_on_time(announced, items).points == Decimal("3.00")
