"""Periodic work on dossiers. Thin and idempotent: running twice, or two workers at once,
records each fact once (STYLE; Healthchecks' ``sendalerts``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from motcua.dossiers.deadlines import LOOKAHEAD, is_due_soon
from motcua.dossiers.selectors import running_due_before
from motcua.dossiers.services import record_deadline_flag
from motcua.dossiers.workflow import Action
from motcua.workdays.selectors import calendar_for


@dataclass
class SweepReport:
    due_soon: int = 0
    overdue: int = 0


def sweep_deadlines_task(*, now: dt.datetime | None = None) -> SweepReport:
    """Record "due soon" (no more than the rules' window of working hours left) and
    "overdue" (past the appointment) once per dossier, as events. Paused dossiers are not
    counting down and are left alone."""
    moment = now or timezone.now()
    report = SweepReport()
    for dossier in running_due_before(moment + LOOKAHEAD).filter(
        overdue_flagged_at__isnull=True
    ):
        assert dossier.due_at is not None  # noqa: S101 - filtered by the selector
        if dossier.due_at < moment:
            if record_deadline_flag(
                dossier=dossier, action=Action.FLAG_OVERDUE, at=moment
            ):
                report.overdue += 1
            continue
        if dossier.due_soon_flagged_at is not None:
            continue
        due_soon = is_due_soon(
            at=moment,
            due_at=dossier.due_at,
            calendar=calendar_for(dossier.handling_agency),
            due_soon_hours=Decimal(dossier.rules.due_soon_working_hours),
        )
        if due_soon and record_deadline_flag(
            dossier=dossier, action=Action.FLAG_DUE_SOON, at=moment
        ):
            report.due_soon += 1
    return report
