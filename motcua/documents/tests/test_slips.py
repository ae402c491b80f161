"""The slips are real PDFs that carry the dossier's data (read back from the PDF's text and
from its QR code), in one font that has every Vietnamese letter."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from motcua.documents import slips
from motcua.documents.tests.conftest import APPLICANT, at, pdf_text
from motcua.dossiers import services

HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
CENTRE_HEADING = (
    "UBND PHƯỜNG BUÔN MA THUỘT TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG BUÔN MA THUỘT"
)
WARD_HEADING = "ỦY BAN NHÂN DÂN PHƯỜNG BUÔN MA THUỘT"
MOMENT = r"\d\d:\d\d \d\d/\d\d/\d{4}"


def qr_codes(pdf: bytes) -> list[tuple[dict[str, str], tuple[float, float]]]:
    """Each QR code drawn on the first page: its decoded JSON and where its top-left corner
    sits, as fractions of the page's width and height measured from the top left."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    placements = []

    def visit(operator, operands, cm, tm):
        if operator == b"Do":
            placements.append(cm)

    page.extract_text(visitor_operand_before=visit)
    found = []
    for image, cm in zip(page.images, placements, strict=True):
        assert image.image is not None
        pixels = image.image.convert("L")
        # one pixel per module: enlarge without smoothing for the reader
        pixels = pixels.resize(
            (pixels.width * 8, pixels.height * 8), Image.Resampling.NEAREST
        )
        (code,) = zxingcpp.read_barcodes(pixels)
        assert code.format == zxingcpp.BarcodeFormat.QRCode
        left, top = cm[4], cm[5] + cm[3]
        found.append((json.loads(code.text), (left / width, 1 - top / height)))
    return found


def test_receipt_carries_the_dossier(returned):
    pdf = slips.render_receipt(returned)

    assert pdf.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert HEADING in text
    assert CENTRE_HEADING in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mã hồ sơ: {returned.code}" in text
    assert returned.code == "000.01.51.H15-251103-0001"
    assert f"tiếp nhận hồ sơ của: {APPLICANT}" in text
    assert "066190001234" in text
    assert "Địa chỉ: 12 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk" in text
    assert "Số điện thoại: 0912345678 Email: nhung@example.com" in text
    assert "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân (mã thủ tục 1.004873)" in text
    # the two mandatory papers handed in, with their form and quantity
    assert "1 Tờ khai cấp Giấy xác nhận tình trạng hôn nhân Bản chính 1" in text
    assert "Xuất trình 1" in text
    assert "2. Số lượng hồ sơ: 1 (bộ)" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định là: 3 ngày làm việc" in text
    assert "4. Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 03/11/2025" in text
    # the appointment given at reception (Mon 08:00 + 3 working days), not the one the
    # later supplement round moved to 11:00
    assert (
        "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 06/11/2025"
        in text
    )
    assert (
        "6. Đăng ký nhận kết quả tại: trực tiếp tại Trung tâm Phục vụ hành chính công "
        "phường Buôn Ma Thuột" in text
    )
    assert (
        "Lệ phí cấp Giấy xác nhận tình trạng hôn nhân: Theo Nghị quyết của HĐND tỉnh"
        in text
    )
    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2025, Số thứ tự: 1" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "H'Linh Niê" in text  # the counter officer who received it


def test_receipt_qr_code_is_at_the_top_left_and_names_the_dossier(returned):
    ((payload, (left, top)),) = qr_codes(slips.render_receipt(returned))

    assert payload == {
        "MaHoSo": "000.01.51.H15-251103-0001",
        "MaTTHC": "1.004873",
        "SoDinhDanh": "066190001234",
        "TenGiayTo": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "HeThong": "motcua",
        "ThoiDiemPhatHanh": "2025-11-03T08:00+07:00",
        "NgayHenTra": "2025-11-06T08:00+07:00",
    }
    # on the page's 3 cm left margin, at the top left of the form's body: below the 2 cm
    # top margin and the four lines of the national heading, above 5 cm
    assert left == pytest.approx(30 / 210, abs=0.01)
    assert 20 / 297 < top < 50 / 297


def test_slips_use_one_font_with_every_vietnamese_letter(returned):
    """A font without Vietnamese letters would make the PDF fall back to another one for
    some of them (a mixed, uneven text): every font in the file is Liberation Serif."""
    reader = PdfReader(io.BytesIO(slips.render_receipt(returned)))
    resources: list[Any] = [page["/Resources"] for page in reader.pages]
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for resource in resources
        for font in resource["/Font"].values()
    }
    assert fonts == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
    }


def test_the_register_number_counts_the_agencys_receptions_of_the_year(world, returned):
    second = world.receive(at(4, 9), name="Trần Văn Bảo")

    text = pdf_text(slips.render_receipt(second))

    assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2025, Số thứ tự: 2" in text
    assert "Trần Văn Bảo" in text
    assert "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 04/11/2025" in text
    # Tue 09:00 + 3 working days
    assert "ngày 07/11/2025" in text


def test_control_slip_judges_each_step(returned):
    """Worked out in the ``returned`` fixture: đúng hạn, trước hạn, quá hạn, đúng hạn."""
    pdf = slips.render_control_slip(returned, at=at(5, 9))

    text = pdf_text(pdf)
    assert HEADING in text
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {returned.code}" in text
    assert f"(Kèm theo hồ sơ của: {APPLICANT}" in text
    assert "Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 03/11/2025" in text
    # the appointment as it stands: moved by the 3 working hours of the supplement
    assert "Thời gian hẹn trả kết quả: 11 giờ 00 phút, ngày 06/11/2025" in text
    rows = re.findall(
        rf"(\d) Ủy ban nhân dân phường Buôn Ma Thuột .*? ({MOMENT}) ({MOMENT}) (.*?) "
        rf"({MOMENT}) (Trước hạn|Đúng hạn|Quá hạn|Đang xử lý)",
        text,
    )
    assert rows == [
        ("1", "08:00 03/11/2025", "09:00 03/11/2025", "H'Linh Niê", "17:00 03/11/2025", "Đúng hạn"),
        ("2", "09:00 03/11/2025", "16:00 03/11/2025", "Nguyễn Văn Bình", "15:00 04/11/2025", "Trước hạn"),
        ("3", "16:00 03/11/2025", "14:30 04/11/2025", "Y Thanh Êban", "10:00 04/11/2025", "Quá hạn"),
        ("4", "14:30 04/11/2025", "08:00 05/11/2025", "H'Linh Niê", "08:30 05/11/2025", "Đúng hạn"),
    ]  # fmt: skip
    # the supplement round is noted against the step it paused
    assert (
        "Trước hạn Yêu cầu bổ sung hồ sơ 10:00 03/11/2025; "
        "Nhận hồ sơ bổ sung 15:00 03/11/2025" in text
    )
    ((payload, _),) = qr_codes(pdf)
    assert payload["TenGiayTo"] == "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    assert payload["ThoiDiemPhatHanh"] == "2025-11-05T09:00+07:00"
    assert payload["NgayHenTra"] == "2025-11-06T11:00+07:00"


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        (at(4, 15), "Đang xử lý"),  # step 2 due Tue 15:00: not yet past it
        (at(4, 15, 1), "Quá hạn"),  # one minute past it, still open
    ],
)
def test_control_slip_judges_the_open_step_when_printed(world, printed, expected):
    dossier = world.receive(at(3, 8))
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(3, 9)
    )

    text = pdf_text(slips.render_control_slip(dossier, at=printed))

    assert re.search(
        rf"2 Ủy ban nhân dân phường Buôn Ma Thuột .*? 09:00 03/11/2025 15:00 04/11/2025 "
        rf"{expected}",
        text,
    )
    # steps 3 and 4 have not started: no moment, no judgement
    assert text.count("Đang xử lý") + text.count("Quá hạn") == 1


def test_supplement_request_during_appraisal(returned):
    pdf = slips.render_supplement_request(returned)

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert HEADING in text
    assert WARD_HEADING in text  # the handling body asks
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Mã hồ sơ: {returned.code}" in text
    assert f"Hồ sơ của: {APPLICANT}" in text
    assert "Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 03/11/2025" in text
    assert (
        "1. Bản sao Giấy chứng nhận ly hôn 2. Tờ khai ghi rõ nơi cư trú trước đây"
        in text
    )
    assert (
        "Lý do: Người yêu cầu đã từng kết hôn; cần giấy tờ chứng minh việc ly hôn."
        in text
    )
    assert "không tính vào thời hạn giải quyết hồ sơ" in text
    assert "liên hệ với Nguyễn Văn Bình, Ủy ban nhân dân phường Buôn Ma Thuột" in text
    ((payload, _),) = qr_codes(pdf)
    assert payload["TenGiayTo"] == "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    assert payload["ThoiDiemPhatHanh"] == "2025-11-03T10:00+07:00"
    assert "NgayHenTra" not in payload


def test_supplement_request_before_reception(world):
    dossier = services.request_intake_supplement(
        intake=world.intake(complete=False),
        missing=["Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (bản chính)"],
        note="Hồ sơ chưa có tờ khai.",
        actor=world.counter,
        at=at(3, 9, 15),
    )

    text = pdf_text(slips.render_supplement_request(dossier))

    assert CENTRE_HEADING in text  # the one-stop counter asks
    assert "Ngày nộp hồ sơ: 09 giờ 15 phút, ngày 03/11/2025" in text
    assert "Sau khi kiểm tra hồ sơ" in text
    assert "1. Tờ khai cấp Giấy xác nhận tình trạng hôn nhân (bản chính)" in text
    assert "Lý do: Hồ sơ chưa có tờ khai." in text
    assert "không tính vào thời hạn" not in text  # no clock runs before reception
    assert "liên hệ với H'Linh Niê" in text
    # not received: no receipt and no control slip yet
    with pytest.raises(slips.SlipUnavailable):
        slips.render_receipt(dossier)
    with pytest.raises(slips.SlipUnavailable):
        slips.render_control_slip(dossier, at=at(3, 10))


def test_refusal_gives_the_reasons(world):
    reasons = (
        "Người yêu cầu cư trú ở nước ngoài; việc xác nhận tình trạng hôn nhân thuộc "
        "thẩm quyền của Cơ quan đại diện Việt Nam ở nước ngoài."
    )
    dossier = services.refuse_dossier(
        intake=world.intake(name="Lê Thị Ánh Tuyết"),
        reasons=reasons,
        actor=world.counter,
        at=at(3, 10, 5),
    )

    pdf = slips.render_refusal(dossier)

    text = pdf_text(pdf)
    assert HEADING in text
    assert CENTRE_HEADING in text
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Hồ sơ của: Lê Thị Ánh Tuyết" in text
    assert "Ngày nộp hồ sơ: 10 giờ 05 phút, ngày 03/11/2025" in text
    assert reasons in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    ((payload, _),) = qr_codes(pdf)
    assert payload["TenGiayTo"] == "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    assert payload["ThoiDiemPhatHanh"] == "2025-11-03T10:05+07:00"
    assert [kind.form for _slug, kind in slips.slips_of(dossier)] == ["03"]


def test_apology_gives_the_old_and_the_new_appointment(world):
    """Received Mon 3/11 08:00 → due Thu 6/11 08:00. Apologising Tue 09:00 leaves 15
    working hours, more than the one working day the rules ask."""
    dossier = world.receive(at(3, 8))
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(3, 9)
    )
    reason = "Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây ở tỉnh Phú Yên."
    dossier = services.apologise(
        dossier=dossier,
        new_due_at=at(10, 8),
        reason=reason,
        actor=world.leader,
        at=at(4, 9),
    )

    pdf = slips.render_apology(dossier)

    text = pdf_text(pdf)
    assert HEADING in text
    assert WARD_HEADING in text
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert f"Kính gửi: Ông/Bà {APPLICANT}" in text
    assert "Vào lúc 08 giờ 00 phút, ngày 03/11/2025" in text
    assert (
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 06/11/2025"
        in text
    )
    assert f"Lý do: {reason}" in text
    assert "vào: 08 giờ 00 phút, ngày 10/11/2025" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text
    assert "Y Thanh Êban" in text
    ((payload, _),) = qr_codes(pdf)
    assert payload["TenGiayTo"] == "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    assert payload["ThoiDiemPhatHanh"] == "2025-11-04T09:00+07:00"
    assert payload["NgayHenTra"] == "2025-11-10T08:00+07:00"


def test_a_dossier_lists_the_slips_it_has(returned):
    assert [kind.form for _slug, kind in slips.slips_of(returned)] == ["01", "02", "05"]
    with pytest.raises(slips.SlipUnavailable):
        slips.render_apology(returned)
    with pytest.raises(slips.SlipUnavailable):
        slips.render_refusal(returned)
