"""``motcua dossiers export|import``: the national sync payload as a file, a faithful round
trip, batches that are all or nothing, idempotent re-runs, code counters, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.demo.services import load_demo_province
from motcua.dossiers import services
from motcua.dossiers.choices import Channel, ReturnMethod
from motcua.dossiers.interchange import (
    DossierImporter,
    dossier_record,
    dossiers_for_export,
    generate_records,
    import_dossiers,
    write_dossiers,
    write_records,
)
from motcua.dossiers.interchange.format import (
    DossierKey,
    EntryKey,
    PaperKey,
    ResultKey,
    StepKey,
    SupplementKey,
)
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
    DossierResult,
    DossierStep,
)
from motcua.dossiers.services import Applicant, Intake, Paper
from motcua.procedures.models import ProcedureVersion
from motcua.workdays.clock import VN_TZ

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of October 2025 in Asia/Ho_Chi_Minh (no public holiday that month)."""
    return dt.datetime(2025, 10, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def demo():
    load_demo_province()
    users = {user.username: user for user in User.objects.all()}
    agencies = {agency.identifier: agency for agency in Agency.objects.all()}
    return SimpleNamespace(
        counter=users["tiepnhan.bmt"],
        specialist=users["chuyenvien.bmt"],
        leader=users["lanhdao.bmt"],
        citizen=users["congdan.an"],
        centre=agencies["000.01.51.H15"],
        ward=agencies["000.00.51.H15"],
        land_office=agencies["000.01.07.H15"],
        marriage=ProcedureVersion.objects.get(procedure__code="1.004873"),
        correction=ProcedureVersion.objects.get(procedure__code="1.115320"),
    )


def intake(demo, *, version=None, channel=Channel.DIRECT, name="Nguyễn Thị Ánh"):
    version = version or demo.marriage
    return Intake(
        procedure_version=version,
        receiving_agency=demo.centre,
        handling_agency=demo.ward,
        channel=channel,
        applicant=Applicant(
            name=name,
            id_number="066190000123",
            phone="0905123456",
            email="anh@example.vn",
            address="12 Lê Duẩn, phường Buôn Ma Thuột",
            account=demo.citizen if channel == Channel.ONLINE else None,
        ),
        papers=[
            Paper(name=c.name, form=c.form, required_id=c.pk)
            for c in version.components.order_by("position")
        ]
        + [Paper(name="Giấy tờ khác", form="copy", quantity=2)],
        return_method=ReturnMethod.POST,
    )


def received(demo, day, *, version=None, name="Nguyễn Thị Ánh"):
    return services.receive_dossier(
        intake=intake(demo, version=version, name=name),
        actor=demo.counter,
        at=at(day, 8),
    )


def processing(demo, day, **kwargs):
    dossier = received(demo, day, **kwargs)
    return services.transfer_dossier(dossier=dossier, actor=demo.counter, at=at(day, 9))


def build_dossiers_in_every_state(demo) -> dict[str, Dossier]:
    """One dossier per state the brief names, each through the services."""
    s = services
    d: dict[str, Dossier] = {}

    d["submitted"] = s.submit_online(
        intake=intake(demo, channel=Channel.ONLINE), actor=demo.citizen, at=at(6, 7, 15)
    )
    refused = s.submit_online(
        intake=intake(demo, channel=Channel.ONLINE, name="Trần Văn Bình"),
        actor=demo.citizen,
        at=at(6, 7, 30),
    )
    d["refused"] = s.refuse_dossier(
        dossier=refused,
        reasons="Không thuộc thẩm quyền",
        actor=demo.counter,
        at=at(6, 9),
    )
    d["received"] = received(demo, 6)

    # inter-agency: the land office has the dossier (step 3 of 1.115320)
    land = processing(demo, 7, version=demo.correction)
    land = s.assign_dossier(
        dossier=land, assignee=demo.specialist, actor=demo.leader, at=at(7, 10)
    )
    land = s.hand_over_dossier(
        dossier=land,
        to_agency=demo.land_office,
        note="Chuyển VPĐKĐĐ xác định sai sót",
        actor=demo.specialist,
        at=at(7, 14),
    )
    d["inter_agency"] = land
    back = processing(demo, 7, version=demo.correction, name="Lê Văn Cường")
    back = s.hand_over_dossier(
        dossier=back, to_agency=demo.land_office, actor=demo.specialist, at=at(7, 15)
    )
    d["returned_from_agency"] = s.return_from_agency(
        dossier=back, actor=demo.specialist, at=at(8, 10)
    )

    twice = processing(demo, 8)
    for request_day, receive_day in ((9, 13), (14, 15)):
        twice = s.request_supplement(
            dossier=twice,
            missing=["Bản sao sổ hộ khẩu", "Ảnh chân dung"],
            actor=demo.specialist,
            at=at(request_day, 9),
        )
        twice = s.receive_supplement(
            dossier=twice, actor=demo.specialist, at=at(receive_day, 14)
        )
    d["supplemented_twice"] = twice

    d["financial_obligation"] = s.request_financial_obligation(
        dossier=processing(demo, 8, name="Phạm Thị Dung"),
        amount=50000,
        actor=demo.specialist,
        at=at(8, 11),
    )
    d["apologised"] = s.apologise(
        dossier=processing(demo, 9),
        new_due_at=at(17, 16),
        reason="Cần xác minh tại nơi cư trú trước",
        actor=demo.leader,
        at=at(9, 15),
    )

    def resolved(day, name):
        dossier = processing(demo, day, name=name)
        dossier = s.submit_for_approval(
            dossier=dossier, actor=demo.specialist, at=at(day, 10)
        )
        dossier = s.approve_dossier(dossier=dossier, actor=demo.leader, at=at(day, 11))
        return s.issue_result(
            dossier=dossier,
            results=["Giấy xác nhận tình trạng hôn nhân"],
            actor=demo.leader,
            at=at(day, 14),
        )

    d["resolved"] = resolved(10, "Hoàng Văn Em")
    d["returned"] = s.return_result(
        dossier=resolved(10, "Vũ Thị Giang"),
        receiver="Vũ Thị Giang",
        actor=demo.counter,
        at=at(13, 8, 30),
    )
    d["withdrawn"] = s.withdraw_dossier(
        dossier=received(demo, 13, name="Đỗ Văn Hùng"),
        note="Người nộp xin rút",
        actor=demo.counter,
        at=at(13, 10),
    )
    d["stopped"] = s.stop_dossier(
        dossier=processing(demo, 13, name="Bùi Thị Lan"),
        reasons="Không đủ điều kiện",
        actor=demo.leader,
        at=at(14, 9),
    )
    return {key: Dossier.objects.get(pk=dossier.pk) for key, dossier in d.items()}


def export_text(**filters: Any) -> str:
    out = io.StringIO()
    write_dossiers(dossiers_for_export(**filters), out)
    return out.getvalue()


def empty_dossiers() -> None:
    """The dossier tables as in a database that never had one."""
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()
    DossierCodeCounter.objects.all().delete()


def records_of(text: str) -> list[dict[str, Any]]:
    return json.loads(text)


def import_text(text: str, **kwargs: Any):
    return import_dossiers(json.loads(text), **kwargs)


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Dossier,
            DossierComponent,
            DossierResult,
            DossierStep,
            DossierEvent,
        )
    }


# ---------------------------------------------------------------------- the format


def test_export_speaks_the_national_payload(demo):
    dossiers = build_dossiers_in_every_state(demo)
    records = {r["MaHoSo"]: r for r in records_of(export_text())}

    returned = records[dossiers["returned"].code]
    # received Fri 10/10/2025 08:00 at the ward's one-stop centre
    assert returned["MaHoSo"].startswith("000.01.51.H15-251010-")
    assert returned["MaTTHC"] == "1.004873"
    assert returned["DonViXuLy"] == "000.00.51.H15"
    assert returned["DonViTiepNhan"] == "000.01.51.H15"
    assert returned["NgayNopHoSo"] == "20251010080000"
    assert returned["NgayTiepNhan"] == "20251010080000"
    assert returned["NgayKetThucXuLy"] == "20251010140000"
    assert returned["NgayTra"] == "20251013083000"
    assert returned["TrangThaiHoSo"] == 10
    assert returned["KenhThucHien"] == 1
    assert returned["HinhThuc"] == 1  # by post
    assert (returned["ThoiGianGiaiQuyet"], returned["DonViTinh"]) == (
        3,
        "ngày làm việc",
    )
    assert returned["DanhSachGiayToKetQua"] == [
        {
            "TenGiayTo": "Giấy xác nhận tình trạng hôn nhân",
            "MaKetQua": f"{returned['MaHoSo']}-KQ(1)",
            "DuongDanTepTinKetQua": None,
            "SoThuTu": 1,
            "NgayBanHanh": "20251010140000",
            "KetQuaDienTu": False,
            "DaGuiKhoDuLieu": False,
        }
    ]
    assert [e["TrangThai"] for e in returned["QuaTrinhXuLy"]] == [2, 4, 4, 4, 9, 10]
    assert [e["HanhDong"] for e in returned["QuaTrinhXuLy"]] == [
        "receive",
        "transfer",
        "submit_for_approval",
        "approve",
        "issue_result",
        "return_result",
    ]
    assert returned["QuaTrinhXuLy"][-1]["NguoiXuLy"] == demo.counter.full_name
    assert returned["QuaTrinhXuLy"][-1]["TaiKhoanXuLy"] == "tiepnhan.bmt"
    papers = returned["TaiLieuNop"]
    assert papers[-1] == {
        "TenTepDinhKem": "Giấy tờ khác",
        "MaThanhPhanHoSo": None,
        "DuongDanTaiTepTin": None,
        "DuocSoHoa": 0,
        "DuocLayTuKhoDMQG": 0,
        "MaCSDL": "",
        "HinhThucNop": "copy",
        "SoLuong": 2,
        "NgaySoHoa": None,
    }
    assert [p["MaThanhPhanHoSo"] for p in papers[:-1]] == ["1", "2", "3", "4"]

    refused = records[dossiers["refused"].code]
    assert (refused["TrangThaiHoSo"], refused["NgayTuChoi"]) == (3, "20251006090000")
    assert refused["NgayTiepNhan"] is None
    assert refused["KenhThucHien"] == 2
    assert refused["TaiKhoanChuHoSo"] == "congdan.an"

    handed = records[dossiers["inter_agency"].code]
    hand_over = handed["QuaTrinhXuLy"][-1]
    assert hand_over["HanhDong"] == "hand_over"
    assert (hand_over["TrangThai"], hand_over["DonVi"]) == (4, "000.01.07.H15")
    assert hand_over["ThoiDiemXuLy"] == "20251007140000"
    assert hand_over["BuocXuLy"] == 3
    assert handed["CacBuocXuLy"][2]["LienThong"] is True
    assert handed["CacBuocXuLy"][2]["NgayBatDau"] == "20251007140000"

    assert records[dossiers["financial_obligation"].code]["TrangThaiHoSo"] == 6
    assert records[dossiers["withdrawn"].code]["TrangThaiHoSo"] == 7
    assert records[dossiers["stopped"].code]["TrangThaiHoSo"] == 8
    assert records[dossiers["resolved"].code]["TrangThaiHoSo"] == 9
    assert records[dossiers["submitted"].code]["TrangThaiHoSo"] == 1


def test_supplement_rounds_come_from_the_history(demo):
    dossier = build_dossiers_in_every_state(demo)["supplemented_twice"]
    record = dossier_record(dossiers_for_export().get(pk=dossier.pk))

    rounds = record["DanhSachHoSoBoSung"]
    assert [
        (r["HoSoBoSungId"], r["NgayBoSung"], r["NgayTiepNhanBoSung"]) for r in rounds
    ] == [
        (1, "20251009090000", "20251013140000"),
        (2, "20251014090000", "20251015140000"),
    ]
    assert rounds[0]["NoiDungBoSung"] == "Bản sao sổ hộ khẩu; Ảnh chân dung"
    assert rounds[0]["NguoiYeuCauBoSung"] == demo.specialist.full_name
    # each round moves the appointment by the working time it took; the second starts
    # from where the first left it
    assert rounds[0]["NgayHenTraMoi"] > rounds[0]["NgayHenTraTruoc"]
    assert rounds[1]["NgayHenTraTruoc"] == rounds[0]["NgayHenTraMoi"]
    assert rounds[1]["NgayHenTraMoi"] == record["NgayHenTra"]
    assert record["SoLanBoSung"] == 2


# ---------------------------------------------------------------------- round trip


def test_round_trip_into_an_empty_database_gives_the_same_file(demo):
    # Given dossiers in every state, exported
    build_dossiers_in_every_state(demo)
    first = export_text()
    counts = table_counts()
    codes = sorted(Dossier.objects.values_list("code", flat=True))

    # When the dossier tables are emptied and the file imported
    empty_dossiers()
    report = import_text(first)

    # Then every dossier is back with all its rows, and exporting again gives the same
    # bytes
    assert (report.imported, report.skipped, report.problems) == (len(codes), 0, [])
    assert table_counts() == counts
    assert export_text() == first


def test_a_generated_batch_round_trips_through_export_and_import_unchanged(demo):
    # Given a generated batch imported and exported
    assert import_dossiers(generated(60)).problems == []
    first = export_text()

    # When the dossier tables are emptied, the export imported and exported again
    empty_dossiers()
    report = import_text(first)

    # Then the second export is the first, and every record, entry, step, paper and
    # result speaks exactly the keys of the format's tables
    assert (report.imported, report.problems, report.warnings) == (60, [], [])
    assert export_text() == first
    for record in records_of(first):
        assert list(record) == list(DossierKey)
        for entry in record[DossierKey.QuaTrinhXuLy]:
            assert list(entry) == list(EntryKey)
        for step in record[DossierKey.CacBuocXuLy]:
            assert list(step) == list(StepKey)
        for paper in record[DossierKey.TaiLieuNop]:
            assert list(paper) == list(PaperKey)
        for result in record[DossierKey.DanhSachGiayToKetQua]:
            assert list(result) == list(ResultKey)
        for round_ in record[DossierKey.DanhSachHoSoBoSung]:
            assert list(round_) == list(SupplementKey)


def test_a_misspelled_key_is_a_python_error():
    with pytest.raises(AttributeError):
        _ = DossierKey.NgayTiepNhạn  # type: ignore[attr-defined]


def test_import_raises_the_daily_code_counter(demo):
    # Given the day's 3 dossiers of the commune centre (6/10/2025) exported, and the
    # tables emptied
    build_dossiers_in_every_state(demo)
    text = export_text(
        submitted_from=dt.date(2025, 10, 6), submitted_to=dt.date(2025, 10, 6)
    )
    assert [r["MaHoSo"][-4:] for r in records_of(text)] == ["0001", "0002", "0003"]
    empty_dossiers()

    # When they are imported and a new dossier is received the same day
    import_text(text)
    new = received(demo, 6, name="Ngô Văn Khánh")

    # Then the counter continues after the highest imported sequence
    assert new.code == "000.01.51.H15-251006-0004"


def test_export_filters_by_agency_and_submission_day(demo):
    build_dossiers_in_every_state(demo)
    land = records_of(export_text(agency="000.01.07.H15"))
    assert (
        land == []
    )  # the land office only took a step; it neither received nor handles
    ward = records_of(export_text(agency="000.00.51.H15"))
    assert len(ward) == Dossier.objects.count()
    october_6 = records_of(
        export_text(
            submitted_from=dt.date(2025, 10, 6), submitted_to=dt.date(2025, 10, 6)
        )
    )
    assert sorted(r["NgayNopHoSo"] for r in october_6) == [
        "20251006071500",
        "20251006073000",
        "20251006080000",
    ]


# ---------------------------------------------------------------------- a foreign history


def test_history_without_motcua_fields_is_imported_as_import_events(demo):
    # Given a dossier from another system: national fields only
    record = {
        "MaHoSo": "000.01.51.H15-250915-0042",
        "MaTTHC": "1.004873",
        "DonViXuLy": "000.00.51.H15",
        "ChuHoSo": "Trịnh Văn Long",
        "NgayNopHoSo": "20250915080000",
        "NgayTiepNhan": "20250915080000",
        "NgayHenTra": "20250918080000",
        "NgayKetThucXuLy": "20250917100000",
        "NgayTra": "20250918090000",
        "TrangThaiHoSo": 10,
        "KenhThucHien": None,
        "DanhSachHoSoBoSung": [
            {
                "NoiDungBoSung": "Thiếu tờ khai",
                "NgayBoSung": "20250915150000",
                "NgayTiepNhanBoSung": "20250916090000",
                "NgayHenTraTruoc": "20250918080000",
                "NgayHenTraMoi": "20250918160000",
            }
        ],
        "QuaTrinhXuLy": [
            {"ThoiDiemXuLy": "20250915080000", "TrangThai": 2, "NguoiXuLy": "A"},
            {"ThoiDiemXuLy": "20250915150000", "TrangThai": 5, "NguoiXuLy": "B"},
            {"ThoiDiemXuLy": "20250916090000", "TrangThai": 4, "NguoiXuLy": "A"},
            {"ThoiDiemXuLy": "20250917100000", "TrangThai": 9, "NguoiXuLy": "C"},
            {"ThoiDiemXuLy": "20250918090000", "TrangThai": 10, "NguoiXuLy": "A"},
        ],
    }

    # When it is imported
    report = import_dossiers([record])

    # Then its history is kept as "import" events with local statuses read from the
    # national codes, and the dossier is closed when the result was returned
    assert report.problems == []
    dossier = Dossier.objects.get(code=record["MaHoSo"])
    assert dossier.status == "returned"
    assert dossier.channel == Channel.DIRECT  # a missing channel counts as direct
    assert dossier.receiving_agency.identifier == "000.01.51.H15"  # from the code
    assert dossier.closed_at == dt.datetime(2025, 9, 18, 9, tzinfo=VN_TZ)
    assert dossier.supplement_rounds == 1
    events = list(dossier.events.order_by("sequence"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("import", "", "received"),
        ("import", "received", "supplement_requested"),
        ("import", "supplement_requested", "processing"),
        ("import", "processing", "resolved"),
        ("import", "resolved", "returned"),
    ]
    # and the supplement round is told as the file told it
    exported = dossier_record(dossiers_for_export().get())
    assert exported["DanhSachHoSoBoSung"] == [
        {
            "HoSoBoSungId": 1,
            "NguoiYeuCauBoSung": "B",
            "NoiDungBoSung": "Thiếu tờ khai",
            "NgayBoSung": "20250915150000",
            "NguoiTiepNhanBoSung": "A",
            "NgayTiepNhanBoSung": "20250916090000",
            "NgayHenTraTruoc": "20250918080000",
            "NgayHenTraMoi": "20250918160000",
        }
    ]
    assert (
        DossierCodeCounter.objects.get(
            agency__identifier="000.01.51.H15", day=dt.date(2025, 9, 15)
        ).last
        == 42
    )


def test_dossier_without_history_gets_import_events_that_say_what_its_fields_say(demo):
    record = {
        "MaHoSo": "000.01.51.H15-250915-0007",
        "MaTTHC": "1.004873",
        "DonViXuLy": "000.00.51.H15",
        "ChuHoSo": "Trịnh Văn Long",
        "NgayNopHoSo": "20250915080000",
        "NgayTiepNhan": "20250915080000",
        "NgayHenTra": "20250918080000",
        "TrangThaiHoSo": 4,
    }
    assert import_dossiers([record]).problems == []
    dossier = Dossier.objects.get()
    assert dossier.status == "processing"
    # the Decision 766 figures read the reception from the history (the first entry
    # with a "received" code): it is the record's NgayTiepNhan
    received = dt.datetime(2025, 9, 15, 8, tzinfo=VN_TZ)
    assert [
        (e.action, e.at, e.from_status, e.to_status, e.national_status)
        for e in dossier.events.order_by("sequence")
    ] == [
        ("import", received, "", "received", 2),
        ("import", received, "received", "processing", 4),
    ]


# ---------------------------------------------------------------------- problems


def generated(count: int, **kwargs: Any) -> list[dict[str, Any]]:
    return list(generate_records(count, **kwargs))


def test_bad_record_is_named_by_position_and_field_and_its_batch_is_not_written(demo):
    # Given 5 records in batches of 2, record 3 with a bad appointment and record 4 with
    # an unknown procedure
    records = generated(5)
    records[3]["NgayHenTra"] = "2025-07-04"
    records[4]["MaTTHC"] = "9.999999"

    # When they are imported
    with translation.override("en"):
        report = import_dossiers(records, batch_size=2)
        lines = [str(problem) for problem in report.problems]

    # Then both problems are reported with position, code and field; the first batch is
    # in, the batch holding record 3 is not, nor anything after it
    assert lines == [
        f"record 3 (MaHoSo {records[3]['MaHoSo']}): NgayHenTra: not a yyyyMMddHHmmss timestamp",
        f"record 4 (MaHoSo {records[4]['MaHoSo']}): MaTTHC: unknown procedure 9.999999",
    ]
    assert (report.imported, report.batches_written, report.stopped_at) == (2, 1, 2)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == sorted(
        r["MaHoSo"] for r in records[:2]
    )
    assert DossierEvent.objects.count() == sum(
        len(r["QuaTrinhXuLy"]) for r in records[:2]
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"MaHoSo": "H15.50.05.13-261008-0975"},
            "MaHoSo",
            "not a dossier code V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX",
        ),
        (
            {"MaHoSo": "000.99.51.H15-251010-0001"},
            "MaHoSo",
            "the code's agency 000.99.51.H15 is not a known agency",
        ),
        ({"DonViXuLy": "000.00.99.H15"}, "DonViXuLy", "unknown agency 000.00.99.H15"),
        ({"PhienBanTTHC": 7}, "PhienBanTTHC", "procedure 1.004873 has no version 7"),
        (
            {"TrangThaiHoSo": 11},
            "TrangThaiHoSo",
            "must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, 10",
        ),
        (
            {"TrangThaiNoiBo": "resolved"},
            "TrangThaiNoiBo",
            "resolved is national status 9, not 10",
        ),
        ({"ChuHoSo": " "}, "ChuHoSo", "required"),
        ({"Email": "khong-phai-email"}, "Email", "not an e-mail address"),
        ({"NgayTra": None}, "NgayTra", "required for a dossier in status returned"),
        (
            {"NgayNopHoSo": "20251301080000"},
            "NgayNopHoSo",
            "not a yyyyMMddHHmmss timestamp",
        ),
    ],
)
def test_each_field_is_checked(demo, change, field, message):
    record = next(r for r in generated(40) if r["TrangThaiNoiBo"] == "returned")
    record["MaTTHC"] = "1.004873"
    record["PhienBanTTHC"] = 1
    record["TaiLieuNop"] = []
    record["CacBuocXuLy"] = []
    record.update(change)
    for entry in record["QuaTrinhXuLy"]:
        entry["MaHoSo"] = record["MaHoSo"]
    with translation.override("en"):
        report = import_dossiers([record])
        problems = [(p.field, p.message) for p in report.problems]
    assert problems == [(field, message)]
    assert Dossier.objects.count() == 0


def test_progress_entry_fields_are_checked_with_their_path(demo):
    record = next(r for r in generated(40) if r["TrangThaiNoiBo"] == "returned")
    record["QuaTrinhXuLy"][1]["ThoiDiemXuLy"] = "hôm qua"
    record["QuaTrinhXuLy"][2]["TrangThaiSau"] = "resolved"
    with translation.override("en"):
        report = import_dossiers([record])
        problems = [(p.field, p.message) for p in report.problems]
    assert problems == [
        ("QuaTrinhXuLy[1].ThoiDiemXuLy", "not a yyyyMMddHHmmss timestamp"),
        ("QuaTrinhXuLy[2].TrangThaiSau", "resolved is national status 9, not 4"),
    ]


def test_a_code_twice_in_the_file_is_a_problem(demo):
    records = generated(3)
    records[2] = json.loads(json.dumps(records[0]))
    with translation.override("en"):
        report = import_dossiers(records)
        lines = [str(p) for p in report.problems]
    assert lines == [
        f"record 2 (MaHoSo {records[0]['MaHoSo']}): MaHoSo: appears twice in the file (first at record 0)"
    ]
    assert Dossier.objects.count() == 0


# ---------------------------------------------------------------------- idempotence


def test_importing_the_same_file_again_adds_nothing(demo):
    records = generated(30)
    first = import_dossiers(records, batch_size=10)
    counts = table_counts()

    again = import_dossiers(records, batch_size=10)

    assert (first.imported, first.skipped) == (30, 0)
    assert (again.imported, again.skipped, again.batches_written) == (0, 30, 0)
    assert again.problems == []
    assert table_counts() == counts


def test_after_fixing_a_bad_record_the_run_picks_up_where_it_stopped(demo):
    records = generated(6)
    good = records[4]["NgayNopHoSo"]
    records[4]["NgayNopHoSo"] = "x"
    assert import_dossiers(records, batch_size=2).imported == 4

    records[4]["NgayNopHoSo"] = good
    report = import_dossiers(records, batch_size=2)

    assert (report.imported, report.skipped, report.problems) == (2, 4, [])
    assert Dossier.objects.count() == 6


# ---------------------------------------------------------------------- volume


def test_three_thousand_records_in_three_batches_with_bounded_queries(
    demo, django_assert_max_num_queries
):
    # Given 3,000 generated records (about 16,000 events, 18,000 steps)
    records = generated(3000)
    importer = DossierImporter(batch_size=1000)
    batches = [list(enumerate(records))[n : n + 1000] for n in range(0, 3000, 1000)]

    # When each batch is imported; the middle one under a query counter
    importer.import_batch(batches[0])
    # PostgreSQL inserts 1,000 rows a query; SQLite's 999-parameter limit splits the
    # inserts of the ~5 rows a dossier has into a few hundred statements. Either way the
    # count does not grow with the rows one by one (that would be 30,000+).
    bound = 30 if connection.vendor == "postgresql" else 250
    with django_assert_max_num_queries(bound):
        importer.import_batch(batches[1])
    importer.import_batch(batches[2])

    # Then all are in, in three batches
    assert importer.report.batches_written == 3
    assert importer.report.imported == Dossier.objects.count() == 3000
    assert DossierEvent.objects.count() == sum(len(r["QuaTrinhXuLy"]) for r in records)


def test_export_reads_in_chunks_without_a_query_per_dossier(
    demo, django_assert_max_num_queries
):
    import_dossiers(generated(1200))
    out = io.StringIO()
    # 3 chunks of 500 dossiers, each: the dossiers, then components, results, fees, steps,
    # events
    with django_assert_max_num_queries(3 * 6 + 2):
        assert write_dossiers(dossiers_for_export(), out) == 1200


def test_streamed_text_is_the_json_of_the_list(demo):
    records = generated(3)
    out = io.StringIO()
    write_records(iter(records), out)
    assert out.getvalue() == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    write_records(iter([]), out)
    assert out.getvalue() == "[]\n"


# ---------------------------------------------------------------------- the command


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("dossiers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_round_trip_through_files(demo, tmp_path):
    build_dossiers_in_every_state(demo)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run("export", str(first))
    empty_dossiers()

    out, err = run("import", str(first))
    run("export", str(second))

    assert out.strip() == (
        "12 dossier(s) imported in 1 batch(es), 0 already present and skipped, 12 read."
    )
    assert err == ""
    assert second.read_bytes() == first.read_bytes()


def test_command_export_to_standard_output(demo):
    build_dossiers_in_every_state(demo)
    out, _err = run("export", "-", "--from", "13/10/2025")
    assert sorted(r["NgayNopHoSo"][:8] for r in json.loads(out)) == [
        "20251013",
        "20251013",
    ]


def test_command_import_bad_record_exits_2_with_problems_on_stderr(demo, tmp_path):
    records = generated(3)
    records[1]["KenhThucHien"] = 9
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("dossiers", "import", str(path), stdout=out, stderr=err)

    assert raised.value.returncode == 2
    assert err.getvalue().splitlines() == [
        f"record 1 (MaHoSo {records[1]['MaHoSo']}): KenhThucHien: must be one of 1, 2, 3"
    ]
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (
            ("import", "{file}"),
            '{"MaHoSo": 1}',
            "The file must hold a JSON array of dossiers",
        ),
        (("import", "{file}"), "[{}, ", "The file is not valid JSON"),
        (("import", "{missing}"), None, "Cannot read"),
        (
            ("export", "-", "--from", "32/10/2025"),
            None,
            "--from: 32/10/2025 is not a date dd/mm/yyyy.",
        ),
        (
            ("export", "-", "--agency", "000.00.99.H15"),
            None,
            "--agency: unknown agency 000.00.99.H15.",
        ),
        (("import", "{file}", "--batch-size", "0"), "[]", "--batch-size: at least 1."),
    ],
)
def test_command_refuses_bad_input_with_exit_2(demo, tmp_path, args, content, message):
    path = tmp_path / "file.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    args = tuple(a.format(file=path, missing=tmp_path / "missing.json") for a in args)
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("dossiers", *args, stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 2
    assert message in str(raised.value) + err.getvalue()
    assert Dossier.objects.count() == 0


def test_command_shows_progress_when_asked(demo, tmp_path):
    # Given a file of 50 dossiers, larger than what the reader takes at once
    path = tmp_path / "fifty.json"
    path.write_text(json.dumps(generated(50), indent=2), encoding="utf-8")
    assert path.stat().st_size > 3 * 65536

    # When it is imported 20 at a time with --progress (stderr is no terminal here)
    _out, err = run("import", str(path), "--batch-size", "20", "--progress")

    # Then a line is rewritten after each batch, the share of the file growing to 100%
    shown = re.findall(r"\r  (\d+) dossiers \((\d+)%\)", err)
    assert [count for count, _share in shown] == ["20", "40", "50"]
    shares = [int(share) for _count, share in shown]
    assert shares == sorted(shares)
    assert shares[0] < 100
    assert shares[-1] == 100
    assert err.endswith("\n")


def test_command_shows_no_progress_on_a_pipe(demo, tmp_path):
    path = tmp_path / "five.json"
    path.write_text(json.dumps(generated(5)), encoding="utf-8")
    _out, err = run("import", str(path), "--batch-size", "2")
    assert err == ""


def test_generate_writes_importable_records(demo, tmp_path):
    path = tmp_path / "generated.json"
    run("generate", "--count", "25", str(path))
    records = json.loads(path.read_text(encoding="utf-8"))
    assert len(records) == 25
    assert import_dossiers(records).imported == 25
    assert {r["TrangThaiHoSo"] for r in records} >= {4, 10}
    assert (
        Decimal(records[0]["CacBuocXuLy"][0]["ThoiGianBuoc"]) > 0
        or not records[0]["CacBuocXuLy"]
    )


def test_the_console_command_exits_with_status_2(tmp_path):
    # Given a file whose JSON is an object, not an array of dossiers
    path = tmp_path / "object.json"
    path.write_text('{"MaHoSo": "000.01.51.H15-251006-0001"}', encoding="utf-8")
    environment = {
        **os.environ,
        "MOTCUA_DATA_DIR": str(tmp_path),
        "MOTCUA_DATABASE_URL": "",
        "MOTCUA_LOG_LEVEL": "WARNING",
    }

    # When the console command imports it
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "motcua", "dossiers", "import", str(path)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    # Then it exits with 2, says why on standard error and nothing on standard output
    assert result.returncode == 2
    assert result.stdout == ""
    assert "[" in result.stderr
