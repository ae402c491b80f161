"""The dossier register (Sổ theo dõi hồ sơ, TT 01/2018/TT-VPCP Mẫu 06; spec 02 §5) as .xlsx.

The register is the receiving one-stop unit's book: every dossier it received, in the order
received, one book a year. The number a dossier has in it is printed on its receipt ("Vào sổ
theo dõi hồ sơ, Quyển số…, Số thứ tự…"), so ``register_position`` and ``write_register``
count the same way: dossiers received by the agency in the same calendar year (Asia/Ho_Chi_
Minh), ordered by reception moment, then by id.

The sheet's wording is the form's Vietnamese; moments are real Excel dates shown dd/mm/yyyy
and, where the hour matters (reception, appointment, hand-overs), hh:mm beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.db.models import Prefetch, Q, QuerySet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.agencies.models import Agency
from motcua.dossiers import events as history
from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.deadlines import classify
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.workflow import Action, DossierStatus
from motcua.workdays.clock import VN_TZ, WorkCalendar, local
from motcua.workdays.selectors import calendar_for

DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"

#: (header, width, number format of the moments it holds) of each column, in the form's order.
COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("STT", 7, None),
    ("Mã hồ sơ", 27, None),
    ("Tên thủ tục hành chính", 40, None),
    ("Tên tổ chức, cá nhân", 24, None),
    ("Địa chỉ, số điện thoại", 32, None),
    ("Số lượng hồ sơ (bộ)", 10, None),
    ("Cơ quan giải quyết", 30, None),
    ("Ngày, giờ nhận hồ sơ", 17, MOMENT_FORMAT),
    ("Ngày, giờ hẹn trả kết quả", 17, MOMENT_FORMAT),
    ("Ngày, giờ chuyển hồ sơ đến cơ quan giải quyết", 17, MOMENT_FORMAT),
    ("Ngày có kết quả giải quyết", 14, DATE_FORMAT),
    ("Ngày trả kết quả", 14, DATE_FORMAT),
    ("Người nhận kết quả", 22, None),
    ("Ghi chú", 40, None),
)

_RESULT_TIMELINESS = {
    DeadlineState.EARLY: "Có kết quả trước hạn",
    DeadlineState.ON_TIME: "Có kết quả đúng hạn",
    DeadlineState.LATE: "Có kết quả quá hạn",
}
_CLOSED_WITHOUT_RESULT = {
    DossierStatus.WITHDRAWN: "Công dân rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
}
_REGISTER_ACTIONS = (Action.TRANSFER, Action.RETURN_RESULT, Action.APOLOGISE)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=VN_TZ)


def _received_by(agency_id: int) -> QuerySet[Dossier]:
    return Dossier.objects.filter(
        receiving_agency_id=agency_id, received_at__isnull=False
    )


def register_position(dossier: Dossier) -> tuple[int, int]:
    """(book, number) of a received dossier in its receiving agency's register: the book is
    the year of reception, the number its place among that year's receptions."""
    if dossier.received_at is None:
        raise ValueError(
            "A dossier that was not received has no place in the register."
        )
    received = dossier.received_at
    year = local(received).year
    number = (
        _received_by(dossier.receiving_agency_id)
        .filter(
            received_at__gte=_start_of(dt.date(year, 1, 1)),
            received_at__lte=received,
        )
        .filter(Q(received_at__lt=received) | Q(pk__lte=dossier.pk))
        .count()
    )
    return year, number


def register_dossiers(
    agency: Agency, start: dt.date, end: dt.date
) -> QuerySet[Dossier]:
    """The dossiers ``agency`` received from ``start`` to ``end`` (both included), in
    register order, with everything a row shows loaded in a fixed number of queries."""
    return (
        _received_by(agency.pk)
        .filter(
            received_at__gte=_start_of(start),
            received_at__lt=_start_of(end + dt.timedelta(days=1)),
        )
        .select_related("procedure_version", "handling_agency", "rules")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.filter(
                    action__in=_REGISTER_ACTIONS
                ).order_by("sequence"),
                to_attr="register_events",
            )
        )
        .order_by("received_at", "pk")
    )


def _book_offsets(agency: Agency, start: dt.date, end: dt.date) -> dict[int, int]:
    """For each year of the range, how many dossiers of that year's book come before
    ``start``: the register's numbers continue the book, not restart with the export."""
    offsets = {}
    for year in range(start.year, end.year + 1):
        first = max(start, dt.date(year, 1, 1))
        offsets[year] = (
            _received_by(agency.pk)
            .filter(
                received_at__gte=_start_of(dt.date(year, 1, 1)),
                received_at__lt=_start_of(first),
            )
            .count()
        )
    return offsets


def _excel(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: write the province's wall-clock time."""
    return None if moment is None else local(moment).replace(tzinfo=None)


def _first(events: Iterable[DossierEvent], action: str) -> DossierEvent | None:
    return next((e for e in events if e.action == action), None)


def _notes(dossier: Dossier, events: list[DossierEvent], calendar: WorkCalendar) -> str:
    notes = []
    if dossier.supplement_rounds:
        notes.append(f"Yêu cầu bổ sung hồ sơ {dossier.supplement_rounds} lần")
    for event in events:
        if event.action != Action.APOLOGISE:
            continue
        change = history.due_change(event)
        if change is not None and change.previous and change.new:
            notes.append(
                "Xin lỗi, hẹn lại ngày trả kết quả từ "
                f"{local(change.previous):%H:%M %d/%m/%Y} sang "
                f"{local(change.new):%H:%M %d/%m/%Y}"
            )
    if dossier.status in _CLOSED_WITHOUT_RESULT:
        notes.append(_CLOSED_WITHOUT_RESULT[DossierStatus(dossier.status)])
    if dossier.finished_at is not None:
        state = classify(
            due_at=dossier.due_at,
            finished_at=dossier.finished_at,
            now=dossier.finished_at,
            calendar=calendar,
            due_soon_hours=dossier.rules.due_soon_working_hours,
        )
        if state in _RESULT_TIMELINESS:
            notes.append(_RESULT_TIMELINESS[state])
    return "; ".join(notes)


def _row(number: int, dossier: Dossier, calendar: WorkCalendar) -> list[Any]:
    events: list[DossierEvent] = getattr(dossier, "register_events", [])
    transfer = _first(events, Action.TRANSFER)
    returned = _first(events, Action.RETURN_RESULT)
    contact = ", ".join(
        part for part in (dossier.applicant_address, dossier.applicant_phone) if part
    )
    return [
        number,
        dossier.code,
        dossier.procedure_version.name,
        dossier.applicant_name,
        contact,
        dossier.sets,
        dossier.handling_agency.name,
        _excel(dossier.received_at),
        _excel(dossier.due_at),
        _excel(transfer.at if transfer else None),
        _excel(dossier.finished_at),
        _excel(dossier.returned_at),
        history.result_receiver(returned) if returned else "",
        _notes(dossier, events, calendar),
    ]


_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def write_register(
    agency: Agency, start: dt.date, end: dt.date, stream: IO[bytes]
) -> int:
    """Write the register of ``agency`` for ``start``–``end`` (reception dates, both
    included) to ``stream`` as an .xlsx workbook; return the number of dossiers."""
    if end < start:
        raise ValueError("The register's period ends before it starts.")
    offsets = _book_offsets(agency, start, end)
    calendar = calendar_for(agency)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Sổ theo dõi hồ sơ"
    width = len(COLUMNS)
    last = get_column_letter(width)
    for row, text, font in (
        (1, agency.name.upper(), Font(bold=True, size=12)),
        (2, "SỔ THEO DÕI HỒ SƠ", Font(bold=True, size=14)),
        (3, f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}", Font(italic=True)),
    ):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
    header_row = 5
    for column, (title, column_width, _format) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
        cell.border = _BOX
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    sheet.freeze_panes = f"C{header_row + 1}"  # headers and the code stay in view

    counts = dict.fromkeys(offsets, 0)
    written = 0
    for dossier in register_dossiers(agency, start, end):
        assert dossier.received_at is not None  # noqa: S101 - filtered by the query
        year = local(dossier.received_at).year
        counts[year] += 1
        written += 1
        values = _row(offsets[year] + counts[year], dossier, calendar)
        row = header_row + written
        for column, (value, (_title, _width, number_format)) in enumerate(
            zip(values, COLUMNS, strict=True), start=1
        ):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = _BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if number_format is not None:
                cell.number_format = number_format
    book.save(stream)
    return written
