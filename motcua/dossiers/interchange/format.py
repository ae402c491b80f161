"""The words of the dossier interchange file: timestamps, codes and the national/extension
split (docs/interchange.md).

Field names follow the national portal's ``DongBoHoSoMC`` (dossier) and
``CapNhatTienDoHoSoMC`` (progress entry) payloads (domain spec 08 §3–4); the fields the
national payload lacks but a faithful copy of a dossier needs are motcua extensions. Every
key is a member of one of the tables below (``DossierKey``, ``EntryKey``, …), which say
its kind, whether it is required and whether it is an extension; the export, the checks
of an import and the generator name keys only through them.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from decimal import Decimal
from typing import Self

from motcua.dossiers.choices import ReturnMethod
from motcua.payments.choices import FeeKind, PaymentMethod
from motcua.procedures.choices import TimeUnit
from motcua.workdays.clock import VN_TZ, local

#: ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh (spec 08 §3); the interchange keeps seconds.
TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
TIMESTAMP_PATTERN = re.compile(r"^\d{14}$")

#: ``HinhThuc`` (how the result is returned). The portal's codes are not confirmed (spec 08
#: §3 saw 0/1); motcua reads 0 as at the counter, 1 by post and adds 2 for electronically.
RETURN_METHOD_CODES: dict[str, int] = {
    ReturnMethod.COUNTER: 0,
    ReturnMethod.POST: 1,
    ReturnMethod.ELECTRONIC: 2,
}
RETURN_METHODS_BY_CODE = {code: method for method, code in RETURN_METHOD_CODES.items()}

#: ``DonViTinh`` of the national TTHC database (spec 02 §7, 08 §3).
TIME_UNIT_NAMES: dict[str, str] = {
    TimeUnit.WORKING_HOURS: "giờ",
    TimeUnit.CALENDAR_DAYS: "ngày",
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    # "Trong ngày" is recorded nationally as 1 (ngày làm việc), its handling time.
    TimeUnit.SAME_DAY: "ngày làm việc",
    TimeUnit.MONTHS: "tháng",
}


class Kind(enum.Enum):
    """What a field's value is in the JSON."""

    TEXT = "text"
    WHOLE = "whole number"
    DECIMAL = "decimal as text"
    NUMBER = "number"
    TIMESTAMP = "yyyyMMddHHmmss"
    BOOLEAN = "true or false"
    FLAG = "0 or 1"
    OBJECT = "object"
    LIST = "list of objects"


class Key(enum.StrEnum):
    """A field of the interchange file: the member *is* its key (a ``str``, so a record
    is a plain ``dict``), and says what the value is, whether every record must give it,
    and whether it is a motcua extension rather than a national field. Each object of the
    file has its own table below; code names a key only through them, so a misspelled key
    is an ``AttributeError`` (and a mypy error), never a silently missing value."""

    kind: Kind
    required: bool
    extension: bool

    def __new__(
        cls,
        key: str,
        kind: Kind,
        required: bool = False,
        extension: bool = False,
    ) -> Self:
        member = str.__new__(cls, key)
        member._value_ = key
        member.kind = kind
        member.required = required
        member.extension = extension
        return member


_REQUIRED, _OPTIONAL = True, False
_EXTENSION = True


class DossierKey(Key):
    """A dossier record: ``DongBoHoSoMC`` (spec 08 §3), then motcua's extensions."""

    MaHoSo = "MaHoSo", Kind.TEXT, _REQUIRED
    MaTTHC = "MaTTHC", Kind.TEXT, _REQUIRED
    TenTTHC = "TenTTHC", Kind.TEXT
    MaLinhVuc = "MaLinhVuc", Kind.TEXT
    TenLinhVuc = "TenLinhVuc", Kind.TEXT
    DonViXuLy = "DonViXuLy", Kind.TEXT, _REQUIRED
    ChuHoSo = "ChuHoSo", Kind.TEXT, _REQUIRED
    LoaiDoiTuong = "LoaiDoiTuong", Kind.WHOLE
    SoDienThoai = "SoDienThoai", Kind.TEXT
    Email = "Email", Kind.TEXT
    NgayNopHoSo = "NgayNopHoSo", Kind.TIMESTAMP, _REQUIRED
    NgayTiepNhan = "NgayTiepNhan", Kind.TIMESTAMP
    NgayHenTra = "NgayHenTra", Kind.TIMESTAMP
    NgayKetThucXuLy = "NgayKetThucXuLy", Kind.TIMESTAMP
    NgayTra = "NgayTra", Kind.TIMESTAMP
    NgayTuChoi = "NgayTuChoi", Kind.TIMESTAMP
    TrangThaiHoSo = "TrangThaiHoSo", Kind.WHOLE, _REQUIRED
    KenhThucHien = "KenhThucHien", Kind.WHOLE
    HinhThuc = "HinhThuc", Kind.WHOLE
    ThoiGianGiaiQuyet = "ThoiGianGiaiQuyet", Kind.NUMBER
    DonViTinh = "DonViTinh", Kind.TEXT
    TaiLieuNop = "TaiLieuNop", Kind.LIST
    DanhSachHoSoBoSung = "DanhSachHoSoBoSung", Kind.LIST
    DanhSachGiayToKetQua = "DanhSachGiayToKetQua", Kind.LIST
    # what the 766 index reads (spec 01 §3 groups 3b and 4; spec 08 §3)
    HoSoCoThanhPhanSoHoa = "HoSoCoThanhPhanSoHoa", Kind.FLAG
    TaiKhoanDuocXacThucVoiVNeID = "TaiKhoanDuocXacThucVoiVNeID", Kind.FLAG
    DuocThanhToanTrucTuyen = "DuocThanhToanTrucTuyen", Kind.WHOLE
    DanhSachLePhi = "DanhSachLePhi", Kind.LIST
    # motcua extensions
    PhienBanTTHC = "PhienBanTTHC", Kind.WHOLE, _OPTIONAL, _EXTENSION
    DonViTiepNhan = "DonViTiepNhan", Kind.TEXT, _OPTIONAL, _EXTENSION
    SoGiayTo = "SoGiayTo", Kind.TEXT, _OPTIONAL, _EXTENSION
    DiaChi = "DiaChi", Kind.TEXT, _OPTIONAL, _EXTENSION
    TaiKhoanChuHoSo = "TaiKhoanChuHoSo", Kind.TEXT, _OPTIONAL, _EXTENSION
    TrangThaiNoiBo = "TrangThaiNoiBo", Kind.TEXT, _OPTIONAL, _EXTENSION
    SoBo = "SoBo", Kind.WHOLE, _OPTIONAL, _EXTENSION
    NgayHenTraTheoQuyDinh = (
        "NgayHenTraTheoQuyDinh",
        Kind.TIMESTAMP,
        _OPTIONAL,
        _EXTENSION,
    )
    NgayHenTraBanDau = "NgayHenTraBanDau", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    NgayTamDung = "NgayTamDung", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    NgayDongHoSo = "NgayDongHoSo", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    NgayCanhBaoSapDenHan = "NgayCanhBaoSapDenHan", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    NgayCanhBaoQuaHan = "NgayCanhBaoQuaHan", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    SoLanBoSung = "SoLanBoSung", Kind.WHOLE, _OPTIONAL, _EXTENSION
    SoLanHenLai = "SoLanHenLai", Kind.WHOLE, _OPTIONAL, _EXTENSION
    ChuyenVienXuLy = "ChuyenVienXuLy", Kind.TEXT, _OPTIONAL, _EXTENSION
    CacBuocXuLy = "CacBuocXuLy", Kind.LIST, _OPTIONAL, _EXTENSION
    QuaTrinhXuLy = "QuaTrinhXuLy", Kind.LIST, _OPTIONAL, _EXTENSION
    NgayDongBo = "NgayDongBo", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION


class EntryKey(Key):
    """A progress entry of ``QuaTrinhXuLy``: ``CapNhatTienDoHoSoMC`` (spec 08 §4), then
    motcua's extensions."""

    MaHoSo = "MaHoSo", Kind.TEXT
    NguoiXuLy = "NguoiXuLy", Kind.TEXT
    ThoiDiemXuLy = "ThoiDiemXuLy", Kind.TIMESTAMP, _REQUIRED
    NoiDungXuLy = "NoiDungXuLy", Kind.TEXT
    TrangThai = "TrangThai", Kind.WHOLE, _REQUIRED
    NgayBatDau = "NgayBatDau", Kind.TIMESTAMP
    NgayKetThucTheoQuyDinh = "NgayKetThucTheoQuyDinh", Kind.TIMESTAMP
    # motcua extensions
    STT = "STT", Kind.WHOLE, _OPTIONAL, _EXTENSION
    HanhDong = "HanhDong", Kind.TEXT, _OPTIONAL, _EXTENSION
    TrangThaiTruoc = "TrangThaiTruoc", Kind.TEXT, _OPTIONAL, _EXTENSION
    TrangThaiSau = "TrangThaiSau", Kind.TEXT, _OPTIONAL, _EXTENSION
    DonVi = "DonVi", Kind.TEXT, _OPTIONAL, _EXTENSION
    TaiKhoanXuLy = "TaiKhoanXuLy", Kind.TEXT, _OPTIONAL, _EXTENSION
    BuocXuLy = "BuocXuLy", Kind.WHOLE, _OPTIONAL, _EXTENSION
    DuLieu = "DuLieu", Kind.OBJECT, _OPTIONAL, _EXTENSION


class PaperKey(Key):
    """A paper of ``TaiLieuNop`` (spec 08 §3)."""

    TenTepDinhKem = "TenTepDinhKem", Kind.TEXT, _REQUIRED
    MaThanhPhanHoSo = "MaThanhPhanHoSo", Kind.TEXT
    DuongDanTaiTepTin = "DuongDanTaiTepTin", Kind.TEXT
    DuocSoHoa = "DuocSoHoa", Kind.FLAG
    DuocLayTuKhoDMQG = "DuocLayTuKhoDMQG", Kind.FLAG
    MaCSDL = "MaCSDL", Kind.TEXT
    HinhThucNop = "HinhThucNop", Kind.TEXT, _OPTIONAL, _EXTENSION
    SoLuong = "SoLuong", Kind.WHOLE, _OPTIONAL, _EXTENSION
    NgaySoHoa = "NgaySoHoa", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION


class SupplementKey(Key):
    """A supplement round of ``DanhSachHoSoBoSung`` (spec 08 §3)."""

    HoSoBoSungId = "HoSoBoSungId", Kind.WHOLE
    NguoiYeuCauBoSung = "NguoiYeuCauBoSung", Kind.TEXT
    NoiDungBoSung = "NoiDungBoSung", Kind.TEXT
    NgayBoSung = "NgayBoSung", Kind.TIMESTAMP
    NguoiTiepNhanBoSung = "NguoiTiepNhanBoSung", Kind.TEXT
    NgayTiepNhanBoSung = "NgayTiepNhanBoSung", Kind.TIMESTAMP
    NgayHenTraTruoc = "NgayHenTraTruoc", Kind.TIMESTAMP
    NgayHenTraMoi = "NgayHenTraMoi", Kind.TIMESTAMP


class ResultKey(Key):
    """A result of ``DanhSachGiayToKetQua`` (spec 08 §3)."""

    TenGiayTo = "TenGiayTo", Kind.TEXT, _REQUIRED
    MaKetQua = "MaKetQua", Kind.TEXT, _REQUIRED
    DuongDanTepTinKetQua = "DuongDanTepTinKetQua", Kind.TEXT
    SoThuTu = "SoThuTu", Kind.WHOLE, _OPTIONAL, _EXTENSION
    NgayBanHanh = "NgayBanHanh", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    KetQuaDienTu = "KetQuaDienTu", Kind.BOOLEAN, _OPTIONAL, _EXTENSION
    DaGuiKhoDuLieu = "DaGuiKhoDuLieu", Kind.BOOLEAN, _OPTIONAL, _EXTENSION


class FeeKey(Key):
    """A fee line of ``DanhSachLePhi`` (spec 08 §3), then motcua's extensions: how the line
    was paid and when, which the national line does not say (it has the dossier's
    ``DuocThanhToanTrucTuyen`` and the line's ``HinhThucThu``)."""

    TenPhiLePhi = "TenPhiLePhi", Kind.TEXT, _REQUIRED
    MaPhiLePhi = "MaPhiLePhi", Kind.TEXT
    Gia = "Gia", Kind.WHOLE, _REQUIRED
    LoaiPhiLePhi = "LoaiPhiLePhi", Kind.WHOLE
    HinhThucThu = "HinhThucThu", Kind.WHOLE
    HinhThucThanhToan = "HinhThucThanhToan", Kind.TEXT, _OPTIONAL, _EXTENSION
    NgayThanhToan = "NgayThanhToan", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION


class StepKey(Key):
    """A process step of ``CacBuocXuLy`` (a motcua extension as a whole)."""

    ThuTu = "ThuTu", Kind.WHOLE, _REQUIRED, _EXTENSION
    TenBuoc = "TenBuoc", Kind.TEXT, _REQUIRED, _EXTENSION
    VaiTro = "VaiTro", Kind.TEXT, _REQUIRED, _EXTENSION
    DonVi = "DonVi", Kind.TEXT, _REQUIRED, _EXTENSION
    LienThong = "LienThong", Kind.BOOLEAN, _OPTIONAL, _EXTENSION
    ThoiGianBuoc = "ThoiGianBuoc", Kind.DECIMAL, _REQUIRED, _EXTENSION
    NgayBatDau = "NgayBatDau", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    NgayKetThucTheoQuyDinh = (
        "NgayKetThucTheoQuyDinh",
        Kind.TIMESTAMP,
        _OPTIONAL,
        _EXTENSION,
    )
    NgayKetThuc = "NgayKetThuc", Kind.TIMESTAMP, _OPTIONAL, _EXTENSION
    TaiKhoanXuLy = "TaiKhoanXuLy", Kind.TEXT, _OPTIONAL, _EXTENSION


#: Dossier fields that are motcua extensions of ``DongBoHoSoMC``.
EXTENSION_FIELDS = tuple(key for key in DossierKey if key.extension)
#: Progress-entry fields that are motcua extensions of ``CapNhatTienDoHoSoMC``.
ENTRY_EXTENSION_FIELDS = tuple(key for key in EntryKey if key.extension)


#: ``LoaiPhiLePhi``: 1 a fee (phí), 2 a charge (lệ phí). The portal's codes are not
#: confirmed (spec 08 §3 names the field only); these are motcua's.
FEE_KIND_CODES: dict[str, int] = {FeeKind.FEE: 1, FeeKind.CHARGE: 2}
FEE_KINDS_BY_CODE = {code: kind for kind, code in FEE_KIND_CODES.items()}

#: ``HinhThucThu`` (how a line was collected): 1 at the counter, 2 online; absent (or 0)
#: not collected (unpaid or exempt). The portal's codes are not confirmed either.
COLLECTED_AT_COUNTER, COLLECTED_ONLINE = 1, 2

#: ``DuocThanhToanTrucTuyen`` (spec 01 §3 indicator 3.6, spec 08 §3): 1 paid on the
#: national payment platform, 2 through the provincial gateway; 0 (or absent) not paid
#: online.
ONLINE_PAYMENT_CODES: dict[str, int] = {
    PaymentMethod.ONLINE_NATIONAL: 1,
    PaymentMethod.ONLINE_PROVINCIAL: 2,
}
ONLINE_PAYMENTS_BY_CODE = {
    code: method for method, code in ONLINE_PAYMENT_CODES.items()
}


def format_timestamp(moment: dt.datetime | None) -> str | None:
    """``moment`` as ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh (fractions of a second are
    dropped), or ``None``."""
    if moment is None:
        return None
    return local(moment).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> dt.datetime:
    """The aware moment a ``yyyyMMddHHmmss`` text names in Asia/Ho_Chi_Minh; ``ValueError``
    when it is not one."""
    if not TIMESTAMP_PATTERN.match(text):
        raise ValueError(text)
    return dt.datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[8:10]),
        int(text[10:12]),
        int(text[12:14]),
        tzinfo=VN_TZ,
    )


def timestamp_of_iso(text: object) -> str | None:
    """An ISO moment kept in an event's details (``previous_due_at``) as a timestamp."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return format_timestamp(moment)


def iso_of_timestamp(text: str | None) -> str | None:
    """A timestamp as the ISO text the services keep in event details."""
    if not text:
        return None
    return parse_timestamp(text).isoformat()


def format_decimal(value: Decimal) -> str:
    """``0.5`` for ``Decimal("0.50")``: budgets as exact text, never a binary float."""
    return format(value.normalize(), "f")


def number(value: Decimal) -> int | float:
    """A handling time as a JSON number (an integer when whole)."""
    return int(value) if value == value.to_integral_value() else float(value)
