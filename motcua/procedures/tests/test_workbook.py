"""The catalogue as an Excel workbook: a round trip, and problems named by sheet, row, column."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from motcua.procedures.interchange import (
    CatalogueError,
    export_catalogue,
    export_catalogue_xlsx,
    read_catalogue_xlsx,
)
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.services import import_catalogue
from motcua.procedures.tests.catalogue_sample import (
    catalogue_snapshot,
    empty_catalogue,
    sample_document,
)

pytestmark = pytest.mark.django_db


def _workbook_of_sample() -> io.BytesIO:
    import_catalogue(sample_document())
    stream = io.BytesIO()
    export_catalogue_xlsx(stream)
    stream.seek(0)
    return stream


def _edited(stream: io.BytesIO, edit) -> io.BytesIO:
    workbook = load_workbook(stream)
    edit(workbook)
    edited = io.BytesIO()
    workbook.save(edited)
    edited.seek(0)
    return edited


def _cell(sheet, row: int, key: str):
    """The cell of column ``key`` (named in the header row) on ``row``."""
    header = [cell.value for cell in sheet[1]]
    return sheet.cell(row=row, column=header.index(key) + 1)


def test_the_workbook_has_one_sheet_per_table_with_json_keys_as_headers(agencies):
    workbook = load_workbook(_workbook_of_sample())
    assert workbook.sheetnames == [
        "fields",
        "versions",
        "components",
        "fees",
        "results",
        "process",
    ]
    versions = workbook["versions"]
    # row 2 is 1.001193 v1: lists written "a; b", dates real dates shown dd/mm/yyyy
    assert _cell(versions, 2, "procedure_code").value == "1.001193"
    assert _cell(versions, 4, "agencies").value == "000.00.00.H15; 000.01.01.H15"
    effective_to = _cell(versions, 2, "effective_to")
    assert effective_to.value.date() == dt.date(2025, 12, 31)
    assert effective_to.number_format == "DD/MM/YYYY"
    # process: 3 steps of 1.001193 v1, 2 of v2, 3 of 1.004227 v1, in order
    process = workbook["process"]
    assert [
        (_cell(process, r, "number").value, _cell(process, r, "budget").value)
        for r in range(2, 10)
    ] == [(1, 0.25), (1, 0.5), (1, 0.25), (2, 0.25), (2, 0.25), (1, 2), (1, 5), (1, 3)]


def test_excel_round_trip_through_an_empty_database(agencies):
    # Given the sample exported as a workbook
    stream = _workbook_of_sample()
    # When the catalogue is emptied and the workbook imported back
    empty_catalogue()
    report = import_catalogue(read_catalogue_xlsx(stream))
    # Then the catalogue exports the sample again
    assert (
        report.fields.created,
        report.procedures.created,
        report.versions.created,
    ) == (
        2,
        2,
        3,
    )
    assert export_catalogue() == sample_document()


def test_reimporting_the_exported_workbook_changes_nothing(agencies):
    stream = _workbook_of_sample()
    before = catalogue_snapshot()
    report = import_catalogue(read_catalogue_xlsx(stream))
    assert report.versions.unchanged == 3
    assert not report.changed_anything
    assert catalogue_snapshot() == before


def test_a_bad_cell_is_reported_by_sheet_row_and_column(agencies):
    # Given the exported workbook where someone typed a word for a quantity (components
    # row 3: the second component of 1.001193 v1) and raised a budget (process row 3:
    # 1.001193 v1's middle step, 0.5 → 1, so its rows 2–4 add up to 1.5 for 1 day)
    def spoil(workbook):
        _cell(workbook["components"], 3, "quantity").value = "hai"
        _cell(workbook["process"], 3, "budget").value = 1

    stream = _edited(_workbook_of_sample(), spoil)
    before = catalogue_snapshot()

    # When it is imported
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(read_catalogue_xlsx(stream))

    # Then both problems are named by sheet, Excel row and column, and nothing changed
    problems = refused.value.errors
    assert [(p.location, p.field) for p in problems] == [
        ("sheet components, row 3, column quantity", "quantity"),
        ("sheet process, rows 2–4", "budget"),
    ]
    assert "whole number" in problems[0].message
    assert "1.001193 v1" in problems[1].message
    assert "+0.5" in problems[1].message
    assert catalogue_snapshot() == before


def test_dates_typed_day_first_are_understood(agencies):
    # Given 1.004227 v1's start typed as text 15/07/2025 instead of a date cell
    stream = _edited(
        _workbook_of_sample(),
        lambda wb: setattr(
            _cell(wb["versions"], 4, "effective_from"), "value", "15/07/2025"
        ),
    )
    # When imported
    report = import_catalogue(read_catalogue_xlsx(stream))
    # Then that version moved to 15/07/2025 and nothing else changed
    assert (report.versions.updated, report.versions.unchanged) == (1, 2)
    version = ProcedureVersion.objects.get(procedure__code="1.004227")
    assert version.effective_from == dt.date(2025, 7, 15)


def test_shape_problems_are_reported_before_any_value_is_checked(agencies):
    # Given a workbook without its fees sheet, with an unknown column on versions, and a
    # result row naming a version that does not exist
    def spoil(workbook):
        del workbook["fees"]
        versions = workbook["versions"]
        versions.cell(row=1, column=versions.max_column + 1, value="colour")
        _cell(workbook["results"], 2, "number").value = 7

    stream = _edited(_workbook_of_sample(), spoil)
    with pytest.raises(CatalogueError) as refused:
        read_catalogue_xlsx(stream)
    assert [(p.location, p.field) for p in refused.value.errors] == [
        ("sheet versions, row 1, column colour", "colour"),
        ("sheet fees", ""),
        ("sheet results, row 2, column number", "number"),
    ]


def test_a_file_that_is_not_a_workbook(db):
    with pytest.raises(CatalogueError) as refused:
        read_catalogue_xlsx(io.BytesIO(b"not a zip file"))
    assert refused.value.errors[0].location == "workbook"
