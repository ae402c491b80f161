"""The life of a dossier as a state machine that reads like the regulation.

One line per state says what it means to the citizen; every state maps to one of the ten
national status codes of the National Public Service Portal (``TrangThaiHoSo``, domain spec
08 §5); one table says which action leads from which states to which; each refused action
raises ``TransitionRefused`` with a stable machine-readable code. Services in
``services.py`` are the only callers; nothing else sets ``Dossier.status``.

Sources: NĐ 61/2018/NĐ-CP Điều 15–20 and TT 01/2018/TT-VPCP (until 30/6/2025), NĐ
118/2025/NĐ-CP and TT 03/2025/TT-VPCP (from 1/7/2025), NĐ 45/2020/NĐ-CP Điều 11 (online
intake); spec 02 §2–9.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.accounts.choices import Role


class NationalStatus(enum.IntEnum):
    """``TrangThaiHoSo`` of the national portal (spec 08 §5)."""

    NEW = 1  # Mới đăng ký
    RECEIVED = 2  # Được tiếp nhận
    NOT_RECEIVED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT = 5  # Yêu cầu bổ sung giấy tờ
    FINANCIAL_OBLIGATION = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    RESOLVED = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả

    @property
    def label(self) -> str:
        """The portal's own name of the code (spec 08 §5), in the interface language."""
        return str(_NATIONAL_STATUS_LABELS[self])


_NATIONAL_STATUS_LABELS = {
    NationalStatus.NEW: pgettext_lazy("national status", "Newly registered"),
    NationalStatus.RECEIVED: pgettext_lazy("national status", "Received"),
    NationalStatus.NOT_RECEIVED: pgettext_lazy("national status", "Not received"),
    NationalStatus.PROCESSING: pgettext_lazy("national status", "Being processed"),
    NationalStatus.SUPPLEMENT: pgettext_lazy(
        "national status", "Papers to be supplemented"
    ),
    NationalStatus.FINANCIAL_OBLIGATION: pgettext_lazy(
        "national status", "Financial obligation to be met"
    ),
    NationalStatus.WITHDRAWN: pgettext_lazy(
        "national status", "Withdrawal asked by the citizen"
    ),
    NationalStatus.STOPPED: pgettext_lazy("national status", "Processing stopped"),
    NationalStatus.RESOLVED: pgettext_lazy("national status", "Processed"),
    NationalStatus.RETURNED: pgettext_lazy("national status", "Result returned"),
}


class DossierStatus(models.TextChoices):
    """Where a dossier stands, in the words a citizen would use."""

    #: Submitted online; the one-stop counter has not yet accepted or refused it.
    SUBMITTED = "submitted", _("Submitted, awaiting reception")
    #: Not accepted yet: the applicant was asked, once and in full, to complete it (Mẫu 02).
    INTAKE_SUPPLEMENT = "intake_supplement", _("To be completed before reception")
    #: Refused at reception, with reasons in writing (Mẫu 03).
    REFUSED = "refused", _("Not received")
    #: Received with a dossier code and an appointment (Mẫu 01); still at the counter.
    RECEIVED = "received", _("Received")
    #: With the competent body: assigned, being appraised.
    PROCESSING = "processing", _("Being processed")
    #: Handed to another body of an inter-agency (liên thông) process.
    INTER_AGENCY = "inter_agency", _("With a co-ordinating agency")
    #: Appraised; submitted to the leader for approval.
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    #: Approved; the result document is being issued.
    APPROVED = "approved", _("Approved")
    #: Appraisal found it insufficient; the applicant must supplement it; the clock stops.
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    #: Waiting for the applicant to pay a fee, charge or tax.
    FINANCIAL_OBLIGATION = "financial_obligation", _("Awaiting payment of obligations")
    #: The applicant withdrew the dossier.
    WITHDRAWN = "withdrawn", _("Withdrawn")
    #: Processing stopped (not eligible, or as the law provides), with reasons.
    STOPPED = "stopped", _("Processing stopped")
    #: The result is ready.
    RESOLVED = "resolved", _("Result ready")
    #: The result has been handed to the applicant.
    RETURNED = "returned", _("Result returned")


NATIONAL_STATUS: dict[str, NationalStatus] = {
    DossierStatus.SUBMITTED: NationalStatus.NEW,
    DossierStatus.INTAKE_SUPPLEMENT: NationalStatus.SUPPLEMENT,
    DossierStatus.REFUSED: NationalStatus.NOT_RECEIVED,
    DossierStatus.RECEIVED: NationalStatus.RECEIVED,
    DossierStatus.PROCESSING: NationalStatus.PROCESSING,
    DossierStatus.INTER_AGENCY: NationalStatus.PROCESSING,
    DossierStatus.AWAITING_APPROVAL: NationalStatus.PROCESSING,
    DossierStatus.APPROVED: NationalStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED: NationalStatus.SUPPLEMENT,
    DossierStatus.FINANCIAL_OBLIGATION: NationalStatus.FINANCIAL_OBLIGATION,
    DossierStatus.WITHDRAWN: NationalStatus.WITHDRAWN,
    DossierStatus.STOPPED: NationalStatus.STOPPED,
    DossierStatus.RESOLVED: NationalStatus.RESOLVED,
    DossierStatus.RETURNED: NationalStatus.RETURNED,
}

#: Before reception: no dossier code clock runs yet.
PRE_RECEPTION_STATUSES = frozenset(
    {DossierStatus.SUBMITTED, DossierStatus.INTAKE_SUPPLEMENT}
)
#: The legal clock runs (received and not finished, not paused).
RUNNING_STATUSES = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.INTER_AGENCY,
        DossierStatus.AWAITING_APPROVAL,
        DossierStatus.APPROVED,
    }
)
#: The clock stands still: the applicant has to act (spec 02 §7; the financial pause only
#: where the procedure version says so).
PAUSED_STATUSES = frozenset(
    {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.FINANCIAL_OBLIGATION}
)
#: Still somebody's work: received and neither finished nor ended.
OPEN_STATUSES = RUNNING_STATUSES | PAUSED_STATUSES
#: Processing is over; only returning the result may follow.
FINISHED_STATUSES = frozenset({DossierStatus.RESOLVED, DossierStatus.RETURNED})
#: Nothing more happens.
CLOSED_STATUSES = frozenset(
    {
        DossierStatus.REFUSED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.RETURNED,
    }
)


class Action(models.TextChoices):
    """What someone does to a dossier; one service function each."""

    SUBMIT_ONLINE = "submit_online", _("Submit online")
    REQUEST_INTAKE_SUPPLEMENT = (
        "request_intake_supplement",
        _("Ask to complete before reception"),
    )
    RESUBMIT = "resubmit", _("Resubmit completed dossier")
    REFUSE = "refuse", _("Refuse reception")
    RECEIVE = "receive", _("Receive")
    TRANSFER = "transfer", _("Transfer to the competent body")
    ASSIGN = "assign", _("Assign a specialist")
    HAND_OVER = "hand_over", _("Hand over to a co-ordinating agency")
    RETURN_FROM_AGENCY = (
        "return_from_agency",
        _("Receive back from a co-ordinating agency"),
    )
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Receive the supplement")
    REQUEST_FINANCIAL_OBLIGATION = (
        "request_financial_obligation",
        _("Request payment of obligations"),
    )
    CONFIRM_FINANCIAL_OBLIGATION = (
        "confirm_financial_obligation",
        _("Confirm obligations paid"),
    )
    SUBMIT_FOR_APPROVAL = "submit_for_approval", _("Submit for approval")
    SEND_BACK = "send_back", _("Send back for rework")
    APPROVE = "approve", _("Approve")
    ISSUE_RESULT = "issue_result", _("Issue the result")
    RETURN_RESULT = "return_result", _("Return the result")
    APOLOGISE = "apologise", _("Apologise and set a new appointment")
    WITHDRAW = "withdraw", _("Withdraw")
    STOP = "stop", _("Stop processing")
    #: A paper's scan attached to it (TT 01/2023/TT-VPCP); the status does not change.
    DIGITISE_COMPONENT = "digitise_component", _("Digitise a submitted paper")
    #: A result's electronic file attached after it was issued (NĐ 45/2020); the status
    #: does not change.
    ATTACH_RESULT_FILE = "attach_result_file", _("Attach a result's electronic file")
    #: Recorded by the deadline sweeper, once each; the status does not change.
    FLAG_DUE_SOON = "flag_due_soon", _("Due soon")
    FLAG_OVERDUE = "flag_overdue", _("Overdue")
    #: A past event brought in from a previous system (``motcua dossiers import``).
    IMPORT = "import", _("Imported from the previous system")


class Clock(enum.Enum):
    """What an action does to the legal clock (spec 02 §7)."""

    NONE = "none"
    #: reception: the appointment is set and the clock starts
    START = "start"
    #: the applicant must act: the clock stands still from this moment
    PAUSE = "pause"
    #: paused only where the procedure version says its sector law excludes this time
    PAUSE_IF_VERSION_SAYS = "pause_if_version_says"
    #: the pause ends: the appointment moves later by the working time it took
    RESUME = "resume"
    #: the appointment is re-set once, with an apology (Mẫu 04)
    RESCHEDULE = "reschedule"
    #: processing is over: the moment QĐ 766 judges against the appointment
    FINISH = "finish"
    #: nothing more happens: the dossier is closed (and no longer paused)
    CLOSE = "close"


class Steps(enum.Enum):
    """What an action does to the dossier's process steps (spec 02 §5, §8)."""

    NONE = "none"
    #: the version's process is copied to the dossier and its first step starts
    START = "start"
    #: the dossier changes hands: the step holding it ends and the next one starts
    ADVANCE = "advance"
    #: as ADVANCE, the next step held by the co-ordinating agency named in the action
    HAND_OVER = "hand_over"
    #: every step still open ends with the action
    FINISH_ALL = "finish_all"


class Place(enum.Enum):
    """Where an actor must hold one of the action's roles, or who they must be."""

    #: the one-stop counter that received the dossier
    RECEIVING = "receiving"
    #: the competent body handling the dossier
    HANDLING = "handling"
    #: the agency holding the dossier's current step (a co-ordinating agency, liên thông)
    CURRENT_STEP = "current_step"
    #: the applicant's own account, whatever its roles
    APPLICANT = "applicant"
    #: the system itself (the deadline sweeper, an import); no person may
    SYSTEM = "system"


@dataclass(frozen=True)
class ActionRule:
    """One row of the workflow: everything the law says about one action.

    ``may_act``, the shared path of the services, the API's descriptions, the tests and
    docs/workflow.md all read these rows; nothing else restates them."""

    action: Action
    #: the states it may start from
    sources: frozenset[str]
    #: the state it leads to; ``None`` keeps the state
    target: str | None
    #: the roles that may take it, held in one of ``places``' agencies
    roles: frozenset[str]
    places: frozenset[Place]
    #: inside the administration: its notes and details are working papers, not shown to
    #: the applicant (who still sees that it happened, when and by whom)
    internal: bool
    clock: Clock
    steps: Steps
    #: document and article
    basis: str


S = DossierStatus
R = Role
_COUNTER = frozenset({Place.RECEIVING})
_HANDLER = frozenset({Place.HANDLING, Place.CURRENT_STEP})
_ANY_OPEN = frozenset(OPEN_STATUSES)


def _rule(
    action: Action,
    sources: frozenset[str] | set[str],
    target: str | None,
    roles: set[str],
    places: frozenset[Place],
    *,
    basis: str,
    internal: bool = False,
    clock: Clock = Clock.NONE,
    steps: Steps = Steps.NONE,
) -> ActionRule:
    return ActionRule(
        action=action,
        sources=frozenset(sources),
        target=target,
        roles=frozenset(roles),
        places=places,
        internal=internal,
        clock=clock,
        steps=steps,
        basis=basis,
    )


#: The workflow, one row per action, in the order a dossier meets them. Reasons the
#: applicant must read (a supplement request, a refusal, a stop, an apology) are never
#: internal (NĐ 61/2018 Điều 15, 17).
RULES: dict[str, ActionRule] = {
    rule.action: rule
    for rule in (
        _rule(
            Action.SUBMIT_ONLINE,
            set(),
            S.SUBMITTED,
            set(),
            frozenset({Place.APPLICANT}),
            basis="NĐ 45/2020/NĐ-CP Điều 11",
        ),
        _rule(
            Action.REQUEST_INTAKE_SUPPLEMENT,
            {S.SUBMITTED},
            S.INTAKE_SUPPLEMENT,
            {R.COUNTER_OFFICER},
            _COUNTER,
            basis="NĐ 61/2018/NĐ-CP Điều 15 khoản 2 (Mẫu 02)",
        ),
        _rule(
            Action.RESUBMIT,
            {S.INTAKE_SUPPLEMENT},
            S.SUBMITTED,
            set(),
            frozenset({Place.APPLICANT}),
            basis="NĐ 45/2020/NĐ-CP Điều 11",
        ),
        _rule(
            Action.REFUSE,
            {S.SUBMITTED},
            S.REFUSED,
            {R.COUNTER_OFFICER},
            _COUNTER,
            clock=Clock.CLOSE,
            basis="NĐ 61/2018/NĐ-CP Điều 15 khoản 2 (Mẫu 03)",
        ),
        _rule(
            Action.RECEIVE,
            {S.SUBMITTED},
            S.RECEIVED,
            {R.COUNTER_OFFICER},
            _COUNTER,
            clock=Clock.START,
            steps=Steps.START,
            basis="NĐ 61/2018/NĐ-CP Điều 15 khoản 2 (Mẫu 01)",
        ),
        _rule(
            Action.TRANSFER,
            {S.RECEIVED},
            S.PROCESSING,
            {R.COUNTER_OFFICER},
            _COUNTER,
            steps=Steps.ADVANCE,
            basis="NĐ 61/2018/NĐ-CP Điều 16",
        ),
        _rule(
            Action.ASSIGN,
            {S.PROCESSING},
            None,
            {R.LEADER},
            frozenset({Place.HANDLING}),
            internal=True,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 1",
        ),
        _rule(
            Action.HAND_OVER,
            {S.PROCESSING, S.INTER_AGENCY},
            S.INTER_AGENCY,
            {R.SPECIALIST, R.LEADER},
            _HANDLER,
            internal=True,
            steps=Steps.HAND_OVER,
            basis="NĐ 61/2018/NĐ-CP Điều 20, 21",
        ),
        _rule(
            Action.RETURN_FROM_AGENCY,
            {S.INTER_AGENCY},
            S.PROCESSING,
            {R.SPECIALIST, R.LEADER},
            _HANDLER,
            internal=True,
            steps=Steps.ADVANCE,
            basis="NĐ 61/2018/NĐ-CP Điều 20, 21",
        ),
        _rule(
            Action.REQUEST_SUPPLEMENT,
            {S.PROCESSING, S.INTER_AGENCY},
            S.SUPPLEMENT_REQUESTED,
            {R.SPECIALIST},
            _HANDLER,
            clock=Clock.PAUSE,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 2 (NĐ 107/2021); Mẫu 02",
        ),
        _rule(
            Action.RECEIVE_SUPPLEMENT,
            {S.SUPPLEMENT_REQUESTED},
            S.PROCESSING,
            {R.SPECIALIST, R.COUNTER_OFFICER},
            # the applicant brings the papers to the counter that received the dossier,
            # as well as to the handling body (docs/decisions/0012)
            _HANDLER | _COUNTER,
            clock=Clock.RESUME,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 2; spec 02 §7",
        ),
        _rule(
            Action.REQUEST_FINANCIAL_OBLIGATION,
            {S.PROCESSING, S.INTER_AGENCY, S.APPROVED},
            S.FINANCIAL_OBLIGATION,
            {R.SPECIALIST},
            _HANDLER,
            clock=Clock.PAUSE_IF_VERSION_SAYS,
            basis="NĐ 61/2018/NĐ-CP Điều 17; spec 02 §7",
        ),
        _rule(
            Action.CONFIRM_FINANCIAL_OBLIGATION,
            {S.FINANCIAL_OBLIGATION},
            S.PROCESSING,
            {R.SPECIALIST, R.COUNTER_OFFICER},
            _HANDLER,
            clock=Clock.RESUME,
            basis="NĐ 61/2018/NĐ-CP Điều 17; spec 02 §7",
        ),
        _rule(
            Action.SUBMIT_FOR_APPROVAL,
            {S.PROCESSING},
            S.AWAITING_APPROVAL,
            {R.SPECIALIST},
            _HANDLER,
            internal=True,
            steps=Steps.ADVANCE,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 3",
        ),
        _rule(
            Action.SEND_BACK,
            {S.AWAITING_APPROVAL},
            S.PROCESSING,
            {R.LEADER},
            _HANDLER,
            internal=True,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 3",
        ),
        _rule(
            Action.APPROVE,
            {S.AWAITING_APPROVAL},
            S.APPROVED,
            {R.LEADER},
            _HANDLER,
            internal=True,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 3",
        ),
        _rule(
            Action.ISSUE_RESULT,
            {S.APPROVED},
            S.RESOLVED,
            {R.LEADER, R.SPECIALIST},
            _HANDLER,
            clock=Clock.FINISH,
            steps=Steps.ADVANCE,
            basis="NĐ 45/2020/NĐ-CP Điều 14 khoản 3 (mã kết quả <mã hồ sơ>-KQ(n))",
        ),
        _rule(
            Action.RETURN_RESULT,
            {S.RESOLVED},
            S.RETURNED,
            {R.COUNTER_OFFICER},
            _COUNTER,
            clock=Clock.CLOSE,
            steps=Steps.FINISH_ALL,
            basis="NĐ 61/2018/NĐ-CP Điều 18",
        ),
        _rule(
            Action.APOLOGISE,
            _ANY_OPEN,
            None,
            {R.LEADER},
            _HANDLER,
            clock=Clock.RESCHEDULE,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 4 (Mẫu 04)",
        ),
        _rule(
            Action.WITHDRAW,
            {S.SUBMITTED, S.INTAKE_SUPPLEMENT} | OPEN_STATUSES,
            S.WITHDRAWN,
            {R.COUNTER_OFFICER},
            frozenset({Place.RECEIVING, Place.APPLICANT}),
            clock=Clock.CLOSE,
            basis="NĐ 61/2018/NĐ-CP Điều 15; TT 01/2018/TT-VPCP",
        ),
        _rule(
            Action.STOP,
            _ANY_OPEN,
            S.STOPPED,
            {R.LEADER},
            _HANDLER,
            clock=Clock.CLOSE,
            basis="NĐ 61/2018/NĐ-CP Điều 17; TT 03/2025/TT-VPCP Mẫu 05",
        ),
        _rule(
            Action.DIGITISE_COMPONENT,
            PRE_RECEPTION_STATUSES | OPEN_STATUSES,
            None,
            {R.COUNTER_OFFICER},
            _COUNTER,
            basis="TT 01/2023/TT-VPCP Điều 7, 8 (spec 03 §4.2)",
        ),
        _rule(
            Action.ATTACH_RESULT_FILE,
            {S.RESOLVED},
            None,
            {R.LEADER, R.SPECIALIST},
            _HANDLER,
            basis="NĐ 45/2020/NĐ-CP Điều 14 khoản 3",
        ),
        _rule(
            Action.FLAG_DUE_SOON,
            _ANY_OPEN,
            None,
            set(),
            frozenset({Place.SYSTEM}),
            internal=True,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 4; spec 02 §7",
        ),
        _rule(
            Action.FLAG_OVERDUE,
            _ANY_OPEN,
            None,
            set(),
            frozenset({Place.SYSTEM}),
            internal=True,
            basis="NĐ 61/2018/NĐ-CP Điều 17 khoản 4; spec 02 §7",
        ),
    )
}

#: Actions inside the administration (``ActionRule.internal``).
INTERNAL_ACTIONS = frozenset(a for a, rule in RULES.items() if rule.internal)

#: Actions on a dossier's papers and its results' files rather than on its course: taken
#: through the document store (``motcua.files``), which carries the file, not through a
#: transition endpoint of their own.
PAPER_ACTIONS = frozenset({Action.DIGITISE_COMPONENT, Action.ATTACH_RESULT_FILE})

#: Actions a person takes on a dossier that exists, through its own endpoint.
TRANSITION_ACTIONS = tuple(
    a
    for a, rule in RULES.items()
    if rule.sources and Place.SYSTEM not in rule.places and a not in PAPER_ACTIONS
)


@dataclass(frozen=True)
class TransitionRefused(Exception):
    """An action the rules forbid; ``code`` is stable and machine-readable."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def target_status(action: str, current: str) -> str:
    """The status ``action`` leads to from ``current``, or ``TransitionRefused``."""
    rule = RULES[action]
    if current not in rule.sources:
        raise TransitionRefused(
            code="transition_not_allowed",
            message=str(
                _("“%(action)s” is not possible while the dossier is “%(status)s”.")
                % {
                    "action": Action(action).label,
                    "status": DossierStatus(current).label,
                }
            ),
        )
    return current if rule.target is None else rule.target


_PLACES = {
    Place.RECEIVING: "at the receiving one-stop counter",
    Place.HANDLING: "in the handling agency",
    Place.CURRENT_STEP: "in the co-ordinating agency holding the current step",
    Place.APPLICANT: "the applicant, from their own account",
    Place.SYSTEM: "the system itself",
}
_CLOCK = {
    Clock.NONE: "does not change the clock",
    Clock.START: "starts the legal clock and sets the appointment",
    Clock.PAUSE: "pauses the clock",
    Clock.PAUSE_IF_VERSION_SAYS: (
        "pauses the clock where the procedure version says its sector law excludes "
        "this time"
    ),
    Clock.RESUME: "resumes the clock; the appointment moves by the working time paused",
    Clock.RESCHEDULE: "re-sets the appointment, once",
    Clock.FINISH: "ends processing (the moment judged against the appointment)",
    Clock.CLOSE: "closes the dossier",
}
_STEPS = {
    Steps.NONE: "leaves the process steps as they are",
    Steps.START: "copies the version's process and starts its first step",
    Steps.ADVANCE: "ends the step holding the dossier and starts the next",
    Steps.HAND_OVER: (
        "ends the step holding the dossier and starts the next, held by the agency "
        "handed to"
    ),
    Steps.FINISH_ALL: "ends every step still open",
}


def _status_names(statuses: frozenset[str]) -> str:
    order = list(DossierStatus)
    return ", ".join(
        f"`{s}`" for s in sorted(statuses, key=lambda s: order.index(DossierStatus(s)))
    )


def who_may(rule: ActionRule) -> str:
    """Who may take the action, in words."""
    people = []
    roles = ", ".join(sorted(str(Role(r).label) for r in rule.roles))
    places = [p for p in Place if p in rule.places]
    held = [p for p in places if p not in (Place.APPLICANT, Place.SYSTEM)]
    if roles and held:
        people.append(f"{roles}, " + " or ".join(_PLACES[p] for p in held))
    people.extend(_PLACES[p] for p in places if p in (Place.APPLICANT, Place.SYSTEM))
    return "; or ".join(people)


def describe(rule: ActionRule) -> str:
    """The action's row in words: the API's description of its endpoint and the entry of
    docs/workflow.md (in English, as the rest of the schema's descriptions)."""
    with translation.override("en"):
        return _describe(rule)


def _describe(rule: ActionRule) -> str:
    sources = _status_names(rule.sources) if rule.sources else "a new dossier"
    target = "keeps the status" if rule.target is None else f"leads to `{rule.target}`"
    lines = [
        f"From {sources}; {target}.",
        f"Who: {who_may(rule)}.",
        f"Clock: {_CLOCK[rule.clock]}. Steps: {_STEPS[rule.steps]}.",
    ]
    if rule.internal:
        lines.append("Internal: its notes and details are not shown to the applicant.")
    lines.append(f"Basis: {rule.basis}.")
    return "\n\n".join(lines)


def render_markdown() -> str:
    """docs/workflow.md, made from the rows (``motcua workflow --write``); a test fails
    when the committed file differs."""
    with translation.override("en"):
        out = [
            "# The workflow of a dossier",
            "",
            "Generated from `motcua/dossiers/workflow.py` (`RULES`) by "
            "`motcua workflow --write docs/workflow.md`; do not edit by hand.",
            "",
            "## Statuses",
            "",
            "| status | national code (TrangThaiHoSo) | meaning |",
            "|---|---|---|",
        ]
        for status in DossierStatus:
            out.append(
                f"| `{status.value}` | {int(NATIONAL_STATUS[status])} | {status.label} |"
            )
        out += [
            "",
            "## Actions",
            "",
            "| action | from | to | who | clock | steps | internal | basis |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for rule in RULES.values():
            out.append(
                "| "
                + " | ".join(
                    [
                        f"**{rule.action.label}** (`{rule.action.value}`)",
                        _status_names(rule.sources) if rule.sources else "—",
                        f"`{rule.target}`" if rule.target else "(same)",
                        who_may(rule),
                        _CLOCK[rule.clock],
                        _STEPS[rule.steps],
                        "yes" if rule.internal else "no",
                        rule.basis,
                    ]
                )
                + " |"
            )
        out += ["", "## Each action", ""]
        for rule in RULES.values():
            out += [f"### {rule.action.label} (`{rule.action.value}`)", ""]
            out += [describe(rule), ""]
    return "\n".join(out)
