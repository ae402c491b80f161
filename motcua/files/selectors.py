"""Reads of the document store: a dossier's files for its page, one file for its
download (through the visibility chokepoint), and how far dossiers are digitised, which
the Decision 766 index reads (group 4, spec 01 §4.2)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from motcua.accounts.models import User
from motcua.core.precompiled import STAND_IN_KEY, Precompiled
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.permissions import may_see
from motcua.files.models import Blob, StoredFile


@dataclass(frozen=True)
class DossierFiles:
    """The files of one dossier: the scans of each paper (by the paper's id) and the
    files of each result (by the result's id), oldest first."""

    scans: dict[int, list[StoredFile]] = field(default_factory=dict)
    results: dict[int, list[StoredFile]] = field(default_factory=dict)


#: a dossier's files with the columns of their content: read on every dossier page,
#: compiled once (``core.precompiled``), the content's columns joined as annotations
#: ``blob_<column>`` (what ``select_related("blob")`` would read)
_files_by_dossier = Precompiled(
    "files.of_dossier",
    lambda dossier: (
        StoredFile.objects.filter(dossier_id=dossier)
        .annotate(
            **{
                f"blob_{field.attname}": F(f"blob__{field.attname}")
                for field in Blob._meta.concrete_fields
                if not field.primary_key
            }
        )
        .order_by("pk")
    ),
    dossier=STAND_IN_KEY,
)


def files_of(dossier: Dossier) -> DossierFiles:
    """Every file attached to ``dossier``'s papers and results, with their stored
    content (``stored.blob``, as ``select_related("blob")`` gives it): one query however
    many papers and files."""
    scans: dict[int, list[StoredFile]] = defaultdict(list)
    results: dict[int, list[StoredFile]] = defaultdict(list)
    for stored in _files_by_dossier.instances(dossier=dossier.pk):
        joined = vars(stored)
        stored.blob = Blob.from_db(
            stored._state.db,
            [field.attname for field in Blob._meta.concrete_fields],
            [
                stored.blob_id
                if field.primary_key
                else joined.pop(f"blob_{field.attname}")
                for field in Blob._meta.concrete_fields
            ],
        )
        if stored.component_id is not None:
            scans[stored.component_id].append(stored)
        elif stored.result_id is not None:
            results[stored.result_id].append(stored)
    return DossierFiles(scans=dict(scans), results=dict(results))


def file_visible_to(user: User, pk: int) -> StoredFile | None:
    """The stored file ``pk`` if ``user`` may see the dossier it is attached to
    (``dossiers.permissions.may_see``); a file attached to nothing, or to a dossier the
    user may not see, is ``None``, as an unknown one is: the caller answers 404."""
    stored = (
        StoredFile.objects.filter(pk=pk, dossier__isnull=False)
        .select_related("blob", "dossier")
        .first()
    )
    if stored is None or stored.dossier is None:
        return None
    if stored.component_id is None and stored.result_id is None:
        return None
    return stored if may_see(user, stored.dossier) else None


# ------------------------------------------------------------------ digitisation


def _papers_left_to_digitise() -> QuerySet[DossierComponent]:
    """The papers of the outer dossier that still need a scan: not digitised, and not
    taken in electronic form already (re-used digitised data, the citizen's data store:
    TT 01/2023/TT-VPCP, spec 03 §4.1, papers already shared as valid data are not
    digitised)."""
    return DossierComponent.objects.filter(
        dossier=OuterRef("pk"),
        digitised_at__isnull=True,
        reused=False,
        from_data_store=False,
    )


def fully_digitised(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Those of ``dossiers`` that have at least one paper and every paper digitised (or
    taken already electronic): the dossiers that ran the digitisation of TT 01/2023 in
    full, the first condition of Decision 766 indicator 4.2 (spec 01 §4.2; its second,
    an electronic result, is ``DossierResult.electronic``). One query with the caller's
    filters; a dossier without papers is not counted digitised."""
    return dossiers.filter(
        Exists(DossierComponent.objects.filter(dossier=OuterRef("pk")))
    ).exclude(Exists(_papers_left_to_digitise()))


def with_digitisation(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """``dossiers`` with ``papers`` (how many papers each has) and ``papers_digitised``
    (how many of them have a scan) annotated, for lists and exports."""
    return dossiers.annotate(
        papers=Count("components", distinct=True),
        papers_digitised=Count(
            "components",
            filter=Q(components__digitised_at__isnull=False),
            distinct=True,
        ),
    )
