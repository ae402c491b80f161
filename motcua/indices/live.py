"""The Decision 766 index kept up to date as the dossiers change (issue 9 §5).

A transition must show in the index within two seconds whatever the size of the
history, so the dossier-level indicators of a unit for a calendar month, quarter or year
are read from maintained sums, not recomputed from every dossier. The sums are exactly
what :func:`facts.dossier_contributions` adds, dossier by dossier, so a maintained
figure and a recomputation (``selectors.compute_index`` over a custom range, or
``motcua index reconcile``) cannot disagree by construction, only by a lost update,
which the reconciliation reports (docs/decisions/0017).

How a dossier's contribution to a period ``[start, end)`` splits:

- **settled**: when the period ends by the dossier's latest event (``end ≤`` its last
  moment), or the dossier has ended, nothing that happens later changes what the period
  reads of it (2.1 judges a period by the events before its end, spec 01 §3 step 5).
  Those contributions are summed into :class:`~motcua.indices.models.IndexCell`, one row
  per handling agency, bucket and indicator, and kept per dossier in
  :class:`~motcua.indices.models.IndexedDossier` so that a change subtracts exactly what
  was added. The indicators of the dossiers *received* in a period (1.4, 3.3, 3.6,
  4.2–4.5b, 2.2's working time) compare moments with the period's end only, so they
  are always settled.
- **live**: for an open dossier, every period ending after its last event reads the same
  clock, the dossier as it stands, judged at the period's end or now for the current
  one. 2.1 is then on time whenever judged (paused in time), never (a second supplement
  request, paused late), or while the moment judged is not after the appointment
  (running): three columns of ``IndexedDossier`` that one indexed query counts, for
  any period, including those that began after the last event (a dossier open for
  months counts in each month without anything being written).

Freshness: a write that changes what a dossier's figures read sends
``dossiers.signals.dossiers_changed`` in its transaction, and :func:`mark` records the
dossier in :class:`~motcua.indices.models.IndexBacklog` in that same transaction (one
statement; a crash loses nothing). A change of what the figures read outside a dossier
marks the dossiers it reaches the same way: a procedure version's catalogue rows
(:func:`mark_version`), the system's working-day calendar, by which 2.2 counts
(:func:`mark_calendar`). What no signal sees (a setting such as
``MOTCUA_INDEX_POPULATION_DATABASES``, a new release of the ``holidays`` tables, a bulk
``UPDATE``) is brought back by ``motcua index reconcile --repair``. :func:`refresh` brings the backlog's dossiers up to
date in batches, a fixed number of statements per batch: called by every read of the
maintained figures (bounded by :data:`READ_REFRESH_LIMIT`; what is left is reported as
``pending``), and by ``motcua index refresh`` (``--follow`` keeps it running, the
province's background worker).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from motcua.dossiers.models import Dossier
from motcua.dossiers.signals import dossiers_changed
from motcua.indices.choices import Indicator
from motcua.indices.facts import (
    DossierFacts,
    Tally,
    clock_at,
    dossier_contributions,
    handling_days,
    period_moments,
    procedure_marks,
)
from motcua.indices.formulas import is_on_time
from motcua.indices.loader import (
    CHUNK,
    WORKING_DAY_QUANTUM,
    every_dossier_facts,
    fact_sources,
    facts_of,
    working_days,
)
from motcua.indices.models import IndexBacklog, IndexCell, IndexedDossier
from motcua.procedures.models import ProcedureVersion, ResultDocument
from motcua.workdays.clock import VN_TZ
from motcua.workdays.models import CalendarOverride, OfficeHours

#: dossiers brought up to date per batch (eight reads: the facts and what they added; up to three writes)
BATCH = 1000
#: maintained cells read at a time by the reconciliation
CELLS_CHUNK = BATCH * 10
#: a read of the maintained figures first refreshes at most this many dossiers; more
#: is left to ``motcua index refresh`` and reported as pending
READ_REFRESH_LIMIT = 5000

#: the indicators whose dossiers are those handled in the period: their contributions
#: are settled or live; the others are the dossiers received in it, always settled
HANDLED = frozenset(
    {Indicator.ON_TIME, Indicator.SATISFIED, Indicator.ELECTRONIC_RESULT}
)
#: 4.1 counted over the dossiers of procedures returning a document only (its
#: ``formula_version`` "vpcp-2022", docs/decisions/0016): kept beside the default
E_RESULT_DOCUMENTS = "4.1d"
#: 2.2: the working time, in millionths of a working day, and the dossiers timed
HANDLING_TIME = Indicator.AVERAGE_TIME

#: 3.2, 3.5, 4.5a: a cell ``"3.5@<procedure id>"`` counts the agency's dossiers putting
#: that procedure in the indicator's set (``facts.procedure_marks``); the set is the
#: procedures whose count is above 0
PROCEDURE_MARK = "@"

_FAR = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=2)
_MICRO = int(1 / WORKING_DAY_QUANTUM)


# ------------------------------------------------------------------ buckets


@dataclass(frozen=True)
class Bucket:
    """A calendar month, quarter or year: the periods whose figures are maintained."""

    key: str
    start: dt.date
    #: the last day, included
    end: dt.date

    @property
    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        return period_moments(self.start, self.end)


def _month(year: int, month: int) -> Bucket:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Bucket(
        f"{year}-{month:02d}", dt.date(year, month, 1), following - dt.timedelta(days=1)
    )


def _quarter(year: int, quarter: int) -> Bucket:
    first = 3 * quarter - 2
    following = dt.date(year + (first + 2) // 12, (first + 2) % 12 + 1, 1)
    return Bucket(
        f"{year}-Q{quarter}", dt.date(year, first, 1), following - dt.timedelta(days=1)
    )


def _year(year: int) -> Bucket:
    return Bucket(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))


def buckets_of(day: dt.date) -> tuple[Bucket, Bucket, Bucket]:
    """The month, quarter and year containing ``day``."""
    return (
        _month(day.year, day.month),
        _quarter(day.year, (day.month - 1) // 3 + 1),
        _year(day.year),
    )


def buckets_between(first: dt.date, last: dt.date) -> Iterator[Bucket]:
    """Every year, quarter and month from the one containing ``first`` to the one
    containing ``last``, each year followed by its quarters and months."""
    for year in range(first.year, last.year + 1):
        yield _year(year)
        months = (
            1 if year > first.year else first.month,
            12 if year < last.year else last.month,
        )
        for quarter in range((months[0] - 1) // 3 + 1, (months[1] - 1) // 3 + 2):
            yield _quarter(year, quarter)
        for month in range(months[0], months[1] + 1):
            yield _month(year, month)


def bucket_for(start: dt.date, end: dt.date, *, today: dt.date) -> Bucket | None:
    """The maintained bucket answering the period ``[start, end]``: a calendar month,
    quarter or year, or the part of the current one up to a day not before ``today``
    (nothing is received or happens after now, so the current bucket's figures, judged
    now, are that period's; the year to date, ``--period now``, is the current year).
    ``None`` for any other range (recomputed)."""
    for bucket in buckets_of(start):
        if bucket.start != start:
            continue
        if end == bucket.end or (today <= end < bucket.end):
            return bucket
    return None


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(VN_TZ).date()


# ------------------------------------------------------------------ one dossier


def contribution(facts: DossierFacts) -> IndexedDossier | None:
    """The dossier's row of the maintained figures, unsaved: its settled contributions
    per bucket (``{bucket: {indicator: [numerator, denominator]}}``) and its live state
    (module docstring); ``None`` for a dossier not received. Pure but for the
    working-day calendar (2.2)."""
    if facts.received_at is None:
        return None
    final = clock_at(facts, _FAR)
    assert final is not None  # noqa: S101 - received
    settled_until = max([moment.at for moment in facts.history] + [facts.received_at])
    ended = final.ended_at
    last = _local_day(
        max([ended if ended is not None else settled_until, *facts.online_payments])
    )
    settled: dict[str, dict[str, list[int]]] = {}
    measured: dict[tuple[dt.datetime, dt.datetime], Decimal] = {}

    def timed(start: dt.datetime, end: dt.datetime) -> Decimal:
        # the same reception-to-end span in every bucket: measured once
        if (start, end) not in measured:
            measured[start, end] = working_days(start, end)
        return measured[start, end]

    for bucket in buckets_between(_local_day(facts.received_at), last):
        begin, finish = bucket.moments
        found = dossier_contributions(facts, start=begin, end=finish, judged_at=finish)
        if ended is None and finish > settled_until:
            for indicator in HANDLED:
                found.pop(indicator, None)
        elif Indicator.ELECTRONIC_RESULT in found and facts.returns_document:
            found[E_RESULT_DOCUMENTS] = found[Indicator.ELECTRONIC_RESULT]
        days = handling_days(facts, begin, finish, timed)
        if days is not None:
            found[HANDLING_TIME] = (int(days * _MICRO), 1)
        for marked in procedure_marks(facts, start=begin, end=finish):
            found[f"{marked}{PROCEDURE_MARK}{facts.procedure}"] = (1, 1)
        if found:
            settled[bucket.key] = {
                indicator: [numerator, denominator]
                for indicator, (numerator, denominator) in sorted(found.items())
            }
    complaints = [
        moment
        for moment in (facts.first_petition_at, facts.first_dislike_at)
        if moment is not None
    ]
    always = ended is None and is_on_time(final, judged_at=_FAR)
    until = (
        final.due_at
        if ended is None and not always and is_on_time(final, judged_at=final.due_at)
        else None
    )
    return IndexedDossier(
        dossier_id=facts.dossier,
        agency_id=facts.agency,
        contributions=settled,
        live=ended is None,
        settled_until=settled_until,
        on_time_always=always,
        on_time_until=until,
        first_complaint_at=min(complaints) if complaints else None,
        first_electronic_result_at=facts.first_electronic_result_at,
        returns_document=facts.returns_document,
    )


# ------------------------------------------------------------------ keeping up

_Key = tuple[int, str, str]


def _add(
    deltas: dict[_Key, list[int]],
    agency: int,
    settled: Mapping[str, Mapping[str, Sequence[int]]],
    sign: int,
) -> None:
    for bucket, indicators in settled.items():
        for indicator, (numerator, denominator) in indicators.items():
            pair = deltas.setdefault((agency, bucket, indicator), [0, 0])
            pair[0] += sign * numerator
            pair[1] += sign * denominator


def _write_deltas(deltas: Mapping[_Key, Sequence[int]]) -> None:
    """Add ``deltas`` to the cells: one ``INSERT … ON CONFLICT DO UPDATE`` per 500
    cells, in key order (two refreshes lock shared cells in the same order)."""
    rows = [
        (bucket, agency, indicator, pair[0], pair[1])
        for (agency, bucket, indicator), pair in sorted(
            deltas.items(), key=lambda item: (item[0][1], item[0][0], item[0][2])
        )
        if pair[0] or pair[1]
    ]
    quote = connection.ops.quote_name
    table = quote(IndexCell._meta.db_table)
    columns = ", ".join(
        quote(name)
        for name in ("bucket", "agency_id", "indicator", "numerator", "denominator")
    )
    keys = ", ".join(quote(name) for name in ("bucket", "agency_id", "indicator"))
    numerator, denominator = quote("numerator"), quote("denominator")
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), 500):
            chunk = rows[offset : offset + 500]
            values = ", ".join("(%s, %s, %s, %s, %s)" for _ in chunk)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608 - names, not values
                f" ON CONFLICT ({keys}) DO UPDATE SET"
                f" {numerator} = {table}.{numerator} + EXCLUDED.{numerator},"
                f" {denominator} = {table}.{denominator} + EXCLUDED.{denominator}",
                [value for row in chunk for value in row],
            )


_ROW_FIELDS = [
    "agency",
    "contributions",
    "live",
    "settled_until",
    "on_time_always",
    "on_time_until",
    "first_complaint_at",
    "first_electronic_result_at",
    "returns_document",
]


def _apply(ids: Sequence[int]) -> None:
    """Bring the maintained figures of ``ids`` up to date: read their facts and what
    they added before, write the difference. Eight reads and at most three writes,
    whatever the number of dossiers (the caller bounds it)."""
    facts = {found.dossier: found for found in facts_of(ids)}
    before = {
        row.dossier_id: row for row in IndexedDossier.objects.filter(dossier_id__in=ids)
    }
    deltas: dict[_Key, list[int]] = {}
    rows: list[IndexedDossier] = []
    gone: list[int] = []
    for pk in ids:
        old = before.get(pk)
        if old is not None:
            _add(deltas, old.agency_id, old.contributions, -1)
        found = facts.get(pk)
        new = None if found is None else contribution(found)
        if new is None:
            if old is not None:
                gone.append(pk)
            continue
        _add(deltas, new.agency_id, new.contributions, 1)
        rows.append(new)
    _write_deltas(deltas)
    if rows:
        IndexedDossier.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["dossier"],
            update_fields=_ROW_FIELDS,
        )
    if gone:
        IndexedDossier.objects.filter(dossier_id__in=gone).delete()


@receiver(dossiers_changed, dispatch_uid="indices.live.mark")
def mark(sender: object, dossier_ids: Sequence[int], **kwargs: Any) -> None:
    """Record in the changing transaction that these dossiers' figures are behind (one
    statement; module docstring)."""
    IndexBacklog.objects.bulk_create(
        [IndexBacklog(dossier_id=pk) for pk in dossier_ids],
        ignore_conflicts=True,
        batch_size=BATCH,
    )


def mark_all(dossiers: QuerySet[Dossier]) -> None:
    """Record that every dossier of ``dossiers`` is behind: one ``INSERT … SELECT``,
    whatever their number (the refresh that follows goes in batches)."""
    select, params = dossiers.order_by().values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(IndexBacklog._meta.db_table)} ({quote('dossier_id')})"  # noqa: S608 - names, not values
            f" {select} ON CONFLICT DO NOTHING",
            params,
        )


def mark_version(version_id: int) -> None:
    """Record that every dossier of a procedure version is behind: its catalogue rows
    that the figures read changed (whether it returns a document, 4.1 and 4.2; whether
    a financial obligation stops its clock, 2.1). Rare (a published version is not
    normally edited), so the refresh that follows is too."""
    mark_all(Dossier.objects.filter(procedure_version_id=version_id))


def mark_calendar(first: dt.date, last: dt.date | None = None) -> None:
    """Record that the dossiers whose handling reaches the days from ``first`` to
    ``last`` (or on, without ``last``) are behind: the system's working-day calendar
    changed on those days, and 2.2 counts a dossier's handling time by it
    (``loader.working_days``). The due moments themselves are kept on the dossiers (a
    calendar change does not move an appointment already given), so nothing else moves."""
    reaching = Q(closed_at__isnull=True) | Q(
        closed_at__gte=dt.datetime.combine(first, dt.time.min, VN_TZ)
    )
    dossiers = Dossier.objects.filter(reaching, received_at__isnull=False)
    if last is not None:
        dossiers = dossiers.filter(
            received_at__lt=dt.datetime.combine(
                last + dt.timedelta(days=1), dt.time.min, VN_TZ
            )
        )
    mark_all(dossiers)


@receiver(pre_save, sender=CalendarOverride, dispatch_uid="indices.live.override~")
@receiver(pre_save, sender=OfficeHours, dispatch_uid="indices.live.hours~")
def _calendar_moving(
    sender: type[CalendarOverride] | type[OfficeHours],
    instance: CalendarOverride | OfficeHours,
    **kwargs: Any,
) -> None:
    """An edited row leaves the days it held as well: those are marked as the new ones
    are (after the save)."""
    if instance.pk is None:
        return
    kept = sender.objects.filter(pk=instance.pk).first()
    if isinstance(kept, CalendarOverride) and kept.agency_id is None:
        mark_calendar(kept.date, kept.date)
    elif isinstance(kept, OfficeHours) and kept.agency_id is None:
        mark_calendar(kept.valid_from)


@receiver(post_save, sender=CalendarOverride, dispatch_uid="indices.live.override")
@receiver(post_delete, sender=CalendarOverride, dispatch_uid="indices.live.override-")
def _override_changed(
    sender: object, instance: CalendarOverride, **kwargs: Any
) -> None:
    if instance.agency_id is None:  # the system's calendar, which 2.2 reads
        mark_calendar(instance.date, instance.date)


@receiver(post_save, sender=OfficeHours, dispatch_uid="indices.live.hours")
@receiver(post_delete, sender=OfficeHours, dispatch_uid="indices.live.hours-")
def _hours_changed(sender: object, instance: OfficeHours, **kwargs: Any) -> None:
    if instance.agency_id is None:
        mark_calendar(instance.valid_from)


@receiver(post_save, sender=ResultDocument, dispatch_uid="indices.live.result")
@receiver(post_delete, sender=ResultDocument, dispatch_uid="indices.live.result-")
def _results_changed(sender: object, instance: ResultDocument, **kwargs: Any) -> None:
    mark_version(instance.version_id)


@receiver(post_save, sender=ProcedureVersion, dispatch_uid="indices.live.version")
def _version_changed(
    sender: object, instance: ProcedureVersion, created: bool, **kwargs: Any
) -> None:
    if not created:
        mark_version(instance.pk)


def pending() -> int:
    """How many dossiers' maintained figures are behind."""
    return IndexBacklog.objects.count()


def refresh(*, limit: int = BATCH) -> int:
    """Bring up to date at most ``limit`` dossiers of the backlog, in batches of
    :data:`BATCH`, each batch one transaction; how many were. Backlog rows another
    refresh is working on are skipped (PostgreSQL's ``SKIP LOCKED``); a dossier changed
    again meanwhile waits for that batch to commit, then is marked again."""
    done = 0
    while done < limit:
        with transaction.atomic():
            ids = list(
                IndexBacklog.objects.select_for_update(skip_locked=True)
                .order_by("dossier_id")
                .values_list("dossier_id", flat=True)[: min(BATCH, limit - done)]
            )
            if not ids:
                break
            _apply(ids)
            IndexBacklog.objects.filter(dossier_id__in=ids).delete()
        done += len(ids)
    return done


def refresh_for_reading() -> int:
    """Before a read of the maintained figures: refresh what is behind, up to
    :data:`READ_REFRESH_LIMIT`; how many dossiers are still behind after. One statement
    when nothing is (the usual case with ``motcua index refresh --follow`` running)."""
    if not IndexBacklog.objects.exists():
        return 0
    refresh(limit=READ_REFRESH_LIMIT)
    return pending()


# ------------------------------------------------------------------ reading


def maintained(
    agencies: Iterable[int],
    bucket: Bucket,
    *,
    judged_at: dt.datetime,
    e_result_all_dossiers: bool = True,
) -> dict[int, Tally]:
    """Per agency of ``agencies``, its dossiers' contributions to ``bucket``: the
    settled sums, and its live dossiers judged at ``judged_at`` (the bucket's end, or
    now for the current one). Two queries, whatever the number of dossiers; the caller
    refreshes first (:func:`refresh_for_reading`)."""
    wanted = list(agencies)
    found: dict[int, Tally] = defaultdict(Tally)
    e_result = (
        Indicator.ELECTRONIC_RESULT if e_result_all_dossiers else E_RESULT_DOCUMENTS
    )
    cells = (
        IndexCell.objects.filter(bucket=bucket.key, agency_id__in=wanted)
        .values_list("agency_id", "indicator")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    )
    for agency, indicator, numerator, denominator in cells:
        figures = found[agency]
        if PROCEDURE_MARK in indicator:
            name, procedure = indicator.split(PROCEDURE_MARK)
            if numerator > 0:
                figures.mark(name, int(procedure), agency)
            continue
        if indicator == HANDLING_TIME:
            figures.handling_total += Decimal(numerator) / _MICRO
            figures.handling_count += denominator
            continue
        if indicator in (Indicator.ELECTRONIC_RESULT, E_RESULT_DOCUMENTS):
            if indicator != e_result:
                continue
            indicator = Indicator.ELECTRONIC_RESULT
        figures.add(indicator, numerator, denominator)
    _begin, finish = bucket.moments
    # every column read is in the key of ``indexed_dossier_live_counts`` (the agency
    # counted, not the primary key): PostgreSQL counts from the index alone
    punctual = Q(on_time_always=True) | Q(on_time_until__gte=judged_at)
    counted = Q() if e_result_all_dossiers else Q(returns_document=True)
    live = (
        IndexedDossier.objects.filter(
            live=True, agency_id__in=wanted, settled_until__lt=finish
        )
        .values("agency_id")
        .order_by()
        .annotate(
            handled=Count("agency"),
            punctual=Count("agency", filter=punctual),
            satisfied=Count(
                "agency",
                filter=punctual
                & (
                    Q(first_complaint_at__isnull=True)
                    | Q(first_complaint_at__gte=judged_at)
                ),
            ),
            e_counted=Count("agency", filter=counted),
            e_issued=Count(
                "agency", filter=counted & Q(first_electronic_result_at__lt=finish)
            ),
        )
    )
    for row in live:
        figures = found[row["agency_id"]]
        figures.add(Indicator.ON_TIME, row["punctual"], row["handled"])
        figures.add(Indicator.SATISFIED, row["satisfied"], row["handled"])
        figures.add(Indicator.ELECTRONIC_RESULT, row["e_issued"], row["e_counted"])
    return dict(found)


# ------------------------------------------------------------------ reconciliation


@dataclass(frozen=True)
class CellDifference:
    agency: int
    bucket: str
    indicator: str
    maintained: tuple[int, int]
    recomputed: tuple[int, int]


@dataclass(frozen=True)
class Reconciliation:
    """What ``motcua index reconcile`` found: every maintained cell that differs from
    the recomputation from the raw dossiers and events, and the dossiers whose kept
    contribution or live state differs."""

    dossiers: int
    cells: int
    differences: list[CellDifference]
    dossiers_differing: list[int]
    repaired: bool

    @property
    def clean(self) -> bool:
        return not self.differences and not self.dossiers_differing


def _same_row(kept: IndexedDossier | None, expected: IndexedDossier | None) -> bool:
    if kept is None or expected is None:
        return kept is expected
    return all(
        getattr(kept, name if name != "agency" else "agency_id")
        == getattr(expected, name if name != "agency" else "agency_id")
        for name in _ROW_FIELDS
    )


def _kept() -> QuerySet[IndexedDossier]:
    return IndexedDossier.objects.order_by("dossier_id")


def _kept_cells() -> QuerySet[IndexCell, tuple[Any, ...]]:
    return IndexCell.objects.values_list(
        "bucket", "agency_id", "indicator", "numerator", "denominator"
    )


def reconciliation_sources() -> dict[str, tuple[QuerySet[Any], int]]:
    """Every query :func:`reconcile` reads, by name, with the rows it fetches at a time:
    the facts of every dossier (:func:`loader.fact_sources`), the kept rows and the
    maintained cells (the benchmark reads the same SQL without the application,
    ``bench.index``)."""
    facts = fact_sources(Dossier.objects.all(), None).each()
    return {
        **{name: (queryset, CHUNK) for name, queryset in facts.items()},
        "kept": (_kept(), BATCH),
        "cells": (_kept_cells(), CELLS_CHUNK),
    }


def _cell_order(item: tuple[_Key, Any]) -> tuple[str, str, int]:
    (agency, bucket, indicator), _pair = item
    return bucket, indicator, agency


def _recompute(expected: dict[_Key, list[int]], differing: list[int]) -> int:
    """Sum every dossier's recomputed contribution into ``expected`` and note in
    ``differing`` the dossiers whose kept row differs (or is missing, or is left over);
    how many dossiers contribute. The kept rows and the facts are streamed side by side
    in dossier order."""
    count = 0
    kept = _kept().iterator(chunk_size=BATCH)
    waiting = next(kept, None)
    for facts in every_dossier_facts():
        while waiting is not None and waiting.dossier_id < facts.dossier:
            differing.append(waiting.dossier_id)
            waiting = next(kept, None)
        old = None
        if waiting is not None and waiting.dossier_id == facts.dossier:
            old, waiting = waiting, next(kept, None)
        new = contribution(facts)
        if not _same_row(old, new):
            differing.append(facts.dossier)
        if new is not None:
            count += 1
            _add(expected, new.agency_id, new.contributions, 1)
    while waiting is not None:
        differing.append(waiting.dossier_id)
        waiting = next(kept, None)
    return count


def rebuild() -> None:
    """Replace the maintained figures by the recomputation from the raw dossiers and
    events (streamed, one transaction): after a bulk load that bypassed the services
    (the benchmark's generator), or by ``reconcile(repair=True)``."""
    with transaction.atomic():
        _rebuild()


def _rebuild() -> None:
    IndexedDossier.objects.all().delete()
    IndexCell.objects.all().delete()
    totals: dict[_Key, list[int]] = {}
    batch: list[IndexedDossier] = []
    for facts in every_dossier_facts():
        new = contribution(facts)
        if new is None:
            continue
        _add(totals, new.agency_id, new.contributions, 1)
        batch.append(new)
        if len(batch) >= BATCH:
            IndexedDossier.objects.bulk_create(batch)
            batch = []
    IndexedDossier.objects.bulk_create(batch)
    _write_deltas(totals)


def reconcile(*, repair: bool = False) -> Reconciliation:
    """Recompute every dossier's contribution from the raw dossiers and events
    (:func:`loader.every_dossier_facts`), sum them, and compare with the maintained
    cells and the kept rows, reporting every difference. The backlog is refreshed first
    (what is behind by design is not a difference). ``repair``: then replace the
    maintained figures by the recomputation, in one transaction with a second pass (the
    figures read meanwhile are the old ones). Memory grows with the cells, not with the
    dossiers."""
    while refresh(limit=BATCH * 50):
        pass
    expected: dict[_Key, list[int]] = {}
    differing: list[int] = []
    with transaction.atomic():
        count = _recompute(expected, differing)
        kept_cells = {
            (agency, bucket, indicator): (numerator, denominator)
            for bucket, agency, indicator, numerator, denominator in (
                _kept_cells().iterator(chunk_size=CELLS_CHUNK)
            )
        }
    differences = [
        CellDifference(key[0], key[1], key[2], kept_cells.get(key, (0, 0)), (n, d))
        for key, (n, d) in sorted(expected.items(), key=_cell_order)
        if kept_cells.get(key, (0, 0)) != (n, d)
    ]
    differences += [
        CellDifference(key[0], key[1], key[2], pair, (0, 0))
        for key, pair in sorted(kept_cells.items(), key=_cell_order)
        if key not in expected and pair != (0, 0)
    ]
    if repair and (differences or differing):
        with transaction.atomic():
            _rebuild()
    return Reconciliation(
        dossiers=count,
        cells=len(expected),
        differences=differences,
        dossiers_differing=differing,
        repaired=repair and bool(differences or differing),
    )
