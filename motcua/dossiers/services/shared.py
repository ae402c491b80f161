"""The shared path of every change to a dossier.

A change is taken in two calls. ``begin`` checks that the actor may take the action at that
moment (``permissions.may_act`` reading the action's row), that the row's states allow it
(``workflow.target_status``), and that the dossier is the version the caller read; then it
sets the new status and applies the row's effect on the clock (``ActionRule.clock``). The
service then sets its own fields explicitly (``Acting.set``) and builds its event
(``events``). ``finish`` writes the dossier with a conditional update on ``lock_version``
(the second of two concurrent changes fails with ``Conflict(stale_dossier)`` instead of
overwriting the first), applies the row's effect on the process steps
(``ActionRule.steps``), and writes the event, all in the caller's transaction.

The moment of an act is recorded as it happened, even outside office hours; time budgets
count from the next working moment (spec 06 §3 rule 3), so a step never ends before it
starts and equal budgets give equal due moments.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.dossiers import limits
from motcua.dossiers.deadlines import due_after, extend_for_pause
from motcua.dossiers.errors import Conflict, ErrorCode, InvalidInput, NotAllowed
from motcua.dossiers.events import DueChange, NewEvent
from motcua.dossiers.limits import check_text
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierStep,
)
from motcua.dossiers.permissions import Actor, SystemActor, may_act
from motcua.dossiers.signals import changed
from motcua.dossiers.workflow import (
    NATIONAL_STATUS,
    RULES,
    ActionRule,
    Clock,
    Steps,
    TransitionRefused,
    target_status,
)
from motcua.procedures.choices import TimeUnit
from motcua.workdays.clock import WorkCalendar
from motcua.workdays.selectors import calendar_for

#: The name the legal history gives the system's own acts.
SYSTEM_NAME = "Hệ thống"


def now_or(at: dt.datetime | None) -> dt.datetime:
    """The moment of the act: ``at`` if given (it must carry its time zone), else now."""
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        raise InvalidInput(
            ErrorCode.NAIVE_DATETIME, _("Moments must carry their time zone.")
        )
    return moment


def actor_name(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return SYSTEM_NAME
    return actor.full_name or actor.username


def check_actor(
    actor: Actor, action: str, dossier: Dossier, moment: dt.datetime
) -> None:
    if not may_act(actor, action, dossier, at=moment):
        raise NotAllowed(
            ErrorCode.NOT_ALLOWED, _("You may not do this to this dossier.")
        )


def check_transition(action: str, dossier: Dossier) -> str:
    try:
        return target_status(action, dossier.status)
    except TransitionRefused as refused:
        raise Conflict(ErrorCode(refused.code), refused.message) from None


def calendar_of(dossier: Dossier) -> WorkCalendar:
    """The working-day calendar a dossier's deadlines are counted on: its handling
    agency's."""
    return calendar_for(dossier.handling_agency)


def stale() -> Conflict:
    return Conflict(
        ErrorCode.STALE_DOSSIER,
        _(
            "The dossier was changed by someone else meanwhile; reload it and try again."
        ),
    )


def next_code(agency: Agency, day: dt.date) -> str:
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
            ErrorCode.DAILY_SEQUENCE_EXHAUSTED,
            _("The daily sequence of dossier codes is exhausted."),
        )
    return f"{agency.identifier}-{day:%y%m%d}-{number:04d}"


def write_event(
    dossier: Dossier,
    event: NewEvent,
    *,
    at: dt.datetime,
    actor: Actor,
    from_status: str,
    step: DossierStep | None = None,
    first: bool = False,
) -> DossierEvent:
    """Append ``event`` to the dossier's history, numbered after its last one (``first``:
    the dossier was created in this transaction, so there is none). Two writers taking
    the same number (the sweeper's flag beside an officer's act) cannot both succeed: the
    second is refused as a stale dossier, and its transaction rolls back."""
    check_text(event.note, field=event.note_field, max_length=limits.NOTE_MAX_LENGTH)
    last = (
        0
        if first
        else DossierEvent.objects.filter(dossier=dossier).aggregate(n=Max("sequence"))[
            "n"
        ]
        or 0
    )
    agency = event.agency or (step.agency if step is not None else None)
    try:
        # no savepoint: on a clash the caller's whole transaction is rolled back
        written = DossierEvent.objects.create(
            dossier=dossier,
            sequence=last + 1,
            action=event.action,
            at=at,
            actor=None if isinstance(actor, SystemActor) else actor,
            actor_name=actor_name(actor),
            from_status=from_status,
            to_status=dossier.status,
            national_status=int(NATIONAL_STATUS[dossier.status]),
            agency=agency,
            step=step,
            note=event.note,
            payload=dict(event.payload),
        )
    except IntegrityError:
        raise stale() from None
    changed([dossier.pk], sender=DossierEvent)
    return written


def save(dossier: Dossier, expected_version: int, fields: Sequence[str]) -> None:
    """Write ``fields`` only if nobody changed the dossier since it was read."""
    values = {name: getattr(dossier, name) for name in fields}
    updated = Dossier.objects.filter(
        pk=dossier.pk, lock_version=expected_version
    ).update(lock_version=expected_version + 1, **values)
    if not updated:
        raise stale()
    dossier.lock_version = expected_version + 1


# ------------------------------------------------------------------ process steps


def step_due(
    dossier: Dossier, step: DossierStep, start: dt.datetime, calendar: WorkCalendar
) -> dt.datetime:
    """When ``step``, starting at ``start``, must be done: its budget counted from the next
    working moment. A same-day procedure's steps share its one day: none is due after the
    dossier's appointment (spec 02 §8: a hand-over does not move the dossier's due date)."""
    unit = dossier.procedure_version.handling_time_unit
    due = due_after(calendar.next_working_moment(start), step.budget, unit, calendar)
    if unit == TimeUnit.SAME_DAY and dossier.due_at is not None:
        return min(due, dossier.due_at)
    return due


def _open_steps(dossier: Dossier) -> list[DossierStep]:
    return list(
        dossier.steps.filter(finished_at__isnull=True)
        .select_related("agency")
        .order_by("position")
    )


def advance_steps(
    dossier: Dossier,
    *,
    at: dt.datetime,
    actor: Actor,
    hand_to: Agency | None = None,
) -> DossierStep | None:
    """Finish the step holding the dossier and start the next, with its own due moment
    from its budget. Each hand-over of the dossier moves it one step along its process
    (the control slip, Mẫu 05, has one row per hand-over). ``hand_to``: the agency the
    dossier is handed to holds the step that starts, whatever agency the process template
    named (spec 02 §8: each step has its ``to_agency``), so that its officers see the
    dossier and may act on it (``permissions``). One read and one write."""
    steps = _open_steps(dossier)
    started = [step for step in steps if step.started_at is not None]
    if not started:
        return None
    current = started[0]
    current.finished_at = max(at, current.started_at or at)
    current.actor = None if isinstance(actor, SystemActor) else actor
    changed = [current]
    following = next((s for s in steps if s.position > current.position), None)
    if following is not None:
        following.started_at = at
        following.due_at = step_due(dossier, following, at, calendar_of(dossier))
        if hand_to is not None:
            following.agency = hand_to
        changed.append(following)
    DossierStep.objects.bulk_update(
        changed, ["started_at", "due_at", "finished_at", "actor", "agency"]
    )
    return following


def finish_all_steps(dossier: Dossier, *, at: dt.datetime, actor: Actor) -> None:
    """Every step still open ends at ``at`` (a step not reached yet starts and ends then);
    the one holding the dossier ends by ``actor``."""
    steps = _open_steps(dossier)
    if not steps:
        return
    for step in steps:
        if step.started_at is not None and step.actor_id is None:
            step.actor = None if isinstance(actor, SystemActor) else actor
        step.started_at = step.started_at or at
        step.finished_at = max(at, step.started_at)
    DossierStep.objects.bulk_update(steps, ["started_at", "finished_at", "actor"])


# ------------------------------------------------------------------ one change, whole


P = ParamSpec("P")
R = TypeVar("R")


def dossier_change(service: Callable[P, R]) -> Callable[P, R]:
    """One change of a dossier: the service runs in one transaction, and when it is
    refused (any exception) the dossier object the caller passed (``dossier=``) is put back
    as it was, as the database is by the rollback, so that a caller who keeps it after a
    refusal cannot write from a state that was never stored."""

    @functools.wraps(service)
    def change(*args: P.args, **kwargs: P.kwargs) -> R:
        dossier = kwargs.get("dossier")
        kept = _keep(dossier) if isinstance(dossier, Dossier) else None
        try:
            with transaction.atomic():
                return service(*args, **kwargs)
        except BaseException:
            if kept is not None:
                _put_back(cast(Dossier, dossier), kept)
            raise

    return change


def _keep(dossier: Dossier) -> tuple[dict[str, Any], dict[str, Any]]:
    return dict(vars(dossier)), dict(dossier._state.fields_cache)


def _put_back(dossier: Dossier, kept: tuple[dict[str, Any], dict[str, Any]]) -> None:
    values, related = kept
    vars(dossier).clear()
    vars(dossier).update(values)
    dossier._state.fields_cache = related


# ------------------------------------------------------------------ the two calls


@dataclass
class Acting:
    """A change under way (``begin`` … ``finish``)."""

    rule: ActionRule
    dossier: Dossier
    moment: dt.datetime
    actor: Actor
    version: int
    previous_status: str
    fields: list[str] = field(default_factory=list)
    #: the appointment before and after, when the clock effect moved it
    due_change: DueChange | None = None

    def set(self, **values: Any) -> None:
        """Change these fields of the dossier, to be written by ``finish``."""
        for name, value in values.items():
            setattr(self.dossier, name, value)
            if name not in self.fields:
                self.fields.append(name)


def begin(
    action: str,
    dossier: Dossier,
    *,
    actor: Actor,
    at: dt.datetime | None,
    expected_version: int | None,
    authorised: bool = False,
) -> Acting:
    """Check and start a change of ``dossier``, the row the caller read. ``expected_version``
    is the version the client saw, if it names one; it must be the row's. ``authorised``:
    the caller has already checked the actor for this act (settlement on the spot)."""
    moment = now_or(at)
    version = dossier.lock_version if expected_version is None else expected_version
    if version != dossier.lock_version:
        raise stale()
    if not authorised:
        check_actor(actor, action, dossier, moment)
    rule = RULES[action]
    acting = Acting(
        rule=rule,
        dossier=dossier,
        moment=moment,
        actor=actor,
        version=version,
        previous_status=dossier.status,
    )
    acting.set(status=check_transition(action, dossier))
    _apply_clock(acting)
    return acting


def _apply_clock(acting: Acting) -> None:
    """The row's effect on the legal clock (spec 02 §7)."""
    dossier, moment, clock = acting.dossier, acting.moment, acting.rule.clock
    if clock is Clock.PAUSE or (
        clock is Clock.PAUSE_IF_VERSION_SAYS
        and dossier.procedure_version.pauses_for_financial_obligation
    ):
        acting.set(paused_at=moment)
    elif clock is Clock.RESUME:
        _resume(acting)
    elif clock is Clock.FINISH:
        acting.set(finished_at=moment)
    elif clock is Clock.CLOSE:
        acting.set(closed_at=moment, paused_at=None)


def _resume(acting: Acting) -> None:
    """The pause ends: both the appointment and the legal due moment move later by the
    working time the pause took (spec 02 §7; the VPCP rulebook of QĐ 766)."""
    dossier, moment = acting.dossier, acting.moment
    paused_at = dossier.paused_at
    if paused_at is None:
        acting.set(paused_at=None)
        return
    unit, calendar = dossier.procedure_version.handling_time_unit, calendar_of(dossier)
    previous = dossier.due_at
    moved = {
        name: extend_for_pause(value, paused_at, moment, unit, calendar)
        for name in ("due_at", "legal_due_at")
        if (value := getattr(dossier, name)) is not None
    }
    acting.set(**moved, paused_at=None)
    acting.due_change = DueChange(previous=previous, new=dossier.due_at)
    forget_deadline_flags(acting)


def forget_deadline_flags(acting: Acting) -> None:
    """The appointment moved: the due-soon and overdue flags, which the sweeper records
    once per appointment, are to be recorded again for the new one."""
    acting.set(due_soon_flagged_at=None, overdue_flagged_at=None)


def finish(
    acting: Acting, event: NewEvent, *, hand_to: Agency | None = None
) -> Dossier:
    """Write the change begun by ``begin``: the dossier, the row's effect on the steps,
    and ``event``."""
    if event.action != acting.rule.action:
        raise ValueError(f"{event.action} recorded for {acting.rule.action}")
    check_text(event.note, field=event.note_field, max_length=limits.NOTE_MAX_LENGTH)
    dossier, moment = acting.dossier, acting.moment
    save(dossier, acting.version, acting.fields)
    step = None
    if acting.rule.steps in (Steps.ADVANCE, Steps.HAND_OVER):
        step = advance_steps(
            dossier,
            at=moment,
            actor=acting.actor,
            hand_to=hand_to if acting.rule.steps is Steps.HAND_OVER else None,
        )
    elif acting.rule.steps is Steps.FINISH_ALL:
        finish_all_steps(dossier, at=moment, actor=acting.actor)
    write_event(
        dossier,
        event,
        at=moment,
        actor=acting.actor,
        from_status=acting.previous_status,
        step=step,
    )
    return dossier
