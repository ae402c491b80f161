"""The catalogue as a document: from the database to the JSON of docs/catalogue-format.md.

Export goes model → Python values → JSON. An incoming document is brought to the same
Python values (``reading``), so "this version is unchanged" is the plain equality of two
JSON objects made by the same function.
"""

from __future__ import annotations

from typing import Any

from motcua.procedures.interchange.format import (
    CHILD_TABLES,
    FIELD_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    VERSION_COLUMNS,
    to_json_object,
)
from motcua.procedures.models import Field, ProcedureVersion
from motcua.procedures.selectors import procedures_with_versions


def field_values(field: Field) -> dict[str, Any]:
    return {column.key: getattr(field, column.key) for column in FIELD_COLUMNS}


def version_values(version: ProcedureVersion) -> dict[str, Any]:
    """The Python values of ``version`` and its children, keyed as in the format.

    Reads the related rows through ``.all()``, so prefetch them
    (``selectors.with_contents``) when exporting many versions.
    """
    values: dict[str, Any] = {
        column.key: getattr(version, column.key) for column in VERSION_COLUMNS
    }
    values["field"] = version.field.code
    values["levels"] = list(version.levels)
    values["agencies"] = sorted(agency.identifier for agency in version.agencies.all())
    values["components"] = [
        {column.key: getattr(row, column.key) for column in CHILD_TABLES["components"]}
        for row in version.components.all()
    ]
    values["fees"] = [
        {column.key: getattr(row, column.key) for column in CHILD_TABLES["fees"]}
        for row in version.fees.all()
    ]
    values["results"] = [
        {column.key: getattr(row, column.key) for column in CHILD_TABLES["results"]}
        for row in version.results.all()
    ]
    values["process"] = [
        {
            "name": step.name,
            "role": step.role,
            "agency": step.agency.identifier if step.agency else None,
            "is_inter_agency": step.is_inter_agency,
            "budget": step.budget,
        }
        for step in version.steps.all()
    ]
    return values


def version_document(values: dict[str, Any]) -> dict[str, Any]:
    """The JSON object of a version given its Python values (``version_values`` or parsed)."""
    document = to_json_object(VERSION_COLUMNS, values)
    for key, columns in CHILD_TABLES.items():
        document[key] = [to_json_object(columns, row) for row in values[key]]
    return document


def export_version(version: ProcedureVersion) -> dict[str, Any]:
    """One version as it appears in ``procedures[].versions[]`` of the format."""
    return version_document(version_values(version))


def export_catalogue() -> dict[str, Any]:
    """The whole catalogue as the JSON document of docs/catalogue-format.md.

    Deterministic: fields by code, procedures by code, versions by number, agencies by
    identifier, children in their order; decimals as normalised strings ("1", "0.5"), dates
    ISO. Eight queries whatever the size of the catalogue.
    """
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "fields": [
            to_json_object(FIELD_COLUMNS, field_values(field))
            for field in Field.objects.order_by("code")
        ],
        "procedures": [
            {
                "code": procedure.code,
                "versions": [
                    export_version(version) for version in procedure.versions.all()
                ],
            }
            for procedure in procedures_with_versions()
        ],
    }
