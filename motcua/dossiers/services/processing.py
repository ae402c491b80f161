"""Processing: the competent body appraises the dossier, hands it between agencies, asks
for supplements and obligations, submits, approves, apologises, stops; the applicant may
withdraw; the sweeper flags deadlines (spec 02 §5–8; NĐ 61/2018 Điều 16–17, 20–21)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _

from motcua.accounts.choices import Role
from motcua.accounts.models import User
from motcua.accounts.selectors import has_role
from motcua.agencies.models import Agency
from motcua.dossiers import events
from motcua.dossiers.deadlines import apology_window, check_due_within_limit
from motcua.dossiers.errors import Conflict, ErrorCode, InvalidInput
from motcua.dossiers.events import DueChange
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import SYSTEM, Actor
from motcua.dossiers.services.intake import _check_missing_listed, _check_reasons
from motcua.dossiers.services.shared import (
    begin,
    calendar_of,
    dossier_change,
    finish,
    forget_deadline_flags,
    now_or,
    write_event,
)
from motcua.dossiers.workflow import OPEN_STATUSES, RUNNING_STATUSES, Action
from motcua.workdays.clock import local


@dossier_change
def transfer_dossier(
    *,
    dossier: Dossier,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The counter hands the dossier to the competent body: electronic data at once, paper
    the same working day or, after 15:00, at the start of the next (NĐ 61/2018 Điều 16)."""
    acting = begin(
        Action.TRANSFER, dossier, actor=actor, at=at, expected_version=expected_version
    )
    return finish(acting, events.dossier_transferred_event())


@dossier_change
def assign_dossier(
    *,
    dossier: Dossier,
    assignee: User,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The head of the competent body assigns one of its specialists (NĐ 61/2018 Điều 17).
    The assignee must hold the role on the day of the act, the same day the leader's own
    role is checked on."""
    acting = begin(
        Action.ASSIGN, dossier, actor=actor, at=at, expected_version=expected_version
    )
    if not has_role(
        assignee,
        Role.SPECIALIST,
        dossier.handling_agency,
        on=local(acting.moment).date(),
    ):
        raise InvalidInput(
            ErrorCode.ASSIGNEE_NOT_SPECIALIST,
            _("%(user)s is not a specialist of %(agency)s.")
            % {"user": assignee, "agency": dossier.handling_agency},
            details={"field": "assignee"},
        )
    acting.set(assignee=assignee)
    return finish(acting, events.dossier_assigned_event(assignee=assignee))


@dossier_change
def hand_over_dossier(
    *,
    dossier: Dossier,
    to_agency: Agency,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Hand the dossier to a co-ordinating body of an inter-agency process (liên thông,
    NĐ 61/2018 Điều 20–21); the hand-over gets its own due moment from its step budget, and
    the dossier's own due moment does not change (spec 02 §8)."""
    acting = begin(
        Action.HAND_OVER,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return finish(
        acting,
        events.dossier_handed_over_event(to_agency=to_agency, note=note),
        hand_to=to_agency,
    )


@dossier_change
def return_from_agency(
    *,
    dossier: Dossier,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The co-ordinating body returns the dossier with its part done."""
    acting = begin(
        Action.RETURN_FROM_AGENCY,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return finish(acting, events.dossier_returned_from_agency_event(note=note))


@dossier_change
def request_supplement(
    *,
    dossier: Dossier,
    missing: Sequence[str],
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Appraisal finds the dossier insufficient: return it with a written notice of what to
    add and why (Mẫu 02; NĐ 61/2018 Điều 17 as amended by NĐ 107/2021). The clock stops
    until the supplement arrives; rounds are counted (a second one makes the dossier late
    for QĐ 766, spec 01 rule 2.1)."""
    _check_missing_listed(missing)
    acting = begin(
        Action.REQUEST_SUPPLEMENT,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    acting.set(supplement_rounds=dossier.supplement_rounds + 1)
    return finish(acting, events.supplement_requested_event(missing=missing, note=note))


@dossier_change
def receive_supplement(
    *,
    dossier: Dossier,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The supplement arrives; the clock runs again and the appointment moves by the
    working time the applicant took (spec 02 §7)."""
    acting = begin(
        Action.RECEIVE_SUPPLEMENT,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return finish(
        acting, events.supplement_received_event(note=note, due=acting.due_change)
    )


@dossier_change
def request_financial_obligation(
    *,
    dossier: Dossier,
    amount: int | None = None,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask the applicant to pay a fee, charge or tax (status 6). The clock pauses only when
    the procedure version says its sector law excludes this time (spec 02 §7)."""
    acting = begin(
        Action.REQUEST_FINANCIAL_OBLIGATION,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return finish(
        acting,
        events.financial_obligation_requested_event(
            amount=amount,
            pauses_clock=dossier.procedure_version.pauses_for_financial_obligation,
            note=note,
        ),
    )


@dossier_change
def confirm_financial_obligation(
    *,
    dossier: Dossier,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The obligation is paid; processing resumes (and the appointment moves if it paused)."""
    acting = begin(
        Action.CONFIRM_FINANCIAL_OBLIGATION,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return finish(
        acting,
        events.financial_obligation_confirmed_event(note=note, due=acting.due_change),
    )


@dossier_change
def submit_for_approval(
    *,
    dossier: Dossier,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The specialist submits the appraised dossier and draft result to the leader."""
    acting = begin(
        Action.SUBMIT_FOR_APPROVAL,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return finish(acting, events.dossier_submitted_for_approval_event(note=note))


@dossier_change
def send_back_dossier(
    *,
    dossier: Dossier,
    note: str,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The leader sends the draft back for rework."""
    acting = begin(
        Action.SEND_BACK, dossier, actor=actor, at=at, expected_version=expected_version
    )
    return finish(acting, events.dossier_sent_back_event(note=note))


@dossier_change
def approve_dossier(
    *,
    dossier: Dossier,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The leader approves and signs the result."""
    acting = begin(
        Action.APPROVE,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    return finish(acting, events.dossier_approved_event(note=note))


@dossier_change
def apologise(
    *,
    dossier: Dossier,
    new_due_at: dt.datetime,
    reason: str,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """A dossier will be late: apologise in writing and set a new appointment (Phiếu xin lỗi
    và hẹn lại ngày trả kết quả, Mẫu 04). No later than the rules' lead (one working day)
    before the due moment (``deadlines.apology_window``), only as often as the rules allow
    (once, NĐ 61/2018 Điều 17), and no further than the rules' longest re-set appointment."""
    _check_reasons(reason, _("Give the reason for the delay."), "reason")
    acting = begin(
        Action.APOLOGISE,
        dossier,
        actor=actor,
        at=at,
        expected_version=expected_version,
    )
    moment, rules, due = acting.moment, dossier.rules, dossier.due_at
    if dossier.status in OPEN_STATUSES and due is not None:
        if dossier.reschedules >= rules.max_reschedules:
            raise Conflict(
                ErrorCode.APOLOGY_ALREADY_MADE,
                _("The appointment has already been re-set once."),
            )
        calendar = calendar_of(dossier)
        if not apology_window(
            now=moment, due_at=due, rules=rules, calendar=calendar
        ).allows_now:
            raise Conflict(
                ErrorCode.APOLOGY_TOO_LATE,
                _(
                    "An apology must be made at least %(days)s working day(s) before the appointment."
                )
                % {"days": rules.apology_lead_working_days},
            )
        if new_due_at <= due:
            raise InvalidInput(
                ErrorCode.NEW_APPOINTMENT_NOT_LATER,
                _("The new appointment must be later than the current one."),
                details={"field": "new_due_at"},
            )
        check_due_within_limit(
            new_due_at, since=due, rules=rules, calendar=calendar, field="new_due_at"
        )
    acting.set(due_at=new_due_at, reschedules=dossier.reschedules + 1)
    forget_deadline_flags(acting)
    return finish(
        acting,
        events.dossier_apologised_event(
            reason=reason, due=DueChange(previous=due, new=new_due_at)
        ),
    )


@dossier_change
def withdraw_dossier(
    *,
    dossier: Dossier,
    note: str = "",
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (status 7)."""
    acting = begin(
        Action.WITHDRAW, dossier, actor=actor, at=at, expected_version=expected_version
    )
    return finish(acting, events.dossier_withdrawn_event(note=note))


@dossier_change
def stop_dossier(
    *,
    dossier: Dossier,
    reasons: str,
    actor: Actor,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Stop processing, with written reasons (status 8; TT 03/2025 Mẫu 05)."""
    _check_reasons(reasons, _("Give the reasons for stopping."))
    acting = begin(
        Action.STOP, dossier, actor=actor, at=at, expected_version=expected_version
    )
    return finish(acting, events.dossier_stopped_event(reasons=reasons))


@dossier_change
def record_deadline_flag(*, dossier: Dossier, action: Action, at: dt.datetime) -> bool:
    """Record once that ``dossier`` is due soon or overdue (by the sweeper, as the system).

    A conditional update claims the flag: of two sweeps running at the same moment only
    one finds it unset, so only one event is written. The status and ``lock_version`` do
    not change, so an officer's action in flight is not disturbed. True if recorded."""
    flags: dict[str, str] = {
        Action.FLAG_DUE_SOON: "due_soon_flagged_at",
        Action.FLAG_OVERDUE: "overdue_flagged_at",
    }
    flag = flags[action]
    moment = now_or(at)
    # only while the dossier is as the sweep read it: still running, the same appointment
    claimed = Dossier.objects.filter(
        pk=dossier.pk,
        status__in=RUNNING_STATUSES,
        due_at=dossier.due_at,
        **{f"{flag}__isnull": True},
    ).update(**{flag: moment})
    if not claimed:
        return False
    current = Dossier.objects.get(pk=dossier.pk)
    write_event(
        current,
        events.deadline_flagged_event(action=action, due_at=current.due_at),
        at=moment,
        actor=SYSTEM,
        from_status=current.status,
    )
    return True
