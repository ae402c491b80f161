"""The 766 data in the national interchange (docs/interchange.md): per paper ``DuocSoHoa``,
``DuocLayTuKhoDMQG``, ``MaCSDL`` and an attachment that makes it digitised; the dossier's
``HoSoCoThanhPhanSoHoa``, ``TaiKhoanDuocXacThucVoiVNeID``, ``DanhSachLePhi[]`` and
``DuocThanhToanTrucTuyen``; each result's ``DuongDanTepTinKetQua``. An export imported
into an empty database keeps every flag and fee line; a file from another system, without
motcua's extensions, is read so that the history scores from day one."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

import pytest

from motcua.dossiers import services
from motcua.dossiers.interchange import (
    dossier_record,
    dossiers_for_export,
    import_dossiers,
)
from motcua.dossiers.interchange.format import FeeKey, PaperKey, ResultKey
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from motcua.dossiers.services import Applicant, Paper, ResultDocument
from motcua.dossiers.tests.world import VN, World, at, build_world
from motcua.payments.models import DossierFee
from motcua.payments.services import Fee
from motcua.procedures.tests.factories import FeeLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    built = build_world()
    # the commune implements the procedure (an import checks it, docs/interchange.md)
    built.version.agencies.add(built.commune)
    return built


def _flagged_dossier(world: World) -> Dossier:
    """Received Mon 2/3/2026 08:00 with a VNeID-verified applicant, a paper from the
    population database and one reusing digitised data, two fee lines (one paid on the
    national platform, one exempt), resolved with a paper and an electronic result."""
    version = world.version
    first, second = version.components.order_by("position")
    intake = dataclasses.replace(
        world.intake(),
        applicant=Applicant(name="Nguyễn Thị Ánh", vneid_verified=True),
        papers=[
            Paper(
                name=first.name,
                form=first.form,
                required_id=first.pk,
                from_data_store=True,
                source_database="CSDLQGDC",
            ),
            Paper(
                name=second.name, form=second.form, required_id=second.pk, reused=True
            ),
        ],
        fees=[
            Fee(
                name="Lệ phí",
                code="LP01",
                amount=50_000,
                payment="online_national",
                paid_at=at(1, 20, 15),
            ),
            Fee(name="Phí thẩm định", kind="fee", amount=0, payment="exempt"),
        ],
    )
    dossier = services.receive_dossier(intake=intake, actor=world.counter, at=at(2, 8))
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 9)
    )
    dossier = services.submit_for_approval(
        dossier=dossier, actor=world.specialist, at=at(3, 9)
    )
    dossier = services.approve_dossier(
        dossier=dossier, actor=world.leader, at=at(3, 10)
    )
    return services.issue_result(
        dossier=dossier,
        results=[
            "Giấy xác nhận",
            ResultDocument(
                name="Bản điện tử",
                file_url="https://dvc.daklak.gov.vn/kq/1.pdf",
                sent_to_data_store=True,
            ),
        ],
        actor=world.leader,
        at=at(3, 14),
    )


def _record(dossier: Dossier) -> dict[str, Any]:
    return dossier_record(dossiers_for_export().get(pk=dossier.pk))


def _empty() -> None:
    DossierFee.objects.all().delete()
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()
    DossierCodeCounter.objects.all().delete()


def _flags(dossier: Dossier) -> dict[str, Any]:
    """Everything 766 reads of a dossier, as stored."""
    return {
        "dossier": (
            dossier.applicant_vneid_verified,
            dossier.reuses_digitised_data,
            dossier.synced_at,
        ),
        "papers": list(
            dossier.components.order_by("pk").values_list(
                "reused", "from_data_store", "source_database", "digitised_at"
            )
        ),
        "fees": list(
            DossierFee.objects.filter(dossier=dossier)
            .order_by("position")
            .values_list(
                "position", "name", "code", "kind", "amount", "payment", "paid_at"
            )
        ),
        "results": list(
            dossier.results.order_by("number").values_list(
                "electronic", "file_url", "sent_to_data_store"
            )
        ),
    }


def test_the_export_speaks_the_766_fields(world):
    record = _record(_flagged_dossier(world))

    assert record["TaiKhoanDuocXacThucVoiVNeID"] == 1
    assert record["HoSoCoThanhPhanSoHoa"] == 1
    assert record["DuocThanhToanTrucTuyen"] == 1  # a line paid on the national platform
    papers = record["TaiLieuNop"]
    assert [(p["DuocSoHoa"], p["DuocLayTuKhoDMQG"], p["MaCSDL"]) for p in papers] == [
        (0, 1, "CSDLQGDC"),
        (1, 0, ""),
    ]
    assert record["DanhSachLePhi"] == [
        {
            "TenPhiLePhi": "Lệ phí",
            "MaPhiLePhi": "LP01",
            "Gia": 50000,
            "LoaiPhiLePhi": 2,
            "HinhThucThu": 2,
            "HinhThucThanhToan": "online_national",
            "NgayThanhToan": "20260301201500",
        },
        {
            "TenPhiLePhi": "Phí thẩm định",
            "MaPhiLePhi": "",
            "Gia": 0,
            "LoaiPhiLePhi": 1,
            "HinhThucThu": None,
            "HinhThucThanhToan": "exempt",
            "NgayThanhToan": None,
        },
    ]
    for line in record["DanhSachLePhi"]:
        assert list(line) == list(FeeKey)
    for paper in papers:
        assert list(paper) == list(PaperKey)
    results = record["DanhSachGiayToKetQua"]
    for result in results:
        assert list(result) == list(ResultKey)
    assert [r["DuongDanTepTinKetQua"] for r in results] == [
        None,
        "https://dvc.daklak.gov.vn/kq/1.pdf",
    ]
    assert [(r["KetQuaDienTu"], r["DaGuiKhoDuLieu"]) for r in results] == [
        (False, False),
        (True, True),
    ]


def test_export_then_import_keeps_every_flag_and_fee_line(world):
    dossier = _flagged_dossier(world)
    Dossier.objects.filter(pk=dossier.pk).update(synced_at=at(2, 8, 5))
    dossier.refresh_from_db()
    before = _flags(dossier)
    record = _record(dossier)
    _empty()

    report = import_dossiers([record])

    assert (report.imported, report.problems, report.warnings) == (1, [], [])
    imported = Dossier.objects.get()
    assert _flags(imported) == before
    assert before["fees"][0][5:] == (
        "online_national",
        dt.datetime(2026, 3, 1, 20, 15, tzinfo=VN),
    )
    assert before["dossier"][2] == at(2, 8, 5)
    assert _record(imported) == record


def _national(world: World, record: dict[str, Any]) -> dict[str, Any]:
    """The record as another province's system sends it: national keys only."""
    national = copy.deepcopy(record)
    for key in [k for k in national if k not in _NATIONAL_DOSSIER_KEYS]:
        national.pop(key)
    national["PhienBanTTHC"] = world.version.number
    national["DonViTiepNhan"] = world.centre.identifier
    national["TrangThaiNoiBo"] = "resolved"
    for paper in national["TaiLieuNop"]:
        for key in ("HinhThucNop", "SoLuong", "NgaySoHoa"):
            paper.pop(key)
    for result in national["DanhSachGiayToKetQua"]:
        for key in ("KetQuaDienTu", "DaGuiKhoDuLieu"):
            result.pop(key)
    for line in national.get("DanhSachLePhi", []):
        for key in ("HinhThucThanhToan", "NgayThanhToan"):
            line.pop(key)
    return national


_NATIONAL_DOSSIER_KEYS = {
    "MaHoSo",
    "MaTTHC",
    "DonViXuLy",
    "ChuHoSo",
    "LoaiDoiTuong",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "TrangThaiHoSo",
    "KenhThucHien",
    "TaiLieuNop",
    "DanhSachGiayToKetQua",
    "HoSoCoThanhPhanSoHoa",
    "TaiKhoanDuocXacThucVoiVNeID",
    "DuocThanhToanTrucTuyen",
    "DanhSachLePhi",
}


def test_a_national_record_is_read_from_its_national_keys(world):
    """Without motcua's extensions: a paper with an attached file was digitised at the
    reception; a line collected online on a dossier paid on the national platform was
    paid there, at the submission; a result with a link is electronic."""
    record = _national(world, _record(_flagged_dossier(world)))
    record["TaiLieuNop"][0]["DuongDanTaiTepTin"] = "/files/to-khai.pdf"
    _empty()

    report = import_dossiers([record])

    assert (report.imported, report.problems) == (1, [])
    flags = _flags(Dossier.objects.get())
    assert flags["dossier"] == (True, True, None)
    assert flags["papers"] == [
        (False, True, "CSDLQGDC", at(2, 8)),  # NgayTiepNhan
        (True, False, "", None),
    ]
    assert flags["fees"] == [
        (1, "Lệ phí", "LP01", "charge", 50_000, "online_national", at(2, 8)),
        (2, "Phí thẩm định", "", "fee", 0, "exempt", None),
    ]
    assert flags["results"] == [
        (False, "", False),
        (True, "https://dvc.daklak.gov.vn/kq/1.pdf", False),
    ]


def test_the_dossier_flag_alone_says_a_paper_reuses_digitised_data(world):
    record = _national(world, _record(_flagged_dossier(world)))
    for paper in record["TaiLieuNop"]:
        paper["DuocSoHoa"] = 0
    _empty()

    assert import_dossiers([record]).problems == []
    assert Dossier.objects.get().reuses_digitised_data is True


def test_a_record_without_fee_lines_owes_the_catalogue_lines_of_its_channel(world):
    """As intake: the version's lines with an amount, of every channel or the dossier's
    (here at the counter), paid on the national platform as DuocThanhToanTrucTuyen says,
    at the submission; an explicit empty list is none."""
    FeeLineFactory.create(version=world.version, position=1, amount=30_000)
    FeeLineFactory.create(version=world.version, position=2, amount=None)
    FeeLineFactory.create(
        version=world.version, position=3, amount=10_000, channel="online"
    )
    record = _national(world, _record(_flagged_dossier(world)))
    record.pop("DanhSachLePhi")
    empty_list = {**copy.deepcopy(record), "DanhSachLePhi": []}
    empty_list["MaHoSo"] = empty_list["MaHoSo"][:-4] + "0099"
    empty_list["DanhSachGiayToKetQua"] = []
    empty_list["TrangThaiHoSo"], empty_list["TrangThaiNoiBo"] = 4, "processing"
    empty_list.pop("NgayKetThucXuLy")
    _empty()

    report = import_dossiers([record, empty_list])

    assert report.problems == []
    first, second = Dossier.objects.order_by("code")
    assert _flags(first)["fees"] == [
        (1, "Lệ phí", "", "charge", 30_000, "online_national", at(2, 8))
    ]
    assert _flags(second)["fees"] == []
    # DuocThanhToanTrucTuyen = 1 with no line paid: imported, with a warning
    assert [w.field for w in report.warnings] == ["DuocThanhToanTrucTuyen"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda r: r.update(HoSoCoThanhPhanSoHoa=0), "HoSoCoThanhPhanSoHoa"),
        (lambda r: r.update(TaiKhoanDuocXacThucVoiVNeID=2), "TaiKhoanDuocXacThucVoiVNeID"),
        (lambda r: r.update(DuocThanhToanTrucTuyen=3), "DuocThanhToanTrucTuyen"),
        (lambda r: r["TaiLieuNop"][0].update(DuocSoHoa="có"), "TaiLieuNop[0].DuocSoHoa"),
        (lambda r: r["TaiLieuNop"][0].update(MaCSDL="X" * 51), "TaiLieuNop[0].MaCSDL"),
        (lambda r: r["DanhSachLePhi"][0].update(Gia=-1), "DanhSachLePhi[0].Gia"),
        (lambda r: r["DanhSachLePhi"][0].pop("TenPhiLePhi"), "DanhSachLePhi[0].TenPhiLePhi"),
        (lambda r: r["DanhSachLePhi"][0].update(LoaiPhiLePhi=5), "DanhSachLePhi[0].LoaiPhiLePhi"),
        (lambda r: r["DanhSachLePhi"][1].update(NgayThanhToan="20260301080000"),
         "DanhSachLePhi[1].NgayThanhToan"),
        (lambda r: r["DanhSachLePhi"][0].update(HinhThucThanhToan="cash"),
         "DanhSachLePhi[0].HinhThucThanhToan"),
        (lambda r: r["DanhSachGiayToKetQua"][0].update(DaGuiKhoDuLieu=True),
         "DanhSachGiayToKetQua[0].DaGuiKhoDuLieu"),
    ],
    ids=["reuse-contradicted", "vneid-2", "paid-3", "flag-text", "long-source",
         "negative-amount", "unnamed-fee", "fee-kind", "exempt-paid-at", "unknown-method",
         "store-paper-result"],
)  # fmt: skip
def test_a_bad_766_field_is_named_and_nothing_is_written(world, change, path):
    record = _record(_flagged_dossier(world))
    change(record)
    _empty()

    report = import_dossiers([record])

    assert [problem.field for problem in report.problems] == [path]
    assert Dossier.objects.count() == 0
    assert DossierFee.objects.count() == 0
