"""The catalogue as an Excel workbook (docs/catalogue-format.md, "Excel").

One sheet per table, a header row naming the JSON keys, one row per object; child rows name
their version by ``procedure_code`` and ``number``. Reading turns a workbook back into the
JSON-shaped document, remembering which cell each value came from, so every problem the
import finds is reported as the sheet, the row as Excel numbers it and the column.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from decimal import Decimal
from os import PathLike
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from motcua.procedures.interchange.errors import CatalogueError, CatalogueProblem
from motcua.procedures.interchange.format import (
    CHILD_TABLES,
    FIELD_COLUMNS,
    FORMAT_NAME,
    FORMAT_VERSION,
    VERSION_COLUMNS,
    Column,
    Kind,
    format_decimal,
)
from motcua.procedures.interchange.writing import field_values, version_values
from motcua.procedures.models import Field
from motcua.procedures.selectors import procedures_with_versions

Source = str | PathLike[str] | IO[bytes]

#: What openpyxl raises on a damaged workbook: broken XML (``ParseError``), a damaged or
#: truncated archive, and the errors of its readers on XML of the wrong shape.
_DAMAGED = (
    ParseError,
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
)

PROCEDURE_CODE = Column("procedure_code", Kind.TEXT, required=True)
NUMBER = VERSION_COLUMNS[0]
VERSION_SHEET_COLUMNS = (PROCEDURE_CODE, *VERSION_COLUMNS)
SHEETS: dict[str, tuple[Column, ...]] = {
    "fields": FIELD_COLUMNS,
    "versions": VERSION_SHEET_COLUMNS,
    **{
        name: (PROCEDURE_CODE, NUMBER, *columns)
        for name, columns in CHILD_TABLES.items()
    },
}
LIST_SEPARATOR = ";"
DATE_FORMAT = "DD/MM/YYYY"


# Writing ------------------------------------------------------------------------------


def export_catalogue_xlsx(target: Source) -> None:
    """Write the whole catalogue to ``target`` (a path or a binary stream) as a workbook.

    Same content and order as ``export_catalogue``; dates are real dates shown dd/mm/yyyy,
    decimals real numbers, lists written ``a; b``.
    """
    workbook = Workbook()
    blank = workbook.worksheets[0]
    sheets = {}
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([column.key for column in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheets[name] = sheet
    workbook.remove(blank)
    for field in Field.objects.order_by("code"):
        _append(sheets["fields"], FIELD_COLUMNS, field_values(field))
    for procedure in procedures_with_versions():
        for version in procedure.versions.all():
            values = version_values(version)
            _append(
                sheets["versions"],
                VERSION_SHEET_COLUMNS,
                {"procedure_code": procedure.code, **values},
            )
            for key in CHILD_TABLES:
                for row in values[key]:
                    _append(
                        sheets[key],
                        SHEETS[key],
                        {
                            "procedure_code": procedure.code,
                            "number": version.number,
                            **row,
                        },
                    )
    workbook.save(target)


def _append(
    sheet: Worksheet, columns: Sequence[Column], values: dict[str, Any]
) -> None:
    row = sheet.max_row + 1
    for index, column in enumerate(columns, start=1):
        value = values[column.key]
        if column.kind is Kind.TEXT_LIST:
            value = f"{LIST_SEPARATOR} ".join(value)
        if value in ("", None):
            continue
        cell = sheet.cell(row=row, column=index, value=value)
        if column.kind is Kind.TEXT or column.kind is Kind.TEXT_LIST:
            # Text stays text even when it starts with "=": never a formula.
            cell.data_type = "s"
        elif column.kind is Kind.DATE:
            cell.number_format = DATE_FORMAT


# Reading ------------------------------------------------------------------------------


class WorkbookDocument(dict[str, Any]):
    """A catalogue document read from a workbook, knowing the cell behind each value.

    It is the JSON-shaped document ``import_catalogue`` takes; ``place`` turns a JSON path
    of it into "sheet process, row 12, column budget".
    """

    def __init__(self, document: dict[str, Any], places: dict[str, str]) -> None:
        super().__init__(document)
        self.places = places

    def place(self, path: str) -> str:
        probe = path
        while probe:
            if probe in self.places:
                return self.places[probe]
            probe = _PARENT.sub("", probe)
        return _("workbook")


_PARENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def _at(sheet: str, row: int, column: str | None = None) -> str:
    if column is None:
        return _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet, "row": row}
    return _("sheet %(sheet)s, row %(row)s, column %(column)s") % {
        "sheet": sheet,
        "row": row,
        "column": column,
    }


def read_catalogue_xlsx(source: Source) -> WorkbookDocument:
    """Read a workbook written as docs/catalogue-format.md describes into the JSON-shaped
    catalogue document, ready for ``import_catalogue``.

    Problems of the workbook's shape (a missing sheet or column, an unknown column, a row
    naming a version the ``versions`` sheet lacks) raise ``CatalogueError`` here; problems of
    values are left to the import, which reports them at the same cells.
    """
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (*_DAMAGED, OSError) as error:
        raise CatalogueError(
            [
                CatalogueProblem(
                    _("workbook"),
                    "",
                    _("Not an Excel workbook (.xlsx): %(error)s") % {"error": error},
                )
            ]
        ) from None
    try:
        return _WorkbookReader(workbook).read()
    finally:
        workbook.close()


class _WorkbookReader:
    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.problems: list[CatalogueProblem] = []
        self.places: dict[str, str] = {}

    def read(self) -> WorkbookDocument:
        tables = {name: self.table(name, columns) for name, columns in SHEETS.items()}
        fields = []
        for index, (row_number, values) in enumerate(tables["fields"]):
            self.remember(f"fields[{index}]", "fields", row_number, values)
            fields.append(values)
        procedures: list[dict[str, Any]] = []
        versions: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}
        procedure_index: dict[str, int] = {}
        for row_number, values in tables["versions"]:
            key = self.version_key("versions", row_number, values)
            if key is None:
                continue
            code = values.pop("procedure_code")
            if code not in procedure_index:
                procedure_index[code] = len(procedures)
                procedures.append({"code": code, "versions": []})
                path = f"procedures[{procedure_index[code]}]"
                self.places[path] = _at("versions", row_number)
                self.places[f"{path}.code"] = _at(
                    "versions", row_number, "procedure_code"
                )
            procedure = procedures[procedure_index[code]]
            path = f"procedures[{procedure_index[code]}].versions[{len(procedure['versions'])}]"
            self.remember(path, "versions", row_number, values)
            # A repeated number is reported by the import; its children go to the first.
            versions.setdefault(key, (path, values))
            for child in CHILD_TABLES:
                values[child] = []
            procedure["versions"].append(values)
        for sheet in CHILD_TABLES:
            first_rows: dict[str, int] = {}
            for row_number, values in tables[sheet]:
                key = self.version_key(sheet, row_number, values)
                if key is None:
                    continue
                if key not in versions:
                    self.problems.append(
                        CatalogueProblem(
                            _at(sheet, row_number, "number"),
                            "number",
                            _(
                                "No version %(number)s of procedure %(code)s on sheet versions."
                            )
                            % {"number": key[1], "code": key[0]},
                        )
                    )
                    continue
                version_path, version = versions[key]
                del values["procedure_code"], values["number"]
                list_path = f"{version_path}.{sheet}"
                first_rows.setdefault(list_path, row_number)
                self.places[list_path] = _(
                    "sheet %(sheet)s, rows %(first)s–%(last)s"
                ) % {
                    "sheet": sheet,
                    "first": first_rows[list_path],
                    "last": row_number,
                }
                self.remember(
                    f"{list_path}[{len(version[sheet])}]", sheet, row_number, values
                )
                version[sheet].append(values)
        if self.problems:
            raise CatalogueError(self.problems)
        return WorkbookDocument(
            {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "fields": fields,
                "procedures": procedures,
            },
            self.places,
        )

    def table(
        self, name: str, columns: Sequence[Column]
    ) -> list[tuple[int, dict[str, Any]]]:
        """Every row of sheet ``name``; a sheet whose XML cannot be read is a problem of
        that sheet (read-only workbooks parse each sheet only when it is read)."""
        rows: list[tuple[int, dict[str, Any]]] = []
        try:
            rows.extend(self.rows(name, columns))
        except _DAMAGED as error:
            self.problems.append(
                CatalogueProblem(
                    _("sheet %(sheet)s") % {"sheet": name},
                    "",
                    _("The sheet cannot be read, its XML is damaged: %(error)s")
                    % {"error": error or type(error).__name__},
                )
            )
            return []
        return rows

    def remember(
        self, path: str, sheet: str, row_number: int, values: dict[str, Any]
    ) -> None:
        self.places[path] = _at(sheet, row_number)
        for key in SHEETS[sheet]:
            self.places[f"{path}.{key.key}"] = _at(sheet, row_number, key.key)

    def version_key(
        self, sheet: str, row_number: int, values: dict[str, Any]
    ) -> tuple[str, int] | None:
        code = values.get("procedure_code")
        number = values.get("number")
        if not isinstance(code, str) or not code:
            self.problems.append(
                CatalogueProblem(
                    _at(sheet, row_number, "procedure_code"),
                    "procedure_code",
                    _("Expected a procedure code."),
                )
            )
            return None
        if isinstance(number, bool) or not isinstance(number, int):
            self.problems.append(
                CatalogueProblem(
                    _at(sheet, row_number, "number"),
                    "number",
                    _("Expected a version number (a whole number)."),
                )
            )
            return None
        return code, number

    def rows(
        self, name: str, columns: Sequence[Column]
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(Excel row number, JSON-shaped values)`` of each non-empty row of a sheet;
        empty cells are left out, so the import gives them their default."""
        if name not in self.workbook.sheetnames:
            self.problems.append(
                CatalogueProblem(
                    _("sheet %(sheet)s") % {"sheet": name},
                    "",
                    _("The sheet is missing."),
                )
            )
            return
        sheet_rows = self.workbook[name].iter_rows(values_only=True)
        header = next(sheet_rows, ())
        by_key = {column.key: column for column in columns}
        positions: dict[int, Column] = {}
        for index, title in enumerate(header):
            if title is None:
                continue
            column = by_key.get(str(title).strip())
            if column is None or column in positions.values():
                self.problems.append(
                    CatalogueProblem(
                        _at(name, 1, str(title)),
                        str(title),
                        _("Unknown or repeated column."),
                    )
                )
                continue
            positions[index] = column
        for column in columns:
            if column.required and column not in positions.values():
                self.problems.append(
                    CatalogueProblem(
                        _at(name, 1),
                        column.key,
                        _("The column %(column)s is missing.") % {"column": column.key},
                    )
                )
        for row_number, cells in enumerate(sheet_rows, start=2):
            values = {
                column.key: _cell_to_json(column, cells[index])
                for index, column in positions.items()
                if index < len(cells) and not _is_empty(cells[index])
            }
            if values:
                yield row_number, values


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _cell_to_json(column: Column, value: Any) -> Any:
    """The JSON value of a cell. What cannot be converted is passed on as it is, for the
    import to report as a wrong value at this cell."""
    if column.kind is Kind.TEXT:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value
    if column.kind is Kind.TEXT_LIST:
        if isinstance(value, str):
            return [
                part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()
            ]
        return value
    if column.kind is Kind.BOOL:
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return value
    if column.kind is Kind.INT:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return value
    if column.kind is Kind.DECIMAL:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_decimal(Decimal(str(value)))
        return value
    # Kind.DATE: a real date cell, or text written yyyy-mm-dd or dd/mm/yyyy.
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    match = _DAY_FIRST.match(value) if isinstance(value, str) else None
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return value
    return value
