"""``motcua dossiers import`` refuses a record whose fields disagree with each other, with
the organisation or the catalogue on the reception day, or with its own history, and
warns about what previous systems are known to send (docs/interchange.md, "Refused and
warned"). Records are generated from the demo catalogue, then spoiled one field at a time.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from motcua.agencies.models import Agency, AgencySuccession
from motcua.demo.services import load_demo_province
from motcua.dossiers.interchange import generate_records, import_dossiers
from motcua.dossiers.interchange.format import (
    DossierKey,
    EntryKey,
    format_timestamp,
    parse_timestamp,
)
from motcua.dossiers.models import Dossier
from motcua.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db

D = DossierKey
E = EntryKey


@pytest.fixture
def record() -> dict[str, Any]:
    """A returned dossier received on 01/07/2025 at the counter, as generated: its
    history is receive, transfer, assign, submit, approve, issue result, return, two
    hours apart. Imported as it is, it is accepted without a word."""
    load_demo_province()
    return next(
        r
        for r in generate_records(40)
        if r[D.TrangThaiNoiBo] == "returned" and r[D.KenhThucHien] == 1
    )


def problems(records: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], Any]:
    with translation.override("en"):
        report = import_dossiers(records)
        return [(p.field, p.message) for p in report.problems], report


def moved(timestamp: str, **delta: float) -> str:
    moment = parse_timestamp(timestamp) + dt.timedelta(**delta)
    text = format_timestamp(moment)
    assert text is not None
    return text


def reception_day(record: dict[str, Any]) -> dt.date:
    return parse_timestamp(record[D.NgayTiepNhan]).date()


def test_the_generated_record_is_accepted_without_a_word(record):
    found, report = problems([record])
    assert (found, report.warnings, report.imported) == ([], [], 1)


# ---------------------------------------------------------------------- agencies


def test_a_receiving_agency_that_did_not_exist_yet_is_refused(record):
    day = reception_day(record)
    Agency.objects.filter(identifier=record[D.DonViTiepNhan]).update(
        valid_from=day + dt.timedelta(days=1)
    )
    found, _report = problems([record])
    assert found == [
        (
            "DonViTiepNhan",
            f"{record[D.DonViTiepNhan]} did not exist yet on {day:%d/%m/%Y}, the "
            f"reception day (from {day + dt.timedelta(days=1):%d/%m/%Y})",
        )
    ]
    assert Dossier.objects.count() == 0


def ended_the_day_before(identifier: str, day: dt.date) -> Agency:
    agency = Agency.objects.get(identifier=identifier)
    agency.valid_from = dt.date(2004, 1, 1)
    agency.valid_to = day - dt.timedelta(days=1)
    agency.save()
    return agency


def test_a_handling_agency_merged_away_is_imported_with_a_warning(record):
    # Given the handling agency ended the day before reception, merged into another
    day = reception_day(record)
    agency = ended_the_day_before(record[D.DonViXuLy], day)
    successor = Agency.objects.get(identifier="000.00.00.H15")
    AgencySuccession.objects.create(
        predecessor=agency, successor=successor, kind="merger", effective_on=day
    )
    before = day - dt.timedelta(days=1)

    # When the record is imported
    found, report = problems([record])

    # Then it is imported as the file gives it, and the report warns
    assert found == []
    assert [(w.field, w.message) for w in report.warnings] == [
        (
            "DonViXuLy",
            f"{agency.identifier} no longer existed on {day:%d/%m/%Y}, the reception "
            f"day (until {before:%d/%m/%Y}); 000.00.00.H15 took over from it. Imported "
            "as the file gives it",
        )
    ]
    assert Dossier.objects.get().handling_agency == agency
    with translation.override("en"):
        assert "1 warning(s)." in report.summary()


def test_the_command_prints_the_warnings_and_succeeds(record, tmp_path):
    day = reception_day(record)
    agency = ended_the_day_before(record[D.DonViXuLy], day)
    AgencySuccession.objects.create(
        predecessor=agency,
        successor=Agency.objects.get(identifier="000.00.00.H15"),
        kind="merger",
        effective_on=day,
    )
    file = tmp_path / "one.json"
    file.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("dossiers", "import", str(file), stdout=out, stderr=err)
    assert err.getvalue().startswith(
        f"warning: record 0 (MaHoSo {record[D.MaHoSo]}): DonViXuLy: "
        f"{agency.identifier} no longer existed"
    )
    assert "1 dossier(s) imported" in out.getvalue()


def test_an_agency_ended_without_successor_is_refused(record):
    day = reception_day(record)
    agency = ended_the_day_before(record[D.DonViXuLy], day)
    found, _report = problems([record])
    assert found == [
        (
            "DonViXuLy",
            f"{agency.identifier} no longer existed on {day:%d/%m/%Y}, the reception "
            f"day (until {day - dt.timedelta(days=1):%d/%m/%Y}), and no agency took "
            "over from it",
        )
    ]


def test_a_handling_agency_that_does_not_carry_out_the_procedure_is_refused(record):
    version = ProcedureVersion.objects.get(
        procedure__code=record[D.MaTTHC], number=record[D.PhienBanTTHC]
    )
    outsider = (
        Agency.objects.filter(valid_to__isnull=True, level="provincial_agency")
        .exclude(pk__in=version.agencies.all())
        .order_by("identifier")
        .first()
    )
    assert outsider is not None
    record[D.DonViXuLy] = outsider.identifier
    found, _report = problems([record])
    assert found == [
        (
            "DonViXuLy",
            f"{outsider.identifier} is not an implementing agency of "
            f"{record[D.MaTTHC]} version {record[D.PhienBanTTHC]}",
        )
    ]


def test_without_implementing_agencies_the_level_is_checked(record):
    version = ProcedureVersion.objects.get(
        procedure__code=record[D.MaTTHC], number=record[D.PhienBanTTHC]
    )
    version.agencies.clear()
    ProcedureVersion.objects.filter(pk=version.pk).update(levels=["ministry"])
    handling = Agency.objects.get(identifier=record[D.DonViXuLy])
    found, _report = problems([record])
    assert found == [
        (
            "DonViXuLy",
            f"{handling.identifier} is a {handling.level} agency; {record[D.MaTTHC]} "
            f"version {record[D.PhienBanTTHC]} is carried out at level ministry",
        )
    ]


# ---------------------------------------------------------------------- catalogue


def test_a_version_not_in_force_on_the_reception_day_is_refused(record):
    day = reception_day(record)
    later = day + dt.timedelta(days=10)
    ProcedureVersion.objects.filter(
        procedure__code=record[D.MaTTHC], number=record[D.PhienBanTTHC]
    ).update(effective_from=later)
    found, _report = problems([record])
    assert found == [
        (
            "PhienBanTTHC",
            f"version {record[D.PhienBanTTHC]} of {record[D.MaTTHC]} is not in force "
            f"on {day:%d/%m/%Y}, the dossier's reception day (in force from "
            f"{later:%d/%m/%Y} to …)",
        )
    ]


# ---------------------------------------------------------------------- moments


def shown(timestamp: str) -> str:
    return f"{parse_timestamp(timestamp):%d/%m/%Y %H:%M:%S}"


def test_a_due_moment_before_reception_is_refused(record):
    record[D.NgayHenTra] = moved(record[D.NgayTiepNhan], hours=-1)
    found, _report = problems([record])
    assert found == [
        (
            "NgayHenTra",
            f"{shown(record[D.NgayHenTra])} is before the reception (NgayTiepNhan "
            f"{shown(record[D.NgayTiepNhan])})",
        )
    ]


def test_history_out_of_order_is_refused(record):
    entries = record[D.QuaTrinhXuLy]
    entries[2][E.ThoiDiemXuLy] = moved(entries[1][E.ThoiDiemXuLy], hours=-1)
    found, _report = problems([record])
    assert found == [
        (
            "QuaTrinhXuLy[2].ThoiDiemXuLy",
            f"3600 s before the entry STT 2 at {shown(entries[1][E.ThoiDiemXuLy])} "
            "that comes before it: the history is out of order",
        )
    ]


def test_history_a_few_seconds_out_of_order_is_imported_with_a_warning(record):
    entries = record[D.QuaTrinhXuLy]
    entries[2][E.ThoiDiemXuLy] = moved(entries[1][E.ThoiDiemXuLy], seconds=-30)
    found, report = problems([record])
    assert found == []
    assert [(w.field, w.message) for w in report.warnings] == [
        (
            "QuaTrinhXuLy[2].ThoiDiemXuLy",
            f"30 s before the entry STT 2 at {shown(entries[1][E.ThoiDiemXuLy])} that "
            "comes before it (clocks of two systems); imported as the file gives it",
        )
    ]
    events = list(Dossier.objects.get().events.order_by("sequence"))
    assert events[2].at < events[1].at  # kept as the file gives it, never rewritten


def test_a_reception_moment_the_history_does_not_tell_is_refused(record):
    told = record[D.NgayTiepNhan]
    record[D.NgayTiepNhan] = moved(told, minutes=1)
    found, _report = problems([record])
    assert found == [
        (
            "NgayTiepNhan",
            f"is {shown(record[D.NgayTiepNhan])} but the history says {shown(told)} "
            "(QuaTrinhXuLy[0], TrangThai 2)",
        )
    ]


def test_an_end_of_processing_the_history_does_not_tell_is_refused(record):
    told = record[D.NgayKetThucXuLy]
    record[D.NgayKetThucXuLy] = moved(told, minutes=1)
    found, _report = problems([record])
    assert found == [
        (
            "NgayKetThucXuLy",
            f"is {shown(record[D.NgayKetThucXuLy])} but the history says {shown(told)} "
            "(QuaTrinhXuLy[5], TrangThai 9)",
        )
    ]


def test_a_returned_dossier_without_history_gets_the_history_its_fields_tell(record):
    # Given the returned dossier with its history left out, as a previous system may send
    del record[D.QuaTrinhXuLy]

    # When it is imported
    found, report = problems([record])

    # Then its history receives it at NgayTiepNhan, ends its processing at
    # NgayKetThucXuLy and returns it at NgayTra
    assert (found, report.warnings) == ([], [])
    events = Dossier.objects.get().events.order_by("sequence")
    assert [
        (e.from_status, e.to_status, e.national_status, format_timestamp(e.at))
        for e in events
    ] == [
        ("", "received", 2, record[D.NgayTiepNhan]),
        ("received", "resolved", 9, record[D.NgayKetThucXuLy]),
        ("resolved", "returned", 10, record[D.NgayTra]),
    ]
