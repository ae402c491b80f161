"""Synthetic interchange records for benchmarks and tests (``motcua dossiers generate``).

Built from the catalogue in the database (the demo province's, usually): procedure
versions in force on the first day, their implementing agencies, steps, components and
results. The histories follow the workflow's transitions and carry the motcua fields, but
their moments are spaced by a fixed rhythm rather than computed with the working-day
calendar: the records are valid interchange data, not a simulation of the law.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from motcua.agencies.choices import AgencyKind
from motcua.agencies.models import Agency
from motcua.dossiers.choices import Channel
from motcua.dossiers.interchange.format import (
    TIME_UNIT_NAMES,
    format_decimal,
    format_timestamp,
    number,
)
from motcua.dossiers.workflow import NATIONAL_STATUS, Action, DossierStatus
from motcua.procedures.models import ProcedureVersion
from motcua.workdays.clock import VN_TZ

S = DossierStatus
A = Action

#: Histories, each a list of (action, status after); weights say how often each occurs.
_PROCESS: list[tuple[str, str]] = [
    (A.RECEIVE, S.RECEIVED),
    (A.TRANSFER, S.PROCESSING),
    (A.ASSIGN, S.PROCESSING),
]
_FINISH: list[tuple[str, str]] = [
    (A.SUBMIT_FOR_APPROVAL, S.AWAITING_APPROVAL),
    (A.APPROVE, S.APPROVED),
    (A.ISSUE_RESULT, S.RESOLVED),
]
SCENARIOS: list[tuple[int, list[tuple[str, str]]]] = [
    (50, [*_PROCESS, *_FINISH, (A.RETURN_RESULT, S.RETURNED)]),
    (
        10,
        [
            *_PROCESS,
            (A.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED),
            (A.RECEIVE_SUPPLEMENT, S.PROCESSING),
            *_FINISH,
            (A.RETURN_RESULT, S.RETURNED),
        ],
    ),
    (10, [*_PROCESS, *_FINISH]),
    (10, _PROCESS),
    (5, [*_PROCESS, (A.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED)]),
    (5, [(A.SUBMIT_ONLINE, S.SUBMITTED), (A.REFUSE, S.REFUSED)]),
    (4, [(A.SUBMIT_ONLINE, S.SUBMITTED)]),
    (3, [*_PROCESS, (A.WITHDRAW, S.WITHDRAWN)]),
    (3, [*_PROCESS, (A.STOP, S.STOPPED)]),
]
_GAP = dt.timedelta(hours=2)


@dataclass(frozen=True)
class _Offer:
    version: ProcedureVersion
    handling: str
    receiving: str


def _offers(day: dt.date) -> list[_Offer]:
    centres = {
        agency.identifier
        for agency in Agency.objects.filter(kind=AgencyKind.SERVICE_CENTRE)
    }
    offers = []
    versions = (
        ProcedureVersion.objects.in_force_on(day)
        .select_related("procedure", "field")
        .prefetch_related("agencies", "steps__agency", "components", "results")
        .order_by("procedure__code", "number")
    )
    for version in versions:
        for agency in version.agencies.all():
            # a commune's own centre (000.01.YY.H15 beside 000.00.YY.H15) receives for it
            v, _z, y, m = agency.identifier.split(".")
            centre = f"{v}.01.{y}.{m}"
            receiving = centre if centre in centres else agency.identifier
            offers.append(_Offer(version, agency.identifier, receiving))
    return offers


def generate_records(
    count: int, *, seed: int = 2025, first_day: dt.date = dt.date(2025, 7, 1)
) -> Iterator[dict[str, Any]]:
    """``count`` interchange records, the same for the same seed and catalogue."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    offers = _offers(first_day)
    if not offers:
        return
    weights = [weight for weight, _history in SCENARIOS]
    per_day = 400
    sequences: dict[tuple[str, dt.date], int] = {}
    for index in range(count):
        day = first_day + dt.timedelta(days=index // per_day)
        offer = rng.choice(offers)
        history = rng.choices([h for _w, h in SCENARIOS], weights)[0]
        key = (offer.receiving, day)
        sequences[key] = sequences.get(key, 0) + 1
        start = dt.datetime.combine(day, dt.time(7, 30), VN_TZ) + dt.timedelta(
            seconds=rng.randrange(8 * 3600)
        )
        yield _record(offer, history, start, sequences[key], index)


def _record(
    offer: _Offer,
    history: list[tuple[str, str]],
    start: dt.datetime,
    sequence: int,
    index: int,
) -> dict[str, Any]:
    version = offer.version
    code = f"{offer.receiving}-{start:%y%m%d}-{sequence:04d}"
    online = history[0][0] == A.SUBMIT_ONLINE
    moments = [start + _GAP * n for n in range(len(history))]
    statuses = [status for _action, status in history]
    received = next(
        (moments[n] for n, (action, _s) in enumerate(history) if action == A.RECEIVE),
        None,
    )
    due = (
        received + dt.timedelta(days=int(version.handling_time) + 2)
        if received
        else None
    )
    finished = next(
        (m for m, s in zip(moments, statuses, strict=True) if s == S.RESOLVED), None
    )
    returned = moments[-1] if statuses[-1] == S.RETURNED else None
    status = statuses[-1]
    closed = (
        moments[-1]
        if status in (S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED)
        else None
    )
    paused = moments[-1] if status == S.SUPPLEMENT_REQUESTED else None
    steps = list(version.steps.all())
    entries = []
    previous = ""
    for n, ((action, after), at) in enumerate(zip(history, moments, strict=True)):
        payload: dict[str, Any] = {}
        if action == A.RECEIVE:
            payload = {"due_at": due.isoformat() if due else None}
        elif action == A.REQUEST_SUPPLEMENT:
            payload = {"missing": ["Bản sao giấy tờ tùy thân"]}
        elif action == A.RECEIVE_SUPPLEMENT and due is not None:
            payload = {
                "previous_due_at": due.isoformat(),
                "new_due_at": due.isoformat(),
            }
        elif action == A.ISSUE_RESULT:
            payload = {"results": [f"{code}-KQ(1)"]}
        entries.append(
            {
                "MaHoSo": code,
                "NguoiXuLy": "Cán bộ một cửa" if n == 0 else "Chuyên viên",
                "ThoiDiemXuLy": format_timestamp(at),
                "NoiDungXuLy": "",
                "TrangThai": int(NATIONAL_STATUS[after]),
                "NgayBatDau": None,
                "NgayKetThucTheoQuyDinh": None,
                "STT": n + 1,
                "HanhDong": str(action),
                "TrangThaiTruoc": previous,
                "TrangThaiSau": str(after),
                "DonVi": offer.receiving if n == 0 else offer.handling,
                "TaiKhoanXuLy": None,
                "BuocXuLy": None,
                "DuLieu": payload,
            }
        )
        previous = str(after)
    if status == S.REFUSED:
        entries[-1]["NoiDungXuLy"] = "Thủ tục không thuộc thẩm quyền"
    return {
        "MaHoSo": code,
        "MaTTHC": version.procedure.code,
        "TenTTHC": version.name,
        "MaLinhVuc": version.field.code,
        "TenLinhVuc": version.field.name,
        "DonViXuLy": offer.handling,
        "ChuHoSo": f"Nguyễn Văn Thử {index + 1}",
        "LoaiDoiTuong": 1,
        "SoDienThoai": f"09{index % 100_000_000:08d}",
        "Email": "",
        "NgayNopHoSo": format_timestamp(start),
        "NgayTiepNhan": format_timestamp(received),
        "NgayHenTra": format_timestamp(due),
        "NgayKetThucXuLy": format_timestamp(finished),
        "NgayTra": format_timestamp(returned),
        "NgayTuChoi": format_timestamp(closed) if status == S.REFUSED else None,
        "TrangThaiHoSo": int(NATIONAL_STATUS[status]),
        "KenhThucHien": int(Channel.ONLINE if online else Channel.DIRECT),
        "HinhThuc": 0,
        "ThoiGianGiaiQuyet": number(version.handling_time),
        "DonViTinh": TIME_UNIT_NAMES[version.handling_time_unit],
        "TaiLieuNop": [
            {
                "TenTepDinhKem": component.name,
                "MaThanhPhanHoSo": str(component.position),
                "HinhThucNop": component.form,
                "SoLuong": component.quantity,
            }
            for component in version.components.all()
            if component.is_mandatory
        ],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": (
            [
                {
                    "TenGiayTo": version.results.all()[0].name
                    if version.results.all()
                    else version.name,
                    "MaKetQua": f"{code}-KQ(1)",
                    "SoThuTu": 1,
                    "NgayBanHanh": format_timestamp(finished),
                }
            ]
            if finished
            else []
        ),
        "PhienBanTTHC": version.number,
        "DonViTiepNhan": offer.receiving,
        "SoGiayTo": f"{66_000_000_000 + index:012d}",
        "DiaChi": "Phường Buôn Ma Thuột, tỉnh Đắk Lắk",
        "TaiKhoanChuHoSo": None,
        "TrangThaiNoiBo": str(status),
        "SoBo": 1,
        "NgayHenTraTheoQuyDinh": format_timestamp(due),
        "NgayHenTraBanDau": format_timestamp(due),
        "NgayTamDung": format_timestamp(paused),
        "NgayDongHoSo": format_timestamp(closed),
        "NgayCanhBaoSapDenHan": None,
        "NgayCanhBaoQuaHan": None,
        "SoLanBoSung": sum(1 for s in statuses if s == S.SUPPLEMENT_REQUESTED),
        "SoLanHenLai": 0,
        "ChuyenVienXuLy": None,
        "CacBuocXuLy": [
            {
                "ThuTu": position,
                "TenBuoc": step.name,
                "VaiTro": step.role,
                "DonVi": step.agency.identifier if step.agency else offer.handling,
                "LienThong": step.is_inter_agency,
                "ThoiGianBuoc": format_decimal(step.budget),
                "NgayBatDau": format_timestamp(received) if position == 1 else None,
                "NgayKetThucTheoQuyDinh": None,
                "NgayKetThuc": None,
                "TaiKhoanXuLy": None,
            }
            for position, step in enumerate(steps, start=1)
        ]
        if received
        else [],
        "QuaTrinhXuLy": entries,
    }
