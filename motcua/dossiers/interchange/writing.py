"""Writing dossiers as the interchange JSON array (docs/interchange.md).

The array is streamed: dossiers are read in chunks (``iterator(chunk_size=...)``) with
their components, results, steps and events prefetched per chunk, so memory stays flat
and the number of queries grows with the number of chunks, never with rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from django.db.models import Prefetch, Q, QuerySet

from motcua.dossiers.interchange.format import (
    COLLECTED_AT_COUNTER,
    COLLECTED_ONLINE,
    FEE_KIND_CODES,
    ONLINE_PAYMENT_CODES,
    RETURN_METHOD_CODES,
    TIME_UNIT_NAMES,
    DossierKey,
    EntryKey,
    FeeKey,
    PaperKey,
    ResultKey,
    StepKey,
    SupplementKey,
    format_decimal,
    format_timestamp,
    number,
    timestamp_of_iso,
)
from motcua.dossiers.interchange.payloads import payload_due_change, payload_missing
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierResult,
    DossierStep,
)
from motcua.dossiers.workflow import NATIONAL_STATUS, DossierStatus
from motcua.payments.choices import PaymentMethod
from motcua.payments.models import DossierFee
from motcua.workdays.clock import VN_TZ

#: Dossiers read per round trip to the database.
CHUNK_SIZE = 500


def dossiers_for_export(
    *,
    agency: str | None = None,
    submitted_from: dt.date | None = None,
    submitted_to: dt.date | None = None,
) -> QuerySet[Dossier]:
    """The dossiers to export, in code order, with everything a record reads prefetched.

    ``agency`` keeps the dossiers it received or handles; the dates bound the submission
    day (``NgayNopHoSo``, the one moment every dossier has) in Asia/Ho_Chi_Minh, both
    included.
    """
    dossiers = Dossier.objects.select_related(
        "procedure_version__procedure",
        "procedure_version__field",
        "receiving_agency",
        "handling_agency",
        "applicant",
        "assignee",
    ).prefetch_related(
        Prefetch(
            "components",
            queryset=DossierComponent.objects.select_related("required").order_by("pk"),
        ),
        Prefetch("results", queryset=DossierResult.objects.order_by("number")),
        Prefetch("fees", queryset=DossierFee.objects.order_by("position")),
        Prefetch(
            "steps",
            queryset=DossierStep.objects.select_related("agency", "actor").order_by(
                "position"
            ),
        ),
        Prefetch(
            "events",
            queryset=DossierEvent.objects.select_related(
                "agency", "actor", "step"
            ).order_by("sequence"),
        ),
    )
    if agency:
        dossiers = dossiers.filter(
            Q(receiving_agency__identifier=agency)
            | Q(handling_agency__identifier=agency)
        )
    if submitted_from is not None:
        dossiers = dossiers.filter(
            submitted_at__gte=dt.datetime.combine(submitted_from, dt.time(), VN_TZ)
        )
    if submitted_to is not None:
        dossiers = dossiers.filter(
            submitted_at__lt=dt.datetime.combine(
                submitted_to + dt.timedelta(days=1), dt.time(), VN_TZ
            )
        )
    return dossiers.order_by("code")


def _username(user: Any) -> str | None:
    return user.username if user is not None else None


def _components(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            PaperKey.TenTepDinhKem: component.name,
            PaperKey.MaThanhPhanHoSo: (
                str(component.required.position)
                if component.required is not None
                else None
            ),
            # motcua keeps no file path of its own yet; the moment says it was scanned
            PaperKey.DuongDanTaiTepTin: None,
            PaperKey.DuocSoHoa: int(component.reused),
            PaperKey.DuocLayTuKhoDMQG: int(component.from_data_store),
            PaperKey.MaCSDL: component.source_database,
            PaperKey.HinhThucNop: component.form,
            PaperKey.SoLuong: component.quantity,
            PaperKey.NgaySoHoa: format_timestamp(component.digitised_at),
        }
        for component in dossier.components.all()
    ]


def _fees(fees: list[DossierFee]) -> list[dict[str, Any]]:
    collected: dict[str, int] = {
        PaymentMethod.COUNTER: COLLECTED_AT_COUNTER,
        PaymentMethod.ONLINE_NATIONAL: COLLECTED_ONLINE,
        PaymentMethod.ONLINE_PROVINCIAL: COLLECTED_ONLINE,
    }
    return [
        {
            FeeKey.TenPhiLePhi: fee.name,
            FeeKey.MaPhiLePhi: fee.code,
            FeeKey.Gia: fee.amount,
            FeeKey.LoaiPhiLePhi: FEE_KIND_CODES[fee.kind],
            FeeKey.HinhThucThu: collected.get(fee.payment),
            FeeKey.HinhThucThanhToan: fee.payment,
            FeeKey.NgayThanhToan: format_timestamp(fee.paid_at),
        }
        for fee in fees
    ]


def _paid_online(fees: list[DossierFee]) -> int:
    """``DuocThanhToanTrucTuyen``: 1 if a line was paid on the national platform, else 2
    if one was paid through the provincial gateway, else 0."""
    methods = {fee.payment for fee in fees}
    for method, code in ONLINE_PAYMENT_CODES.items():
        if method in methods:
            return code
    return 0


def _supplements(dossier: Dossier, events: list[DossierEvent]) -> list[dict[str, Any]]:
    """The supplement rounds of appraisal, read from the history: a round opens when the
    dossier enters "supplement requested" and closes with the next event that takes it out
    (spec 08 §3 ``DanhSachHoSoBoSung``). The appointments before and after are those the
    closing event recorded; an open round's "before" is the current appointment."""
    rounds: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    waiting = DossierStatus.SUPPLEMENT_REQUESTED
    for event in events:
        if current is None:
            if event.to_status == waiting and event.from_status != waiting:
                missing = payload_missing(event)
                content = "; ".join(missing) if missing else event.note
                current = {
                    SupplementKey.HoSoBoSungId: len(rounds) + 1,
                    SupplementKey.NguoiYeuCauBoSung: event.actor_name,
                    SupplementKey.NoiDungBoSung: content,
                    SupplementKey.NgayBoSung: format_timestamp(event.at),
                    SupplementKey.NguoiTiepNhanBoSung: None,
                    SupplementKey.NgayTiepNhanBoSung: None,
                    SupplementKey.NgayHenTraTruoc: format_timestamp(dossier.due_at),
                    SupplementKey.NgayHenTraMoi: None,
                }
                rounds.append(current)
        elif event.to_status != waiting:
            before, after = payload_due_change(event)
            current[SupplementKey.NguoiTiepNhanBoSung] = event.actor_name
            current[SupplementKey.NgayTiepNhanBoSung] = format_timestamp(event.at)
            current[SupplementKey.NgayHenTraTruoc] = timestamp_of_iso(before)
            current[SupplementKey.NgayHenTraMoi] = timestamp_of_iso(after)
            current = None
    return rounds


def _results(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            ResultKey.TenGiayTo: result.name,
            ResultKey.MaKetQua: result.code,
            ResultKey.DuongDanTepTinKetQua: result.file_url or None,
            ResultKey.SoThuTu: result.number,
            ResultKey.NgayBanHanh: format_timestamp(result.issued_at),
            ResultKey.KetQuaDienTu: result.electronic,
            ResultKey.DaGuiKhoDuLieu: result.sent_to_data_store,
        }
        for result in dossier.results.all()
    ]


def _steps(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            StepKey.ThuTu: step.position,
            StepKey.TenBuoc: step.name,
            StepKey.VaiTro: step.role,
            StepKey.DonVi: step.agency.identifier,
            StepKey.LienThong: step.is_inter_agency,
            StepKey.ThoiGianBuoc: format_decimal(step.budget),
            StepKey.NgayBatDau: format_timestamp(step.started_at),
            StepKey.NgayKetThucTheoQuyDinh: format_timestamp(step.due_at),
            StepKey.NgayKetThuc: format_timestamp(step.finished_at),
            StepKey.TaiKhoanXuLy: _username(step.actor),
        }
        for step in dossier.steps.all()
    ]


def _entries(dossier: Dossier, events: list[DossierEvent]) -> list[dict[str, Any]]:
    return [
        {
            EntryKey.MaHoSo: dossier.code,
            EntryKey.NguoiXuLy: event.actor_name,
            EntryKey.ThoiDiemXuLy: format_timestamp(event.at),
            EntryKey.NoiDungXuLy: event.note,
            EntryKey.TrangThai: event.national_status,
            EntryKey.NgayBatDau: format_timestamp(event.step.started_at)
            if event.step
            else None,
            EntryKey.NgayKetThucTheoQuyDinh: format_timestamp(event.step.due_at)
            if event.step
            else None,
            EntryKey.STT: event.sequence,
            EntryKey.HanhDong: event.action,
            EntryKey.TrangThaiTruoc: event.from_status,
            EntryKey.TrangThaiSau: event.to_status,
            EntryKey.DonVi: event.agency.identifier if event.agency else None,
            EntryKey.TaiKhoanXuLy: _username(event.actor),
            EntryKey.BuocXuLy: event.step.position if event.step else None,
            EntryKey.DuLieu: event.payload,
        }
        for event in events
    ]


def dossier_record(dossier: Dossier) -> dict[str, Any]:
    """One dossier as an interchange record: the ``DongBoHoSoMC`` fields first, then the
    motcua extensions (docs/interchange.md lists which is which)."""
    version = dossier.procedure_version
    events = list(dossier.events.all())
    fees = list(dossier.fees.all())
    return {
        DossierKey.MaHoSo: dossier.code,
        DossierKey.MaTTHC: version.procedure.code,
        DossierKey.TenTTHC: version.name,
        DossierKey.MaLinhVuc: version.field.code,
        DossierKey.TenLinhVuc: version.field.name,
        DossierKey.DonViXuLy: dossier.handling_agency.identifier,
        DossierKey.ChuHoSo: dossier.applicant_name,
        DossierKey.LoaiDoiTuong: dossier.applicant_kind,
        DossierKey.SoDienThoai: dossier.applicant_phone,
        DossierKey.Email: dossier.applicant_email,
        DossierKey.NgayNopHoSo: format_timestamp(dossier.submitted_at),
        DossierKey.NgayTiepNhan: format_timestamp(dossier.received_at),
        DossierKey.NgayHenTra: format_timestamp(dossier.due_at),
        DossierKey.NgayKetThucXuLy: format_timestamp(dossier.finished_at),
        DossierKey.NgayTra: format_timestamp(dossier.returned_at),
        DossierKey.NgayTuChoi: (
            format_timestamp(dossier.closed_at)
            if dossier.status == DossierStatus.REFUSED
            else None
        ),
        DossierKey.TrangThaiHoSo: int(NATIONAL_STATUS[dossier.status]),
        DossierKey.KenhThucHien: dossier.channel,
        DossierKey.HinhThuc: RETURN_METHOD_CODES[dossier.return_method],
        DossierKey.ThoiGianGiaiQuyet: number(version.handling_time),
        DossierKey.DonViTinh: TIME_UNIT_NAMES[version.handling_time_unit],
        DossierKey.TaiLieuNop: _components(dossier),
        DossierKey.DanhSachHoSoBoSung: _supplements(dossier, events),
        DossierKey.DanhSachGiayToKetQua: _results(dossier),
        DossierKey.HoSoCoThanhPhanSoHoa: int(dossier.reuses_digitised_data),
        DossierKey.TaiKhoanDuocXacThucVoiVNeID: int(dossier.applicant_vneid_verified),
        DossierKey.DuocThanhToanTrucTuyen: _paid_online(fees),
        DossierKey.DanhSachLePhi: _fees(fees),
        # motcua extensions
        DossierKey.PhienBanTTHC: version.number,
        DossierKey.DonViTiepNhan: dossier.receiving_agency.identifier,
        DossierKey.SoGiayTo: dossier.applicant_id_number,
        DossierKey.DiaChi: dossier.applicant_address,
        DossierKey.TaiKhoanChuHoSo: _username(dossier.applicant),
        DossierKey.TrangThaiNoiBo: dossier.status,
        DossierKey.SoBo: dossier.sets,
        DossierKey.NgayHenTraTheoQuyDinh: format_timestamp(dossier.legal_due_at),
        DossierKey.NgayHenTraBanDau: format_timestamp(dossier.original_due_at),
        DossierKey.NgayTamDung: format_timestamp(dossier.paused_at),
        DossierKey.NgayDongHoSo: format_timestamp(dossier.closed_at),
        DossierKey.NgayCanhBaoSapDenHan: format_timestamp(dossier.due_soon_flagged_at),
        DossierKey.NgayCanhBaoQuaHan: format_timestamp(dossier.overdue_flagged_at),
        DossierKey.SoLanBoSung: dossier.supplement_rounds,
        DossierKey.SoLanHenLai: dossier.reschedules,
        DossierKey.ChuyenVienXuLy: _username(dossier.assignee),
        DossierKey.CacBuocXuLy: _steps(dossier),
        DossierKey.QuaTrinhXuLy: _entries(dossier, events),
        DossierKey.NgayDongBo: format_timestamp(dossier.synced_at),
    }


def iter_records(dossiers: QuerySet[Dossier]) -> Iterator[dict[str, Any]]:
    """The records of ``dossiers``, read chunk by chunk."""
    for dossier in dossiers.iterator(chunk_size=CHUNK_SIZE):
        yield dossier_record(dossier)


def write_records(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write ``records`` to ``out`` as one JSON array, a record at a time; the text is
    exactly ``json.dumps(list(records), ensure_ascii=False, indent=2)`` and a newline.
    Returns how many were written."""
    count = 0
    for record in records:
        out.write("[\n" if count == 0 else ",\n")
        text = json.dumps(record, ensure_ascii=False, indent=2)
        out.write("\n".join("  " + line for line in text.split("\n")))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def write_dossiers(dossiers: QuerySet[Dossier], out: TextIO) -> int:
    """Stream ``dossiers`` to ``out`` as the interchange array."""
    return write_records(iter_records(dossiers), out)
