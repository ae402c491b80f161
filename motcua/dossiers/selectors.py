"""Reads of dossiers that pages, the API and the sweeper share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet

from motcua.agencies.models import Agency
from motcua.dossiers.deadlines import response_due
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import RUNNING_STATUSES, DossierStatus
from motcua.workdays.clock import WorkCalendar
from motcua.workdays.selectors import calendar_for

#: A due-soon window is a few working hours; no such window spans more calendar time than
#: this, so the sweeper only looks at dossiers due within it.
_LOOKAHEAD = dt.timedelta(days=21)


class CalendarCache:
    """One ``WorkCalendar`` per handling agency for the length of a sweep or a page."""

    def __init__(self) -> None:
        self._calendars: dict[int, WorkCalendar] = {}

    def __call__(self, agency: Agency) -> WorkCalendar:
        calendar = self._calendars.get(agency.pk)
        if calendar is None:
            calendar = self._calendars[agency.pk] = calendar_for(agency)
        return calendar


def running_due_before(moment: dt.datetime) -> QuerySet[Dossier]:
    """Dossiers whose clock runs and whose appointment is before ``moment``: the sweeper's
    scan, served by the (status, due_at) index."""
    return (
        Dossier.objects.filter(status__in=RUNNING_STATUSES, due_at__lt=moment)
        .select_related("rules", "handling_agency", "procedure_version")
        .order_by("due_at")
    )


def dossiers_needing_apology(
    *, now: dt.datetime, agencies: QuerySet[Agency] | None = None
) -> Iterator[Dossier]:
    """Open dossiers that will be late unless someone acts, while an apology is still
    allowed: not yet re-set as often as the rules allow, and at least the rules' lead (one
    working day) but no more than one working day beyond it before the appointment — the
    last working day on which Mẫu 04 may still be sent (NĐ 61/2018 Điều 17; spec 02 §6)."""
    candidates = running_due_before(now + _LOOKAHEAD).filter(due_at__gt=now)
    if agencies is not None:
        candidates = candidates.filter(handling_agency__in=agencies)
    calendars = CalendarCache()
    for dossier in candidates:
        assert dossier.due_at is not None  # noqa: S101 - filtered above
        rules = dossier.rules
        if dossier.reschedules >= rules.max_reschedules:
            continue
        calendar = calendars(dossier.handling_agency)
        left = calendar.working_time_between(now, dossier.due_at)
        day = calendar.hours_on(dossier.due_at.date()).day_length
        lead = day * rules.apology_lead_working_days
        if lead <= left <= lead + day:
            yield dossier


def online_awaiting_response(
    *, now: dt.datetime, agencies: QuerySet[Agency] | None = None
) -> list[tuple[Dossier, dt.datetime, bool]]:
    """Online dossiers nobody has accepted, returned or refused yet, oldest first, each
    with its response deadline and whether that has passed (spec 02 §3; spec 03 §1)."""
    submitted = (
        Dossier.objects.filter(status=DossierStatus.SUBMITTED)
        .select_related("rules", "handling_agency")
        .order_by("submitted_at")
    )
    if agencies is not None:
        submitted = submitted.filter(receiving_agency__in=agencies)
    calendars = CalendarCache()
    rows = []
    for dossier in submitted:
        due = response_due(
            dossier.submitted_at,
            dossier.rules.online_response_hours,
            calendars(dossier.handling_agency),
        )
        rows.append((dossier, due, due < now))
    return rows
