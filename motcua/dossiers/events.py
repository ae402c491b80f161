"""The events of the dossier's legal history: one constructor per kind, one reader per fact.

The event log is the legal history of a dossier and the source of every Decision 766
figure (STYLE: Saleor's ``order/events.py``). Services build what they record with the
``dossier_<past verb>_event`` constructors below and hand it to the one writer of the
shared path; the national export, the register (Mẫu 06), the slips and the index read it
back with the readers below. No other module spells a payload key, so a key cannot be
written one way and read another. Events are append-only: everything an event says (the
result codes, the appointment before and after) is known before it is written, and
nothing updates it afterwards.

Moments in payloads are ISO 8601 with the +07:00 offset of Asia/Ho_Chi_Minh, as the
national payload writes them (spec 08 §3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from motcua.dossiers.workflow import Action
from motcua.workdays.clock import local

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.agencies.models import Agency
    from motcua.dossiers.models import DossierEvent

# the payload keys: spelled here only
_DUE_AT = "due_at"
_PREVIOUS_DUE_AT = "previous_due_at"
_NEW_DUE_AT = "new_due_at"
_MISSING = "missing"
_ASSIGNEE = "assignee"
_TO_AGENCY = "to_agency"
_AMOUNT = "amount"
_PAUSES_CLOCK = "pauses_clock"
_RESULTS = "results"
_METHOD = "method"
_RECEIVER = "receiver"
_PAPER = "paper"
_FILE = "file"
_SHA256 = "sha256"


@dataclass(frozen=True)
class NewEvent:
    """What a service records besides who, when and the status before and after, which
    the shared path adds when it writes the row."""

    action: Action
    note: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    #: the agency that acted, when it is not the one holding the step the action starts
    agency: Agency | None = None
    #: the request's field the note came from, for an error about it
    note_field: str = "note"


@dataclass(frozen=True)
class DueChange:
    """The appointment before and after an action that moved it (a pause ended, an
    apology); the national sync reports them as NgayHenTraTruoc / NgayHenTraMoi."""

    previous: dt.datetime | None
    new: dt.datetime | None


def _moment(value: dt.datetime | None) -> str | None:
    return None if value is None else local(value).isoformat()


def _read_moment(value: Any) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _due_change(change: DueChange | None) -> dict[str, Any]:
    if change is None:
        return {}
    return {
        _PREVIOUS_DUE_AT: _moment(change.previous),
        _NEW_DUE_AT: _moment(change.new),
    }


# ------------------------------------------------------------------ constructors


def dossier_submitted_event() -> NewEvent:
    return NewEvent(Action.SUBMIT_ONLINE)


def dossier_received_event(
    *, due_at: dt.datetime | None, agency: Agency | None = None
) -> NewEvent:
    return NewEvent(Action.RECEIVE, payload={_DUE_AT: _moment(due_at)}, agency=agency)


def intake_supplement_requested_event(
    *, missing: Sequence[str], note: str, agency: Agency
) -> NewEvent:
    return NewEvent(
        Action.REQUEST_INTAKE_SUPPLEMENT,
        note=note,
        payload={_MISSING: list(missing)},
        agency=agency,
    )


def dossier_resubmitted_event() -> NewEvent:
    return NewEvent(Action.RESUBMIT)


def dossier_refused_event(*, reasons: str, agency: Agency) -> NewEvent:
    return NewEvent(Action.REFUSE, note=reasons, agency=agency, note_field="reasons")


def dossier_transferred_event() -> NewEvent:
    return NewEvent(Action.TRANSFER)


def dossier_assigned_event(*, assignee: User) -> NewEvent:
    return NewEvent(Action.ASSIGN, payload={_ASSIGNEE: assignee.username})


def dossier_handed_over_event(*, to_agency: Agency, note: str) -> NewEvent:
    return NewEvent(
        Action.HAND_OVER,
        note=note,
        payload={_TO_AGENCY: to_agency.identifier},
        agency=to_agency,
    )


def dossier_returned_from_agency_event(*, note: str) -> NewEvent:
    return NewEvent(Action.RETURN_FROM_AGENCY, note=note)


def supplement_requested_event(*, missing: Sequence[str], note: str) -> NewEvent:
    return NewEvent(
        Action.REQUEST_SUPPLEMENT, note=note, payload={_MISSING: list(missing)}
    )


def supplement_received_event(*, note: str, due: DueChange | None) -> NewEvent:
    return NewEvent(Action.RECEIVE_SUPPLEMENT, note=note, payload=_due_change(due))


def financial_obligation_requested_event(
    *, amount: int | None, pauses_clock: bool, note: str
) -> NewEvent:
    return NewEvent(
        Action.REQUEST_FINANCIAL_OBLIGATION,
        note=note,
        payload={_AMOUNT: amount, _PAUSES_CLOCK: pauses_clock},
    )


def financial_obligation_confirmed_event(
    *, note: str, due: DueChange | None
) -> NewEvent:
    return NewEvent(
        Action.CONFIRM_FINANCIAL_OBLIGATION, note=note, payload=_due_change(due)
    )


def dossier_submitted_for_approval_event(*, note: str) -> NewEvent:
    return NewEvent(Action.SUBMIT_FOR_APPROVAL, note=note)


def dossier_sent_back_event(*, note: str) -> NewEvent:
    return NewEvent(Action.SEND_BACK, note=note)


def dossier_approved_event(*, note: str) -> NewEvent:
    return NewEvent(Action.APPROVE, note=note)


def result_issued_event(*, result_codes: Sequence[str]) -> NewEvent:
    return NewEvent(Action.ISSUE_RESULT, payload={_RESULTS: list(result_codes)})


def result_returned_event(*, method: str, receiver: str, agency: Agency) -> NewEvent:
    """The result handed over, by the one-stop counter that received the dossier."""
    return NewEvent(
        Action.RETURN_RESULT,
        payload={_METHOD: method, _RECEIVER: receiver},
        agency=agency,
    )


def dossier_apologised_event(*, reason: str, due: DueChange) -> NewEvent:
    return NewEvent(
        Action.APOLOGISE, note=reason, payload=_due_change(due), note_field="reason"
    )


def dossier_withdrawn_event(*, note: str) -> NewEvent:
    return NewEvent(Action.WITHDRAW, note=note)


def dossier_stopped_event(*, reasons: str) -> NewEvent:
    return NewEvent(Action.STOP, note=reasons, note_field="reasons")


def paper_digitised_event(*, paper: str, file_id: int, sha256: str) -> NewEvent:
    """A paper's scan attached to it (TT 01/2023/TT-VPCP Điều 8): which paper, which
    stored file, and the hash of its content, which identifies the scan for good."""
    return NewEvent(
        Action.DIGITISE_COMPONENT,
        payload={_PAPER: paper, _FILE: file_id, _SHA256: sha256},
    )


def deadline_flagged_event(*, action: Action, due_at: dt.datetime | None) -> NewEvent:
    """Due soon or overdue, recorded once by the sweeper."""
    if action not in (Action.FLAG_DUE_SOON, Action.FLAG_OVERDUE):
        raise ValueError(f"{action!r} is not a deadline flag")
    return NewEvent(action, payload={_DUE_AT: _moment(due_at)})


def with_missing(payload: Mapping[str, Any], missing: Sequence[str]) -> dict[str, Any]:
    """``payload`` naming the papers asked for, for an imported supplement request whose
    list came in a field of its own rather than in its details."""
    return {**payload, _MISSING: list(missing)}


def with_due_change(payload: Mapping[str, Any], due: DueChange) -> dict[str, Any]:
    """``payload`` with the appointment before and after, for an imported entry whose
    moments came in fields of their own."""
    return {**payload, **_due_change(due)}


# ------------------------------------------------------------------ readers
#
# Readers take what they find: an event imported from a previous system keeps its details
# as they came (``DuLieu``), so a value of the wrong shape reads as absent, not as an error.


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(item) for item in value]


def due_change(event: DossierEvent) -> DueChange | None:
    """The appointment before and after, if the event moved it."""
    payload = event.payload or {}
    if _NEW_DUE_AT not in payload and _PREVIOUS_DUE_AT not in payload:
        return None
    return DueChange(
        previous=_read_moment(payload.get(_PREVIOUS_DUE_AT)),
        new=_read_moment(payload.get(_NEW_DUE_AT)),
    )


def appointment(event: DossierEvent) -> dt.datetime | None:
    """The appointment a reception set, or that a deadline flag judged."""
    return _read_moment((event.payload or {}).get(_DUE_AT))


def missing_papers(event: DossierEvent) -> list[str]:
    """What a supplement request asked for."""
    return _texts((event.payload or {}).get(_MISSING))


def has_missing_papers(event: DossierEvent) -> bool:
    return _MISSING in (event.payload or {})


def result_codes(event: DossierEvent) -> list[str]:
    """The codes of the results an issue recorded (``<dossier code>-KQ(n)``)."""
    return _texts((event.payload or {}).get(_RESULTS))


def result_receiver(event: DossierEvent) -> str:
    """Who received the result, as recorded at its return."""
    return str((event.payload or {}).get(_RECEIVER) or "")


def digitised_paper(event: DossierEvent) -> str:
    """The name of the paper a digitisation scanned."""
    return str((event.payload or {}).get(_PAPER) or "")


def digitised_sha256(event: DossierEvent) -> str:
    """The SHA-256 of the scan a digitisation attached."""
    return str((event.payload or {}).get(_SHA256) or "")
