"""The dossier register (Mẫu 06) as .xlsx: one row per dossier the agency received in the
period, numbered as in its yearly book, with real Excel dates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.core.cache import clear_reference_caches
from motcua.documents.register import COLUMNS, register_position, write_register
from motcua.documents.tests.conftest import APPLICANT, at
from motcua.dossiers import services

HEADER_ROW = 5


def wall(day, hour, minute=0):
    """Excel has no time zones: the register holds the province's wall-clock time."""
    return at(day, hour, minute).replace(tzinfo=None)


def read(agency, start, end):
    stream = io.BytesIO()
    count = write_register(agency, start, end, stream)
    stream.seek(0)
    sheet = load_workbook(stream).worksheets[0]
    rows = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=len(COLUMNS))
    ]
    return count, sheet, rows


@pytest.fixture
def book(world, returned):
    """Before the period: one dossier on Fri 31/10 (№ 1 of the 2025 book). In it: the
    returned dossier (№ 2) and one received Tue 4/11 09:00, still open (№ 3). Not in it: a
    refused dossier (never received) and one received by another ward's centre."""
    earlier = world.receive(at(31, 9, month=10), name="Phạm Văn Cường")
    current = world.receive(at(4, 9), name="Trần Văn Bảo")
    services.refuse_dossier(
        intake=world.intake(name="Lê Thị Ánh Tuyết"),
        reasons="Không thuộc thẩm quyền.",
        actor=world.counter,
        at=at(4, 10),
    )
    elsewhere = world.intake()
    tuy_hoa = Agency.objects.get(identifier="000.01.54.H15")
    # the counter officer of that ward's centre (demo)
    tuy_hoa_counter = User.objects.get(username="tiepnhan.tuyhoa")
    services.receive_dossier(
        intake=services.Intake(
            procedure_version=elsewhere.procedure_version,
            receiving_agency=tuy_hoa,
            handling_agency=Agency.objects.get(identifier="000.00.54.H15"),
            channel=elsewhere.channel,
            applicant=elsewhere.applicant,
            papers=elsewhere.papers,
        ),
        actor=tuy_hoa_counter,
        at=at(4, 8),
    )
    return {"earlier": earlier, "returned": returned, "current": current}


def test_register_rows_match_the_dossiers(world, book):
    count, sheet, rows = read(world.centre, dt.date(2025, 11, 3), dt.date(2025, 11, 4))

    assert count == 2
    assert sheet["A2"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A1"].value == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG BUÔN MA THUỘT"
    assert sheet["A3"].value == "Từ ngày 03/11/2025 đến ngày 04/11/2025"
    assert [c.value for c in sheet[HEADER_ROW]] == [title for title, *_ in COLUMNS]
    ward = "Ủy ban nhân dân phường Buôn Ma Thuột"
    procedure = "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"
    contact = "12 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk, 0912345678"
    assert rows == [
        [
            2,
            book["returned"].code,
            procedure,
            APPLICANT,
            contact,
            1,
            ward,
            wall(3, 8, 0),
            # the appointment as it stands, moved 3 working hours by the supplement
            wall(6, 11, 0),
            wall(3, 9, 0),  # transferred
            wall(4, 14, 30),  # result issued
            wall(5, 8, 0),  # returned
            APPLICANT,
            # finished Tue 4/11, a day before the due day Thu 6/11
            "Yêu cầu bổ sung hồ sơ 1 lần; Có kết quả trước hạn",
        ],
        [
            3,
            book["current"].code,
            procedure,
            "Trần Văn Bảo",
            contact,
            1,
            ward,
            wall(4, 9, 0),
            wall(7, 9, 0),  # Tue 09:00 + 3 working days
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    received = sheet.cell(row=HEADER_ROW + 1, column=8)
    assert received.is_date
    assert received.number_format == "dd/mm/yyyy hh:mm"
    assert sheet.cell(row=HEADER_ROW + 1, column=11).number_format == "dd/mm/yyyy"


def test_register_numbers_match_the_receipts(world, book):
    """The receipt's "Số thứ tự" is the row's number in the register."""
    assert register_position(book["earlier"]) == (2025, 1)
    assert register_position(book["returned"]) == (2025, 2)
    assert register_position(book["current"]) == (2025, 3)
    _count, _sheet, rows = read(
        world.centre, dt.date(2025, 10, 1), dt.date(2025, 11, 30)
    )
    assert [(row[0], row[1]) for row in rows] == [
        (1, book["earlier"].code),
        (2, book["returned"].code),
        (3, book["current"].code),
    ]


def test_register_notes_an_apology(world):
    dossier = world.receive(at(3, 8))
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(3, 9)
    )
    services.apologise(
        dossier=dossier,
        new_due_at=at(10, 8),
        reason="Cần xác minh.",
        actor=world.leader,
        at=at(4, 9),
    )

    _count, _sheet, rows = read(
        world.centre, dt.date(2025, 11, 3), dt.date(2025, 11, 3)
    )

    (row,) = rows
    assert row[8] == wall(10, 8, 0)
    assert row[13] == (
        "Xin lỗi, hẹn lại ngày trả kết quả từ 08:00 06/11/2025 sang 08:00 10/11/2025"
    )


def test_register_of_a_period_without_dossiers(world, book):
    count, sheet, rows = read(world.centre, dt.date(2025, 12, 1), dt.date(2025, 12, 31))

    assert count == 0
    assert rows == []
    assert [c.value for c in sheet[HEADER_ROW]][:2] == ["STT", "Mã hồ sơ"]


def test_register_queries_do_not_grow_with_the_rows(world, book):
    def queries(start):
        clear_reference_caches()  # both counts include building the calendar
        with CaptureQueriesContext(connection) as captured:
            write_register(world.centre, start, dt.date(2025, 11, 30), io.BytesIO())
        return len(captured)

    one_row = queries(dt.date(2025, 11, 4))
    three_rows = queries(dt.date(2025, 10, 1))

    assert one_row == three_rows


def test_register_refuses_a_period_that_ends_before_it_starts(world):
    with pytest.raises(ValueError, match="ends before it starts"):
        write_register(
            world.centre, dt.date(2025, 11, 4), dt.date(2025, 11, 3), io.BytesIO()
        )
