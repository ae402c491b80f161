"""The index of a unit for a period, from dossiers built through the services.

The world (``dossiers.tests.world``): a 3-working-day procedure, offered fully online,
applied by the commune; office hours 07:00–11:30 and 13:30–17:00; March 2026 has no
public holiday. Received Mon 2/3 09:00 ⇒ appointment Thu 5/3 09:00.

The six March dossiers, each judged by the rules of spec 01 §3 (2.1):

- A: finished Thu 5/3 09:00, exactly at the appointment ⇒ on time (step 6).
- B: finished Thu 5/3 10:00 ⇒ late.
- C: one supplement round Mon 2/3 14:00 → Tue 3/3 14:00 (8 working hours) moves the
  appointment to Fri 6/3 09:00; finished Thu 5/3 15:00, after the first appointment but
  before the moved one ⇒ on time (step 4).
- D: two supplement requests (2/3 14:00 and 3/3 15:00), finished Wed 4/3 09:00, well in
  time ⇒ late all the same (step 3).
- E: received 2/3 09:00 and never finished: at the end of March past its appointment ⇒
  late (step 5).
- F: submitted online, received Tue 31/3 09:00 (appointment Fri 3/4 09:00), open at the
  end of March ⇒ in time (step 5).

2.1 for March: A, C, F on time of 6 ⇒ 50 % ⇒ 20 × 0,5 = 10.00 points.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.agencies.choices import SuccessionKind
from motcua.agencies.models import AgencySuccession
from motcua.dossiers import services
from motcua.dossiers.choices import Channel
from motcua.dossiers.tests.world import World, at
from motcua.indices.models import IndicatorDefinition
from motcua.indices.periods import parse_period
from motcua.indices.selectors import compute_index, compute_indexes
from motcua.procedures.tests.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
#: a moment long after every period of these tests: "now" never decides a figure here
LATER = at(1, 9, month=1, year=2030)


def _receive(world: World, when: dt.datetime, *, online: bool = False):
    if online:
        submitted = services.submit_online(
            intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
            actor=world.citizen,
            at=when - dt.timedelta(hours=1),
        )
        dossier = services.receive_dossier(
            dossier=submitted, actor=world.counter, at=when
        )
    else:
        dossier = services.receive_dossier(
            intake=world.intake(), actor=world.counter, at=when
        )
    return services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=when + dt.timedelta(minutes=30)
    )


def _finish(world: World, dossier, when: dt.datetime):
    dossier = services.submit_for_approval(
        dossier=dossier, actor=world.specialist, at=when - dt.timedelta(minutes=2)
    )
    dossier = services.approve_dossier(
        dossier=dossier, actor=world.leader, at=when - dt.timedelta(minutes=1)
    )
    return services.issue_result(
        dossier=dossier, results=["Giấy xác nhận"], actor=world.leader, at=when
    )


def _supplement(world: World, dossier, asked: dt.datetime, given: dt.datetime):
    dossier = services.request_supplement(
        dossier=dossier, missing=["Bản sao"], actor=world.specialist, at=asked
    )
    return services.receive_supplement(
        dossier=dossier, actor=world.specialist, at=given
    )


def _index(world: World, start: dt.date, end: dt.date, **kwargs: object):
    return compute_index(
        unit=kwargs.pop("unit", world.commune),  # type: ignore[arg-type]
        subtree=bool(kwargs.pop("subtree", False)),
        start=start,
        end=end,
        now=LATER,
    )


def _figures(report, indicator: str):
    score = report.scores[indicator]
    return score.numerator, score.denominator, score.ratio, score.points


def test_march_scores_each_indicator_from_the_dossiers(march):
    report = _index(march, *MARCH)
    assert _figures(report, "2.1") == (3, 6, Decimal("50.00"), Decimal("10.00"))
    # 3.3: 1 of the 6 received online = 16.67 %; target 50 %: 6 × (1/6)/0.5 = 2.00
    assert _figures(report, "3.3") == (1, 6, Decimal("16.67"), Decimal("2.00"))
    # 3.1: the one procedure the commune applies is offered online, 100 % ≥ 80 %: 2
    assert _figures(report, "3.1") == (1, 1, Decimal("100.00"), Decimal("2.00"))
    # 3.2: its one online service received an online dossier (F): 4
    assert _figures(report, "3.2") == (1, 1, Decimal("100.00"), Decimal("4.00"))
    # 1.3: the one published procedure shows all seven components: 2
    assert _figures(report, "1.3") == (1, 1, Decimal("100.00"), Decimal("2.00"))
    # 1.4: none of the six was synchronised to the national portal: 0/6 → 0
    assert _figures(report, "1.4") == (0, 6, Decimal("0.00"), Decimal("0.00"))
    # 3.6: no dossier owes a fee: 0/0, payments score 0 (01b §4)
    assert _figures(report, "3.6") == (0, 0, Decimal("0.00"), Decimal("0.00"))
    # 4.1: four results issued (A–D), none electronic: 0/6 → 0; the e-certified copy is
    # awarded its 2 points as the portal does (01b §3)
    assert _figures(report, "4.1")[:2] == (0, 6)
    assert report.scores["4.x"].points == Decimal("2.00")
    # 5.2, 5.3: no petition: 6 + 6 (01b §7); 5.4: the 2.1 set, on time and no petition
    # nor dislike: A, C, F of 6 = 50 %, full at 90 %: 6 × 50/90 = 3.333 → 3.33
    assert _figures(report, "5.4") == (3, 6, Decimal("50.00"), Decimal("3.33"))
    assert report.groups == {
        1: Decimal("2.00"),
        2: Decimal("10.00"),
        3: Decimal("8.00"),
        4: Decimal("0.00"),
        5: Decimal("2.00"),
        6: Decimal("15.33"),
    }
    # 2 + 10 + 8 + 0 + 2 + 15.33
    assert report.total == Decimal("37.33")
    assert report.band == "weak"


def test_open_dossiers_are_judged_as_they_stood_at_the_end_of_the_period(march):
    # Mon 2/3 – Tue 3/3: A, B, C, D, E were received, none had finished by the midnight
    # after 3/3; all in time then except D, which had had its second request (3/3 15:00)
    report = _index(march, dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert _figures(report, "2.1")[:2] == (4, 5)


def test_dossiers_finished_before_the_period_are_not_in_it(march):
    # April: only E (open, long past its appointment) and F (open, appointment 3/4
    # 09:00, past at the end of April) are still being handled; both late
    report = _index(march, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert _figures(report, "2.1") == (0, 2, Decimal("0.00"), Decimal("0.00"))
    # received in April: none, so 3.3 has an empty denominator: zero points (policy)
    assert _figures(report, "3.3") == (0, 0, Decimal("0.00"), Decimal("0.00"))


def test_a_paused_dossier_is_judged_at_its_request(world):
    # received Mon 30/3 09:00 (appointment Thu 2/4 09:00), asked for a supplement Tue
    # 31/3 10:00 and not yet given: at the end of March in time; and in April too,
    # judged at the request, although 2/4 has passed
    dossier = _receive(world, at(30, 9))
    services.request_supplement(
        dossier=dossier, missing=["Bản sao"], actor=world.specialist, at=at(31, 10)
    )
    assert _figures(_index(world, *MARCH), "2.1")[:2] == (1, 1)
    april = _index(world, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert _figures(april, "2.1")[:2] == (1, 1)


def test_a_withdrawn_dossier_ends_when_withdrawn(world):
    dossier = _receive(world, at(2, 9))
    services.withdraw_dossier(dossier=dossier, actor=world.counter, at=at(3, 9))
    assert _figures(_index(world, *MARCH), "2.1")[:2] == (1, 1)


def test_dossiers_count_for_the_handling_agency_not_the_receiving_one(march):
    centre = _index(march, *MARCH, unit=march.centre)
    # the centre handles nothing: 2.1 has no denominator and is not scored
    assert _figures(centre, "2.1") == (0, 0, None, None)
    # the province with its subtree sees the commune's six
    province = _index(march, *MARCH, unit=march.commune.parent, subtree=True)
    assert _figures(province, "2.1")[:2] == (3, 6)
    alone = _index(march, *MARCH, unit=march.commune.parent)
    assert _figures(alone, "2.1")[:2] == (0, 0)


def test_a_merged_agency_history_rolls_up_into_its_successor(world):
    # an open dossier handled by the department since 2/3: late at the end of March
    intake = dataclasses.replace(world.intake(), handling_agency=world.department)
    services.receive_dossier(intake=intake, actor=world.counter, at=at(2, 9))
    _receive(world, at(30, 9))  # the commune's own, in time
    assert _figures(_index(world, *MARCH), "2.1")[:2] == (1, 1)
    succession = AgencySuccession.objects.create(
        predecessor=world.department,
        successor=world.commune,
        kind=SuccessionKind.SPLIT,
        effective_on=dt.date(2026, 4, 1),
    )
    # a split: which part each successor inherits is not clear; nothing rolls up
    assert _figures(_index(world, *MARCH), "2.1")[:2] == (1, 1)
    succession.kind = SuccessionKind.MERGER
    succession.save()
    assert _figures(_index(world, *MARCH), "2.1")[:2] == (1, 2)
    # the predecessor keeps its own history
    alone = _index(world, *MARCH, unit=world.department)
    assert _figures(alone, "2.1")[:2] == (0, 1)


def test_a_weight_changed_on_1_july_applies_from_july(world):
    """3.1 moves from 2 to 4 points and 3.3 from 6 to 4 on 1/7/2026 (group 3 still 12).
    The commune's one procedure is offered online (100 %): 2 points in June, 4 in July."""
    for indicator, points in (("3.1", 4), ("3.3", 4)):
        old = IndicatorDefinition.objects.get(indicator=indicator)
        old.effective_to = dt.date(2026, 6, 30)
        old.save()
        old.pk = None
        old.effective_from, old.effective_to = dt.date(2026, 7, 1), None
        old.max_points = Decimal(points)
        old.save()
    june = _index(world, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    july = _index(world, dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert june.scores["3.1"].points == Decimal("2.00")
    assert july.scores["3.1"].points == Decimal("4.00")
    assert (june.group_max[3], july.group_max[3]) == (Decimal(12), Decimal(12))


#: the working days of March 2026
_WORKING_DAYS = [d for d in range(2, 28) if dt.date(2026, 3, d).weekday() < 5]


def _add(world: World, count: int, *, offset: int = 0) -> None:
    for n in range(offset, offset + count):
        day = _WORKING_DAYS[n % len(_WORKING_DAYS)]
        dossier = _receive(world, at(day, 9))
        if n % 2:
            _supplement(world, dossier, at(day, 14), at(day, 15))
        if n % 3 == 0:
            _finish(world, dossier, at(day, 16))


def _queries(world: World, expected: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = _index(world, *MARCH, unit=world.commune.parent, subtree=True)
    assert report.scores["2.1"].denominator == expected
    return len(queries)


def test_the_index_costs_the_same_queries_for_2_and_for_20_dossiers(world):
    # the working-day calendar is reference data the process keeps (core.cache): built once
    _index(world, *MARCH)
    _add(world, 2)
    two = _queries(world, 2)
    _add(world, 18, offset=2)
    assert _queries(world, 20) == two


def _units(world: World):
    return [
        world.commune.parent,
        world.centre,
        world.commune,
        world.department,
        world.tax_office,
    ]


def _merged_world(world: World) -> None:
    """The department's one open dossier (late at the end of March), merged into the
    commune, and the commune's own two: one online in time, one finished late."""
    intake = dataclasses.replace(world.intake(), handling_agency=world.department)
    services.receive_dossier(intake=intake, actor=world.counter, at=at(2, 9))
    _receive(world, at(30, 9), online=True)
    _finish(world, _receive(world, at(2, 9)), at(5, 10))
    AgencySuccession.objects.create(
        predecessor=world.department,
        successor=world.commune,
        kind=SuccessionKind.MERGER,
        effective_on=dt.date(2026, 4, 1),
    )


@pytest.mark.parametrize("recompute", [False, True])
@pytest.mark.parametrize("subtree", [False, True])
def test_units_computed_together_are_each_as_computed_alone(world, subtree, recompute):
    _merged_world(world)
    units = _units(world)
    together = compute_indexes(
        units,
        subtree=subtree,
        start=MARCH[0],
        end=MARCH[1],
        now=LATER,
        recompute=recompute,
    )
    assert list(together) == [unit.pk for unit in units]
    for unit in units:
        alone = compute_index(
            unit=unit,
            subtree=subtree,
            start=MARCH[0],
            end=MARCH[1],
            now=LATER,
            recompute=recompute,
        )
        assert together[unit.pk].scores == alone.scores, unit
        assert together[unit.pk].total == alone.total, unit
    commune, department = together[world.commune.pk], together[world.department.pk]
    # the commune: its own two (the online one in time, the other finished 5/3 10:00,
    # an hour after its appointment) and the department's late one: 1 of 3
    assert _figures(commune, "2.1")[:2] == (1, 3)
    # 3.3: one of the three received online
    assert _figures(commune, "3.3")[:2] == (1, 3)
    # the department keeps its own history only
    assert _figures(department, "2.1")[:2] == (0, 1)
    # 3.1: the commune applies the one procedure, the department none
    assert _figures(commune, "3.1")[:2] == (1, 1)
    assert _figures(department, "3.1")[:2] == (0, 0)
    province = _figures(together[world.commune.parent.pk], "2.1")[:2]
    assert province == ((1, 3) if subtree else (0, 0))


def _batch_queries(world: World, units) -> int:
    with CaptureQueriesContext(connection) as queries:
        compute_indexes(units, subtree=True, start=MARCH[0], end=MARCH[1], now=LATER)
    return len(queries)


def test_units_computed_together_cost_the_same_queries_for_2_and_for_5_units(world):
    _merged_world(world)
    units = _units(world)
    _batch_queries(world, units)  # the process's caches warm
    # the province (the deepest walk of the tree) and the centre (nothing received:
    # 1.4's fallback reads the year before) are in both
    assert _batch_queries(world, units[:2]) == _batch_queries(world, units)


# ------------------------------------------------------------------ the command


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("index", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_index_as_json(march):
    printed = _run("--unit", march.commune.identifier, "--period", "2026-03", "--json")
    assert printed["indicators"]["2.1"] == {
        "group": 2,
        "numerator": 3,
        "denominator": 6,
        "ratio": 50.0,
        "points": 10.0,
        "max_points": 20.0,
        "value": None,
        "no_data": False,
    }
    assert printed["groups"]["2"] == {"points": 10.0, "max_points": 20.0}
    assert (printed["total"], printed["band"]) == (37.33, "weak")
    assert (printed["from"], printed["to"]) == ("2026-03-01", "2026-03-31")
    # the same March through a custom range; the quarter holds only March's dossiers
    ranged = _run(
        "--unit",
        march.commune.identifier,
        "--from",
        "01/03/2026",
        "--to",
        "31/03/2026",
        "--json",
    )
    assert ranged["indicators"] == printed["indicators"]
    quarter = _run("--unit", march.commune.identifier, "--period", "2026-Q1", "--json")
    assert quarter["from"] == "2026-01-01"
    assert quarter["indicators"]["2.1"] == printed["indicators"]["2.1"]
    subtree = _run(
        "--unit",
        march.commune.parent.identifier,
        "--period",
        "2026-03",
        "--subtree",
        "--json",
    )
    assert subtree["indicators"]["2.1"]["denominator"] == 6


def test_the_command_without_json_prints_a_table(march):
    out = io.StringIO()
    call_command(
        "index", "--unit", march.commune.identifier, "--period", "2026-03", stdout=out
    )
    assert "2.1" in out.getvalue()
    assert "3/6 → 10.00/20" in out.getvalue()
    assert "2. " in out.getvalue()
    assert "10.00/20\n" in out.getvalue()
    assert "37.33" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--unit", "000.00.99.H99", "--period", "2026-03"], "--unit"),
        (["--unit", "000.00.51.H15", "--period", "2026-13"], "--period"),
        (["--unit", "000.00.51.H15", "--period", "2026-Q5"], "--period"),
        (["--unit", "000.00.51.H15", "--period", "March"], "--period"),
        (["--unit", "000.00.51.H15", "--period", "1900"], "--period"),
        # not begun: nothing to measure
        (["--unit", "000.00.51.H15", "--period", "2099"], "--period"),
        (
            ["--unit", "000.00.51.H15", "--from", "01/01/2099", "--to", "31/01/2099"],
            "--from",
        ),
        (["--unit", "000.00.51.H15"], "--period"),
        (
            ["--unit", "000.00.51.H15", "--period", "2026", "--from", "01/03/2026"],
            "--period",
        ),
        (
            ["--unit", "000.00.51.H15", "--from", "2026-03-01", "--to", "31/03/2026"],
            "--from",
        ),
        (
            ["--unit", "000.00.51.H15", "--from", "01/03/2026", "--to", "31/02/2026"],
            "--to",
        ),
        (
            ["--unit", "000.00.51.H15", "--from", "31/03/2026", "--to", "01/03/2026"],
            "--to",
        ),
    ],
)
def test_bad_input_names_the_argument_and_exits_2(world, args, named):
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("index", *args, stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(named)


def test_an_explanation_wider_than_the_limit_exits_2(march, settings):
    settings.INDEX_EXPLAIN_LIMIT = 5
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command(
            "index",
            "--unit",
            march.commune.identifier,
            "--period",
            "2026-03",
            "--explain",
            "2.1",
            stdout=io.StringIO(),
        )
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(
        "--explain: More than 5 dossiers or petitions would have to be examined"
    )


def test_a_recomputation_wider_than_the_limit_exits_2(march, settings):
    """2–31 March (all six dossiers, received on 2/3 and 31/3) is not a calendar
    bucket: recomputed, refused under a limit of five; the calendar month is read from
    the maintained figures, answered under any limit."""
    settings.INDEX_RECOMPUTE_LIMIT = 5
    unit = march.commune.identifier
    with translation.override("en"), pytest.raises(CommandError) as refused:
        _run("--unit", unit, "--from", "02/03/2026", "--to", "31/03/2026", "--json")
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(
        "--period: More than 5 dossiers would have to be recomputed"
    )
    assert (
        _run("--unit", unit, "--period", "2026-03", "--json")["indicators"]["2.1"][
            "denominator"
        ]
        == 6
    )
    settings.INDEX_RECOMPUTE_LIMIT = 6
    ranged = _run(
        "--unit", unit, "--from", "02/03/2026", "--to", "31/03/2026", "--json"
    )
    assert ranged["indicators"]["2.1"]["denominator"] == 6


def test_definitions_that_do_not_add_up_exit_2(world):
    IndicatorDefinition.objects.filter(indicator="2.1").update(max_points=19)
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command(
            "index",
            "--unit",
            world.commune.identifier,
            "--period",
            "2026-03",
            stdout=io.StringIO(),
        )
    assert refused.value.returncode == 2
    assert "2. Progress of handling" in str(refused.value)
    assert "carry 19 points on 31/03/2026, but the group declares 20." in str(
        refused.value
    )


def test_announcements_and_publications_are_judged_in_working_days(world):
    """1.1: on time when the decision is dated at least 5 working days before the legal
    basis takes effect; 1.2: published within 5 working days of the decision.

    - P1: decided Mon 2/3, basis effective Mon 9/3 (5 working days later): on time;
      published Mon 9/3 = 2/3 + 5 working days: on time.
    - P2: decided Tue 3/3, basis effective 9/3: late; published Wed 11/3, due Tue 10/3:
      late.
    - P3: decided Wed 25/2 (not in March's 1.1), due for publication Wed 4/3 (26, 27,
      2, 3, 4), never published: late in March's 1.2.

    1.1: 1 of 2 → 6 × 0.5 = 3.00. 1.2: 1 of 3 → 4 × 1/3 = 1.33.
    """
    for announced, effective, published in (
        (dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 9)),
        (dt.date(2026, 3, 3), dt.date(2026, 3, 9), dt.date(2026, 3, 11)),
        (dt.date(2026, 2, 25), dt.date(2026, 4, 1), None),
    ):
        ProcedureVersionFactory.create(
            announcement_date=announced,
            legal_basis_effective_on=effective,
            published_on=published,
        )
    report = _index(world, *MARCH)
    assert _figures(report, "1.1") == (1, 2, Decimal("50.00"), Decimal("3.00"))
    assert _figures(report, "1.2") == (1, 3, Decimal("33.33"), Decimal("1.33"))


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # a leap year
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
    ],
)
def test_a_period_is_its_first_and_last_day(period, first, last):
    assert parse_period(period) == (first, last)
