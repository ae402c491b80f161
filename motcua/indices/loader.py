"""Building :class:`~motcua.indices.facts.DossierFacts` and
:class:`~motcua.indices.facts.PetitionFacts` from the database, in a fixed number of
queries whatever the number of dossiers.

:func:`dossier_facts` reads the dossiers of some agencies that were handled in a period
(received before its end, not ended before its start; a superset of those received in
it) and their events, papers, results, fees, petitions and evaluations: **seven
queries**, the dossiers and their events streamed in dossier order and merged, the
others grouped per dossier in SQL. :func:`petition_facts` reads petitions in one.

A :class:`Scope` narrows the dossiers to a procedure, a field or an officer (the
dossier's assignee, docs/decisions/0016).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, Model, OuterRef, Q, QuerySet

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


def _grouped(queryset: Any, **aggregates: Any) -> dict[int, dict[str, Any]]:
    return {
        row["dossier_id"]: row
        for row in queryset.values("dossier_id").order_by().annotate(**aggregates)
    }


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
    the history read is the dossier's events before ``end``. Seven queries."""
    handled = handled_dossiers(agencies, start, end, scope)
    keys = handled.values("pk")
    population = population_databases()
    papers = _grouped(
        DossierComponent.objects.filter(dossier__in=keys),
        total=Count("pk"),
        digitised=Count("pk", filter=Q(digitised_at__isnull=False)),
        last_digitised=Max("digitised_at"),
        reused=Count("pk", filter=Q(reused=True)),
        store=Count("pk", filter=Q(from_data_store=True)),
        population=Count("pk", filter=Q(source_database__in=population)),
    )
    results = _grouped(
        DossierResult.objects.filter(dossier__in=keys),
        first=Min("issued_at"),
        electronic=Min("issued_at", filter=Q(electronic=True) | ~Q(file_url="")),
        store=Count("pk", filter=Q(sent_to_data_store=True)),
    )
    owed = Q(amount__gt=0) & ~Q(payment=PaymentMethod.EXEMPT)
    fees = _grouped(
        DossierFee.objects.filter(dossier__in=keys),
        owed=Count("pk", filter=owed),
        online=Min("paid_at", filter=owed & Q(payment__in=PaymentMethod.online())),
    )
    petitions = _grouped(
        Petition.objects.filter(dossier__in=keys), first=Min("submitted_at")
    )
    dislikes = _grouped(
        Evaluation.objects.filter(dossier__in=keys, verdict=Verdict.UNSATISFIED),
        first=Min("at"),
    )
    rows = (
        handled.annotate(
            returns_document=Exists(
                ResultDocument.objects.filter(version_id=OuterRef("procedure_version"))
            )
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
        )
        .iterator(chunk_size=_CHUNK)
    )
    history = (
        DossierEvent.objects.filter(dossier__in=keys, at__lt=end)
        .order_by("dossier_id", "sequence")
        .only("dossier_id", "sequence", "action", "at", "to_status", "payload")
        .iterator(chunk_size=_CHUNK)
    )
    grouped = itertools.groupby(history, key=lambda event: event.dossier_id)
    pending = next(grouped, None)
    empty: dict[str, Any] = {}
    for row in rows:
        pk = row[0]
        while pending is not None and pending[0] < pk:
            pending = next(grouped, None)
        own: tuple[Moment, ...] = ()
        if pending is not None and pending[0] == pk:
            own = tuple(_moment(event) for event in pending[1])
            pending = next(grouped, None)
        paper = papers.get(pk, empty)
        result = results.get(pk, empty)
        fee = fees.get(pk, empty)
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
            papers=paper.get("total", 0),
            papers_digitised=paper.get("digitised", 0),
            last_digitised_at=paper.get("last_digitised"),
            reused=bool(paper.get("reused")),
            from_data_store=bool(paper.get("store")),
            population_data=bool(paper.get("population")),
            first_result_at=result.get("first"),
            first_electronic_result_at=result.get("electronic"),
            result_to_data_store=bool(result.get("store")),
            fees_owed=fee.get("owed", 0),
            first_online_payment_at=fee.get("online"),
            first_petition_at=petitions.get(pk, empty).get("first"),
            first_dislike_at=dislikes.get(pk, empty).get("first"),
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
