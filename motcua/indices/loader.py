"""Building :class:`~motcua.indices.facts.DossierFacts` and
:class:`~motcua.indices.facts.PetitionFacts` from the database, in a fixed number of
queries whatever the number of dossiers.

:func:`dossier_facts` reads the dossiers of some agencies that were handled in a period
(received before its end, not ended before its start; a superset of those received in
it) and their events, papers, results, fees, petitions and evaluations: **eight
queries**, the dossiers, each related table aggregated per dossier in one grouped query,
and their events, all streamed in dossier order and merged, so neither queries nor
memory grow with the number of dossiers (a subquery per dossier, the first design, cost
0.6 ms a dossier on PostgreSQL: ten minutes for a million).
:func:`petition_facts` reads petitions in one.

A :class:`Scope` narrows the dossiers to a procedure, a field or an officer (the
dossier's assignee, docs/decisions/0016).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
)

from motcua.dossiers import events
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierResult,
)
from motcua.dossiers.workflow import Action
from motcua.indices.facts import DossierFacts, Moment, PetitionFacts
from motcua.payments.choices import PaymentMethod
from motcua.payments.models import DossierFee
from motcua.procedures.models import ResultDocument
from motcua.ratings.choices import Verdict
from motcua.ratings.models import Evaluation, Petition
from motcua.workdays.selectors import calendar_for

_M = TypeVar("_M", bound=Model)

#: dossiers and events read per round trip while streaming
CHUNK = 2000


@dataclass(frozen=True)
class Scope:
    """A cut of the dossiers beyond the unit: one procedure, one field, one officer."""

    procedure: int | None = None
    field: int | None = None
    officer: int | None = None

    @property
    def narrowed(self) -> bool:
        return any(x is not None for x in (self.procedure, self.field, self.officer))

    def dossiers(self, queryset: QuerySet[_M], prefix: str = "") -> QuerySet[_M]:
        """``queryset`` (of dossiers, or of rows reaching a dossier through ``prefix``)
        narrowed to the cut."""
        if self.procedure is not None:
            queryset = queryset.filter(
                **{f"{prefix}procedure_version__procedure_id": self.procedure}
            )
        if self.field is not None:
            queryset = queryset.filter(
                **{f"{prefix}procedure_version__field_id": self.field}
            )
        if self.officer is not None:
            queryset = queryset.filter(**{f"{prefix}assignee_id": self.officer})
        return queryset


EVERYTHING = Scope()


def handled_dossiers(
    agencies: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope = EVERYTHING,
) -> QuerySet[Dossier]:
    """Dossiers of ``agencies`` (their handling agency) received before ``end`` whose
    processing had not ended before ``start`` (2.1's denominator, spec 01 §3), as the
    columns say, or with a fee paid online in the period (3.4);
    :func:`facts.handled_in` then judges from the events."""
    paid_in_period = Exists(
        DossierFee.objects.filter(
            dossier_id=OuterRef("pk"),
            payment__in=PaymentMethod.online(),
            paid_at__gte=start,
            paid_at__lt=end,
        )
    )
    queryset = Dossier.objects.filter(
        (
            (Q(finished_at__isnull=True) | Q(finished_at__gte=start))
            & (Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        )
        # 3.4 counts a payment in the period whatever became of the dossier
        | Q(paid_in_period),
        handling_agency_id__in=list(agencies),
        received_at__isnull=False,
        received_at__lt=end,
    )
    return scope.dossiers(queryset)


def _moment(event: DossierEvent) -> Moment:
    if event.action == Action.RECEIVE:
        return Moment(
            at=event.at,
            status=event.to_status,
            due=events.appointment(event),
            reception=True,
        )
    change = events.due_change(event)
    return Moment(
        at=event.at,
        status=event.to_status,
        due=None if change is None else change.new,
    )


#: 2.2's handling times are kept to a millionth of a working day, so that the maintained
#: sum (``indices.live``, in whole millionths) and a recomputation agree to the last digit
WORKING_DAY_QUANTUM = Decimal("0.000001")


def working_days(start: dt.datetime, end: dt.datetime) -> Decimal:
    """The working time from ``start`` to ``end`` on the system's working-day calendar,
    in working days of the first working day's length (2.2, spec 01 §3), to
    :data:`WORKING_DAY_QUANTUM`."""
    calendar = calendar_for(None)
    elapsed = calendar.working_time_between(start, end)
    day = calendar.hours_on(calendar.next_working_moment(start).date()).day_length
    days = Decimal(elapsed.total_seconds()) / Decimal(day.total_seconds())
    return days.quantize(WORKING_DAY_QUANTUM)


def population_databases() -> frozenset[str]:
    """The codes (``MaCSDL``) of the national population database a paper's data may
    come from (766 4.5; UNCONFIRMED, so a setting: ``MOTCUA_INDEX_POPULATION_DATABASES``)."""
    return frozenset(getattr(settings, "INDEX_POPULATION_DATABASES", ()))


def dossier_facts(
    agencies: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope = EVERYTHING,
) -> Iterator[DossierFacts]:
    """The facts of every dossier :func:`handled_dossiers` selects, in dossier order;
    the history read is the dossier's events before ``end``. Eight streamed queries
    (:func:`_facts`)."""
    return _facts(handled_dossiers(agencies, start, end, scope), end)


def open_at(dossiers: QuerySet[Dossier], end: dt.datetime) -> QuerySet[Dossier]:
    """Of ``dossiers``, those not finished nor closed before ``end``: the columns'
    bound on what :func:`facts.clock_at` judges open at ``end`` from the events."""
    return dossiers.filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=end),
        Q(closed_at__isnull=True) | Q(closed_at__gte=end),
    )


def open_dossier_facts(
    agencies: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope = EVERYTHING,
    *,
    still_open_at: dt.datetime,
) -> Iterator[DossierFacts]:
    """:func:`dossier_facts` of those dossiers still open at ``still_open_at``
    (:func:`open_at`; a moment not after ``end``)."""
    handled = handled_dossiers(agencies, start, end, scope)
    return _facts(open_at(handled, still_open_at), end)


def facts_of(dossiers: Iterable[int]) -> Iterator[DossierFacts]:
    """The facts of these dossiers, their whole history (what the maintained figures
    read, ``indices.live``), in dossier order. Eight queries."""
    return _facts(Dossier.objects.filter(pk__in=list(dossiers)), None)


def every_dossier_facts() -> Iterator[DossierFacts]:
    """The facts of every dossier, whole histories, streamed in dossier order (the
    reconciliation's recomputation). Eight queries."""
    return _facts(Dossier.objects.all(), None)


class _Aligned:
    """A stream of rows ordered by dossier id, read alongside the dossiers: ``at(pk)``
    answers the row of dossier ``pk`` (or ``None``), skipping those of dossiers the
    stream has and the caller did not ask for. Both sides ascend, so each row is read
    once."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def at(self, pk: int) -> tuple[Any, ...] | None:
        while self._next is not None and self._next[0] < pk:
            self._next = next(self._rows, None)
        if self._next is not None and self._next[0] == pk:
            found, self._next = self._next, next(self._rows, None)
            return found
        return None


def _per_dossier(
    queryset: QuerySet[Any], handled: QuerySet[Dossier], **aggregates: Any
) -> QuerySet[Any]:
    """``aggregates`` of ``queryset``'s rows per dossier of ``handled``, in dossier
    order: one grouped query (a hash aggregate over the rows), not a subquery per
    dossier."""
    grouped: QuerySet[Any] = (
        queryset.filter(dossier_id__in=handled.values("pk"))
        .order_by()
        .values("dossier_id")
        .annotate(**aggregates)
        .order_by("dossier_id")
        .values_list("dossier_id", *aggregates)
    )
    return grouped


@dataclass(frozen=True)
class FactSources:
    """The queries :func:`_facts` merges into the facts of ``handled``, each in dossier
    order: what a recomputation must read (the benchmark reads the same SQL without the
    application, ``bench.index``)."""

    #: the procedure versions that return a document (the catalogue's results)
    documents: QuerySet[Any]
    dossiers: QuerySet[Any]
    papers: QuerySet[Any]
    results: QuerySet[Any]
    fees: QuerySet[Any]
    payments: QuerySet[Any]
    petitions: QuerySet[Any]
    dislikes: QuerySet[Any]
    events: QuerySet[Any]

    def each(self) -> dict[str, QuerySet[Any]]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def fact_sources(handled: QuerySet[Dossier], end: dt.datetime | None) -> FactSources:
    """The queries of the facts of ``handled``, with the history before ``end`` (all of
    it when ``None``): the catalogue's versions returning a document, and the eight
    streamed in dossier order."""
    events = DossierEvent.objects.filter(dossier__in=handled.values("pk"))
    if end is not None:
        events = events.filter(at__lt=end)
    return FactSources(
        documents=ResultDocument.objects.order_by()
        .values_list("version_id", flat=True)
        .distinct(),
        dossiers=handled.order_by("pk").values_list(
            "pk",
            "code",
            "handling_agency_id",
            "procedure_version__procedure_id",
            "procedure_version__field_id",
            "assignee_id",
            "channel",
            "received_at",
            "due_at",
            "procedure_version__pauses_for_financial_obligation",
            "synced_at",
            "applicant_vneid_verified",
            "procedure_version_id",
            # a sync that says so for the dossier without naming a paper
            # (HoSoCoThanhPhanSoHoa, spec 01 §3 4.3; docs/decisions/0015)
            "reuses_digitised_data",
        ),
        papers=_per_dossier(
            DossierComponent.objects.all(),
            handled,
            total=Count("pk"),
            digitised=Count("pk", filter=Q(digitised_at__isnull=False)),
            last_digitised=Max("digitised_at"),
            reused=Count("pk", filter=Q(reused=True)),
            store=Count("pk", filter=Q(from_data_store=True)),
            population=Count(
                "pk", filter=Q(source_database__in=population_databases())
            ),
        ),
        results=_per_dossier(
            DossierResult.objects.all(),
            handled,
            first=Min("issued_at"),
            electronic=Min("issued_at", filter=Q(electronic=True) | ~Q(file_url="")),
            store=Count("pk", filter=Q(sent_to_data_store=True)),
        ),
        fees=_per_dossier(
            DossierFee.objects.filter(amount__gt=0).exclude(
                payment=PaymentMethod.EXEMPT
            ),
            handled,
            owed=Count("pk"),
            online=Min("paid_at", filter=Q(payment__in=PaymentMethod.online())),
        ),
        payments=DossierFee.objects.filter(
            amount__gt=0,
            payment__in=PaymentMethod.online(),
            paid_at__isnull=False,
            dossier_id__in=handled.values("pk"),
        )
        .order_by("dossier_id", "paid_at")
        .values_list("dossier_id", "paid_at"),
        petitions=_per_dossier(
            Petition.objects.all(), handled, first=Min("submitted_at")
        ),
        dislikes=_per_dossier(
            Evaluation.objects.filter(verdict=Verdict.UNSATISFIED),
            handled,
            first=Min("at"),
        ),
        events=events.order_by("dossier_id", "sequence").only(
            "dossier_id", "sequence", "action", "at", "to_status", "payload"
        ),
    )


def _facts(
    handled: QuerySet[Dossier], end: dt.datetime | None
) -> Iterator[DossierFacts]:
    """The facts of ``handled``, with the history before ``end`` (all of it when
    ``None``): the queries of :func:`fact_sources`, the catalogue's versions returning a
    document, then eight streamed in dossier order (the dossiers; their papers, results,
    fees, petitions and dislikes, each aggregated per dossier; their online payments;
    their events) and merged, so neither queries nor memory grow with the number of
    dossiers."""
    sources = fact_sources(handled, end)
    documents = set(sources.documents)
    rows = sources.dossiers.iterator(chunk_size=CHUNK)
    papers = _Aligned(sources.papers.iterator(chunk_size=CHUNK))
    results = _Aligned(sources.results.iterator(chunk_size=CHUNK))
    fees = _Aligned(sources.fees.iterator(chunk_size=CHUNK))
    payments = itertools.groupby(
        sources.payments.iterator(chunk_size=CHUNK), key=lambda row: row[0]
    )
    paid = next(payments, None)
    petitions = _Aligned(sources.petitions.iterator(chunk_size=CHUNK))
    dislikes = _Aligned(sources.dislikes.iterator(chunk_size=CHUNK))
    grouped = itertools.groupby(
        sources.events.iterator(chunk_size=CHUNK), key=lambda event: event.dossier_id
    )
    pending = next(grouped, None)
    for row in rows:
        pk = row[0]
        while pending is not None and pending[0] < pk:
            pending = next(grouped, None)
        own: tuple[Moment, ...] = ()
        if pending is not None and pending[0] == pk:
            own = tuple(_moment(event) for event in pending[1])
            pending = next(grouped, None)
        paper = papers.at(pk) or (pk, 0, 0, None, 0, 0, 0)
        result = results.at(pk) or (pk, None, None, 0)
        fee = fees.at(pk) or (pk, 0, None)
        petition = petitions.at(pk)
        dislike = dislikes.at(pk)
        while paid is not None and paid[0] < pk:
            paid = next(payments, None)
        online: tuple[dt.datetime, ...] = ()
        if paid is not None and paid[0] == pk:
            online = tuple(moment for _pk, moment in paid[1] if moment is not None)
            paid = next(payments, None)
        yield DossierFacts(
            dossier=pk,
            code=row[1],
            agency=row[2],
            procedure=row[3],
            field=row[4],
            officer=row[5],
            channel=row[6],
            received_at=row[7],
            due_at=row[8],
            history=own,
            pauses_for_fees=row[9],
            synced_at=row[10],
            vneid_verified=row[11],
            returns_document=row[12] in documents,
            papers=paper[1],
            papers_digitised=paper[2],
            last_digitised_at=paper[3],
            reused=bool(paper[4]) or bool(row[13]),
            from_data_store=bool(paper[5]),
            population_data=bool(paper[6]),
            first_result_at=result[1],
            first_electronic_result_at=result[2],
            result_to_data_store=bool(result[3]),
            fees_owed=fee[1],
            first_online_payment_at=fee[2],
            online_payments=online,
            first_petition_at=None if petition is None else petition[1],
            first_dislike_at=None if dislike is None else dislike[1],
        )


def handled_petitions(
    agencies: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope = EVERYTHING,
) -> QuerySet[Petition]:
    """Petitions addressed to ``agencies`` submitted before ``end`` and not finished
    (refused or published) before ``start``. Narrowed by procedure, field or officer,
    only the petitions about a dossier of that cut."""
    queryset = Petition.objects.filter(
        agency_id__in=list(agencies), submitted_at__lt=end
    ).exclude(
        Q(refused_at__lt=start) | Q(refused_at__isnull=True, published_at__lt=start)
    )
    if scope.narrowed:
        queryset = queryset.filter(
            dossier__in=scope.dossiers(Dossier.objects.all()).values("pk")
        )
    return queryset


def petition_facts(
    agencies: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope = EVERYTHING,
) -> Iterator[PetitionFacts]:
    """The facts of the petitions :func:`handled_petitions` selects. One query."""
    rows = (
        handled_petitions(agencies, start, end, scope)
        .order_by("pk")
        .values_list(
            "pk",
            "code",
            "agency_id",
            "category",
            "submitted_at",
            "transferred_at",
            "refused_at",
            "supplement_requested_at",
            "answered_at",
            "published_at",
            "likes",
            "dislikes",
            "re_raised",
            "dossier_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        yield PetitionFacts(
            petition=row[0],
            code=row[1],
            agency=row[2],
            category=row[3],
            submitted_at=row[4],
            transferred_at=row[5],
            refused_at=row[6],
            supplement_requested_at=row[7],
            answered_at=row[8],
            published_at=row[9],
            likes=row[10],
            dislikes=row[11],
            re_raised=row[12],
            dossier=row[13],
        )
