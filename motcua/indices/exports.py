"""Any table of the dashboard as an .xlsx workbook (issue 9 §8: "every table exportable to
Excel"), written from the same ``dashboard.Table`` the page shows.

The headers are the page's, in the reader's language (Vietnamese first); numbers are Excel
numbers (a count as 1.000, points and ratios with two decimals), days are Excel dates shown
dd/mm/yyyy and moments dd/mm/yyyy hh:mm in the province's wall-clock time (Excel has no
time zones), as the register (``documents.register``) writes them. A cell with no figure
is left empty, never written 0.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.agencies.models import Agency
from motcua.indices.dashboard import DATE, MOMENT, NUMBER, Cell, Link, Period, Table
from motcua.workdays.clock import local

DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
#: the row of the headers: the unit, the table's caption and the period above it
HEADER_ROW = 5

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
#: characters a sheet's name may not hold
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _value(value: Cell) -> str | int | Decimal | dt.date | dt.datetime | None:
    if isinstance(value, Link):
        return value.text
    if isinstance(value, dt.datetime):
        return local(value).replace(tzinfo=None)
    return value


def _format(kind: str, value: Cell) -> str | None:
    if kind == MOMENT or isinstance(value, dt.datetime):
        return MOMENT_FORMAT
    if kind == DATE or isinstance(value, dt.date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        return DECIMAL_FORMAT
    if kind == NUMBER and isinstance(value, int):
        return COUNT_FORMAT
    return None


def sheet_name(caption: str) -> str:
    return _SHEET_FORBIDDEN.sub(" ", caption)[:31].strip() or "Bảng"


def workbook(table: Table, *, unit: Agency, period: Period) -> bytes:
    """``table`` as an .xlsx file: the unit, the caption and the period on top, then the
    headers (row ``HEADER_ROW``) and one row per row of the table."""
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = sheet_name(table.caption)
    last = get_column_letter(max(len(table.columns), 1))
    for row, text, font in (
        (1, unit.name.upper(), Font(bold=True, size=12)),
        (2, table.caption.upper(), Font(bold=True, size=14)),
        (
            3,
            f"{period.label} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})",
            Font(italic=True),
        ),
    ):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
    for number, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=number, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
        cell.border = _BOX
        width = 14 if column.kind != "text" else 36
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    for offset, values in enumerate(table.rows, start=1):
        for number, (column, value) in enumerate(
            zip(table.columns, values, strict=True), start=1
        ):
            cell = sheet.cell(
                row=HEADER_ROW + offset, column=number, value=_value(value)
            )
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            number_format = _format(column.kind, value)
            if number_format is not None:
                cell.number_format = number_format
    if table.note:
        sheet.cell(row=HEADER_ROW + len(table.rows) + 2, column=1, value=table.note)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
