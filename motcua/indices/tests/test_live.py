"""The maintained figures (``indices.live``, issue 9 §5): what a month, quarter or year
reads is kept as the dossiers change, equal to a recomputation from the raw events.

Worked by hand on the world of ``test_index`` (appointment three working days after
reception, office hours 07:00–11:30 and 13:30–17:00):

- a dossier received Fri 27/2 09:00 is due Wed 4/3 09:00. Left running, February judges
  it at 1/3 00:00, before its appointment: on time; March judges it at 1/4 00:00: late.
  Nothing is written between the two: March's figure comes from the live columns.
- the same dossier finished Thu 5/3 09:00 (a day late): both months' figures are then
  settled. February still counts it on time (it was running in time at February's end,
  spec 01 §3 step 5); March counts it late (step 6).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers import services
from motcua.dossiers.tests.world import World, at
from motcua.indices import live
from motcua.indices.models import IndexBacklog, IndexCell, IndexedDossier
from motcua.indices.selectors import compute_index
from motcua.indices.tests.simulation import simulate
from motcua.indices.tests.test_index import LATER, _finish, _receive
from motcua.procedures.tests.factories import ResultDocumentFactory
from motcua.workdays.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db


class RolledBack(Exception):
    """Raised to roll a transaction back."""


FEBRUARY = (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _index(world: World, start: dt.date, end: dt.date, **kwargs: object):
    return compute_index(
        unit=world.commune,
        subtree=False,
        start=start,
        end=end,
        now=kwargs.pop("now", LATER),  # type: ignore[arg-type]
        recompute=bool(kwargs.pop("recompute", False)),
    )


def _pair(report, indicator: str) -> tuple[int | None, int | None]:
    score = report.scores[indicator]
    return score.numerator, score.denominator


def _same(world: World, start: dt.date, end: dt.date, **kwargs: object) -> None:
    """The maintained figures equal the recomputation, indicator by indicator."""
    kept = _index(world, start, end, **kwargs)
    assert kept.maintained
    recomputed = _index(world, start, end, recompute=True, **kwargs)
    assert not recomputed.maintained
    for indicator, score in recomputed.scores.items():
        mine = kept.scores[indicator]
        assert (mine.numerator, mine.denominator, mine.value, mine.points) == (
            score.numerator,
            score.denominator,
            score.value,
            score.points,
        ), indicator
    assert kept.total == recomputed.total


# ------------------------------------------------------------------ buckets


def test_the_maintained_periods_are_calendar_months_quarters_and_years():
    today = dt.date(2026, 12, 2)
    found = live.bucket_for(*MARCH, today=today)
    assert found is not None
    assert (found.key, found.start, found.end) == ("2026-03", *MARCH)
    found = live.bucket_for(dt.date(2026, 1, 1), dt.date(2026, 3, 31), today=today)
    assert found is not None
    assert found.key == "2026-Q1"
    found = live.bucket_for(dt.date(2026, 1, 1), dt.date(2026, 12, 31), today=today)
    assert found is not None
    assert found.key == "2026"
    # the year to date (--period now) is the current year, judged now
    found = live.bucket_for(dt.date(2026, 1, 1), today, today=today)
    assert found is not None
    assert found.key == "2026"
    # a past partial period, or a range across buckets, is recomputed
    assert (
        live.bucket_for(dt.date(2026, 3, 1), dt.date(2026, 3, 15), today=today) is None
    )
    assert (
        live.bucket_for(dt.date(2026, 2, 15), dt.date(2026, 3, 14), today=today) is None
    )
    # February of a leap year, and the last quarter
    leap = live.bucket_for(dt.date(2028, 2, 1), dt.date(2028, 2, 29), today=today)
    assert leap is not None
    assert leap.key == "2028-02"
    fourth = live.bucket_for(dt.date(2026, 10, 1), dt.date(2026, 12, 31), today=today)
    assert fourth is not None
    assert fourth.key == "2026-Q4"
    months = [
        b.key for b in live.buckets_between(dt.date(2026, 11, 20), dt.date(2027, 1, 3))
    ]
    assert months == [
        "2026",
        "2026-Q4",
        "2026-11",
        "2026-12",
        "2027",
        "2027-Q1",
        "2027-01",
    ]


# ------------------------------------------------------------------ settled and live


def test_an_open_dossier_counts_live_in_each_month_after_its_last_event(world):
    dossier = _receive(world, at(27, 9, month=2))
    # 27/2 09:00 + 3 working days = Wed 4/3 09:00
    assert dossier.due_at == at(4, 9)
    february, march = _index(world, *FEBRUARY), _index(world, *MARCH)
    assert february.maintained
    assert march.maintained
    assert _pair(february, "2.1") == (1, 1)  # judged 1/3 00:00: in time
    assert _pair(march, "2.1") == (0, 1)  # judged 1/4 00:00: late
    row = IndexedDossier.objects.get(dossier=dossier)
    assert row.live
    assert not row.on_time_always
    assert row.on_time_until == at(4, 9)
    # the month of reception settles the dossiers received in it: 3.3, 4.2, …
    assert row.contributions["2026-02"]["3.3"] == [0, 1]
    assert "2.1" not in row.contributions["2026-02"]
    assert "2026-03" not in row.contributions
    _same(world, *FEBRUARY)
    _same(world, *MARCH)


def test_finishing_settles_every_month_it_was_handled_in(world):
    dossier = _receive(world, at(27, 9, month=2))
    _index(world, *MARCH)
    _finish(world, dossier, at(5, 9))  # a day after its appointment
    february, march = _index(world, *FEBRUARY), _index(world, *MARCH)
    assert _pair(february, "2.1") == (1, 1)
    assert _pair(march, "2.1") == (0, 1)
    row = IndexedDossier.objects.get(dossier=dossier)
    assert not row.live
    assert row.contributions["2026-02"]["2.1"] == [1, 1]
    assert row.contributions["2026-03"]["2.1"] == [0, 1]
    assert row.contributions["2026-Q1"]["2.1"] == [0, 1]
    # 2.2 over those received in February and processed by its end: none; in the
    # quarter: 27/2 09:00 → 5/3 09:00 is 4 working days, kept in millionths
    assert "2.2" not in row.contributions["2026-02"]
    assert row.contributions["2026-Q1"]["2.2"] == [4_000_000, 1]
    quarter = _index(world, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert quarter.scores["2.2"].value == Decimal("4.00")
    for period in (FEBRUARY, MARCH, (dt.date(2026, 1, 1), dt.date(2026, 3, 31))):
        _same(world, *period)


def test_a_paused_dossier_is_judged_at_its_pause_and_a_second_request_is_late(world):
    paused = _receive(world, at(2, 9))
    services.request_supplement(
        dossier=paused, missing=["Bản sao"], actor=world.specialist, at=at(3, 9)
    )
    twice = _receive(world, at(2, 10))
    for asked, given in ((at(2, 14), at(3, 8)), (at(3, 14), None)):
        twice = services.request_supplement(
            dossier=twice, missing=["Bản sao"], actor=world.specialist, at=asked
        )
        if given is not None:
            twice = services.receive_supplement(
                dossier=twice, actor=world.specialist, at=given
            )
    # April judges both without any event in April: the first paused in time (on time
    # whenever judged), the second asked twice (late whenever judged)
    april = _index(world, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert _pair(april, "2.1") == (1, 2)
    rows = {row.dossier_id: row for row in IndexedDossier.objects.all()}
    assert rows[paused.pk].on_time_always
    assert rows[paused.pk].on_time_until is None
    assert not rows[twice.pk].on_time_always
    assert rows[twice.pk].on_time_until is None
    _same(world, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    _same(world, *MARCH)


def test_the_current_month_judges_open_dossiers_now(world):
    now = timezone.now()
    dossier = _receive(world, now - dt.timedelta(hours=2))
    today = timezone.localtime(now).date()
    start = today.replace(day=1)
    report = _index(world, start, today, now=now)
    assert report.maintained
    assert _pair(report, "2.1") == (int(now <= dossier.due_at), 1)
    _same(world, start, today, now=now)
    # the whole month, once it is past its appointment, without any event
    later = dossier.due_at + dt.timedelta(minutes=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    if timezone.localtime(later).date() < following:
        month_end = following - dt.timedelta(days=1)
        assert _pair(_index(world, start, month_end, now=later), "2.1") == (0, 1)
        _same(world, start, month_end, now=later)


# ------------------------------------------------------------------ freshness


def test_a_transition_shows_at_the_next_read_without_anything_else(world):
    dossier = _receive(world, at(2, 9))
    assert _pair(_index(world, *MARCH), "2.1") == (0, 1)  # open past 5/3 at March's end
    assert not IndexBacklog.objects.exists()
    _finish(world, dossier, at(4, 9))
    assert IndexBacklog.objects.filter(dossier=dossier).exists()
    report = _index(world, *MARCH)
    assert _pair(report, "2.1") == (1, 1)
    assert report.pending == 0
    assert not IndexBacklog.objects.exists()


def test_the_mark_is_written_in_the_changing_transaction(world):
    dossier = _receive(world, at(2, 9))
    live.refresh()
    seen = []

    def supplement_then_fail() -> None:
        with transaction.atomic():
            services.request_supplement(
                dossier=dossier,
                missing=["Bản sao"],
                actor=world.specialist,
                at=at(3, 9),
            )
            seen.append(IndexBacklog.objects.filter(dossier=dossier).exists())
            raise RolledBack

    with pytest.raises(RolledBack):
        supplement_then_fail()
    assert seen == [True]
    # rolled back with the event it marked
    assert not IndexBacklog.objects.exists()


def test_a_catalogue_change_marks_the_version_s_dossiers(world):
    received = [_receive(world, at(day, 9)) for day in (2, 3)]
    live.refresh()
    document = ResultDocumentFactory.create(version=world.version)
    assert set(IndexBacklog.objects.values_list("dossier_id", flat=True)) == {
        dossier.pk for dossier in received
    }
    live.refresh()
    assert all(row.returns_document for row in IndexedDossier.objects.all())
    document.delete()
    _same(world, *MARCH)


def test_a_change_of_the_system_calendar_marks_the_dossiers_it_reaches(world):
    # A: Mon 2/3 09:00 → Thu 5/3 09:00, 3 working days; B: Tue 10/3 09:00 → Wed 11/3
    # 09:00, 1 day; C: open since Mon 2/3
    a = _finish(world, _receive(world, at(2, 9)), at(5, 9))
    b = _finish(world, _receive(world, at(10, 9)), at(11, 9))
    c = _receive(world, at(2, 10))
    live.refresh()
    assert _index(world, *MARCH).scores["2.2"].value == Decimal("2.00")
    # Wed 4/3 becomes a day off for the whole system: A and C reach it, B does not
    override = CalendarOverride.objects.create(
        date=dt.date(2026, 3, 4), kind=OverrideKind.DAY_OFF, reason="Nghỉ bù"
    )
    assert set(IndexBacklog.objects.values_list("dossier_id", flat=True)) == {
        a.pk,
        c.pk,
    }
    # A now takes 2 working days: (2 + 1) / 2 = 1.50
    assert _index(world, *MARCH).scores["2.2"].value == Decimal("1.50")
    _same(world, *MARCH)
    # moved to Wed 11/3: the days it left and the day it takes are both marked
    override.date = dt.date(2026, 3, 11)
    override.save()
    assert set(IndexBacklog.objects.values_list("dossier_id", flat=True)) == {
        a.pk,
        b.pk,
        c.pk,
    }
    # A 3 days again; B from Tue 10/3 09:00 to Wed 11/3 09:00 across a day off:
    # Tue 09:00–17:00 is 6 working hours, 0.75 of a day: (3 + 0.75) / 2 = 1.875 → 1.88
    assert _index(world, *MARCH).scores["2.2"].value == Decimal("1.88")
    _same(world, *MARCH)
    # an agency's own override is not the calendar 2.2 counts by
    CalendarOverride.objects.create(
        date=dt.date(2026, 3, 3),
        agency=world.commune,
        kind=OverrideKind.DAY_OFF,
        reason="Riêng xã",
    )
    assert not IndexBacklog.objects.exists()
    override.delete()
    assert IndexBacklog.objects.count() == 3
    assert live.reconcile(repair=False).clean


def test_a_calendar_day_moved_away_marks_the_dossiers_of_the_day_it_left(world):
    # G: Mon 2/3 09:00 → Tue 3/3 09:00, returned (closed) Tue 3/3 10:00
    finished = _finish(world, _receive(world, at(2, 9)), at(3, 9))
    g = services.return_result(dossier=finished, actor=world.counter, at=at(3, 10))
    assert g.closed_at is not None
    override = CalendarOverride.objects.create(
        date=dt.date(2026, 3, 3), kind=OverrideKind.DAY_OFF, reason="Nghỉ bù"
    )
    assert list(IndexBacklog.objects.values_list("dossier_id", flat=True)) == [g.pk]
    live.refresh()
    # moved to Fri 20/3: G, closed on 3/3, does not reach the new day; it is marked
    # for the day it left (read before the save)
    override.date = dt.date(2026, 3, 20)
    override.save()
    assert list(IndexBacklog.objects.values_list("dossier_id", flat=True)) == [g.pk]
    _same(world, *MARCH)


def test_a_refresh_costs_the_same_statements_for_one_dossier_or_twenty(world):
    def statements(count: int, day: int) -> int:
        for hour in range(count):
            _receive(world, at(day, 7) + dt.timedelta(minutes=20 * hour))
        with CaptureQueriesContext(connection) as queries:
            assert live.refresh() == count
        return len(queries)

    statements(1, 2)  # the calendar and other reference data, once per process
    assert statements(1, 3) == statements(20, 4)


def test_the_backlog_beyond_a_read_s_limit_is_reported_pending(world, monkeypatch):
    for hour in (8, 9, 10):
        _receive(world, at(2, hour))
    monkeypatch.setattr(live, "READ_REFRESH_LIMIT", 2)
    monkeypatch.setattr(live, "BATCH", 2)
    report = _index(world, *MARCH)
    assert report.pending == 1
    assert _index(world, *MARCH).pending == 0


# ------------------------------------------------------------------ reconciliation


def test_reconcile_reports_every_difference_and_repairs(world):
    dossier = _receive(world, at(2, 9))
    _finish(world, _receive(world, at(2, 10)), at(4, 9))
    live.refresh()
    assert live.reconcile().clean
    IndexCell.objects.filter(bucket="2026-03", indicator="3.3").update(numerator=5)
    IndexedDossier.objects.filter(dossier=dossier).update(on_time_always=True)
    found = live.reconcile()
    assert not found.clean
    assert [
        (d.bucket, d.indicator, d.maintained, d.recomputed) for d in found.differences
    ] == [("2026-03", "3.3", (5, 2), (0, 2))]
    assert found.dossiers_differing == [dossier.pk]
    repaired = live.reconcile(repair=True)
    assert repaired.repaired
    assert live.reconcile().clean
    _same(world, *MARCH)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the benchmark's bare read is psycopg's"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_benchmark_s_bare_read_reads_what_the_reconciliation_reads(world):
    """``bench.index``'s baseline runs the SQL of :func:`live.reconciliation_sources` on
    a connection of its own (hence the committed rows): each query answers there the
    rows it answers through Django, and the facts' and kept rows are the dossiers the
    reconciliation counts."""
    from psycopg.conninfo import make_conninfo

    from bench.index import bare_read

    _receive(world, at(2, 9))
    _finish(world, _receive(world, at(2, 10)), at(4, 9))
    live.refresh()
    database = connection.settings_dict
    url = make_conninfo(
        dbname=database["NAME"],
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
    )
    read = bare_read(url)
    sources = live.reconciliation_sources()
    assert list(read) == list(sources)
    assert {name: rows for name, (rows, _s) in read.items()} == {
        name: queryset.count() for name, (queryset, _chunk) in sources.items()
    }
    found = live.reconcile()
    assert found.clean
    assert read["dossiers"][0] == read["kept"][0] == found.dossiers == 2
    # each dossier's reception and transfer to processing; the finished one's
    # submission, approval and result
    assert read["events"][0] == 2 * 2 + 3
    assert read["cells"][0] == found.cells > 0


def test_the_reconcile_command_exits_1_on_a_difference(world):
    _receive(world, at(2, 9))
    call_command("index", "reconcile")
    IndexCell.objects.filter(bucket="2026", indicator="3.3").update(denominator=9)
    with pytest.raises(CommandError) as raised:
        call_command("index", "reconcile")
    assert raised.value.returncode == 1
    call_command("index", "reconcile", "--repair")
    call_command("index", "reconcile")


def test_refresh_command_brings_the_backlog_up_to_date(world):
    _receive(world, at(2, 9))
    assert IndexBacklog.objects.count() == 1
    call_command("index", "refresh")
    assert not IndexBacklog.objects.exists()
    assert IndexedDossier.objects.count() == 1


# ------------------------------------------------------------------ simulation

#: the suite runs a few hundred; the issue's 10,000 with MOTCUA_SIMULATION_LIFECYCLES
LIFECYCLES = int(os.environ.get("MOTCUA_SIMULATION_LIFECYCLES", "200"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_random_lifecycles_the_maintained_figures_equal_a_recomputation(world):
    """Each service's transaction commits, as in production: inside the one transaction
    of a plain test, every refresh's update of a cell keeps its old versions for the
    test's length, and on PostgreSQL each update walks them (the 10,000 lifecycles' cell
    upserts took 0.1–0.4 s each after half an hour)."""
    simulated = simulate(world, LIFECYCLES)
    assert simulated.dossiers == LIFECYCLES
    # every kind of life was drawn
    assert simulated.finished
    assert simulated.supplements
    assert simulated.evaluations
    assert simulated.refreshes
    found = live.reconcile()
    assert found.dossiers == LIFECYCLES
    assert found.differences == []
    assert found.dossiers_differing == []
    for month in range(7, 13):
        following = dt.date(2026 + month // 12, month % 12 + 1, 1)
        _same(world, dt.date(2026, month, 1), following - dt.timedelta(days=1))
    _same(world, dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    _same(world, dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    _same(world, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
