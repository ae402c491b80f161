"""Checking an incoming catalogue document, all of it, before anything is written.

``parse_catalogue`` reads a JSON-shaped document (docs/catalogue-format.md) into Python
values and reports every problem it finds, each with its place and key: wrong types, missing
or unknown keys, unknown choices, bad dates and decimals, what the models' own validators
refuse (the procedure code pattern, lengths, blank names), fields and agencies that do not
exist, versions of one procedure whose periods overlap (in the document or with versions
already in the database), inter-agency steps that name no agency, and processes whose step
budgets do not add up to the handling time (``validation.check_process_budget``). It reads
the database but never writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.procedures.interchange.errors import CatalogueError, CatalogueProblem
from motcua.procedures.interchange.format import (
    CHILD_TABLES,
    FIELD_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    VERSION_COLUMNS,
    Column,
    Kind,
    ValueProblem,
)
from motcua.procedures.interchange.writing import version_document
from motcua.procedures.models import (
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredComponent,
    ResultDocument,
)
from motcua.procedures.validation import check_handling_time, check_process_budget

CHILD_MODELS: dict[str, type[models.Model]] = {
    "components": RequiredComponent,
    "fees": FeeLine,
    "results": ResultDocument,
    "process": ProcessStep,
}


@dataclass
class ParsedField:
    location: str
    values: dict[str, Any]


@dataclass
class ParsedVersion:
    location: str
    #: The version's Python values and its four child lists (``document.version_values``).
    values: dict[str, Any]

    @property
    def number(self) -> int:
        number: int = self.values["number"]
        return number

    def document(self) -> dict[str, Any]:
        return version_document(self.values)


@dataclass
class ParsedProcedure:
    location: str
    code: str
    versions: list[ParsedVersion] = field(default_factory=list)
    #: Every version number the document gives, even on versions with problems: those
    #: versions replace the stored ones of the same number, whatever their state.
    numbers: set[Any] = field(default_factory=set)


@dataclass
class ParsedCatalogue:
    fields: list[ParsedField]
    procedures: list[ParsedProcedure]


@dataclass
class _Reference:
    location: str
    key: str
    value: str


@dataclass
class _Period:
    number: int
    start: dt.date
    end: dt.date | None
    location: (
        str | None
    )  # None: a version in the database that the document leaves alone

    def overlaps(self, other: _Period) -> bool:
        return (other.end is None or self.start <= other.end) and (
            self.end is None or other.start <= self.end
        )

    def __str__(self) -> str:
        end = f"{self.end:%d/%m/%Y}" if self.end else "…"
        return f"{self.start:%d/%m/%Y} – {end}"


def parse_catalogue(
    document: Any, *, place: Callable[[str], str] | None = None
) -> ParsedCatalogue:
    """Check ``document`` and return its Python values, or raise ``CatalogueError`` listing
    every problem. ``place`` turns a JSON path into the place a reader of the original file
    understands (a workbook's sheet, row and column)."""
    parser = _Parser()
    catalogue = parser.parse(document)
    if parser.problems:
        locate = place or (lambda path: path)
        raise CatalogueError(
            CatalogueProblem(locate(p.location), p.field, p.message)
            for p in parser.problems
        )
    return catalogue


class _Parser:
    def __init__(self) -> None:
        self.problems: list[CatalogueProblem] = []
        self.field_refs: list[_Reference] = []
        self.agency_refs: list[_Reference] = []
        self.field_codes: set[str] = set()

    def problem(self, location: str, key: str, message: str) -> None:
        self.problems.append(CatalogueProblem(location, key, message))

    # The whole document ---------------------------------------------------------------

    def parse(self, document: Any) -> ParsedCatalogue:
        catalogue = ParsedCatalogue(fields=[], procedures=[])
        if not isinstance(document, Mapping):
            self.problem("$", "", _("The catalogue must be a JSON object."))
            return catalogue
        self.unknown_keys(
            document, "", {"format", "format_version", "fields", "procedures"}
        )
        if document.get("format") != FORMAT_NAME:
            self.problem(
                "format",
                "format",
                _("Expected “%(name)s”.") % {"name": FORMAT_NAME},
            )
        if document.get("format_version") != FORMAT_VERSION:
            self.problem(
                "format_version",
                "format_version",
                _("Only format version %(version)s is understood.")
                % {"version": FORMAT_VERSION},
            )
        for index, item in enumerate(self.list_at(document, "", "fields")):
            parsed_field = self.parse_field(item, f"fields[{index}]")
            if parsed_field is not None:
                catalogue.fields.append(parsed_field)
        for index, item in enumerate(self.list_at(document, "", "procedures")):
            procedure = self.parse_procedure(item, f"procedures[{index}]")
            if procedure is not None:
                catalogue.procedures.append(procedure)
        self.check_unique(
            [(f.location, f.values["code"]) for f in catalogue.fields],
            "code",
            _("The field code %(value)s appears more than once."),
        )
        self.check_unique(
            [(p.location, p.code) for p in catalogue.procedures],
            "code",
            _("The procedure code %(value)s appears more than once."),
        )
        self.check_field_references()
        self.check_agency_references()
        self.check_periods(catalogue.procedures)
        return catalogue

    def list_at(self, container: Mapping[str, Any], path: str, key: str) -> list[Any]:
        location = f"{path}.{key}" if path else key
        value = container.get(key, [])
        if not isinstance(value, list):
            self.problem(location, key, _("Expected a list."))
            return []
        return value

    def unknown_keys(
        self, value: Mapping[str, Any], path: str, known: Iterable[str]
    ) -> None:
        for key in value:
            if key not in known:
                location = f"{path}.{key}" if path else str(key)
                self.problem(location, str(key), _("Unknown key."))

    # One object of a table ------------------------------------------------------------

    def parse_object(
        self,
        value: Any,
        path: str,
        key: str,
        columns: Sequence[Column],
        extra_keys: Iterable[str] = (),
    ) -> tuple[dict[str, Any], set[str]] | None:
        """Python values of one object, with defaults for absent optional keys, and the set
        of keys that had a problem; ``None`` if ``value`` is not an object at all."""
        if not isinstance(value, Mapping):
            self.problem(path, key, _("Expected an object."))
            return None
        extra_keys = set(extra_keys)
        self.unknown_keys(value, path, {c.key for c in columns} | extra_keys)
        values: dict[str, Any] = {}
        failed: set[str] = set()
        for column in columns:
            location = f"{path}.{column.key}"
            if column.key not in value:
                if column.required:
                    self.problem(location, column.key, _("This key is required."))
                    failed.add(column.key)
                values[column.key] = column.default_value()
                continue
            try:
                values[column.key] = column.to_python(value[column.key])
            except ValueProblem as problem:
                self.problem(location, column.key, str(problem))
                failed.add(column.key)
                values[column.key] = column.default_value()
        return values, failed

    def model_check(
        self,
        model: type[models.Model],
        values: Mapping[str, Any],
        failed: set[str],
        path: str,
    ) -> None:
        """Run the model's own field validators (lengths, blanks, patterns, minimums) on the
        keys that are plain columns of ``model`` and passed the type checks."""
        plain = {
            f.name
            for f in model._meta.concrete_fields
            if not f.is_relation and f.editable and not f.primary_key
        }
        checked = {k: v for k, v in values.items() if k in plain and k not in failed}
        instance = model(**checked)
        all_names = {f.name for f in model._meta.concrete_fields}
        try:
            instance.clean_fields(exclude=all_names - checked.keys())
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                self.problem(f"{path}.{key}", key, " ".join(messages))
                failed.add(key)

    def parse_field(self, value: Any, path: str) -> ParsedField | None:
        parsed = self.parse_object(value, path, "fields", FIELD_COLUMNS)
        if parsed is None:
            return None
        values, failed = parsed
        self.model_check(Field, values, failed, path)
        if "code" not in failed:
            self.field_codes.add(values["code"])
            return ParsedField(path, values)
        return None

    def parse_procedure(self, value: Any, path: str) -> ParsedProcedure | None:
        code_column = Column("code", Kind.TEXT, required=True)
        parsed = self.parse_object(
            value, path, "procedures", [code_column], extra_keys=["versions"]
        )
        if parsed is None:
            return None
        values, failed = parsed
        self.model_check(Procedure, values, failed, path)
        code: str = values["code"]
        procedure = ParsedProcedure(path, code)
        if "versions" not in value:
            self.problem(f"{path}.versions", "versions", _("This key is required."))
        for index, item in enumerate(self.list_at(value, path, "versions")):
            if isinstance(item, Mapping):
                procedure.numbers.add(item.get("number"))
            version = self.parse_version(
                item, f"{path}.versions[{index}]", procedure_code=code
            )
            if version is not None:
                procedure.versions.append(version)
        self.check_unique(
            [(v.location, v.number) for v in procedure.versions],
            "number",
            _("Version %(value)s of this procedure appears more than once."),
        )
        return None if "code" in failed else procedure

    def parse_version(
        self, value: Any, path: str, *, procedure_code: str
    ) -> ParsedVersion | None:
        parsed = self.parse_object(
            value, path, "versions", VERSION_COLUMNS, extra_keys=CHILD_TABLES
        )
        if parsed is None:
            return None
        values, failed = parsed
        self.model_check(ProcedureVersion, values, failed, path)
        if "number" not in failed and values["number"] < 1:
            self.problem(f"{path}.number", "number", _("Version numbers start at 1."))
            failed.add("number")
        if "field" not in failed:
            self.field_refs.append(
                _Reference(f"{path}.field", "field", values["field"])
            )
        if "agencies" not in failed:
            values["agencies"] = sorted(values["agencies"])
            for index, identifier in enumerate(value.get("agencies", [])):
                self.agency_refs.append(
                    _Reference(f"{path}.agencies[{index}]", "agencies", identifier)
                )
        end = values["effective_to"]
        if (
            not {"effective_from", "effective_to"} & failed
            and end is not None
            and end < values["effective_from"]
        ):
            self.problem(
                f"{path}.effective_to",
                "effective_to",
                _("The version cannot end before it starts (%(start)s).")
                % {"start": f"{values['effective_from']:%d/%m/%Y}"},
            )
            failed.add("effective_to")
        for key, columns in CHILD_TABLES.items():
            rows = []
            for index, item in enumerate(self.list_at(value, path, key)):
                row = self.parse_child(key, columns, item, f"{path}.{key}[{index}]")
                if row is None:
                    failed.add(key)
                else:
                    rows.append(row)
            values[key] = rows
        if not {"handling_time", "handling_time_unit"} & failed:
            try:
                check_handling_time(
                    handling_time=values["handling_time"],
                    unit=values["handling_time_unit"],
                )
            except ValidationError as error:
                self.problem(
                    f"{path}.handling_time", "handling_time", " ".join(error.messages)
                )
                failed.add("handling_time")
        if not {"handling_time", "handling_time_unit", "process"} & failed:
            self.check_budget(values, path, procedure_code)
        if failed:
            return None
        return ParsedVersion(path, values)

    def parse_child(
        self, key: str, columns: Sequence[Column], value: Any, path: str
    ) -> dict[str, Any] | None:
        parsed = self.parse_object(value, path, key, columns)
        if parsed is None:
            return None
        values, failed = parsed
        self.model_check(CHILD_MODELS[key], values, failed, path)
        if key == "process" and "agency" not in failed:
            if values["is_inter_agency"] and values["agency"] is None:
                self.problem(
                    f"{path}.agency",
                    "agency",
                    _("An inter-agency step names the agency it hands the dossier to."),
                )
                failed.add("agency")
            elif values["agency"] is not None:
                self.agency_refs.append(
                    _Reference(f"{path}.agency", "agency", values["agency"])
                )
        return None if failed else values

    # Rules across objects -------------------------------------------------------------

    def check_budget(
        self, values: dict[str, Any], path: str, procedure_code: str
    ) -> None:
        number = values["number"] if isinstance(values["number"], int) else None
        try:
            check_process_budget(
                procedure_code=procedure_code,
                version_number=number,
                handling_time=values["handling_time"],
                unit=values["handling_time_unit"],
                budgets=[step["budget"] for step in values["process"]],
            )
        except ValidationError as error:
            self.problem(f"{path}.process", "budget", " ".join(error.messages))

    def check_unique(
        self, items: list[tuple[str, Any]], key: str, message: str
    ) -> None:
        seen: set[Any] = set()
        for location, value in items:
            if value in seen:
                self.problem(f"{location}.{key}", key, message % {"value": value})
            seen.add(value)

    def check_field_references(self) -> None:
        codes = {ref.value for ref in self.field_refs} - self.field_codes
        known = set(Field.objects.filter(code__in=codes).values_list("code", flat=True))
        for ref in self.field_refs:
            if ref.value not in self.field_codes and ref.value not in known:
                self.problem(
                    ref.location,
                    ref.key,
                    _(
                        "No field has the code %(code)s, neither in this file nor in the catalogue."
                    )
                    % {"code": ref.value},
                )

    def check_agency_references(self) -> None:
        identifiers = {ref.value for ref in self.agency_refs}
        known = set(
            Agency.objects.filter(identifier__in=identifiers).values_list(
                "identifier", flat=True
            )
        )
        for ref in self.agency_refs:
            if ref.value not in known:
                self.problem(
                    ref.location,
                    ref.key,
                    _("No agency has the electronic identifier %(identifier)s.")
                    % {"identifier": ref.value},
                )

    def check_periods(self, procedures: list[ParsedProcedure]) -> None:
        """Versions of one procedure must not overlap: on any day at most one is in force,
        the one a dossier received that day keeps (models, module docstring). Versions
        already in the database and not in the document stay, so they count too."""
        stored: dict[str, list[_Period]] = {}
        for code, number, start, end in ProcedureVersion.objects.filter(
            procedure__code__in=[p.code for p in procedures]
        ).values_list("procedure__code", "number", "effective_from", "effective_to"):
            stored.setdefault(code, []).append(_Period(number, start, end, None))
        for procedure in procedures:
            incoming = [
                _Period(
                    v.number,
                    v.values["effective_from"],
                    v.values["effective_to"],
                    f"{v.location}.effective_from",
                )
                for v in procedure.versions
            ]
            periods = incoming + [
                p
                for p in stored.get(procedure.code, [])
                if p.number not in procedure.numbers
            ]
            periods.sort(key=lambda p: (p.start, p.number))
            for later_index, later in enumerate(periods):
                for earlier in periods[:later_index]:
                    if not earlier.overlaps(later):
                        continue
                    location = later.location or earlier.location
                    if location is None:
                        continue  # both in the database already: not this file's doing
                    self.problem(
                        location,
                        "effective_from",
                        _(
                            "Procedure %(code)s: version %(number)s (%(period)s) overlaps "
                            "version %(other)s (%(other_period)s)."
                        )
                        % {
                            "code": procedure.code,
                            "number": later.number,
                            "period": later,
                            "other": earlier.number,
                            "other_period": earlier,
                        },
                    )
