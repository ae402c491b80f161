"""What the officers' pages read, always starting from the visibility chokepoint
(``dossiers.permissions.dossiers_visible_to``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.db.models import F

from motcua.accounts.models import User
from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.deadlines import classify
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.dossiers.permissions import dossiers_visible_to
from motcua.dossiers.selectors import DossierRow, dossier_rows
from motcua.dossiers.workflow import OPEN_STATUSES
from motcua.workdays.selectors import calendar_for


def open_queue(user: User, *, status: str = "") -> DossierQuerySet:
    """The open dossiers ``user`` may see (of one ``status`` if given), the soonest due
    first and those without a due moment last, as the API's ``ordering=due_at`` orders a
    work list (``dossiers.api.filtersets.ORDERINGS``); ties by newest row."""
    visible = cast(DossierQuerySet, dossiers_visible_to(user))
    dossiers = visible.filter(status__in=OPEN_STATUSES)
    if status:
        dossiers = dossiers.filter(status=status)
    return dossiers.with_assignee_username().order_by(
        F("due_at").asc(nulls_last=True), "-pk"
    )


@dataclass(frozen=True)
class QueueRow:
    """A dossier of the queue with its deadline state (spec 02 §7): overdue, due soon
    within the rules' warning window, in time, or ``None`` without a due moment."""

    row: DossierRow
    deadline: DeadlineState | None

    @property
    def dossier(self) -> Dossier:
        return self.row.dossier


def queue_rows(dossiers: Sequence[Dossier], *, now: dt.datetime) -> list[QueueRow]:
    """The rows of one page of the queue: reference rows and calendars from the process's
    caches, so the page costs the same queries however many rows it shows."""
    rows = dossier_rows(dossiers, now=now)
    return [
        QueueRow(
            row=row,
            deadline=classify(
                due_at=row.dossier.due_at,
                finished_at=None,
                now=now,
                calendar=calendar_for(row.dossier.handling_agency),
                due_soon_hours=row.dossier.rules.due_soon_working_hours,
                paused_at=row.dossier.paused_at,
                closed_at=row.dossier.closed_at,
            ),
        )
        for row in rows
    ]
