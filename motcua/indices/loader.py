"""Building :class:`~motcua.indices.facts.DossierFacts` and
:class:`~motcua.indices.facts.PetitionFacts` from the database, in a fixed number of
queries whatever the number of dossiers.

:func:`dossier_facts` reads the dossiers of some agencies that were handled in a period
(received before its end, not ended before its start; a superset of those received in
it) and their events, papers, results, fees, petitions and evaluations: **two
queries**, the dossiers (each with its papers, results, fees, petitions and dislikes
aggregated by correlated subqueries) and their events, both streamed in dossier order and
merged, so neither queries nor memory grow with the number of dossiers.
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
    Subquery,
)
from django.db.models.functions import Coalesce

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
_CHUNK = 2000


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
    columns say; :func:`facts.handled_in` then judges from the events."""
    queryset = Dossier.objects.filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=start),
        Q(closed_at__isnull=True) | Q(closed_at__gte=start),
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


def _per_dossier(queryset: QuerySet[Any], aggregate: Any) -> Subquery:
    """One aggregate of the rows of ``queryset`` belonging to the outer dossier, as a
    correlated subquery (the dossier's own rows only: streamed with the dossier, so
    memory does not grow with the number of dossiers)."""
    return Subquery(
        queryset.filter(dossier_id=OuterRef("pk"))
        .order_by()
        .values("dossier_id")
        .annotate(value=aggregate)
        .values("value")[:1]
    )


def _count(queryset: QuerySet[Any], condition: Q | None = None) -> Coalesce:
    rows = queryset if condition is None else queryset.filter(condition)
    return Coalesce(_per_dossier(rows, Count("pk")), 0)


def dossier_facts(
    agencies: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope = EVERYTHING,
) -> Iterator[DossierFacts]:
    """The facts of every dossier :func:`handled_dossiers` selects, in dossier order;
    the history read is the dossier's events before ``end``. Two streamed queries: the
    dossiers, each with its papers, results, fees, petitions and dislikes aggregated in
    SQL, and their events; merged in dossier order."""
    return _facts(handled_dossiers(agencies, start, end, scope), end)


def facts_of(dossiers: Iterable[int]) -> Iterator[DossierFacts]:
    """The facts of these dossiers, their whole history (what the maintained figures
    read, ``indices.live``), in dossier order. Two queries."""
    return _facts(Dossier.objects.filter(pk__in=list(dossiers)), None)


def every_dossier_facts() -> Iterator[DossierFacts]:
    """The facts of every dossier, whole histories, streamed in dossier order (the
    reconciliation's recomputation). Two queries."""
    return _facts(Dossier.objects.all(), None)


def _facts(
    handled: QuerySet[Dossier], end: dt.datetime | None
) -> Iterator[DossierFacts]:
    papers = DossierComponent.objects.all()
    results = DossierResult.objects.all()
    owed = DossierFee.objects.filter(amount__gt=0).exclude(payment=PaymentMethod.EXEMPT)
    rows = (
        handled.annotate(
            returns_document=Exists(
                ResultDocument.objects.filter(version_id=OuterRef("procedure_version"))
            ),
            papers_total=_count(papers),
            papers_digitised=_count(papers, Q(digitised_at__isnull=False)),
            papers_last_digitised=_per_dossier(papers, Max("digitised_at")),
            papers_reused=_count(papers, Q(reused=True)),
            papers_store=_count(papers, Q(from_data_store=True)),
            papers_population=_count(
                papers, Q(source_database__in=population_databases())
            ),
            result_first=_per_dossier(results, Min("issued_at")),
            result_electronic=_per_dossier(
                results.filter(Q(electronic=True) | ~Q(file_url="")), Min("issued_at")
            ),
            result_store=_count(results, Q(sent_to_data_store=True)),
            fees_owed=_count(owed),
            fee_online=_per_dossier(
                owed.filter(payment__in=PaymentMethod.online()), Min("paid_at")
            ),
            petition_first=_per_dossier(Petition.objects.all(), Min("submitted_at")),
            dislike_first=_per_dossier(
                Evaluation.objects.filter(verdict=Verdict.UNSATISFIED), Min("at")
            ),
        )
        .order_by("pk")
        .values_list(
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
            "returns_document",
            "papers_total",
            "papers_digitised",
            "papers_last_digitised",
            "papers_reused",
            "papers_store",
            "papers_population",
            "result_first",
            "result_electronic",
            "result_store",
            "fees_owed",
            "fee_online",
            "petition_first",
            "dislike_first",
            # a sync that says so for the dossier without naming a paper
            # (HoSoCoThanhPhanSoHoa, spec 01 §3 4.3; docs/decisions/0015)
            "reuses_digitised_data",
        )
        .iterator(chunk_size=_CHUNK)
    )
    events = DossierEvent.objects.filter(dossier__in=handled.values("pk"))
    if end is not None:
        events = events.filter(at__lt=end)
    history = (
        events.order_by("dossier_id", "sequence")
        .only("dossier_id", "sequence", "action", "at", "to_status", "payload")
        .iterator(chunk_size=_CHUNK)
    )
    grouped = itertools.groupby(history, key=lambda event: event.dossier_id)
    pending = next(grouped, None)
    for row in rows:
        pk = row[0]
        while pending is not None and pending[0] < pk:
            pending = next(grouped, None)
        own: tuple[Moment, ...] = ()
        if pending is not None and pending[0] == pk:
            own = tuple(_moment(event) for event in pending[1])
            pending = next(grouped, None)
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
            returns_document=row[12],
            papers=row[13],
            papers_digitised=row[14],
            last_digitised_at=row[15],
            reused=bool(row[16]) or bool(row[26]),
            from_data_store=bool(row[17]),
            population_data=bool(row[18]),
            first_result_at=row[19],
            first_electronic_result_at=row[20],
            result_to_data_store=bool(row[21]),
            fees_owed=row[22],
            first_online_payment_at=row[23],
            first_petition_at=row[24],
            first_dislike_at=row[25],
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
        .iterator(chunk_size=_CHUNK)
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
