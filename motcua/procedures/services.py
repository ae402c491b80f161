"""Writes to the procedure catalogue: importing it, and opening a new version of a procedure.

A version is what a dossier is judged against: a dossier keeps the version in force when it
was received (models, module docstring). So a version that dossiers reference must never
change. Until dossiers exist the catalogue may still be corrected in place (by the admin or
by re-importing a file); when they do, ``import_catalogue`` and the admin must refuse to
change a referenced version, and a change in the law becomes ``create_next_version``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.procedures.interchange import (
    WorkbookDocument,
    export_version,
    parse_catalogue,
)
from motcua.procedures.interchange.errors import CatalogueError, CatalogueProblem
from motcua.procedures.interchange.format import VERSION_COLUMNS
from motcua.procedures.interchange.reading import (
    ParsedCatalogue,
    ParsedField,
    ParsedVersion,
)
from motcua.procedures.models import (
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredComponent,
    ResultDocument,
)
from motcua.procedures.selectors import with_contents

logger = logging.getLogger(__name__)


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import did, table by table."""

    fields: ImportCounts = field(default_factory=ImportCounts)
    procedures: ImportCounts = field(default_factory=ImportCounts)
    versions: ImportCounts = field(default_factory=ImportCounts)

    @property
    def changed_anything(self) -> bool:
        return any(
            counts.created or counts.updated
            for counts in (self.fields, self.procedures, self.versions)
        )

    def summary(self) -> str:
        return "\n".join(
            _(
                "%(table)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged"
            )
            % {
                "table": table,
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
            }
            for table, counts in (
                (_("Fields"), self.fields),
                (_("Procedures"), self.procedures),
                (_("Versions"), self.versions),
            )
        )


def import_catalogue(
    document: Mapping[str, Any], *, actor: User | None = None
) -> ImportReport:
    """Bring the catalogue in line with ``document`` (docs/catalogue-format.md), all or nothing.

    The whole document is checked first (``interchange.parse_catalogue``); if anything is
    wrong, ``CatalogueError`` lists every problem with its place and nothing is written. Then,
    in one transaction, fields are matched by code, procedures by code and versions by
    (procedure, number): what is new is created, what differs is updated (a changed version
    gets its components, fees, results, steps and agencies replaced), and a version whose
    export equals the incoming one is not written at all, so importing the same file twice
    changes nothing. Nothing absent from the document is deleted.

    A workbook read by ``read_catalogue_xlsx`` reports its problems by sheet, row and column.
    """
    place = document.place if isinstance(document, WorkbookDocument) else None
    catalogue = parse_catalogue(document, place=place)
    with transaction.atomic():
        report = _write_catalogue(catalogue)
    logger.info(
        "Catalogue imported by %s: %s",
        actor or "the system",
        report.summary().replace("\n", "; "),
    )
    return report


def _write_catalogue(catalogue: ParsedCatalogue) -> ImportReport:
    report = ImportReport()
    _upsert_fields(catalogue.fields, report)
    versions = [v for p in catalogue.procedures for v in p.versions]
    fields_by_code = Field.objects.in_bulk(
        {v.values["field"] for v in versions}, field_name="code"
    )
    agencies_by_identifier = Agency.objects.in_bulk(
        {identifier for v in versions for identifier in _agency_identifiers(v)},
        field_name="identifier",
    )
    stored_procedures = Procedure.objects.prefetch_related(
        Prefetch("versions", queryset=with_contents(ProcedureVersion.objects.all()))
    ).in_bulk([p.code for p in catalogue.procedures], field_name="code")

    # A version is what dossiers received under it are judged against: it never changes
    # once one exists (brief, rule 4); the law's change becomes the next version.
    in_use: list[CatalogueProblem] = []
    for parsed in catalogue.procedures:
        procedure = stored_procedures.get(parsed.code)
        is_new_procedure = procedure is None
        if procedure is None:
            procedure = Procedure.objects.create(code=parsed.code)
            stored_versions = {}
        else:
            stored_versions = {v.number: v for v in procedure.versions.all()}
        touched = False
        for parsed_version in parsed.versions:
            current = stored_versions.get(parsed_version.number)
            if current is None:
                current = ProcedureVersion(procedure=procedure)
                report.versions.created += 1
            elif export_version(current) == parsed_version.document():
                report.versions.unchanged += 1
                continue
            elif current.dossiers.exists():
                in_use.append(
                    CatalogueProblem(
                        parsed_version.location,
                        "number",
                        _(
                            "Version %(number)s of %(code)s has dossiers received under it and "
                            "cannot change; add a new version instead."
                        )
                        % {"number": current.number, "code": parsed.code},
                    )
                )
                continue
            else:
                report.versions.updated += 1
            _write_version(
                current, parsed_version, fields_by_code, agencies_by_identifier
            )
            touched = True
        if is_new_procedure:
            report.procedures.created += 1
        elif touched:
            report.procedures.updated += 1
        else:
            report.procedures.unchanged += 1
    if in_use:
        # raised inside the import's transaction: nothing of the file is kept
        raise CatalogueError(in_use)
    return report


def _upsert_fields(parsed_fields: list[ParsedField], report: ImportReport) -> None:
    stored = Field.objects.in_bulk(
        [parsed.values["code"] for parsed in parsed_fields], field_name="code"
    )
    for parsed in parsed_fields:
        current = stored.get(parsed.values["code"])
        if current is None:
            Field.objects.create(**parsed.values)
            report.fields.created += 1
            continue
        changed = [k for k, v in parsed.values.items() if getattr(current, k) != v]
        if not changed:
            report.fields.unchanged += 1
            continue
        for key in changed:
            setattr(current, key, parsed.values[key])
        current.save(update_fields=changed)
        report.fields.updated += 1


def _agency_identifiers(parsed: ParsedVersion) -> list[str]:
    steps = [s["agency"] for s in parsed.values["process"] if s["agency"] is not None]
    return [*parsed.values["agencies"], *steps]


def _write_version(
    version: ProcedureVersion,
    parsed: ParsedVersion,
    fields_by_code: dict[str, Field],
    agencies_by_identifier: dict[str, Agency],
) -> None:
    """Write ``parsed`` onto ``version`` (new or stored) and replace all its children."""
    values = parsed.values
    for column in VERSION_COLUMNS:
        if column.key not in ("field", "agencies"):
            setattr(version, column.key, values[column.key])
    version.field = fields_by_code[values["field"]]
    is_new = version.pk is None
    version.save()
    if not is_new:
        for model in (RequiredComponent, FeeLine, ResultDocument, ProcessStep):
            model.objects.filter(version=version).delete()
    RequiredComponent.objects.bulk_create(
        RequiredComponent(version=version, position=position, **row)
        for position, row in enumerate(values["components"], start=1)
    )
    FeeLine.objects.bulk_create(
        FeeLine(version=version, position=position, **row)
        for position, row in enumerate(values["fees"], start=1)
    )
    ResultDocument.objects.bulk_create(
        ResultDocument(version=version, position=position, **row)
        for position, row in enumerate(values["results"], start=1)
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version,
            position=position,
            **{
                **row,
                "agency": agencies_by_identifier[row["agency"]]
                if row["agency"]
                else None,
            },
        )
        for position, row in enumerate(values["process"], start=1)
    )
    version.agencies.set(
        [agencies_by_identifier[identifier] for identifier in values["agencies"]]
    )


_Child = TypeVar("_Child", RequiredComponent, FeeLine, ResultDocument, ProcessStep)


def _copies(rows: list[_Child], *, version: ProcedureVersion) -> list[_Child]:
    """Unsaved copies of ``rows`` for ``version`` (the Django documentation's way of copying
    an instance: drop its primary key)."""
    for row in rows:
        row.pk = None
        row._state.adding = True
        row.version = version
    return rows


@transaction.atomic
def create_next_version(
    *,
    version: ProcedureVersion,
    effective_from: dt.date,
    actor: User | None,
) -> ProcedureVersion:
    """Open version ``number + 1`` of ``version``'s procedure from ``effective_from``.

    When a decision amends a procedure (quyết định công bố TTHC sửa đổi, bổ sung; NĐ 63/2010
    Điều 15), the old version stays as it was for the dossiers received under it and a new
    version carries the change. The new version is a copy of ``version`` with its components,
    fees, results, process steps and agencies, to be edited; its announcement and
    publication dates start empty (they belong to the new decision, QĐ 766 indicators 1.1
    and 1.2). ``version`` ends the day before ``effective_from`` (unless it already ended
    earlier), so that on every day one version at most is in force.

    Refused with a ``ValidationError`` (code ``not_latest_version``) when ``version`` is not
    the procedure's latest, and (code ``next_version_starts_too_early``) when
    ``effective_from`` is not after the start of ``version``.

    A version that dossiers reference never changes; only its end date is set here, which
    does not change what it required of the dossiers received while it was in force.
    """
    current = (
        ProcedureVersion.objects.select_for_update()
        .select_related("procedure")
        .get(pk=version.pk)
    )
    latest = ProcedureVersion.objects.filter(procedure=current.procedure).aggregate(
        latest=Max("number")
    )["latest"]
    if latest != current.number:
        raise ValidationError(
            _(
                "Procedure %(code)s already has version %(latest)s; start from the latest."
            )
            % {"code": current.procedure.code, "latest": latest},
            code="not_latest_version",
        )
    if effective_from <= current.effective_from:
        raise ValidationError(
            _(
                "The new version of %(code)s must start after %(start)s, the start of version %(number)s."
            )
            % {
                "code": current.procedure.code,
                "start": f"{current.effective_from:%d/%m/%Y}",
                "number": current.number,
            },
            code="next_version_starts_too_early",
        )
    components = list(current.components.all())
    fees = list(current.fees.all())
    results = list(current.results.all())
    steps = list(current.steps.all())
    agencies = list(current.agencies.all())

    last_day = effective_from - dt.timedelta(days=1)
    if current.effective_to is None or current.effective_to > last_day:
        current.effective_to = last_day
        current.save(update_fields=["effective_to"])

    # Copy as the Django documentation does: drop the primary key and save anew.
    new = ProcedureVersion.objects.select_related("procedure").get(pk=current.pk)
    new.pk = None
    new._state.adding = True
    new.number = current.number + 1
    new.effective_from = effective_from
    new.effective_to = None
    new.announcement_number = ""
    new.announcement_date = new.legal_basis_effective_on = new.published_on = None
    new.save()
    RequiredComponent.objects.bulk_create(_copies(components, version=new))
    FeeLine.objects.bulk_create(_copies(fees, version=new))
    ResultDocument.objects.bulk_create(_copies(results, version=new))
    ProcessStep.objects.bulk_create(_copies(steps, version=new))
    new.agencies.set(agencies)
    logger.info(
        "%s opened %s from %s", actor or "the system", new, f"{effective_from:%d/%m/%Y}"
    )
    return new
