"""Every read and write of an event's payload (``DossierEvent.payload``) the interchange
makes, in one place, so that the typed event payloads of ``dossiers/events.py`` can take
their place by changing only this module (issue 8, "a typed event log").

The keys are those the services write: ``missing`` (request_supplement), ``previous_due_at``
and ``new_due_at`` (receive_supplement, apologise; ISO moments), ``due_at`` (receive),
``results`` (issue_result). Outside this module the interchange treats a payload as an
opaque object it copies verbatim (``DuLieu``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers.models import DossierEvent


def payload_missing(event: DossierEvent) -> list[str] | None:
    """The items a supplement request named as missing, ``None`` if it named none."""
    missing = event.payload.get("missing")
    if isinstance(missing, list) and missing:
        return [str(item) for item in missing]
    return None


def payload_due_change(event: DossierEvent) -> tuple[object, object]:
    """The appointment before and after an event that moved it (ISO text as recorded)."""
    return event.payload.get("previous_due_at"), event.payload.get("new_due_at")


def add_missing(event: DossierEvent, content: str) -> None:
    """Give an imported supplement request the missing item the file names, unless its
    payload already lists what is missing."""
    if "missing" not in event.payload:
        event.payload = {**event.payload, "missing": [content]}


def add_due_change(event: DossierEvent, before: str | None, after: str | None) -> None:
    """Give an imported event that closed a supplement round the appointments before and
    after it, as the file's ``DanhSachHoSoBoSung`` tells them; the payload's own win."""
    event.payload = {"previous_due_at": before, "new_due_at": after, **event.payload}


def receive_payload(due: dt.datetime | None) -> dict[str, Any]:
    """The payload of a reception: the appointment it set."""
    return {"due_at": due.isoformat() if due else None}


def request_supplement_payload(missing: list[str]) -> dict[str, Any]:
    """The payload of a supplement request: what is missing."""
    return {"missing": missing}


def due_change_payload(before: dt.datetime, after: dt.datetime) -> dict[str, Any]:
    """The payload of an event that moved the appointment."""
    return {"previous_due_at": before.isoformat(), "new_due_at": after.isoformat()}


def issue_result_payload(codes: list[str]) -> dict[str, Any]:
    """The payload of issuing results: their codes."""
    return {"results": codes}
