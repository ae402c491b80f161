"""Reads of the procedure catalogue, with the prefetches their callers need."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from motcua.agencies.models import Agency
from motcua.procedures.models import (
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredComponent,
)
from motcua.procedures.validation import publication_gaps


def with_contents(
    versions: QuerySet[ProcedureVersion],
) -> QuerySet[ProcedureVersion]:
    """``versions`` with everything a version shows: procedure, field, agencies, and its
    components, fees, results and process steps (each in its order), in six queries however
    many versions there are."""
    return versions.select_related("procedure", "field").prefetch_related(
        Prefetch("agencies", queryset=Agency.objects.order_by("identifier")),
        "components",
        "fees",
        "results",
        Prefetch("steps", queryset=ProcessStep.objects.select_related("agency")),
    )


def with_publication_parts(
    versions: QuerySet[ProcedureVersion],
) -> QuerySet[ProcedureVersion]:
    """``versions`` with just what ``publication_gaps`` reads besides the version's own
    columns: the ids of its components and agencies (two queries for a whole page)."""
    return versions.prefetch_related(
        Prefetch(
            "components", queryset=RequiredComponent.objects.only("id", "version")
        ),
        Prefetch("agencies", queryset=Agency.objects.only("id")),
    )


def versions_in_force(*, on: dt.date) -> QuerySet[ProcedureVersion]:
    """The versions in force on ``on`` (one per procedure when the catalogue is sound),
    with their contents, ordered by procedure code."""
    return with_contents(
        ProcedureVersion.objects.in_force_on(on).order_by("procedure__code")
    )


def procedures_with_versions() -> QuerySet[Procedure]:
    """Every procedure by code, each with its versions by number and their contents."""
    return Procedure.objects.order_by("code").prefetch_related(
        Prefetch(
            "versions",
            queryset=with_contents(ProcedureVersion.objects.order_by("number")),
        )
    )


def published_versions(*, on: dt.date) -> QuerySet[ProcedureVersion]:
    """The versions in force on ``on`` and published by then (``published_on`` on or
    before it), with what ``publication_gaps`` reads: 1.3's denominator."""
    return with_publication_parts(
        ProcedureVersion.objects.in_force_on(on).filter(published_on__lte=on)
    )


def publication_completeness(*, on: dt.date) -> tuple[int, int]:
    """``(complete, published)`` for QĐ 766 indicator 1.3 as of ``on``.

    The indicator is a snapshot (not a period): of the procedures published in the national
    TTHC database and in force, how many show all seven components of khoản 2 Điều 8 NĐ
    63/2010 (domain spec 01, indicator 1.3; ``validation.PUBLICATION_COMPONENTS``). A version
    counts as published when ``published_on`` is on or before ``on``. Three queries.
    """
    versions = list(published_versions(on=on))
    complete = sum(1 for version in versions if not publication_gaps(version))
    return complete, len(versions)
