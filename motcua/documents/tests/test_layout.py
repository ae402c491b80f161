"""The slips as they fall on the page: read from WeasyPrint's laid-out boxes and from the
PDF itself (its page count, its text), never from the HTML alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.documents import slips
from motcua.documents.tests.conftest import CENTRE, WARD, World, at, pdf_text
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.procedures.models import ProcedureVersion
from motcua.workdays.clock import VN_TZ


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def lines(page: slips.SlipPage, css_class: str) -> list[str]:
    """The text of each line WeasyPrint set in the block of class ``css_class`` on the
    first page."""
    first = page.document().pages[0]
    for box in first._page_box.descendants():
        element = getattr(box, "element", None)
        if (
            isinstance(box, boxes.BlockBox)
            and element is not None
            and css_class in (element.get("class") or "").split()
        ):
            return [
                "".join(
                    text.text
                    for text in line.descendants()
                    if isinstance(text, boxes.TextBox)
                )
                .replace("\u00a0", " ")
                .strip()
                for line in box.children
                if isinstance(line, boxes.LineBox)
            ]
    raise AssertionError(f"no .{css_class} on the page")


def receive_with_every_paper(
    world: World,
    code: str,
    *,
    centre: str = CENTRE,
    agency: str = WARD,
    officer: str = "tiepnhan.bmt",
) -> Dossier:
    """A dossier of procedure ``code`` handing in every paper its version lists, mandatory
    or not: the longest receipt the procedure can have. Received by the ward's one-stop
    centre unless told."""
    version = ProcedureVersion.objects.get(procedure__code=code, effective_to=None)
    intake = dataclasses.replace(
        world.intake(),
        procedure_version=version,
        receiving_agency=Agency.objects.get(identifier=centre),
        handling_agency=Agency.objects.get(identifier=agency),
        papers=[
            services.Paper(
                name=c.name, form=c.form, quantity=c.quantity, required_id=c.pk
            )
            for c in version.components.order_by("position")
        ],
    )
    return services.receive_dossier(
        intake=intake, actor=User.objects.get(username=officer), at=at(3, 8)
    )


@pytest.mark.parametrize(
    ("code", "papers"),
    [
        ("1.004873", 4),  # xác nhận tình trạng hôn nhân
        ("2.000528", 5),
        ("1.115334", 5),
        ("2.001263", 5),
    ],
)
def test_the_receipt_with_every_paper_fits_on_one_page(world, code, papers):
    """Four or five papers at the ward's centre: the signatures used to spill alone onto a
    second page."""
    dossier = receive_with_every_paper(world, code)

    pdf = slips.render_receipt(dossier)

    assert dossier.components.count() == papers
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    last = dossier.components.order_by("-pk")[0]
    assert f"{papers} {last.name[:30]}" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


def test_a_receipt_too_long_for_one_page_keeps_its_signatures_with_its_text(world):
    """Đăng ký biến động đất đai at the provincial centre: a seven-line procedure name, five
    papers and three fee lines take two pages; the register line goes over with the
    signatures, which never stand alone."""
    dossier = receive_with_every_paper(
        world,
        "1.115246",
        centre="000.00.02.H15",  # TTPVHCC tỉnh
        agency="000.01.07.H15",  # Văn phòng Đăng ký đất đai
        officer="tiepnhan.tinh",
    )

    pages = PdfReader(io.BytesIO(slips.render_receipt(dossier))).pages

    assert len(pages) == 2
    last = " ".join((pages[1].extract_text() or "").split())
    assert last.startswith("Vào Sổ theo dõi hồ sơ, Quyển số: 2025, Số thứ tự: 1")
    assert "NGƯỜI NỘP HỒ SƠ" in last


def test_the_agency_heading_is_not_squeezed_by_the_qr_code(returned):
    """The superior body on one line, the receiving centre's long name on two (it took three
    beside the QR code)."""
    page = slips.receipt_page(returned)

    assert lines(page, "superior") == ["UBND PHƯỜNG BUÔN MA THUỘT"]
    assert lines(page, "issuer") == [
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH",
        "CÔNG PHƯỜNG BUÔN MA THUỘT",
    ]
    assert lines(page, "republic") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]


def test_a_long_agency_name_breaks_before_its_locality(returned):
    """The ward asks for the supplement: its name breaks as official headings write it."""
    page = slips.supplement_request_page(returned)

    assert lines(page, "issuer") == ["ỦY BAN NHÂN DÂN", "PHƯỜNG BUÔN MA THUỘT"]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2025, 11, 3, 8, tzinfo=VN_TZ), "ngày 03 tháng 11 năm 2025"),
        (dt.datetime(2025, 7, 15, 8, tzinfo=VN_TZ), "ngày 15 tháng 7 năm 2025"),
        (dt.datetime(2026, 2, 5, 8, tzinfo=VN_TZ), "ngày 05 tháng 02 năm 2026"),
        (dt.datetime(2026, 1, 10, 8, tzinfo=VN_TZ), "ngày 10 tháng 01 năm 2026"),
        # 18:30 UTC on the 2nd is 01:30 on the 3rd in the province
        (dt.datetime(2025, 11, 2, 18, 30, tzinfo=dt.UTC), "ngày 03 tháng 11 năm 2025"),
    ],
)
def test_the_date_is_written_as_decree_30_writes_it(moment, expected):
    """NĐ 30/2020/NĐ-CP Phụ lục I: days below 10 and the months 1 and 2 take a leading 0."""
    assert slips.written_date(moment) == expected


def _every_slip(world: World, returned: Dossier) -> dict[str, bytes]:
    refused = services.refuse_dossier(
        intake=world.intake(name="Lê Thị Ánh Tuyết"),
        reasons="Không thuộc thẩm quyền.",
        actor=world.counter,
        at=at(3, 10, 5),
    )
    late = world.receive(at(3, 8))
    late = services.transfer_dossier(dossier=late, actor=world.counter, at=at(3, 9))
    late = services.apologise(
        dossier=late,
        new_due_at=at(10, 8),
        reason="Cần xác minh thêm.",
        actor=world.leader,
        at=at(4, 9),
    )
    return {
        "01": slips.render_receipt(returned),
        "02": slips.render_supplement_request(returned),
        "03": slips.render_refusal(refused),
        "04": slips.render_apology(late),
        "05": slips.render_control_slip(returned, at=at(5, 9)),
    }


def test_every_slip_is_dated_from_its_issuers_place_on_one_page(world, returned):
    """The receipt, refusal and control slip come from the ward's one-stop centre, the
    supplement request and the apology from the ward: all sit in phường Buôn Ma Thuột."""
    dates = {
        "01": "ngày 03 tháng 11 năm 2025",  # received Mon 3/11
        "02": "ngày 03 tháng 11 năm 2025",  # supplement asked Mon 3/11 10:00
        "03": "ngày 03 tháng 11 năm 2025",
        "04": "ngày 04 tháng 11 năm 2025",  # apology Tue 4/11
        "05": "ngày 05 tháng 11 năm 2025",  # printed Wed 5/11
    }

    for form, pdf in _every_slip(world, returned).items():
        assert f"Buôn Ma Thuột, {dates[form]}" in pdf_text(pdf), form
        assert page_count(pdf) == 1, form


def test_a_ward_dates_its_slips_from_its_own_name(world):
    intake = dataclasses.replace(
        world.intake(),
        receiving_agency=Agency.objects.get(identifier="000.01.54.H15"),
        handling_agency=Agency.objects.get(identifier="000.00.54.H15"),
    )  # TTPVHCC and UBND phường Tuy Hòa
    counter = User.objects.get(username="tiepnhan.tuyhoa")
    dossier = services.receive_dossier(intake=intake, actor=counter, at=at(3, 8))

    text = pdf_text(slips.render_receipt(dossier))

    assert "Tuy Hòa, ngày 03 tháng 11 năm 2025" in text
    assert "Buôn Ma Thuột, ngày" not in text
