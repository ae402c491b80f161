"""The words of the dossier interchange file: timestamps, codes and the national/extension
split (docs/interchange.md).

Field names follow the national portal's ``DongBoHoSoMC`` (dossier) and
``CapNhatTienDoHoSoMC`` (progress entry) payloads (domain spec 08 §3–4); the fields the
national payload lacks but a faithful copy of a dossier needs are motcua extensions, listed
in ``EXTENSION_FIELDS`` so that the documentation and a national sync can tell them apart.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from motcua.dossiers.choices import ReturnMethod
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

#: Dossier fields that are motcua extensions of ``DongBoHoSoMC``.
EXTENSION_FIELDS = (
    "PhienBanTTHC",
    "DonViTiepNhan",
    "SoGiayTo",
    "DiaChi",
    "TaiKhoanChuHoSo",
    "TrangThaiNoiBo",
    "SoBo",
    "NgayHenTraTheoQuyDinh",
    "NgayHenTraBanDau",
    "NgayTamDung",
    "NgayDongHoSo",
    "NgayCanhBaoSapDenHan",
    "NgayCanhBaoQuaHan",
    "SoLanBoSung",
    "SoLanHenLai",
    "ChuyenVienXuLy",
    "CacBuocXuLy",
    "QuaTrinhXuLy",
)
#: Progress-entry fields that are motcua extensions of ``CapNhatTienDoHoSoMC``.
ENTRY_EXTENSION_FIELDS = (
    "STT",
    "HanhDong",
    "TrangThaiTruoc",
    "TrangThaiSau",
    "DonVi",
    "TaiKhoanXuLy",
    "BuocXuLy",
    "DuLieu",
)


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
