"""Every change to a dossier: one function per action, one transaction, one event.

Views, API views, commands and tasks call these; nothing else sets ``Dossier.status``
(STYLE). Each function takes keyword-only arguments and the acting user as ``actor``
(``None`` is the system itself), checks the actor's role (``permissions.may_act``), the
transition table (``workflow``) and the action's own guard, changes the dossier with a
conditional update on ``lock_version`` (so the second of two concurrent actions fails with
``Conflict("stale_dossier")`` instead of overwriting the first), and writes its
``DossierEvent`` in the same transaction.

Legal sources per function are in their docstrings; the overall flow is spec 02 §2–9.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.choices import Role
from motcua.accounts.models import User
from motcua.accounts.selectors import has_role
from motcua.agencies.models import Agency
from motcua.dossiers.choices import ApplicantKind, Channel, ReturnMethod
from motcua.dossiers.deadlines import (
    due_after,
    extend_for_pause,
    paper_transfer_due,
    same_day_due,
)
from motcua.dossiers.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
    DossierResult,
    DossierStep,
)
from motcua.dossiers.permissions import may_act
from motcua.dossiers.selectors import DossierDetails, rules_on
from motcua.dossiers.workflow import (
    CLOSED_STATUSES,
    NATIONAL_STATUS,
    OPEN_STATUSES,
    Action,
    DossierStatus,
    TransitionRefused,
    target_status,
)
from motcua.procedures.choices import TimeUnit
from motcua.procedures.models import ProcedureVersion
from motcua.workdays.clock import WorkCalendar, local
from motcua.workdays.selectors import calendar_for

# ------------------------------------------------------------------ intake data


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


@dataclass(frozen=True)
class Paper:
    """A paper handed in; ``required_id`` names the catalogue component it answers."""

    name: str
    form: str
    quantity: int = 1
    required_id: int | None = None


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


# ------------------------------------------------------------------ helpers


def _now(at: dt.datetime | None) -> dt.datetime:
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        raise InvalidInput("naive_datetime", _("Moments must carry their time zone."))
    return moment


def _actor_name(actor: User | None) -> str:
    return (actor.full_name or actor.username) if actor is not None else _("System")


def _check_actor(actor: User | None, action: str, dossier: Dossier) -> None:
    if not may_act(actor, action, dossier):
        raise NotAllowed("not_allowed", _("You may not do this to this dossier."))


def _check_transition(action: str, dossier: Dossier) -> str:
    try:
        return target_status(action, dossier.status)
    except TransitionRefused as refused:
        raise Conflict(refused.code, refused.message) from None


def _next_code(agency: Agency, day: dt.date) -> str:
    """``V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX`` (TT 01/2018/TT-VPCP Điều 19): the receiving
    agency's identifier, the reception date and its daily sequence.

    One statement takes the number: it creates the day's counter row, or increments it if
    it exists (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, PostgreSQL and SQLite alike).
    The row stays locked until the intake's transaction ends, so two concurrent intakes
    never share or skip a number, and a rolled-back intake gives its number back. Callers
    take the code last, just before writing the dossier, to hold that lock briefly."""
    quote = connection.ops.quote_name
    table = quote(DossierCodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('agency_id')}, {quote('day')}, {quote('last')})"  # noqa: S608 - names, not values
            f" VALUES (%s, %s, 1) ON CONFLICT ({quote('agency_id')}, {quote('day')})"
            f" DO UPDATE SET {quote('last')} = {table}.{quote('last')} + 1"
            f" RETURNING {quote('last')}",
            [agency.pk, day],
        )
        row = cursor.fetchone()
    number = int(row[0])
    if number > 9999:
        raise Conflict(
            "daily_sequence_exhausted",
            _("The daily sequence of dossier codes is exhausted."),
        )
    return f"{agency.identifier}-{day:%y%m%d}-{number:04d}"


def _write_event(
    dossier: Dossier,
    *,
    action: str,
    at: dt.datetime,
    actor: User | None,
    from_status: str,
    note: str = "",
    payload: dict[str, Any] | None = None,
    step: DossierStep | None = None,
    agency: Agency | None = None,
    first: bool = False,
) -> DossierEvent:
    """The event of a change, numbered after the dossier's last one (``first``: the
    dossier was created in this transaction, so there is none; the event joins the rows
    ``_create`` wrote, in ``dossier.details``)."""
    last = (
        0
        if first
        else DossierEvent.objects.filter(dossier=dossier).aggregate(n=Max("sequence"))[
            "n"
        ]
        or 0
    )
    event = DossierEvent.objects.create(
        dossier=dossier,
        sequence=last + 1,
        action=action,
        at=at,
        actor=actor,
        actor_name=_actor_name(actor),
        from_status=from_status,
        to_status=dossier.status,
        national_status=int(NATIONAL_STATUS[dossier.status]),
        agency=agency,
        step=step,
        note=note,
        payload=payload or {},
    )
    if first and dossier.details is not None:
        dossier.details.events.append(event)
    return event


def _save(dossier: Dossier, expected_version: int, fields: Sequence[str]) -> None:
    """Write ``fields`` only if nobody changed the dossier since it was read."""
    values = {name: getattr(dossier, name) for name in fields}
    updated = Dossier.objects.filter(
        pk=dossier.pk, lock_version=expected_version
    ).update(lock_version=expected_version + 1, **values)
    if not updated:
        raise Conflict(
            "stale_dossier",
            _(
                "The dossier was changed by someone else meanwhile; reload it and try again."
            ),
        )
    dossier.lock_version = expected_version + 1


def _fresh(dossier: Dossier, expected_version: int | None) -> tuple[Dossier, int]:
    """The dossier as stored now, and the version the caller acts on (the one it read, or
    the one it names)."""
    version = dossier.lock_version if expected_version is None else expected_version
    current = Dossier.objects.select_related("procedure_version", "rules").get(
        pk=dossier.pk
    )
    if current.lock_version != version:
        raise Conflict(
            "stale_dossier",
            _(
                "The dossier was changed by someone else meanwhile; reload it and try again."
            ),
        )
    return current, version


def _calendar(dossier: Dossier) -> WorkCalendar:
    return calendar_for(dossier.handling_agency)


def _current_step(dossier: Dossier) -> DossierStep | None:
    return (
        dossier.steps.filter(started_at__isnull=False, finished_at__isnull=True)
        .order_by("position")
        .first()
    )


def _advance_step(
    dossier: Dossier,
    *,
    at: dt.datetime,
    actor: User | None,
    calendar: WorkCalendar,
    hand_to: Agency | None = None,
) -> DossierStep | None:
    """Finish the step holding the dossier and start the next, with its own due moment from
    its budget. Each hand-over of the dossier moves it one step along its process (the
    control slip, Mẫu 05, has one row per hand-over). ``hand_to``: the agency the dossier
    is handed to holds the step that starts, whatever agency the process template named
    (spec 02 §8: each step has its ``to_agency``), so that its officers see the dossier and
    may act on it (``permissions``)."""
    current = _current_step(dossier)
    if current is not None:
        current.finished_at = at
        current.actor = actor
        current.save(update_fields=["finished_at", "actor"])
        following = (
            dossier.steps.filter(position__gt=current.position)
            .order_by("position")
            .first()
        )
    else:
        following = None
    if following is None:
        return None
    following.started_at = at
    following.due_at = due_after(
        at, following.budget, dossier.procedure_version.handling_time_unit, calendar
    )
    fields = ["started_at", "due_at"]
    if hand_to is not None and following.agency_id != hand_to.pk:
        following.agency = hand_to
        fields.append("agency")
    following.save(update_fields=fields)
    return following


def _instantiate_steps(
    dossier: Dossier,
    *,
    start: dt.datetime,
    received_at: dt.datetime,
    calendar: WorkCalendar,
) -> list[DossierStep]:
    """The dossier's own copy of its version's process, not saved yet; the first step
    starts now. For a paper dossier the first (reception) step ends by the transfer
    deadline of the cut-off rule rather than by its budget."""
    unit = dossier.procedure_version.handling_time_unit
    template = sorted(dossier.procedure_version.steps.all(), key=lambda s: s.position)
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
        first.started_at = start
        if dossier.channel != Channel.ONLINE and dossier.rules.paper_cutoff_applies:
            first.due_at = paper_transfer_due(received_at, calendar)
        else:
            first.due_at = due_after(start, first.budget, unit, calendar)
    return steps


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


def _validate_intake(intake: Intake, at: dt.datetime) -> None:
    version = intake.procedure_version
    if not version.is_in_force_on(local(at).date()):
        raise InvalidInput(
            "procedure_not_in_force",
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
        if not agency.is_active_on(local(at).date()):
            raise InvalidInput(
                "agency_not_active",
                _("%(agency)s does not exist on %(day)s.")
                % {"agency": agency, "day": f"{local(at):%d/%m/%Y}"},
                details={"field": name},
            )
    if not intake.applicant.name.strip():
        raise InvalidInput(
            "applicant_required",
            _("The applicant's name is required."),
            details={"field": "applicant"},
        )
    known = {component.pk for component in version.components.all()}
    for index, paper in enumerate(intake.papers):
        if paper.required_id is not None and paper.required_id not in known:
            raise InvalidInput(
                "unknown_component",
                _("Paper %(index)s does not belong to this procedure.")
                % {"index": index + 1},
                details={"field": f"papers[{index}]"},
            )


def _create(
    intake: Intake,
    *,
    status: str,
    at: dt.datetime,
    action: str | None,
    actor: User | None,
) -> Dossier:
    """Record a dossier handed in: check the intake and that ``actor`` may take ``action``
    at the receiving counter, then write it with its code, its papers and, when it is
    received (``status`` is RECEIVED: only if complete), its appointment and process. The
    code is taken last (see ``_next_code``)."""
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
        return_method=intake.return_method,
        sets=intake.sets,
        submitted_at=at,
        closed_at=at if status in CLOSED_STATUSES else None,
    )
    if action is not None:
        _check_actor(actor, action, dossier)
    steps: list[DossierStep] = []
    if status == DossierStatus.RECEIVED:
        _check_complete(intake.procedure_version, intake.papers)
        steps = _start_clock(dossier, at=at)
    dossier.code = _next_code(intake.receiving_agency, day)
    dossier.save(force_insert=True)
    components = DossierComponent.objects.bulk_create(
        DossierComponent(
            dossier=dossier,
            required_id=p.required_id,
            name=p.name,
            form=p.form,
            quantity=p.quantity,
        )
        for p in intake.papers
    )
    for step in steps:
        step.dossier = dossier
    DossierStep.objects.bulk_create(steps)
    # What was written, for the answer (``selectors.show_written``); the first event is
    # added by ``_write_event``.
    dossier.details = DossierDetails(
        components=components, steps=steps, results=[], events=[]
    )
    return dossier


def _start_clock(dossier: Dossier, *, at: dt.datetime) -> list[DossierStep]:
    """Reception: the legal clock starts (spec 02 §7); the appointment is the legal due
    moment of the procedure version under the handling agency's calendar. A reception
    outside office hours counts from the next session (spec 06 §3 rule 3). Returns the
    dossier's process steps, for the caller to save."""
    calendar = _calendar(dossier)
    version = dossier.procedure_version
    start = calendar.next_working_moment(at)
    dossier.received_at = at
    if (
        version.handling_time == 0
        and version.handling_time_unit == TimeUnit.WORKING_DAYS
    ):
        dossier.legal_due_at = same_day_due(at, calendar)
    else:
        dossier.legal_due_at = due_after(
            start, version.handling_time, version.handling_time_unit, calendar
        )
    dossier.due_at = dossier.legal_due_at
    dossier.original_due_at = dossier.legal_due_at
    return _instantiate_steps(dossier, start=start, received_at=at, calendar=calendar)


# ------------------------------------------------------------------ intake


@transaction.atomic
def submit_online(
    *, intake: Intake, actor: User | None, at: dt.datetime | None = None
) -> Dossier:
    """An applicant submits online (status 1 "Mới đăng ký"). The portal confirms receipt at
    once; an officer then accepts, asks to complete, or refuses it within the response
    window of the rules (NĐ 45/2020 Điều 11; spec 02 §3, 03 §1)."""
    moment = _now(at)
    if intake.channel != Channel.ONLINE:
        raise InvalidInput(
            "wrong_channel", _("An online submission must use the online channel.")
        )
    dossier = _create(
        intake, status=DossierStatus.SUBMITTED, at=moment, action=None, actor=actor
    )
    _write_event(
        dossier,
        action=Action.SUBMIT_ONLINE,
        at=moment,
        actor=actor,
        from_status="",
        first=True,
    )
    return dossier


def _intake_target(
    action: str,
    *,
    dossier: Dossier | None,
    intake: Intake | None,
    actor: User | None,
    at: dt.datetime,
    status: str,
) -> tuple[Dossier, str, int | None]:
    """Either an online dossier already submitted (re-read, checked, to be saved by the
    caller), or a counter/postal intake, recorded now in ``status``. Returns the dossier,
    its status before, and the version to save it under (``None``: just created)."""
    if (dossier is None) == (intake is None):
        raise InvalidInput(
            "dossier_or_intake",
            _("Give either a submitted dossier or the intake to record."),
        )
    if dossier is not None:
        current, version = _fresh(dossier, None)
        _check_actor(actor, action, current)
        _check_transition(action, current)
        return current, current.status, version
    assert intake is not None  # noqa: S101 - narrowed by the check above
    if intake.channel == Channel.ONLINE:
        raise InvalidInput(
            "wrong_channel", _("Online dossiers are submitted by the applicant.")
        )
    created = _create(intake, status=status, at=at, action=action, actor=actor)
    return created, "", None


def _check_complete(version: ProcedureVersion, papers: Sequence[Paper]) -> None:
    missing = missing_components(version, papers)
    if missing:
        raise InvalidInput(
            "dossier_incomplete",
            _("The dossier lacks: %(missing)s.") % {"missing": "; ".join(missing)},
            details={"missing": missing},
        )


@transaction.atomic
def receive_dossier(
    *,
    dossier: Dossier | None = None,
    intake: Intake | None = None,
    actor: User | None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Accept a complete dossier: it gets its code and its appointment (Giấy tiếp nhận hồ sơ
    và hẹn trả kết quả, Mẫu 01; NĐ 61/2018 Điều 15). Refused when a mandatory component is
    missing: the officer asks to complete it instead (``request_intake_supplement``)."""
    moment = _now(at)
    target, previous, version = _intake_target(
        Action.RECEIVE,
        dossier=dossier,
        intake=intake,
        actor=actor,
        at=moment,
        status=DossierStatus.RECEIVED,
    )
    if version is not None:
        papers = [
            Paper(
                name=c.name, form=c.form, quantity=c.quantity, required_id=c.required_id
            )
            for c in target.components.all()
        ]
        _check_complete(target.procedure_version, papers)
        target.status = DossierStatus.RECEIVED
        steps = _start_clock(target, at=moment)
        _save(
            target,
            version,
            ["status", "received_at", "legal_due_at", "due_at", "original_due_at"],
        )
        DossierStep.objects.bulk_create(steps)
    _write_event(
        target,
        action=Action.RECEIVE,
        at=moment,
        actor=actor,
        from_status=previous,
        agency=target.receiving_agency,
        payload={"due_at": local(target.due_at).isoformat() if target.due_at else None},
        first=version is None,
    )
    return target


@transaction.atomic
def request_intake_supplement(
    *,
    dossier: Dossier | None = None,
    intake: Intake | None = None,
    missing: Sequence[str],
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Not yet complete: ask, once and in writing, for everything missing (Phiếu yêu cầu bổ
    sung, hoàn thiện hồ sơ, Mẫu 02; NĐ 61/2018 Điều 15). No clock runs."""
    if not [item for item in missing if item.strip()]:
        raise InvalidInput(
            "missing_required",
            _("List what the applicant must add."),
            details={"field": "missing"},
        )
    moment = _now(at)
    target, previous, version = _intake_target(
        Action.REQUEST_INTAKE_SUPPLEMENT,
        dossier=dossier,
        intake=intake,
        actor=actor,
        at=moment,
        status=DossierStatus.INTAKE_SUPPLEMENT,
    )
    if version is not None:
        target.status = DossierStatus.INTAKE_SUPPLEMENT
        _save(target, version, ["status"])
    _write_event(
        target,
        action=Action.REQUEST_INTAKE_SUPPLEMENT,
        at=moment,
        actor=actor,
        from_status=previous,
        note=note,
        payload={"missing": list(missing)},
        agency=target.receiving_agency,
        first=version is None,
    )
    return target


@transaction.atomic
def resubmit_dossier(
    *,
    dossier: Dossier,
    papers: Sequence[Paper],
    actor: User | None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant completes an online dossier that was returned for completion; it is
    submitted again (status 1)."""
    moment = _now(at)
    current, version = _fresh(dossier, None)
    _check_actor(actor, Action.RESUBMIT, current)
    previous = current.status
    current.status = _check_transition(Action.RESUBMIT, current)
    _save(current, version, ["status"])
    DossierComponent.objects.bulk_create(
        DossierComponent(
            dossier=current,
            required_id=p.required_id,
            name=p.name,
            form=p.form,
            quantity=p.quantity,
        )
        for p in papers
    )
    _write_event(
        current, action=Action.RESUBMIT, at=moment, actor=actor, from_status=previous
    )
    return current


@transaction.atomic
def refuse_dossier(
    *,
    dossier: Dossier | None = None,
    intake: Intake | None = None,
    reasons: str,
    actor: User | None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Refuse reception with written reasons (Phiếu từ chối tiếp nhận, Mẫu 03; status 3)."""
    if not reasons.strip():
        raise InvalidInput(
            "reasons_required",
            _("Give the reasons for refusing."),
            details={"field": "reasons"},
        )
    moment = _now(at)
    target, previous, version = _intake_target(
        Action.REFUSE,
        dossier=dossier,
        intake=intake,
        actor=actor,
        at=moment,
        status=DossierStatus.REFUSED,
    )
    if version is not None:  # else created refused, and closed (``_create``)
        target.status = DossierStatus.REFUSED
        target.closed_at = moment
        _save(target, version, ["status", "closed_at"])
    _write_event(
        target,
        action=Action.REFUSE,
        at=moment,
        actor=actor,
        from_status=previous,
        note=reasons,
        agency=target.receiving_agency,
        first=version is None,
    )
    return target


# ------------------------------------------------------------------ processing


def _act(
    dossier: Dossier,
    action: str,
    *,
    actor: User | None,
    at: dt.datetime | None,
    expected_version: int | None,
    note: str = "",
    payload: dict[str, Any] | None = None,
    advance: bool = False,
    changes: dict[str, Any]
    | Callable[[Dossier, dt.datetime], dict[str, Any]]
    | None = None,
    agency: Agency | None = None,
    hand_to: Agency | None = None,
) -> Dossier:
    """The common path of a processing action: re-read, check role and table, apply
    ``changes`` (field values, each possibly a function of the dossier and the moment, or
    one function returning them all), move the process one step when the dossier changes
    hands (to ``hand_to``'s step, if given), save conditionally, write the event."""
    moment = _now(at)
    current, version = _fresh(dossier, expected_version)
    _check_actor(actor, action, current)
    previous = current.status
    current.status = _check_transition(action, current)
    fields = ["status"]
    previous_due = current.due_at
    if callable(changes):
        changes = changes(current, moment)
    for name, value in (changes or {}).items():
        setattr(current, name, value(current, moment) if callable(value) else value)
        fields.append(name)
    if "due_at" in fields:
        # The event keeps the appointment before and after (a pause ended, an apology): the
        # national sync reports them as NgayHenTraTruoc / NgayHenTraMoi (spec 08 §3).
        payload = {
            "previous_due_at": local(previous_due).isoformat()
            if previous_due
            else None,
            "new_due_at": local(current.due_at).isoformat() if current.due_at else None,
            **(payload or {}),
        }
    _save(current, version, fields)
    step = (
        _advance_step(
            current,
            at=moment,
            actor=actor,
            calendar=_calendar(current),
            hand_to=hand_to,
        )
        if advance
        else None
    )
    _write_event(
        current,
        action=action,
        at=moment,
        actor=actor,
        from_status=previous,
        note=note,
        payload=payload,
        step=step,
        agency=agency or (step.agency if step else None),
    )
    return current


@transaction.atomic
def transfer_dossier(
    *,
    dossier: Dossier,
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The counter hands the dossier to the competent body: electronic data at once, paper
    the same working day or, after 15:00, at the start of the next (NĐ 61/2018 Điều 16)."""
    return _act(
        dossier,
        Action.TRANSFER,
        actor=actor,
        at=at,
        expected_version=expected_version,
        advance=True,
    )


@transaction.atomic
def assign_dossier(
    *,
    dossier: Dossier,
    assignee: User,
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The head of the competent body assigns one of its specialists (NĐ 61/2018 Điều 17)."""
    if not has_role(
        assignee, Role.SPECIALIST, dossier.handling_agency, on=local(_now(at)).date()
    ):
        raise InvalidInput(
            "assignee_not_specialist",
            _("%(user)s is not a specialist of %(agency)s.")
            % {"user": assignee, "agency": dossier.handling_agency},
            details={"field": "assignee"},
        )
    return _act(
        dossier,
        Action.ASSIGN,
        actor=actor,
        at=at,
        expected_version=expected_version,
        changes={"assignee": assignee},
        payload={"assignee": assignee.username},
    )


@transaction.atomic
def hand_over_dossier(
    *,
    dossier: Dossier,
    to_agency: Agency,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Hand the dossier to a co-ordinating body of an inter-agency process (liên thông,
    NĐ 61/2018 Điều 20–21); the hand-over gets its own due moment from its step budget, and
    the dossier's own due moment does not change (spec 02 §8)."""
    return _act(
        dossier,
        Action.HAND_OVER,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        advance=True,
        agency=to_agency,
        hand_to=to_agency,
        payload={"to_agency": to_agency.identifier},
    )


@transaction.atomic
def return_from_agency(
    *,
    dossier: Dossier,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The co-ordinating body returns the dossier with its part done."""
    return _act(
        dossier,
        Action.RETURN_FROM_AGENCY,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        advance=True,
    )


@transaction.atomic
def request_supplement(
    *,
    dossier: Dossier,
    missing: Sequence[str],
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Appraisal finds the dossier insufficient: return it with a written notice of what to
    add and why (Mẫu 02; NĐ 61/2018 Điều 17 as amended by NĐ 107/2021). The clock stops
    until the supplement arrives; rounds are counted (a second one makes the dossier late
    for QĐ 766, spec 01 rule 2.1)."""
    if not [item for item in missing if item.strip()]:
        raise InvalidInput(
            "missing_required",
            _("List what the applicant must add."),
            details={"field": "missing"},
        )
    return _act(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        payload={"missing": list(missing)},
        changes={
            "paused_at": lambda d, moment: moment,
            "supplement_rounds": lambda d, moment: d.supplement_rounds + 1,
        },
    )


def _resumed(dossier: Dossier, moment: dt.datetime) -> dict[str, Any]:
    """The changes that end a pause at ``moment``: both the appointment and the legal due
    moment move by the time the pause took, and the dossier is no longer paused."""
    if dossier.paused_at is None:
        return {"paused_at": None}
    unit, calendar = dossier.procedure_version.handling_time_unit, _calendar(dossier)
    moved = {
        name: extend_for_pause(value, dossier.paused_at, moment, unit, calendar)
        for name in ("due_at", "legal_due_at")
        if (value := getattr(dossier, name)) is not None
    }
    return {**moved, "paused_at": None}


@transaction.atomic
def receive_supplement(
    *,
    dossier: Dossier,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The supplement arrives; the clock runs again and the appointment moves by the
    working time the applicant took (spec 02 §7)."""
    return _act(
        dossier,
        Action.RECEIVE_SUPPLEMENT,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        changes=_resumed,
    )


@transaction.atomic
def request_financial_obligation(
    *,
    dossier: Dossier,
    amount: int | None = None,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask the applicant to pay a fee, charge or tax (status 6). The clock pauses only when
    the procedure version says its sector law excludes this time (spec 02 §7)."""
    pauses = dossier.procedure_version.pauses_for_financial_obligation
    return _act(
        dossier,
        Action.REQUEST_FINANCIAL_OBLIGATION,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        payload={"amount": amount, "pauses_clock": pauses},
        changes={"paused_at": (lambda d, moment: moment) if pauses else None},
    )


@transaction.atomic
def confirm_financial_obligation(
    *,
    dossier: Dossier,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The obligation is paid; processing resumes (and the appointment moves if it paused)."""
    return _act(
        dossier,
        Action.CONFIRM_FINANCIAL_OBLIGATION,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        changes=_resumed,
    )


@transaction.atomic
def submit_for_approval(
    *,
    dossier: Dossier,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The specialist submits the appraised dossier and draft result to the leader."""
    return _act(
        dossier,
        Action.SUBMIT_FOR_APPROVAL,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        advance=True,
    )


@transaction.atomic
def send_back_dossier(
    *,
    dossier: Dossier,
    note: str,
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The leader sends the draft back for rework."""
    return _act(
        dossier,
        Action.SEND_BACK,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def approve_dossier(
    *,
    dossier: Dossier,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The leader approves and signs the result."""
    return _act(
        dossier,
        Action.APPROVE,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
    )


@transaction.atomic
def issue_result(
    *,
    dossier: Dossier,
    results: Sequence[str],
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The result is issued: processing ends (status 9, the end moment QĐ 766 judges against
    the appointment). Each result document is coded ``<dossier code>-KQ(n)`` (NĐ 45/2020
    khoản 3 Điều 14)."""
    names = [name.strip() for name in results if name.strip()]
    if not names:
        raise InvalidInput(
            "results_required",
            _("Name at least one result document."),
            details={"field": "results"},
        )
    updated = _act(
        dossier,
        Action.ISSUE_RESULT,
        actor=actor,
        at=at,
        expected_version=expected_version,
        advance=True,
        changes={"finished_at": lambda d, moment: moment},
    )
    assert updated.finished_at is not None  # noqa: S101 - set just above
    start = updated.results.count()
    created = DossierResult.objects.bulk_create(
        DossierResult(
            dossier=updated,
            number=start + n,
            code=f"{updated.code}-KQ({start + n})",
            name=name,
            issued_at=updated.finished_at,
        )
        for n, name in enumerate(names, start=1)
    )
    event = updated.events.order_by("-sequence").first()
    assert event is not None  # noqa: S101 - written by _act
    event.payload = {**event.payload, "results": [r.code for r in created]}
    event.save(update_fields=["payload"])
    return updated


@transaction.atomic
def return_result(
    *,
    dossier: Dossier,
    method: ReturnMethod | None = None,
    receiver: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The result reaches the applicant, at the counter, by post or electronically, and who
    received it is recorded (status 10; NĐ 61/2018 Điều 18)."""
    updated = _act(
        dossier,
        Action.RETURN_RESULT,
        actor=actor,
        at=at,
        expected_version=expected_version,
        advance=True,
        payload={"method": str(method or dossier.return_method), "receiver": receiver},
        changes={
            "returned_at": lambda d, moment: moment,
            "closed_at": lambda d, moment: moment,
        },
    )
    # Whatever steps the template still lists are done with the return.
    DossierStep.objects.filter(dossier=updated, finished_at__isnull=True).update(
        finished_at=updated.returned_at
    )
    return updated


@transaction.atomic
def apologise(
    *,
    dossier: Dossier,
    new_due_at: dt.datetime,
    reason: str,
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """A dossier will be late: apologise in writing and set a new appointment (Phiếu xin lỗi
    và hẹn lại ngày trả kết quả, Mẫu 04). No later than the rules' lead (one working day)
    before the due moment, and only as often as the rules allow: once (NĐ 61/2018 Điều 17)."""
    moment = _now(at)
    if not reason.strip():
        raise InvalidInput(
            "reason_required",
            _("Give the reason for the delay."),
            details={"field": "reason"},
        )
    current, _version = _fresh(dossier, expected_version)
    rules, due = current.rules, current.due_at
    if current.status in OPEN_STATUSES and due is not None:
        if current.reschedules >= rules.max_reschedules:
            raise Conflict(
                "apology_already_made",
                _("The appointment has already been re-set once."),
            )
        calendar = _calendar(current)
        latest = calendar.working_time_between(moment, due)
        # "one working day" is a day of the agency's office sessions (8 h by default)
        needed = (
            calendar.hours_on(local(due).date()).day_length
            * rules.apology_lead_working_days
        )
        if moment >= due or latest < needed:
            raise Conflict(
                "apology_too_late",
                _(
                    "An apology must be made at least %(days)s working day(s) before the appointment."
                )
                % {"days": rules.apology_lead_working_days},
            )
        if new_due_at <= due:
            raise InvalidInput(
                "new_appointment_not_later",
                _("The new appointment must be later than the current one."),
                details={"field": "new_due_at"},
            )
    return _act(
        dossier,
        Action.APOLOGISE,
        actor=actor,
        at=moment,
        expected_version=expected_version,
        note=reason,
        payload={
            "previous_due_at": local(due).isoformat() if due else None,
            "new_due_at": local(new_due_at).isoformat(),
        },
        changes={"due_at": new_due_at, "reschedules": lambda d, m: d.reschedules + 1},
    )


@transaction.atomic
def withdraw_dossier(
    *,
    dossier: Dossier,
    note: str = "",
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (status 7)."""
    return _act(
        dossier,
        Action.WITHDRAW,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        changes={"closed_at": lambda d, moment: moment, "paused_at": None},
    )


@transaction.atomic
def stop_dossier(
    *,
    dossier: Dossier,
    reasons: str,
    actor: User | None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Stop processing, with written reasons (status 8; TT 03/2025 Mẫu 05)."""
    if not reasons.strip():
        raise InvalidInput(
            "reasons_required",
            _("Give the reasons for stopping."),
            details={"field": "reasons"},
        )
    return _act(
        dossier,
        Action.STOP,
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reasons,
        changes={"closed_at": lambda d, moment: moment, "paused_at": None},
    )


@transaction.atomic
def resolve_on_the_spot(
    *,
    intake: Intake,
    results: Sequence[str],
    actor: User | None,
    at: dt.datetime | None = None,
) -> Dossier:
    """A procedure settled at the counter while the applicant waits (giải quyết ngay): no
    receipt is printed, but the dossier and its whole history are recorded (spec 02 §3.5)."""
    moment = _now(at)
    dossier = receive_dossier(intake=intake, actor=actor, at=moment)
    for action in (Action.TRANSFER, Action.SUBMIT_FOR_APPROVAL, Action.APPROVE):
        dossier = _act(
            dossier,
            action,
            actor=None,
            at=moment,
            expected_version=None,
            advance=action != Action.APPROVE,
        )
    dossier = issue_result(dossier=dossier, results=results, actor=None, at=moment)
    return return_result(dossier=dossier, actor=actor, at=moment)


@transaction.atomic
def record_deadline_flag(*, dossier: Dossier, action: str, at: dt.datetime) -> bool:
    """Record once that ``dossier`` is due soon or overdue (by the sweeper, as the system).

    A conditional update claims the flag: of two sweeps running at the same moment only
    one finds it unset, so only one event is written. The status and ``lock_version`` do
    not change, so an officer's action in flight is not disturbed. True if recorded."""
    flags: dict[str, str] = {
        Action.FLAG_DUE_SOON: "due_soon_flagged_at",
        Action.FLAG_OVERDUE: "overdue_flagged_at",
    }
    flag = flags[action]
    claimed = Dossier.objects.filter(pk=dossier.pk, **{f"{flag}__isnull": True}).update(
        **{flag: at}
    )
    if not claimed:
        return False
    current = Dossier.objects.get(pk=dossier.pk)
    _write_event(
        current,
        action=action,
        at=at,
        actor=None,
        from_status=current.status,
        payload={
            "due_at": local(current.due_at).isoformat() if current.due_at else None
        },
    )
    return True
