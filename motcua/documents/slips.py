"""The official slips of the one-stop mechanism as PDF (TT 01/2018/TT-VPCP Mẫu 01–05, carried
over by TT 03/2025/TT-VPCP; spec 02 §5).

Each slip is an HTML template under ``templates/documents/`` rendered by WeasyPrint. The
wording is the forms' own Vietnamese, written in the templates: these are legal forms, so they
are printed in Vietnamese whatever language the person downloading them reads the site in.
Every slip carries the national heading, the issuing agency, the place and date of issue
("Buôn Ma Thuột, ngày 03 tháng 11 năm 2025", NĐ 30/2020/NĐ-CP Phụ lục I) and, at the top left
of its body, a QR code (TT 01/2023/TT-VPCP; :mod:`motcua.documents.qr`). Moments are shown in
Asia/Ho_Chi_Minh as ``HH giờ mm phút, ngày dd/mm/yyyy``.

The slips read what the services recorded and nothing else: the dossier, its papers, its
steps, and the events of the actions the slips document (the missing items of a supplement
request, the reasons of a refusal, the old and new appointment of an apology). Rendering the
same dossier twice gives the same slip, except the control slip, which is a snapshot of the
dossier's progress at the moment it is printed. Choices of library and font are in
docs/decisions/0004-slips.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.agencies.choices import AgencyKind
from motcua.agencies.models import Agency
from motcua.documents.qr import qr_png_data_uri, slip_payload
from motcua.documents.register import register_position
from motcua.dossiers import events as history
from motcua.dossiers.choices import Channel
from motcua.dossiers.deadlines import classify
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.workflow import Action
from motcua.procedures.choices import FeeChannel
from motcua.procedures.models import FeeLine
from motcua.workdays.clock import VN_TZ, local
from motcua.workdays.selectors import calendar_for


class SlipUnavailable(Exception):
    """The dossier has no such slip: it was not received, never refused, never apologised
    for. Pages answer 404."""


#: The names of the forms, as printed in their titles and carried in their QR codes.
RECEIPT = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
SUPPLEMENT_REQUEST = "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
REFUSAL = "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
APOLOGY = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
CONTROL_SLIP = "Phiếu kiểm soát quá trình giải quyết hồ sơ"

_FEE_CHANNEL = {
    Channel.DIRECT: FeeChannel.DIRECT,
    Channel.ONLINE: FeeChannel.ONLINE,
    Channel.POSTAL: FeeChannel.POSTAL,
}
_SUPPLEMENT_ACTIONS = (Action.REQUEST_INTAKE_SUPPLEMENT, Action.REQUEST_SUPPLEMENT)
#: What the control slip notes against the step during which it happened.
_NOTED_ACTIONS = (
    Action.REQUEST_SUPPLEMENT,
    Action.RECEIVE_SUPPLEMENT,
    Action.REQUEST_FINANCIAL_OBLIGATION,
    Action.CONFIRM_FINANCIAL_OBLIGATION,
    Action.SEND_BACK,
    Action.APOLOGISE,
)


# ------------------------------------------------------------------ shared parts


def _load(dossier: Dossier) -> Dossier:
    """The dossier with what every slip prints, read fresh."""
    return Dossier.objects.select_related(
        "procedure_version__procedure",
        "rules",
        "receiving_agency__parent",
        "handling_agency__parent",
    ).get(pk=dossier.pk)


def _latest_event(dossier: Dossier, actions: tuple[str, ...]) -> DossierEvent:
    event = (
        dossier.events.filter(action__in=actions)
        .select_related("actor")
        .order_by("-sequence")
        .first()
    )
    if event is None:
        raise SlipUnavailable(dossier.code)
    return event


def _issuer(agency: Agency) -> dict[str, str]:
    """The agency block of the heading: the superior body (by its short name, "UBND phường
    …") above the issuing one, as official documents write it, except for a People's
    Committee, which heads its own documents."""
    superior = ""
    if agency.parent is not None and agency.kind != AgencyKind.PEOPLES_COMMITTEE:
        superior = agency.parent.short_name or agency.parent.name
    return {
        "superior": _unbroken_locality(superior),
        "name": _unbroken_locality(agency.name),
    }


#: The words that open a locality in an agency's name ("… phường Buôn Ma Thuột").
_UNIT = re.compile(
    r"(?:^|(?<=[\s(]))(?:thành phố|thị xã|thị trấn|đặc khu|tỉnh|huyện|quận|phường|xã)(?=\s)",
    re.IGNORECASE,
)


def _unbroken_locality(name: str) -> str:
    """``name`` with its last locality ("phường Buôn Ma Thuột") held on one line, so that a
    long name breaks before it, "ỦY BAN NHÂN DÂN / PHƯỜNG BUÔN MA THUỘT", not inside it."""
    units = list(_UNIT.finditer(name))
    if not units:
        return name
    start = units[-1].start()
    return name[:start] + name[start:].replace(" ", "\u00a0")


def written_date(moment: dt.datetime) -> str:
    """ "ngày 03 tháng 11 năm 2025": the date of a document as NĐ 30/2020/NĐ-CP Phụ lục I
    writes it, in Arabic numerals, with a leading 0 for days below 10 and for the months 1
    and 2; the day is the province's (Asia/Ho_Chi_Minh)."""
    day = local(moment).date()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _place_and_date(agency: Agency, moment: dt.datetime) -> str:
    """The line under the national motto, "Buôn Ma Thuột, ngày 03 tháng 11 năm 2025": the
    place (địa danh) where the issuing agency has its seat (``Agency.place``), then the
    date. An agency with no place on record gets a dotted gap to fill in by hand."""
    return f"{agency.place or '…………'}, {written_date(moment)}"


def _quantity(amount: Decimal) -> str:
    """3.00 → "3", 0.50 → "0,5": a legal time as the catalogue writes it."""
    text = format(amount.normalize(), "f")
    return text.replace(".", ",")


def _fees(dossier: Dossier) -> list[FeeLine]:
    """The fee lines of the dossier's procedure version that apply to its channel."""
    channels = {FeeChannel.ALL, _FEE_CHANNEL[Channel(dossier.channel)]}
    return [f for f in dossier.procedure_version.fees.all() if f.channel in channels]


def _officer_name(event: DossierEvent) -> str:
    if event.actor is not None:
        return event.actor.full_name or event.actor.username
    return event.actor_name


@dataclass(frozen=True)
class SlipPage:
    """A slip ready to print: its template and what it shows. ``pdf()`` is the file;
    ``document()`` the laid-out pages, for a test to measure the layout."""

    template: str
    context: dict[str, Any]

    def html(self) -> str:
        """Rendered in Vietnamese and the province's time zone whatever the request that
        asked for it."""
        with translation.override("vi"), timezone.override(VN_TZ):
            return render_to_string(self.template, self.context)

    def document(self) -> Any:
        """WeasyPrint's ``Document``: the pages and their boxes."""
        return weasyprint.HTML(string=self.html()).render()

    def pdf(self) -> bytes:
        pdf = self.document().write_pdf()
        if not isinstance(pdf, bytes):  # write_pdf returns bytes when given no target
            raise TypeError("WeasyPrint returned no PDF.")
        return pdf


def _context(
    dossier: Dossier,
    *,
    document: str,
    issuer: Agency,
    issued_at: dt.datetime,
    appointment: dt.datetime | None = None,
) -> dict[str, Any]:
    payload = slip_payload(
        dossier=dossier, document=document, issued_at=issued_at, appointment=appointment
    )
    return {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "document": document,
        "issuer": _issuer(issuer),
        "place_and_date": _place_and_date(issuer, issued_at),
        "issued_at": issued_at,
        "qr": qr_png_data_uri(payload),
        "qr_payload": payload,
    }


# ------------------------------------------------------------------ the slips


def receipt_page(dossier: Dossier) -> SlipPage:
    """Mẫu 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả: issued by the receiving one-stop
    unit at reception, with the appointment given then (a later pause or apology does not
    rewrite the receipt the applicant holds; Mẫu 02 and 04 say what changed)."""
    dossier = _load(dossier)
    if dossier.received_at is None:
        raise SlipUnavailable(dossier.code)
    appointment = dossier.original_due_at or dossier.due_at
    # A dossier brought in from a previous system may have no reception event of its own.
    reception = (
        dossier.events.filter(action=Action.RECEIVE).select_related("actor").first()
    )
    book, number = register_position(dossier)
    context = _context(
        dossier,
        document=RECEIPT,
        issuer=dossier.receiving_agency,
        issued_at=dossier.received_at,
        appointment=appointment,
    )
    context.update(
        {
            "papers": list(dossier.components.all()),
            "fees": _fees(dossier),
            "handling_time": _quantity(dossier.procedure_version.handling_time),
            "appointment": appointment,
            "officer": _officer_name(reception) if reception else "",
            "book": book,
            "number": number,
        }
    )
    return SlipPage("documents/receipt.html", context)


def supplement_request_page(
    dossier: Dossier, *, event: DossierEvent | None = None
) -> SlipPage:
    """Mẫu 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: everything missing, listed once and
    in full, with the reasons and whom to ask. Issued by the one-stop unit before reception,
    or by the handling body during appraisal (then the time the applicant takes does not
    count towards the handling time). ``event`` defaults to the latest request."""
    dossier = _load(dossier)
    event = event or _latest_event(dossier, _SUPPLEMENT_ACTIONS)
    during_intake = event.action == Action.REQUEST_INTAKE_SUPPLEMENT
    issuer = dossier.receiving_agency if during_intake else dossier.handling_agency
    context = _context(
        dossier, document=SUPPLEMENT_REQUEST, issuer=issuer, issued_at=event.at
    )
    missing = [item for item in history.missing_papers(event) if item]
    context.update(
        {
            "event": event,
            "missing": missing,
            "during_intake": during_intake,
            "officer": _officer_name(event),
            "contact_agency": issuer,
        }
    )
    return SlipPage("documents/supplement_request.html", context)


def refusal_page(dossier: Dossier, *, event: DossierEvent | None = None) -> SlipPage:
    """Mẫu 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ, with the reasons given at refusal."""
    dossier = _load(dossier)
    event = event or _latest_event(dossier, (Action.REFUSE,))
    context = _context(
        dossier, document=REFUSAL, issuer=dossier.receiving_agency, issued_at=event.at
    )
    context.update({"event": event, "officer": _officer_name(event)})
    return SlipPage("documents/refusal.html", context)


def apology_page(dossier: Dossier, *, event: DossierEvent | None = None) -> SlipPage:
    """Mẫu 04, Phiếu xin lỗi và hẹn lại ngày trả kết quả: the original reception and
    appointment, the reason for the delay and the new appointment, signed by the head of
    the handling body (NĐ 61/2018 Điều 17)."""
    dossier = _load(dossier)
    event = event or _latest_event(dossier, (Action.APOLOGISE,))
    change = history.due_change(event)
    new_appointment = change.new if change else None
    context = _context(
        dossier,
        document=APOLOGY,
        issuer=dossier.handling_agency,
        issued_at=event.at,
        appointment=new_appointment,
    )
    context.update(
        {
            "event": event,
            "previous_appointment": change.previous if change else None,
            "new_appointment": new_appointment,
            "officer": _officer_name(event),
        }
    )
    return SlipPage("documents/apology.html", context)


@dataclass(frozen=True)
class ControlRow:
    """One line of the control slip: a step of the dossier's process."""

    step: DossierStep
    state: str | None
    notes: list[DossierEvent]


def control_slip_page(dossier: Dossier, *, at: dt.datetime | None = None) -> SlipPage:
    """Mẫu 05, Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per step of the
    dossier's process with when its agency received the dossier and handed it on, the step's
    due moment and how it ended against it (trước hạn, đúng hạn, quá hạn:
    ``deadlines.classify``). A snapshot as of ``at`` (default: now); an open step past its
    due moment shows as late already."""
    dossier = _load(dossier)
    if dossier.received_at is None:
        raise SlipUnavailable(dossier.code)
    now = at or timezone.now()
    calendar = calendar_for(dossier.handling_agency)
    steps = list(dossier.steps.select_related("agency", "actor").order_by("position"))
    events = list(dossier.events.filter(action__in=_NOTED_ACTIONS).order_by("sequence"))
    rows = []
    for step in steps:
        state = None
        if step.started_at is not None:
            judged = classify(
                due_at=step.due_at,
                finished_at=step.finished_at,
                now=now,
                calendar=calendar,
                due_soon_hours=dossier.rules.due_soon_working_hours,
                paused_at=dossier.paused_at,
                closed_at=dossier.closed_at,
            )
            state = str(judged) if judged is not None else None
        notes = [
            e
            for e in events
            if step.started_at is not None
            and step.started_at <= e.at
            and (step.finished_at is None or e.at < step.finished_at)
        ]
        rows.append(ControlRow(step=step, state=state, notes=notes))
    co_ordinating = sorted(
        {s.agency.name for s in steps if s.is_inter_agency},
    )
    context = _context(
        dossier,
        document=CONTROL_SLIP,
        issuer=dossier.receiving_agency,
        issued_at=now,
        appointment=dossier.due_at,
    )
    context.update(
        {
            "rows": rows,
            "co_ordinating": co_ordinating,
            "appointment": dossier.due_at,
        }
    )
    return SlipPage("documents/control_slip.html", context)


def render_receipt(dossier: Dossier) -> bytes:
    return receipt_page(dossier).pdf()


def render_supplement_request(
    dossier: Dossier, *, event: DossierEvent | None = None
) -> bytes:
    return supplement_request_page(dossier, event=event).pdf()


def render_refusal(dossier: Dossier, *, event: DossierEvent | None = None) -> bytes:
    return refusal_page(dossier, event=event).pdf()


def render_apology(dossier: Dossier, *, event: DossierEvent | None = None) -> bytes:
    return apology_page(dossier, event=event).pdf()


def render_control_slip(dossier: Dossier, *, at: dt.datetime | None = None) -> bytes:
    return control_slip_page(dossier, at=at).pdf()


# ------------------------------------------------------------------ the catalogue


@dataclass(frozen=True)
class SlipKind:
    """A slip a dossier may have: its form number, name, and how to render it."""

    form: str
    name: str
    render: Callable[[Dossier], bytes]


#: slug (the file name in the download URL) → slip
SLIPS: dict[str, SlipKind] = {
    "giay-tiep-nhan": SlipKind("01", RECEIPT, render_receipt),
    "phieu-yeu-cau-bo-sung": SlipKind(
        "02", SUPPLEMENT_REQUEST, render_supplement_request
    ),
    "phieu-tu-choi": SlipKind("03", REFUSAL, render_refusal),
    "phieu-xin-loi": SlipKind("04", APOLOGY, render_apology),
    "phieu-kiem-soat": SlipKind("05", CONTROL_SLIP, render_control_slip),
}


def slips_of(
    dossier: Dossier, *, actions: Iterable[str] | None = None
) -> list[tuple[str, SlipKind]]:
    """The slips ``dossier`` has, as (slug, slip), in form order: for a page to link to.
    ``actions``: those of the dossier's events, when the caller has read them (a dossier's
    page has), else read here."""
    actions = set(
        dossier.events.values_list("action", flat=True) if actions is None else actions
    )
    has = {
        "giay-tiep-nhan": dossier.received_at is not None,
        "phieu-yeu-cau-bo-sung": bool(actions & set(_SUPPLEMENT_ACTIONS)),
        "phieu-tu-choi": Action.REFUSE in actions,
        "phieu-xin-loi": Action.APOLOGISE in actions,
        "phieu-kiem-soat": dossier.received_at is not None,
    }
    return [(slug, kind) for slug, kind in SLIPS.items() if has[slug]]
