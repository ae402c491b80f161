"""What the officers' pages read, always starting from the visibility chokepoint
(``dossiers.permissions.dossiers_visible_to``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.db.models import F
from django.urls import reverse

from motcua.accounts.models import User
from motcua.documents.slips import slips_of
from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.deadlines import classify
from motcua.dossiers.models import Dossier, DossierQuerySet, DossierResult
from motcua.dossiers.permissions import dossiers_visible_to, may_act
from motcua.dossiers.selectors import (
    ComponentView,
    DossierDetail,
    DossierRow,
    EventView,
    dossier_detail,
    dossier_rows,
)
from motcua.dossiers.workflow import (
    OPEN_STATUSES,
    RULES,
    TRANSITION_ACTIONS,
    Action,
    DossierStatus,
)
from motcua.files.models import StoredFile
from motcua.files.selectors import files_of
from motcua.procedures.choices import ComponentForm
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


# ------------------------------------------------------------------ the dossier page


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the dossier's legal history (spec 02 §9), with the labels the page
    shows: the action's and the statuses' in the reader's language."""

    view: EventView
    action: str
    from_status: str
    to_status: str


@dataclass(frozen=True)
class Slip:
    """A slip the dossier has (``documents.slips.slips_of``): its form, name and address."""

    form: str
    name: str
    url: str


@dataclass(frozen=True)
class DossierPage:
    """What the officer's page of one dossier shows: the read model of
    ``dossiers.selectors.dossier_detail`` (internal notes included: the reader works in
    the administration), the labels of its history, its slips, and the actions the
    officer may take now."""

    detail: DossierDetail
    status: str
    national_status: int
    components: tuple[tuple[ComponentView, str], ...]
    timeline: tuple[TimelineEntry, ...]
    slips: tuple[Slip, ...]
    actions: tuple[str, ...]
    #: each paper with its scans, and each result with its files (``motcua.files``)
    papers: tuple[PaperFiles, ...] = ()
    results: tuple[ResultFiles, ...] = ()
    #: whether the officer may attach a scan to a paper now (``digitise_component``)
    may_digitise: bool = False

    @property
    def dossier(self) -> Dossier:
        return self.detail.dossier


@dataclass(frozen=True)
class PaperFiles:
    """A paper of the dossier with the scans attached to it (TT 01/2023/TT-VPCP Điều 8)."""

    paper: ComponentView
    scans: tuple[StoredFile, ...]


@dataclass(frozen=True)
class ResultFiles:
    """A result of the dossier with its electronic files (NĐ 45/2020 khoản 3 Điều 14)."""

    result: DossierResult
    files: tuple[StoredFile, ...]


def _status_label(status: str) -> str:
    return str(DossierStatus(status).label) if status else ""


def actions_open_to(officer: User, dossier: Dossier, *, now: dt.datetime) -> list[str]:
    """The actions ``officer`` may take on ``dossier`` now, in the workflow's order: those
    a person takes on a dossier that exists (``workflow.TRANSITION_ACTIONS``) whose row
    starts from the dossier's status (``ActionRule.sources``) and whose roles and places
    the officer holds (``permissions.may_act``; NĐ 61/2018/NĐ-CP Điều 15-21)."""
    return [
        action
        for action in TRANSITION_ACTIONS
        if dossier.status in RULES[action].sources
        and may_act(officer, action, dossier, at=now)
    ]


def dossier_page(officer: User, dossier: Dossier, *, now: dt.datetime) -> DossierPage:
    """The page of ``dossier``, which the caller has checked ``officer`` may see
    (``permissions.may_see``): the same queries however long its history."""
    detail = dossier_detail(dossier, now=now, hide_internal=False)
    files = files_of(dossier)
    return DossierPage(
        detail=detail,
        status=_status_label(dossier.status),
        national_status=dossier.national_status,
        components=tuple(
            (c, str(ComponentForm(c.form).label) if c.form else "")
            for c in detail.components
        ),
        timeline=tuple(
            TimelineEntry(
                view=view,
                action=str(Action(view.event.action).label),
                from_status=_status_label(view.event.from_status),
                to_status=_status_label(view.event.to_status),
            )
            for view in detail.events
        ),
        slips=tuple(
            Slip(
                form=kind.form,
                name=kind.name,
                url=reverse("documents:slip", args=[dossier.code, slug]),
            )
            for slug, kind in slips_of(dossier)
        ),
        actions=tuple(
            str(Action(action).label)
            for action in actions_open_to(officer, dossier, now=now)
        ),
        papers=tuple(
            PaperFiles(paper=c, scans=tuple(files.scans.get(c.pk or 0, ())))
            for c in detail.components
        ),
        results=tuple(
            ResultFiles(result=r, files=tuple(files.results.get(r.pk, ())))
            for r in detail.results
        ),
        may_digitise=dossier.status in RULES[Action.DIGITISE_COMPONENT].sources
        and may_act(officer, Action.DIGITISE_COMPONENT, dossier, at=now),
    )
