"""Every indicator from motcua's data, the cuts, the drill-down and what moves the score,
on the March world of ``test_index`` (A–F, worked out in its docstring) with the data
the remaining indicators read written directly (fees, papers, results, evaluations,
petitions). Each figure is worked by hand in the comments.

Recall (2.1 for March): A on time (finished Thu 5/3 09:00, exactly at its appointment),
B late (10:00), C on time (supplement moved its appointment to Fri 6/3 09:00, finished
5/3 15:00), D late (two supplement requests), E late (open, due 5/3 09:00), F in time
(online, received Tue 31/3 09:00, due Fri 3/4 09:00). A–D have a result (issued when
finished); every dossier has the procedure's two papers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.agencies.choices import SuccessionKind
from motcua.agencies.models import AgencySuccession
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierComponent, DossierResult
from motcua.dossiers.tests.world import World, at
from motcua.indices import live
from motcua.indices.explain import explain, opportunities
from motcua.indices.loader import Scope
from motcua.indices.models import IndicatorDefinition
from motcua.indices.selectors import Rank, compute_index, rank_among_siblings
from motcua.indices.tests.test_index import (
    LATER,
    MARCH,
    _add,
    _figures,
    _finish,
    _index,
    _receive,
)
from motcua.payments.choices import PaymentMethod
from motcua.payments.models import DossierFee
from motcua.procedures.choices import OnlineLevel
from motcua.procedures.tests.factories import FeeLineFactory, ResultDocumentFactory
from motcua.ratings.choices import EvaluationChannel, PetitionCategory, Verdict
from motcua.ratings.models import Evaluation, Petition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Reasons are compared in English (their msgids)."""
    with translation.override("en"):
        yield


def _dossiers() -> list[Dossier]:
    return list(Dossier.objects.order_by("pk"))


def _fee(dossier: Dossier, amount: int, payment: str, paid: dt.datetime | None) -> None:
    DossierFee.objects.create(
        dossier=dossier,
        position=DossierFee.objects.filter(dossier=dossier).count() + 1,
        name="Lệ phí",
        amount=amount,
        payment=payment,
        paid_at=paid,
    )


@pytest.fixture
def full(march: World) -> World:
    """The March world with the data of groups 1, 4, 5 and 6 (module docstring)."""
    a, b, c, d, e, f = _dossiers()
    FeeLineFactory.create(version=march.version, amount=50_000)
    if not march.version.results.exists():
        ResultDocumentFactory.create(version=march.version)
    # 1.4: A and B synchronised
    Dossier.objects.filter(pk__in=[a.pk, b.pk]).update(synced_at=at(2, 10))
    # 3.4–3.6: A paid online, B at the counter, C owes 0, D exempt
    _fee(a, 50_000, PaymentMethod.ONLINE_NATIONAL, at(3, 10))
    _fee(b, 50_000, PaymentMethod.COUNTER, at(3, 10))
    _fee(c, 0, PaymentMethod.UNPAID, None)
    _fee(d, 100_000, PaymentMethod.EXEMPT, None)
    # 4.1: A's and B's results electronic; 4.4: A's sent to the data store
    DossierResult.objects.filter(dossier__in=[a, b]).update(electronic=True)
    DossierResult.objects.filter(dossier=a).update(sent_to_data_store=True)
    # 4.2: both of A's papers digitised, one of B's
    DossierComponent.objects.filter(dossier=a).update(digitised_at=at(2, 9))
    first_of_b = DossierComponent.objects.filter(dossier=b).order_by("pk").first()
    assert first_of_b is not None
    DossierComponent.objects.filter(pk=first_of_b.pk).update(digitised_at=at(2, 9))
    # 4.3: a paper of C reused; 4.4: a paper of D from the data store; 4.5: E via VNeID
    DossierComponent.objects.filter(
        pk=DossierComponent.objects.filter(dossier=c).order_by("pk").first().pk  # type: ignore[union-attr]
    ).update(reused=True)
    DossierComponent.objects.filter(
        pk=DossierComponent.objects.filter(dossier=d).order_by("pk").first().pk  # type: ignore[union-attr]
    ).update(from_data_store=True)
    Dossier.objects.filter(pk=e.pk).update(applicant_vneid_verified=True)
    # 5.4: A and B disliked; a petition about C
    for disliked in (a, b):
        Evaluation.objects.create(
            dossier=disliked,
            at=at(6, 9),
            channel=EvaluationChannel.NATIONAL_PORTAL,
            verdict=Verdict.UNSATISFIED,
        )
    # 5.2, 5.3: P1 about C, answered and published in time; P2 open since Mon 2/3
    Petition.objects.create(
        code="PAKN-1",
        agency=march.commune,
        dossier=c,
        category=PetitionCategory.PROCEDURE,
        submitted_at=at(10, 9),
        answered_at=at(12, 9),
        published_at=at(13, 9),
    )
    Petition.objects.create(
        code="PAKN-2",
        agency=march.commune,
        category=PetitionCategory.STAFF,
        submitted_at=at(2, 9),
    )
    return march


def test_a_dossier_flagged_as_reusing_digitised_data_counts_for_4_3(full):
    # a province's sync may say so of the dossier without naming a paper
    # (HoSoCoThanhPhanSoHoa): F joins C, 2 of 6 = 33.33 %, target 80 %:
    # 2 × 33.333/80 = 0.833 → 0.83
    f = _dossiers()[5]
    Dossier.objects.filter(pk=f.pk).update(reuses_digitised_data=True)
    report = _index(full, *MARCH)
    assert _figures(report, "4.3") == (2, 6, Decimal("33.33"), Decimal("0.83"))


def test_3_3_weighted_by_the_share_synchronised_when_its_version_says(full):
    # 3.3: F online of six, 16.67 % of a 50 % target: 6 × (1/6)/0.5 = 2.00
    assert _figures(_index(full, *MARCH), "3.3") == (
        1,
        6,
        Decimal("16.67"),
        Decimal("2.00"),
    )
    IndicatorDefinition.objects.filter(indicator="3.3").update(
        formula_version="sync-weighted"
    )
    # the VPCP rulebook's 3.3: × the share synchronised, A and B of six:
    # 6 × (1/6)/0.5 × 2/6 = 0.666… → 0.67; the ratio shown stays the online share
    assert _figures(_index(full, *MARCH), "3.3") == (
        1,
        6,
        Decimal("16.67"),
        Decimal("0.67"),
    )


def test_every_group_from_the_dossiers(full):
    report = _index(full, *MARCH)
    # 1.4: A, B of the six received → 33.33 % × 6 = 2.00
    assert _figures(report, "1.4") == (2, 6, Decimal("33.33"), Decimal("2.00"))
    # group 1: 1.1, 1.2 not scored (nothing announced), 1.3 2 + 1.4 2
    assert report.groups[1] == Decimal("4.00")
    # 2.2 (display): A 3 working days, B 3 d 1 h = 3.125, C 3 d 4 h = 3.5, D 2 d;
    # (3 + 3.125 + 3.5 + 2) / 4 = 2.90625 → 2.91 working days, no points
    assert report.scores["2.2"].value == Decimal("2.91")
    assert report.scores["2.2"].points is None
    assert report.groups[2] == Decimal("10.00")
    # 3.4: the one procedure with a fee had a payment online in March: 100 % ≥ 80 % → 2
    assert _figures(report, "3.4") == (1, 1, Decimal("100.00"), Decimal("2.00"))
    # 3.5: A was synchronised carrying a fee line → 2
    assert _figures(report, "3.5") == (1, 1, Decimal("100.00"), Decimal("2.00"))
    # 3.6: owed by A and B (C owes 0, D is exempt), A paid online: 50 % × 6 = 3.00
    assert _figures(report, "3.6") == (1, 2, Decimal("50.00"), Decimal("3.00"))
    assert report.groups[4] == Decimal("7.00")
    # 4.1: A, B electronic of the six: 6 × 1/3 = 2.00
    assert _figures(report, "4.1") == (2, 6, Decimal("33.33"), Decimal("2.00"))
    # 4.2: only A has every paper digitised (and its result electronic): 4/6 = 0.67
    assert _figures(report, "4.2") == (1, 6, Decimal("16.67"), Decimal("0.67"))
    # 4.3: C, target 80 %: 2 × 16.667/80 = 0.417 → 0.42
    assert _figures(report, "4.3") == (1, 6, Decimal("16.67"), Decimal("0.42"))
    # 4.4: D's paper from the store, A's result sent to it: 4 × 2/6 = 1.33
    assert _figures(report, "4.4") == (2, 6, Decimal("33.33"), Decimal("1.33"))
    # 4.5a: the procedure is for citizens ("Công dân Việt Nam"), E used VNeID → 2
    assert _figures(report, "4.5a") == (1, 1, Decimal("100.00"), Decimal("2.00"))
    # 4.5b: E of six: 2 × 1/6 = 0.33
    assert _figures(report, "4.5b") == (1, 6, Decimal("16.67"), Decimal("0.33"))
    # group 5: 2 + 0.67 + 2 (4.x, as the portal awards it) + 0.42 + 1.33 + 2 + 0.33
    assert report.groups[5] == Decimal("8.75")
    # 5.2: P1 on time; P2 open since Mon 2/3 09:00, due Mon 23/3 09:00 (15 working
    # days), late at the end of March: 1/2 → 3.00; 5.3: the same two → 3.00
    assert _figures(report, "5.2") == (1, 2, Decimal("50.00"), Decimal("3.00"))
    assert _figures(report, "5.3") == (1, 2, Decimal("50.00"), Decimal("3.00"))
    # 5.1 (tracking): one about procedures, one about staff, no points
    assert _figures(report, "5.1a") == (1, 2, Decimal("50.00"), None)
    assert _figures(report, "5.1b") == (1, 2, Decimal("50.00"), None)
    # 5.4: on time A, C, F; A disliked, C petitioned: F only, 1/6 = 16.67 %,
    # full at 90 %: 6 × 16.667/90 = 1.11
    assert _figures(report, "5.4") == (1, 6, Decimal("16.67"), Decimal("1.11"))
    assert report.groups[6] == Decimal("7.11")
    # 4 + 10 + 8 + 7 + 8.75 + 7.11
    assert report.total == Decimal("44.86")
    assert report.band == "weak"


def test_the_sync_denominator_falls_back_on_the_previous_year(world):
    # four dossiers received in 2025, none in March 2026: the denominator is 4 / 12 =
    # 0.33 → 0 for a month, 4 / 4 = 1 for the first quarter (0 synced → 0 points)
    for day in (1, 2, 3, 4):
        _receive(world, at(day, 9, month=12, year=2025))
    march = _index(world, *MARCH)
    assert _figures(march, "1.4") == (0, 0, None, None)
    quarter = _index(world, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert _figures(quarter, "1.4") == (0, 1, Decimal("0.00"), Decimal("0.00"))
    # the fallback switched off: not scored
    IndicatorDefinition.objects.filter(indicator="1.4").update(
        formula_version="no-fallback"
    )
    quarter = _index(world, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert _figures(quarter, "1.4") == (0, 0, None, None)


def test_4_1_only_for_procedures_returning_a_document(full):
    IndicatorDefinition.objects.filter(indicator="4.1").update(
        formula_version="vpcp-2022"
    )
    # the world's procedure returns a document: still the six
    assert _figures(_index(full, *MARCH), "4.1")[:2] == (2, 6)
    full.version.results.all().delete()
    assert _figures(_index(full, *MARCH), "4.1") == (
        0,
        0,
        Decimal("0.00"),
        Decimal("0.00"),
    )


# ------------------------------------------------------------------ cuts


def test_an_officer_s_cut_is_the_dossiers_assigned_to_them(full):
    a, b, *_rest = _dossiers()
    Dossier.objects.filter(pk__in=[a.pk, b.pk]).update(assignee=full.specialist)
    report = compute_index(
        unit=full.commune,
        subtree=False,
        start=MARCH[0],
        end=MARCH[1],
        now=LATER,
        scope=_scope(officer=full.specialist.pk),
    )
    # A on time, B late
    assert _figures(report, "2.1") == (1, 2, Decimal("50.00"), Decimal("10.00"))
    # no petition is about A or B: 5.2 and 5.3 have empty denominators, full points
    assert report.scores["5.2"].points == Decimal("6.00")


def _scope(**kwargs: int) -> Scope:
    return Scope(**kwargs)


def test_a_procedure_cut_and_a_field_cut(full):
    procedure = full.version.procedure
    report = compute_index(
        unit=full.commune,
        subtree=False,
        start=MARCH[0],
        end=MARCH[1],
        now=LATER,
        scope=_scope(procedure=procedure.pk),
    )
    assert _figures(report, "2.1")[:2] == (3, 6)
    other = compute_index(
        unit=full.commune,
        subtree=False,
        start=MARCH[0],
        end=MARCH[1],
        now=LATER,
        scope=_scope(procedure=procedure.pk + 1000),
    )
    assert _figures(other, "2.1")[:2] == (0, 0)
    assert _figures(other, "3.1")[:2] == (0, 0)
    field = compute_index(
        unit=full.commune,
        subtree=False,
        start=MARCH[0],
        end=MARCH[1],
        now=LATER,
        scope=_scope(field=full.version.field_id),
    )
    assert _figures(field, "2.1")[:2] == (3, 6)


def test_a_year_is_scored_with_the_definitions_in_force_on_its_last_day(world):
    """3.1 moves from 2 to 4 points and 3.3 from 6 to 4 on 1/7/2026 (decision 0010):
    the year 2026 ends in December, so it is scored with the July rows; the first
    half-year with the old ones."""
    for indicator, points in (("3.1", 4), ("3.3", 4)):
        old = IndicatorDefinition.objects.get(indicator=indicator)
        old.effective_to = dt.date(2026, 6, 30)
        old.save()
        old.pk = None
        old.effective_from, old.effective_to = dt.date(2026, 7, 1), None
        old.max_points = Decimal(points)
        old.save()
    year = _index(world, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    half = _index(world, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (year.scores["3.1"].points, half.scores["3.1"].points) == (
        Decimal("4.00"),
        Decimal("2.00"),
    )


# ------------------------------------------------------------------ explain


def _explain(world: World, indicator: str, **kwargs: object):
    return explain(
        unit=world.commune,
        subtree=False,
        start=kwargs.pop("start", MARCH[0]),  # type: ignore[arg-type]
        end=kwargs.pop("end", MARCH[1]),  # type: ignore[arg-type]
        indicator=indicator,
        now=LATER,
    )


def test_the_drill_down_of_2_1_says_why_each_dossier_counts(march):
    entries = _explain(march, "2.1")
    codes = {d.pk: d.code for d in _dossiers()}
    a, b, c, d, e, f = (codes[pk] for pk in sorted(codes))
    # those that cost points first (B, D, E), then A, C, F; by code within each
    assert [(x.code, x.in_numerator, x.reason) for x in entries] == [
        (b, False, "late: finished 1 working hour after its appointment"),
        (d, False, "late: second supplement request"),
        # due Thu 5/3 09:00, judged at the end of March: 5/3 09:00–17:00 is 6 hours,
        # then 18 working days (6, 9–13, 16–20, 23–27, 30, 31)
        (
            e,
            False,
            "late: still being handled 18 working days 6 working hours after its "
            "appointment",
        ),
        (a, True, "on time: finished exactly at its appointment"),
        # finished 5/3 15:00, due 6/3 09:00: 15:00–17:00 and 07:00–09:00
        (c, True, "on time: finished 4 working hours before its appointment"),
        # due Fri 3/4 09:00, judged Wed 1/4 00:00: 1/4 and 2/4 whole, 3/4 07:00–09:00
        (
            f,
            True,
            "in time: still being handled, 2 working days 2 working hours before its "
            "appointment",
        ),
    ]


def test_three_working_hours_late(world):
    # received Mon 2/3 09:00, due Thu 5/3 09:00, finished 5/3 14:00: 09:00–11:30 and
    # 13:30–14:00 = 3 working hours
    _finish(world, _receive(world, at(2, 9)), at(5, 14))
    [entry] = _explain(world, "2.1")
    assert entry.reason == "late: finished 3 working hours after its appointment"


def test_a_unit_is_ranked_among_units_of_its_parent_and_level(world):
    """The department and the tax office are the province's two provincial agencies
    (the commune, another level, is not ranked with them). The department handles one
    dossier received Mon 30/3 09:00, in time at the end of March: 2.1 20 points and 5.4
    6 more than the tax office, which has none (2.1 not scored, 5.4 0/0 → 0). Their
    other figures differ by nothing the one open dossier moves: 1.4, 3.3, 4.1–4.5b are 0
    of 1 against 0 of 0, both 0 points."""
    intake = dataclasses.replace(world.intake(), handling_agency=world.department)
    services.receive_dossier(intake=intake, actor=world.counter, at=at(30, 9))
    department = _index(world, *MARCH, unit=world.department)
    tax = _index(world, *MARCH, unit=world.tax_office)
    assert department.scores["2.1"].numerator == 1
    assert department.total - tax.total == Decimal("26.00")
    assert rank_among_siblings(department, now=LATER) == Rank(
        rank=1,
        of=2,
        totals={
            world.department.identifier: department.total,
            world.tax_office.identifier: tax.total,
        },
    )
    assert rank_among_siblings(tax, now=LATER).rank == 2


def test_the_drill_down_of_papers_petitions_and_procedures(full):
    digitised = [(x.in_numerator, x.reason) for x in _explain(full, "4.2")]
    assert sorted(digitised) == sorted(
        [
            (True, "every paper digitised"),
            (False, "1 of 2 papers not digitised"),
            *[(False, "2 of 2 papers not digitised")] * 4,
        ]
    )
    petitions = _explain(full, "5.2")
    assert [(p.code, p.in_numerator, p.reason) for p in petitions] == [
        ("PAKN-2", False, "in handling, past 15 working days"),
        ("PAKN-1", True, "answered within 15 working days"),
    ]
    [procedure] = _explain(full, "3.4")
    assert (procedure.kind, procedure.in_numerator) == ("procedure", True)
    # the figure and its list agree
    report = _index(full, *MARCH)
    for indicator in ("2.1", "5.4", "4.1", "3.6", "1.4", "5.3"):
        entries = _explain(full, indicator)
        assert (
            sum(x.in_numerator for x in entries),
            len(entries),
        ) == _figures(report, indicator)[:2], indicator


# ------------------------------------------------------------------ opportunities


def test_the_open_dossiers_worth_saving_and_what_each_indicator_needs(world):
    # G received Mon 2/3 09:00 (due Thu 5/3 09:00), H Tue 3/3 09:00 (due Fri 6/3
    # 09:00); now is Wed 4/3 10:00, both in time
    g = _receive(world, at(2, 9))
    h = _receive(world, at(3, 9))
    found = opportunities(
        unit=world.commune,
        subtree=False,
        start=MARCH[0],
        end=MARCH[1],
        now=at(4, 10),
    )
    # if one goes late: 2.1 from 2/2 (20) to 1/2 (10) loses 10.00; 5.4 from 100 %
    # (6) to 50 % (6 × 50/90 = 3.33) loses 2.67: 12.67 each
    assert [(x.code, x.points) for x in found.dossiers] == [
        (g.code, Decimal("12.67")),
        (h.code, Decimal("12.67")),
    ]
    gaps = {gap.indicator: gap for gap in found.gaps}
    assert gaps["2.1"].to_target == 0
    # 3.3: none of 2 online, full at 50 %: (0 + k)/(2 + k) ≥ 0.5 → k = 2
    assert gaps["3.3"].to_target == 2
    # 1.4: 0 of 2 synchronised, linear: full points need 100 %: never by adding
    assert gaps["1.4"].to_target is None


def test_queries_do_not_grow_with_the_dossiers(world):
    def count(expected: int) -> tuple[int, int, int]:
        counts = []
        for call in (
            lambda: _explain(world, "2.1"),
            lambda: _explain(world, "5.2"),
            lambda: opportunities(
                unit=world.commune,
                subtree=False,
                start=MARCH[0],
                end=MARCH[1],
                now=at(20, 9),
            ),
        ):
            with CaptureQueriesContext(connection) as queries:
                call()
            counts.append(len(queries))
        assert len(_explain(world, "2.1")) == expected
        return counts[0], counts[1], counts[2]

    _add(world, 2)
    count(2)  # the working-day calendar is reference data, built once per process
    two = count(2)
    _add(world, 18, offset=2)
    live.refresh()  # the maintained figures up to date: the reads are measured
    assert count(20) == two


# ------------------------------------------------------------------ the command


def _run(*args: str) -> dict:
    out = io.StringIO()
    call_command("index", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_cuts_and_ranks(full):
    a, b, *_rest = _dossiers()
    Dossier.objects.filter(pk__in=[a.pk, b.pk]).update(assignee=full.specialist)
    unit = full.commune.identifier
    printed = _run(
        "--unit",
        unit,
        "--period",
        "2026-03",
        "--officer",
        full.specialist.username,
        "--rank",
        "--json",
    )
    assert printed["officer"] == full.specialist.username
    assert printed["indicators"]["2.1"]["numerator"] == 1
    assert printed["indicators"]["2.1"]["denominator"] == 2
    assert printed["rank"] == {"rank": 1, "of": 1}
    by_procedure = _run(
        "--unit",
        unit,
        "--period",
        "2026-03",
        "--procedure",
        full.version.procedure.code,
        "--json",
    )
    assert by_procedure["indicators"]["2.1"]["denominator"] == 6
    now = _run("--unit", unit, "--period", "now", "--json")
    assert now["from"].endswith("-01-01")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--procedure", "9.999999"),
        ("--field", "KHONGCO"),
        ("--officer", "khong.co"),
    ],
)
def test_an_unknown_cut_names_its_option(world, option, value):
    with pytest.raises(CommandError) as refused:
        call_command(
            "index",
            "--unit",
            world.commune.identifier,
            "--period",
            "2026-03",
            option,
            value,
            stdout=io.StringIO(),
        )
    assert refused.value.returncode == 2
    assert str(refused.value).startswith(option)


def test_a_merged_agency_keeps_its_petitions_and_dislikes(world):
    """The department is merged into the commune on 1/4/2026 (spec 07: its history rolls
    up into the successor, and stays its own). In March the department handled one
    dossier, received Mon 30/3 09:00 and in time at the end of March but disliked, and
    received a petition answered in time. The commune alone: nothing. The commune after
    the merger: 2.1 1/1, 5.4 0/1 (the dislike), 5.2 1/1."""
    intake = dataclasses.replace(world.intake(), handling_agency=world.department)
    dossier = services.receive_dossier(intake=intake, actor=world.counter, at=at(30, 9))
    Evaluation.objects.create(
        dossier=dossier,
        at=at(31, 9),
        channel=EvaluationChannel.NATIONAL_PORTAL,
        verdict=Verdict.UNSATISFIED,
    )
    Petition.objects.create(
        code="PAKN-3",
        agency=world.department,
        category=PetitionCategory.PROCEDURE,
        submitted_at=at(16, 9),
        answered_at=at(17, 9),
        published_at=at(18, 9),
    )
    before = _index(world, *MARCH)
    assert _figures(before, "5.4")[:2] == (0, 0)
    assert _figures(before, "5.2")[:2] == (0, 0)
    AgencySuccession.objects.create(
        predecessor=world.department,
        successor=world.commune,
        kind=SuccessionKind.MERGER,
        effective_on=dt.date(2026, 4, 1),
    )
    after = _index(world, *MARCH)
    assert _figures(after, "2.1")[:2] == (1, 1)
    assert _figures(after, "5.4")[:2] == (0, 1)
    assert _figures(after, "5.2")[:2] == (1, 1)
    alone = _index(world, *MARCH, unit=world.department)
    assert _figures(alone, "5.4")[:2] == (0, 1)


def test_a_disliked_open_dossier_is_worth_only_what_2_1_loses(world):
    # as in test_the_open_dossiers_worth_saving…: G and H open and in time at Wed 4/3
    # 10:00; H already disliked (Tue 3/3 12:00): out of 5.4's numerator, so 5.4 is 1/2
    # (6 × 50/90 = 3.33) and losing G takes it to 0/2 (0): G is worth 10.00 + 3.33;
    # H only 2.1's 10.00
    g = _receive(world, at(2, 9))
    h = _receive(world, at(3, 9))
    Evaluation.objects.create(
        dossier=h,
        at=at(3, 12),
        channel=EvaluationChannel.NATIONAL_PORTAL,
        verdict=Verdict.UNSATISFIED,
    )
    found = opportunities(
        unit=world.commune, subtree=False, start=MARCH[0], end=MARCH[1], now=at(4, 10)
    )
    assert [(x.code, x.points) for x in found.dossiers] == [
        (g.code, Decimal("13.33")),
        (h.code, Decimal("10.00")),
    ]


def test_the_drill_down_of_2_2_lists_the_dossiers_timed_the_longest_first(march):
    a, b, c, d, *_open = (x.code for x in _dossiers())
    # received Mon 2/3 09:00; a working day is 8 hours (07:00–11:30, 13:30–17:00):
    # C ended Thu 5/3 15:00: 3 days and 09:00–11:30, 13:30–15:00 = 4 h = 3.50 (2.2 does
    # not subtract its supplement round); B 5/3 10:00: 3 days 1 hour = 3.125 → 3.13;
    # A 5/3 09:00: 3.00; D Wed 4/3 09:00: 2.00; E and F are not processed
    assert [(x.code, x.in_numerator, x.reason) for x in _explain(march, "2.2")] == [
        (c, True, "3.50 working days from reception to the end of processing"),
        (b, True, "3.13 working days from reception to the end of processing"),
        (a, True, "3.00 working days from reception to the end of processing"),
        (d, True, "2.00 working days from reception to the end of processing"),
    ]
    # and the index's 2.2 is their mean: (3.5 + 3.125 + 3 + 2) / 4 = 2.90625 → 2.91
    score = _index(march, *MARCH).scores["2.2"]
    assert (score.denominator, score.value) == (4, Decimal("2.91"))


def test_the_drill_down_of_3_2_lists_the_online_services(march):
    [service] = _explain(march, "3.2")
    procedure = march.version.procedure
    assert (service.kind, service.id, service.code) == (
        "service",
        procedure.pk,
        f"{procedure.code} · {march.commune.name}",
    )
    # F, received online on 31/3
    assert (service.in_numerator, service.reason) == (
        True,
        "received an online dossier",
    )
    [april] = _explain(
        march, "3.2", start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    assert (april.in_numerator, april.reason) == (False, "no online dossier received")


def test_the_drill_down_of_3_1_lists_the_procedures_applied_and_whether_online(march):
    procedure = march.version.procedure
    [online] = _explain(march, "3.1")
    assert (online.kind, online.code, online.in_numerator, online.reason) == (
        "procedure",
        procedure.code,
        True,
        "offered online",
    )
    # offered at the counter only: it costs 3.1's points, and the index agrees
    type(march.version).objects.filter(pk=march.version.pk).update(
        online_level=OnlineLevel.NONE
    )
    [offline] = _explain(march, "3.1")
    assert (offline.in_numerator, offline.reason) == (False, "not offered online")
    assert _figures(_index(march, *MARCH), "3.1")[:2] == (0, 1)


def test_the_drill_down_of_1_3_names_what_a_procedure_lacks(march):
    [complete] = _explain(march, "1.3")
    assert (complete.code, complete.in_numerator, complete.reason) == (
        march.version.procedure.code,
        True,
        "all seven components published",
    )
    type(march.version).objects.filter(pk=march.version.pk).update(methods="")
    [lacking] = _explain(march, "1.3")
    assert (lacking.in_numerator, lacking.reason) == (
        False,
        "lacks: methods of performance",
    )
    assert _figures(_index(march, *MARCH), "1.3")[:2] == (0, 1)


def test_4_x_by_communes_counts_and_lists_the_communes(world, settings):
    # under the default version 4.x has no data and nothing to list
    assert _explain(world, "4.x") == []
    IndicatorDefinition.objects.filter(indicator="4.x").update(
        formula_version="communes"
    )
    settings.INDEX_CERTIFIED_COPY_PROCEDURES = []
    # the commune applies one procedure, offered fully online; the centre (also at the
    # commune level) is not part of the commune
    [commune] = _explain(world, "4.x")
    assert (commune.kind, commune.id, commune.in_numerator) == (
        "agency",
        world.commune.pk,
        False,
    )
    assert _figures(_index(world, *MARCH), "4.x")[:2] == (0, 1)
    settings.INDEX_CERTIFIED_COPY_PROCEDURES = [world.version.procedure.code]
    [commune] = _explain(world, "4.x")
    assert (commune.in_numerator, commune.reason) == (
        True,
        "offers electronic certified copies online",
    )
    assert _figures(_index(world, *MARCH), "4.x")[:2] == (1, 1)


def test_the_command_explains_a_figure(march):
    out = io.StringIO()
    unit = march.commune.identifier
    call_command(
        "index", "--unit", unit, "--period", "2026-03", "--explain", "2.1", stdout=out
    )
    lines = out.getvalue().splitlines()
    # six dossiers: B, D, E late (−) then A, C, F (+), as the API lists them
    assert [line[0] for line in lines] == ["-", "-", "-", "+", "+", "+"]
    assert lines[1].endswith(": late: second supplement request")
    printed = json.loads(
        _capture("--unit", unit, "--period", "2026-03", "--explain", "5.4", "--json")
    )
    assert [entry["in_numerator"] for entry in printed].count(True) == 3
    for bad in ("9.9", "2"):
        with pytest.raises(CommandError) as refused:
            call_command(
                "index",
                "--unit",
                unit,
                "--period",
                "2026-03",
                "--explain",
                bad,
                stdout=io.StringIO(),
            )
        assert refused.value.returncode == 2
        assert str(refused.value).startswith("--explain")


def _capture(*args: str) -> str:
    out = io.StringIO()
    call_command("index", *args, stdout=out)
    return out.getvalue()
