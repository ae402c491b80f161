"""Intake: a dossier reaches the province at the counter, by post or online, and is received,
returned for completion, refused, or settled on the spot (spec 02 §2–4; NĐ 61/2018 Điều 15;
NĐ 45/2020 Điều 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.dossiers import events, limits
from motcua.dossiers.choices import ApplicantKind, Channel, ReturnMethod
from motcua.dossiers.deadlines import due_after, paper_transfer_due
from motcua.dossiers.errors import ErrorCode, InvalidInput
from motcua.dossiers.limits import check_text, check_texts
from motcua.dossiers.models import Dossier, DossierComponent, DossierStep
from motcua.dossiers.permissions import Actor
from motcua.dossiers.selectors import rules_on
from motcua.dossiers.services.shared import (
    begin,
    calendar_of,
    check_actor,
    dossier_change,
    finish,
    next_code,
    now_or,
    step_due,
    write_event,
)
from motcua.dossiers.workflow import CLOSED_STATUSES, Action, DossierStatus
from motcua.payments.services import Fee, check_fees, default_fees, record_fees
from motcua.procedures.models import ProcedureVersion
from motcua.workdays.clock import WorkCalendar, local


@dataclass(frozen=True)
class Applicant:
    """Who asks (``ChuHoSo`` of the national payload, spec 08 §3)."""

    name: str
    kind: ApplicantKind = ApplicantKind.CITIZEN
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    account: User | None = None
    #: identified through the national identity system (``TaiKhoanDuocXacThucVoiVNeID``,
    #: 766 4.5a/4.5b; spec 08 §3, §6)
    vneid_verified: bool = False


@dataclass(frozen=True)
class Paper:
    """A paper handed in; ``required_id`` names the catalogue component it answers.

    Where its data came from, as the 766 digitisation indicators read it (spec 01 §3
    group 4, spec 08 §3 ``TaiLieuNop[]``): ``reused`` from an earlier dossier's digitised
    papers (``DuocSoHoa``, 4.3), ``from_data_store`` from the citizen's data store on the
    national portal (``DuocLayTuKhoDMQG``, 4.4), ``source_database`` the national database
    it was read from (``MaCSDL``, e.g. the population database, 4.5)."""

    name: str
    form: str
    quantity: int = 1
    required_id: int | None = None
    reused: bool = False
    from_data_store: bool = False
    source_database: str = ""


@dataclass(frozen=True)
class Intake:
    """Everything recorded when a dossier reaches the province."""

    procedure_version: ProcedureVersion
    receiving_agency: Agency
    handling_agency: Agency
    channel: Channel
    applicant: Applicant
    papers: Sequence[Paper] = field(default_factory=tuple)
    return_method: ReturnMethod = ReturnMethod.COUNTER
    sets: int = 1
    #: the fee lines owed (``DanhSachLePhi[]``) and how each was paid; ``None``: those
    #: of the catalogue (``payments.services.default_fees``), ``()``: none
    fees: Sequence[Fee] | None = None


def missing_components(version: ProcedureVersion, papers: Sequence[Paper]) -> list[str]:
    """The mandatory components of ``version`` that ``papers`` do not answer (checked against
    the published list: a dossier may not be asked for papers outside it, NĐ 61/2018 Điều 5).
    Reads ``version.components`` as prefetched, if it was."""
    given = {paper.required_id for paper in papers if paper.required_id is not None}
    return [
        c.name
        for c in sorted(version.components.all(), key=lambda c: c.position)
        if c.is_mandatory and c.pk not in given
    ]


def _check_complete(version: ProcedureVersion, papers: Sequence[Paper]) -> None:
    missing = missing_components(version, papers)
    if missing:
        raise InvalidInput(
            ErrorCode.DOSSIER_INCOMPLETE,
            _("The dossier lacks: %(missing)s.") % {"missing": "; ".join(missing)},
            details={"missing": missing},
        )


def _check_missing_listed(missing: Sequence[str]) -> None:
    check_texts(
        missing,
        field="missing",
        max_items=limits.MAX_MISSING_ITEMS,
        max_length=limits.MISSING_ITEM_MAX_LENGTH,
    )
    if not [item for item in missing if item.strip()]:
        raise InvalidInput(
            ErrorCode.MISSING_REQUIRED,
            _("List what the applicant must add."),
            details={"field": "missing"},
        )


def _check_reasons(reasons: str, message: str, field_name: str = "reasons") -> None:
    check_text(reasons, field=field_name, max_length=limits.REASONS_MAX_LENGTH)
    if not reasons.strip():
        raise InvalidInput(
            ErrorCode.REASONS_REQUIRED, message, details={"field": field_name}
        )


def _check_papers(papers: Sequence[Paper]) -> None:
    check_texts(
        [paper.name for paper in papers],
        field="papers",
        max_items=limits.MAX_PAPERS,
        max_length=limits.PAPER_NAME_MAX_LENGTH,
    )
    for index, paper in enumerate(papers):
        check_text(
            paper.source_database,
            field=f"papers[{index}].source_database",
            max_length=limits.SOURCE_DATABASE_MAX_LENGTH,
        )


def _validate_intake(intake: Intake, at: dt.datetime) -> None:
    """The bounds of every free text (``limits``), and what the law requires of an
    intake: a procedure version and agencies in force that day, an applicant, papers of
    that procedure."""
    applicant = intake.applicant
    check_text(
        applicant.name, field="applicant.name", max_length=limits.NAME_MAX_LENGTH
    )
    check_text(
        applicant.address,
        field="applicant.address",
        max_length=limits.ADDRESS_MAX_LENGTH,
    )
    _check_papers(intake.papers)
    version = intake.procedure_version
    day = local(at).date()
    if not version.is_in_force_on(day):
        raise InvalidInput(
            ErrorCode.PROCEDURE_NOT_IN_FORCE,
            _("Procedure %(code)s v%(number)s is not in force on %(day)s.")
            % {
                "code": version.procedure.code,
                "number": version.number,
                "day": f"{local(at):%d/%m/%Y}",
            },
        )
    for agency, name in (
        (intake.receiving_agency, "receiving_agency"),
        (intake.handling_agency, "handling_agency"),
    ):
        if not agency.is_active_on(day):
            raise InvalidInput(
                ErrorCode.AGENCY_NOT_ACTIVE,
                _("%(agency)s does not exist on %(day)s.")
                % {"agency": agency, "day": f"{local(at):%d/%m/%Y}"},
                details={"field": name},
            )
    if not intake.applicant.name.strip():
        raise InvalidInput(
            ErrorCode.APPLICANT_REQUIRED,
            _("The applicant's name is required."),
            details={"field": "applicant"},
        )
    known = {component.pk for component in version.components.all()}
    for index, paper in enumerate(intake.papers):
        if paper.required_id is not None and paper.required_id not in known:
            raise InvalidInput(
                ErrorCode.UNKNOWN_COMPONENT,
                _("Paper %(index)s does not belong to this procedure.")
                % {"index": index + 1},
                details={"field": f"papers[{index}]"},
            )


def _legal_due(
    version: ProcedureVersion, at: dt.datetime, calendar: WorkCalendar
) -> dt.datetime:
    """The legal due moment of a dossier received at ``at``: the handling time of its
    version counted from the next working moment (spec 06 §3 rule 3); for a same-day
    procedure the end of that working day, or of the next after the cut-off (its own
    unit, ``TimeUnit.SAME_DAY``; ``deadlines.due_after``)."""
    return due_after(
        calendar.next_working_moment(at),
        version.handling_time,
        version.handling_time_unit,
        calendar,
    )


def _start_clock(dossier: Dossier, *, at: dt.datetime) -> list[DossierStep]:
    """Reception: the legal clock starts (spec 02 §7); the appointment is the legal due
    moment of the procedure version under the handling agency's calendar. Returns the
    dossier's process steps, not saved yet: a copy of its version's process whose first
    step starts at the moment of reception. For a paper dossier the first (reception)
    step ends by the transfer deadline of the cut-off rule rather than by its budget
    (NĐ 61/2018 Điều 16)."""
    calendar = calendar_of(dossier)
    version = dossier.procedure_version
    dossier.received_at = at
    dossier.legal_due_at = _legal_due(version, at, calendar)
    dossier.due_at = dossier.legal_due_at
    dossier.original_due_at = dossier.legal_due_at
    template = sorted(version.steps.all(), key=lambda s: s.position)
    steps = [
        DossierStep(
            dossier=dossier,
            position=index,
            name=step.name,
            role=step.role,
            agency_id=step.agency_id or dossier.handling_agency_id,
            is_inter_agency=step.is_inter_agency,
            budget=step.budget,
        )
        for index, step in enumerate(template, start=1)
    ]
    if steps:
        first = steps[0]
        first.started_at = at
        if dossier.channel != Channel.ONLINE and dossier.rules.paper_cutoff_applies:
            first.due_at = paper_transfer_due(at, calendar)
        else:
            first.due_at = step_due(dossier, first, at, calendar)
    return steps


def _write_papers(dossier: Dossier, papers: Sequence[Paper]) -> None:
    DossierComponent.objects.bulk_create(
        DossierComponent(
            dossier=dossier,
            required_id=p.required_id,
            name=p.name,
            form=p.form,
            quantity=p.quantity,
            reused=p.reused,
            from_data_store=p.from_data_store,
            source_database=p.source_database.strip(),
        )
        for p in papers
    )


def _fees_of(intake: Intake) -> Sequence[Fee]:
    """The fee lines the intake gives, or the catalogue's when it gives none."""
    if intake.fees is not None:
        return intake.fees
    return default_fees(intake.procedure_version.fees.all(), intake.channel)


def _create(
    intake: Intake,
    *,
    status: str,
    at: dt.datetime,
    action: str,
    actor: Actor,
) -> Dossier:
    """Record a dossier handed in: check the intake and that ``actor`` may take ``action``
    (the row says where), then write it with its code, its papers and, when it is
    received (``status`` is RECEIVED: only if complete), its appointment and process. The
    code is taken last (see ``next_code``)."""
    _validate_intake(intake, at)
    day = local(at).date()
    dossier = Dossier(
        procedure_version=intake.procedure_version,
        rules=rules_on(day),
        receiving_agency=intake.receiving_agency,
        handling_agency=intake.handling_agency,
        channel=intake.channel,
        status=status,
        applicant=intake.applicant.account,
        applicant_kind=intake.applicant.kind,
        applicant_name=intake.applicant.name.strip(),
        applicant_id_number=intake.applicant.id_number,
        applicant_phone=intake.applicant.phone,
        applicant_email=intake.applicant.email,
        applicant_address=intake.applicant.address,
        applicant_vneid_verified=intake.applicant.vneid_verified,
        reuses_digitised_data=any(paper.reused for paper in intake.papers),
        return_method=intake.return_method,
        sets=intake.sets,
        submitted_at=at,
        closed_at=at if status in CLOSED_STATUSES else None,
    )
    check_actor(actor, action, dossier, at)
    fees = _fees_of(intake)
    check_fees(fees, at=at)
    steps: list[DossierStep] = []
    if status == DossierStatus.RECEIVED:
        _check_complete(intake.procedure_version, intake.papers)
        steps = _start_clock(dossier, at=at)
    dossier.code = next_code(intake.receiving_agency, day)
    dossier.save(force_insert=True)
    _write_papers(dossier, intake.papers)
    record_fees(dossier=dossier, fees=fees, at=at)
    for step in steps:
        step.dossier = dossier
    DossierStep.objects.bulk_create(steps)
    return dossier


def _record_at_counter(
    intake: Intake, *, status: str, action: str, actor: Actor, at: dt.datetime
) -> Dossier:
    if intake.channel == Channel.ONLINE:
        raise InvalidInput(
            ErrorCode.WRONG_CHANNEL,
            _("Online dossiers are submitted by the applicant."),
        )
    return _create(intake, status=status, at=at, action=action, actor=actor)


def _write_first_event(
    dossier: Dossier, event: events.NewEvent, *, actor: Actor, at: dt.datetime
) -> None:
    """The event that opens the history of a dossier created in this transaction."""
    write_event(dossier, event, at=at, actor=actor, from_status="", first=True)


def _one_of(dossier: Dossier | None, intake: Intake | None) -> None:
    if (dossier is None) == (intake is None):
        raise InvalidInput(
            ErrorCode.DOSSIER_OR_INTAKE,
            _("Give either a submitted dossier or the intake to record."),
        )


@dossier_change
def submit_online(
    *, intake: Intake, actor: Actor, at: dt.datetime | None = None
) -> Dossier:
    """An applicant submits online (status 1 "Mới đăng ký"). The portal confirms receipt at
    once; an officer then accepts, asks to complete, or refuses it within the response
    window of the rules (NĐ 45/2020 Điều 11; spec 02 §3, 03 §1). The papers the
    procedure requires must all be attached, as at the counter: the portal refuses an
    incomplete submission at once, naming each missing paper."""
    moment = now_or(at)
    if intake.channel != Channel.ONLINE:
        raise InvalidInput(
            ErrorCode.WRONG_CHANNEL,
            _("An online submission must use the online channel."),
        )
    _check_complete(intake.procedure_version, intake.papers)
    dossier = _create(
        intake,
        status=DossierStatus.SUBMITTED,
        at=moment,
        action=Action.SUBMIT_ONLINE,
        actor=actor,
    )
    _write_first_event(
        dossier, events.dossier_submitted_event(), actor=actor, at=moment
    )
    return dossier


@dossier_change
def receive_dossier(
    *,
    dossier: Dossier | None = None,
    intake: Intake | None = None,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Accept a complete dossier: it gets its code and its appointment (Giấy tiếp nhận hồ sơ
    và hẹn trả kết quả, Mẫu 01; NĐ 61/2018 Điều 15). Refused when a mandatory component is
    missing: the officer asks to complete it instead (``request_intake_supplement``)."""
    _one_of(dossier, intake)
    moment = now_or(at)
    if intake is not None:
        created = _record_at_counter(
            intake,
            status=DossierStatus.RECEIVED,
            action=Action.RECEIVE,
            actor=actor,
            at=moment,
        )
        _write_first_event(
            created,
            events.dossier_received_event(
                due_at=created.due_at, agency=created.receiving_agency
            ),
            actor=actor,
            at=moment,
        )
        return created
    assert dossier is not None  # noqa: S101 - narrowed by _one_of
    # who may, then whether it is complete, before anything of the dossier is changed
    check_actor(actor, Action.RECEIVE, dossier, moment)
    papers = [
        Paper(name=c.name, form=c.form, quantity=c.quantity, required_id=c.required_id)
        for c in dossier.components.all()
    ]
    _check_complete(dossier.procedure_version, papers)
    acting = begin(
        Action.RECEIVE,
        dossier,
        actor=actor,
        at=moment,
        expected_version=expected_version,
        authorised=True,
    )
    steps = _start_clock(dossier, at=moment)
    acting.set(
        received_at=dossier.received_at,
        legal_due_at=dossier.legal_due_at,
        due_at=dossier.due_at,
        original_due_at=dossier.original_due_at,
    )
    finish(
        acting,
        events.dossier_received_event(
            due_at=dossier.due_at, agency=dossier.receiving_agency
        ),
    )
    DossierStep.objects.bulk_create(steps)
    return dossier


@dossier_change
def request_intake_supplement(
    *,
    dossier: Dossier | None = None,
    intake: Intake | None = None,
    missing: Sequence[str],
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Not yet complete: ask, once and in writing, for everything missing (Phiếu yêu cầu bổ
    sung, hoàn thiện hồ sơ, Mẫu 02; NĐ 61/2018 Điều 15). No clock runs."""
    _check_missing_listed(missing)
    _one_of(dossier, intake)
    moment = now_or(at)
    if intake is not None:
        created = _record_at_counter(
            intake,
            status=DossierStatus.INTAKE_SUPPLEMENT,
            action=Action.REQUEST_INTAKE_SUPPLEMENT,
            actor=actor,
            at=moment,
        )
        _write_first_event(
            created,
            events.intake_supplement_requested_event(
                missing=missing, note=note, agency=created.receiving_agency
            ),
            actor=actor,
            at=moment,
        )
        return created
    assert dossier is not None  # noqa: S101 - narrowed by _one_of
    acting = begin(
        Action.REQUEST_INTAKE_SUPPLEMENT,
        dossier,
        actor=actor,
        at=moment,
        expected_version=expected_version,
    )
    return finish(
        acting,
        events.intake_supplement_requested_event(
            missing=missing, note=note, agency=dossier.receiving_agency
        ),
    )


@dossier_change
def resubmit_dossier(
    *,
    dossier: Dossier,
    papers: Sequence[Paper],
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant completes an online dossier that was returned for completion; it is
    submitted again (status 1)."""
    acting = begin(
        Action.RESUBMIT,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    _check_papers(papers)
    if any(paper.reused for paper in papers):
        acting.set(reuses_digitised_data=True)
    finish(acting, events.dossier_resubmitted_event())
    _write_papers(dossier, papers)
    return dossier


@dossier_change
def refuse_dossier(
    *,
    dossier: Dossier | None = None,
    intake: Intake | None = None,
    reasons: str,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Refuse reception with written reasons (Phiếu từ chối tiếp nhận, Mẫu 03; status 3)."""
    _check_reasons(reasons, _("Give the reasons for refusing."))
    _one_of(dossier, intake)
    moment = now_or(at)
    if intake is not None:
        created = _record_at_counter(
            intake,
            status=DossierStatus.REFUSED,
            action=Action.REFUSE,
            actor=actor,
            at=moment,
        )
        _write_first_event(
            created,
            events.dossier_refused_event(
                reasons=reasons, agency=created.receiving_agency
            ),
            actor=actor,
            at=moment,
        )
        return created
    assert dossier is not None  # noqa: S101 - narrowed by _one_of
    acting = begin(
        Action.REFUSE,
        dossier,
        actor=actor,
        at=moment,
        expected_version=expected_version,
    )
    return finish(
        acting,
        events.dossier_refused_event(reasons=reasons, agency=dossier.receiving_agency),
    )
