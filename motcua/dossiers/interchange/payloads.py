"""What the interchange reads from and writes into an event's payload
(``DossierEvent.payload``), through the typed constructors and readers of
``dossiers/events.py``, the one module that spells a payload's keys. Outside this module
the interchange treats a payload as an opaque object it copies verbatim (``DuLieu``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers import events
from motcua.dossiers.events import DueChange
from motcua.dossiers.models import DossierEvent


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def payload_missing(event: DossierEvent) -> list[str] | None:
    """The items a supplement request named as missing, ``None`` if it named none."""
    return events.missing_papers(event) or None


def payload_due_change(event: DossierEvent) -> tuple[str | None, str | None]:
    """The appointment before and after an event that moved it, as ISO text."""
    change = events.due_change(event)
    if change is None:
        return None, None
    return _iso(change.previous), _iso(change.new)


def add_missing(event: DossierEvent, content: str) -> None:
    """Give an imported supplement request the missing item the file names, unless its
    payload already lists what is missing."""
    if not events.has_missing_papers(event):
        event.payload = events.with_missing(event.payload, [content])


def add_due_change(event: DossierEvent, before: str | None, after: str | None) -> None:
    """Give an imported event that closed a supplement round the appointments before and
    after it, as the file's ``DanhSachHoSoBoSung`` tells them; the payload's own win."""
    moved = events.with_due_change({}, DueChange(_moment(before), _moment(after)))
    event.payload = {**moved, **event.payload}


def receive_payload(due: dt.datetime | None) -> dict[str, Any]:
    """The payload of a reception: the appointment it set."""
    return dict(events.dossier_received_event(due_at=due).payload)


def request_supplement_payload(missing: list[str]) -> dict[str, Any]:
    """The payload of a supplement request: what is missing."""
    return dict(events.supplement_requested_event(missing=missing, note="").payload)


def due_change_payload(before: dt.datetime, after: dt.datetime) -> dict[str, Any]:
    """The payload of an event that moved the appointment."""
    return dict(
        events.supplement_received_event(
            note="", due=DueChange(previous=before, new=after)
        ).payload
    )


def issue_result_payload(codes: list[str]) -> dict[str, Any]:
    """The payload of issuing results: their codes."""
    return dict(events.result_issued_event(result_codes=codes).payload)
