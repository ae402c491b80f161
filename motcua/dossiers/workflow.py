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
from django.utils.translation import gettext_lazy as _


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
    #: Recorded by the deadline sweeper, once each; the status does not change.
    FLAG_DUE_SOON = "flag_due_soon", _("Due soon")
    FLAG_OVERDUE = "flag_overdue", _("Overdue")
    #: A past event brought in from a previous system (``motcua dossiers import``).
    IMPORT = "import", _("Imported from the previous system")


#: Actions inside the administration: their notes and details are working papers, not
#: shown to the applicant (who still sees that they happened, when and by whom). Reasons
#: the applicant must read — a supplement request, a refusal, a stop, an apology — are not
#: among them (NĐ 61/2018 Điều 15, 17).
INTERNAL_ACTIONS = frozenset(
    {
        Action.ASSIGN,
        Action.HAND_OVER,
        Action.RETURN_FROM_AGENCY,
        Action.SUBMIT_FOR_APPROVAL,
        Action.SEND_BACK,
        Action.APPROVE,
        Action.FLAG_DUE_SOON,
        Action.FLAG_OVERDUE,
    }
)

S = DossierStatus

#: action → (states it may start from, state it leads to; ``None`` keeps the state).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.REQUEST_INTAKE_SUPPLEMENT: (frozenset({S.SUBMITTED}), S.INTAKE_SUPPLEMENT),
    Action.RESUBMIT: (frozenset({S.INTAKE_SUPPLEMENT}), S.SUBMITTED),
    Action.REFUSE: (frozenset({S.SUBMITTED}), S.REFUSED),
    Action.RECEIVE: (frozenset({S.SUBMITTED}), S.RECEIVED),
    Action.TRANSFER: (frozenset({S.RECEIVED}), S.PROCESSING),
    Action.ASSIGN: (frozenset({S.PROCESSING}), None),
    Action.HAND_OVER: (frozenset({S.PROCESSING, S.INTER_AGENCY}), S.INTER_AGENCY),
    Action.RETURN_FROM_AGENCY: (frozenset({S.INTER_AGENCY}), S.PROCESSING),
    Action.REQUEST_SUPPLEMENT: (
        frozenset({S.PROCESSING, S.INTER_AGENCY}),
        S.SUPPLEMENT_REQUESTED,
    ),
    Action.RECEIVE_SUPPLEMENT: (frozenset({S.SUPPLEMENT_REQUESTED}), S.PROCESSING),
    Action.REQUEST_FINANCIAL_OBLIGATION: (
        frozenset({S.PROCESSING, S.INTER_AGENCY, S.APPROVED}),
        S.FINANCIAL_OBLIGATION,
    ),
    Action.CONFIRM_FINANCIAL_OBLIGATION: (
        frozenset({S.FINANCIAL_OBLIGATION}),
        S.PROCESSING,
    ),
    Action.SUBMIT_FOR_APPROVAL: (frozenset({S.PROCESSING}), S.AWAITING_APPROVAL),
    Action.SEND_BACK: (frozenset({S.AWAITING_APPROVAL}), S.PROCESSING),
    Action.APPROVE: (frozenset({S.AWAITING_APPROVAL}), S.APPROVED),
    Action.ISSUE_RESULT: (frozenset({S.APPROVED}), S.RESOLVED),
    Action.RETURN_RESULT: (frozenset({S.RESOLVED}), S.RETURNED),
    Action.APOLOGISE: (frozenset(OPEN_STATUSES), None),
    Action.WITHDRAW: (
        frozenset({S.SUBMITTED, S.INTAKE_SUPPLEMENT} | OPEN_STATUSES),
        S.WITHDRAWN,
    ),
    Action.STOP: (frozenset(OPEN_STATUSES), S.STOPPED),
}


@dataclass(frozen=True)
class TransitionRefused(Exception):
    """An action the rules forbid; ``code`` is stable and machine-readable."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def target_status(action: str, current: str) -> str:
    """The status ``action`` leads to from ``current``, or ``TransitionRefused``."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
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
    return current if target is None else target
