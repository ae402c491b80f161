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
    DossierKey,
    EntryKey,
    PaperKey,
    ResultKey,
    StepKey,
    format_decimal,
    format_timestamp,
    number,
)
from motcua.dossiers.interchange.payloads import (
    due_change_payload,
    issue_result_payload,
    receive_payload,
    request_supplement_payload,
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
            payload = receive_payload(due)
        elif action == A.REQUEST_SUPPLEMENT:
            payload = request_supplement_payload(["Bản sao giấy tờ tùy thân"])
        elif action == A.RECEIVE_SUPPLEMENT and due is not None:
            payload = due_change_payload(due, due)
        elif action == A.ISSUE_RESULT:
            payload = issue_result_payload([f"{code}-KQ(1)"])
        entries.append(
            {
                EntryKey.MaHoSo: code,
                EntryKey.NguoiXuLy: "Cán bộ một cửa" if n == 0 else "Chuyên viên",
                EntryKey.ThoiDiemXuLy: format_timestamp(at),
                EntryKey.NoiDungXuLy: "",
                EntryKey.TrangThai: int(NATIONAL_STATUS[after]),
                EntryKey.NgayBatDau: None,
                EntryKey.NgayKetThucTheoQuyDinh: None,
                EntryKey.STT: n + 1,
                EntryKey.HanhDong: str(action),
                EntryKey.TrangThaiTruoc: previous,
                EntryKey.TrangThaiSau: str(after),
                EntryKey.DonVi: offer.receiving if n == 0 else offer.handling,
                EntryKey.TaiKhoanXuLy: None,
                EntryKey.BuocXuLy: None,
                EntryKey.DuLieu: payload,
            }
        )
        previous = str(after)
    if status == S.REFUSED:
        entries[-1][EntryKey.NoiDungXuLy] = "Thủ tục không thuộc thẩm quyền"
    return {
        DossierKey.MaHoSo: code,
        DossierKey.MaTTHC: version.procedure.code,
        DossierKey.TenTTHC: version.name,
        DossierKey.MaLinhVuc: version.field.code,
        DossierKey.TenLinhVuc: version.field.name,
        DossierKey.DonViXuLy: offer.handling,
        DossierKey.ChuHoSo: f"Nguyễn Văn Thử {index + 1}",
        DossierKey.LoaiDoiTuong: 1,
        DossierKey.SoDienThoai: f"09{index % 100_000_000:08d}",
        DossierKey.Email: "",
        DossierKey.NgayNopHoSo: format_timestamp(start),
        DossierKey.NgayTiepNhan: format_timestamp(received),
        DossierKey.NgayHenTra: format_timestamp(due),
        DossierKey.NgayKetThucXuLy: format_timestamp(finished),
        DossierKey.NgayTra: format_timestamp(returned),
        DossierKey.NgayTuChoi: format_timestamp(closed)
        if status == S.REFUSED
        else None,
        DossierKey.TrangThaiHoSo: int(NATIONAL_STATUS[status]),
        DossierKey.KenhThucHien: int(Channel.ONLINE if online else Channel.DIRECT),
        DossierKey.HinhThuc: 0,
        DossierKey.ThoiGianGiaiQuyet: number(version.handling_time),
        DossierKey.DonViTinh: TIME_UNIT_NAMES[version.handling_time_unit],
        DossierKey.TaiLieuNop: [
            {
                PaperKey.TenTepDinhKem: component.name,
                PaperKey.MaThanhPhanHoSo: str(component.position),
                PaperKey.HinhThucNop: component.form,
                PaperKey.SoLuong: component.quantity,
            }
            for component in version.components.all()
            if component.is_mandatory
        ],
        DossierKey.DanhSachHoSoBoSung: [],
        DossierKey.DanhSachGiayToKetQua: (
            [
                {
                    ResultKey.TenGiayTo: version.results.all()[0].name
                    if version.results.all()
                    else version.name,
                    ResultKey.MaKetQua: f"{code}-KQ(1)",
                    ResultKey.SoThuTu: 1,
                    ResultKey.NgayBanHanh: format_timestamp(finished),
                }
            ]
            if finished
            else []
        ),
        DossierKey.PhienBanTTHC: version.number,
        DossierKey.DonViTiepNhan: offer.receiving,
        DossierKey.SoGiayTo: f"{66_000_000_000 + index:012d}",
        DossierKey.DiaChi: "Phường Buôn Ma Thuột, tỉnh Đắk Lắk",
        DossierKey.TaiKhoanChuHoSo: None,
        DossierKey.TrangThaiNoiBo: str(status),
        DossierKey.SoBo: 1,
        DossierKey.NgayHenTraTheoQuyDinh: format_timestamp(due),
        DossierKey.NgayHenTraBanDau: format_timestamp(due),
        DossierKey.NgayTamDung: format_timestamp(paused),
        DossierKey.NgayDongHoSo: format_timestamp(closed),
        DossierKey.NgayCanhBaoSapDenHan: None,
        DossierKey.NgayCanhBaoQuaHan: None,
        DossierKey.SoLanBoSung: sum(1 for s in statuses if s == S.SUPPLEMENT_REQUESTED),
        DossierKey.SoLanHenLai: 0,
        DossierKey.ChuyenVienXuLy: None,
        DossierKey.CacBuocXuLy: [
            {
                StepKey.ThuTu: position,
                StepKey.TenBuoc: step.name,
                StepKey.VaiTro: step.role,
                StepKey.DonVi: step.agency.identifier
                if step.agency
                else offer.handling,
                StepKey.LienThong: step.is_inter_agency,
                StepKey.ThoiGianBuoc: format_decimal(step.budget),
                StepKey.NgayBatDau: format_timestamp(received)
                if position == 1
                else None,
                StepKey.NgayKetThucTheoQuyDinh: None,
                StepKey.NgayKetThuc: None,
                StepKey.TaiKhoanXuLy: None,
            }
            for position, step in enumerate(steps, start=1)
        ]
        if received
        else [],
        DossierKey.QuaTrinhXuLy: entries,
    }
