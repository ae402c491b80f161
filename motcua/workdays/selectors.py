"""Reads of the working-day calendar: the clock of an agency, built from the database."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q

from motcua.agencies.models import Agency
from motcua.core.cache import ReferenceCache
from motcua.workdays import conf
from motcua.workdays.clock import DayOverride, OfficeHours, WorkCalendar
from motcua.workdays.models import CalendarOverride, OverrideKind
from motcua.workdays.models import OfficeHours as OfficeHoursRow

#: agency (or None) and the clock's settings → its calendar (:mod:`motcua.core.cache`).
#: An agency's calendar inherits overrides and office hours from its ancestors.
calendars: ReferenceCache[tuple[int | None, frozenset[str], str], WorkCalendar] = (
    ReferenceCache("calendars", depends_on=(CalendarOverride, OfficeHoursRow, Agency))
)


def calendar_for(agency: Agency | None = None) -> WorkCalendar:
    """The working-day calendar that applies to ``agency`` (the whole system if ``None``),
    as this process last built it (:mod:`motcua.core.cache`)."""
    policy = conf.appointment_time()
    uncounted = conf.uncounted_holidays()
    key = (agency.pk if agency is not None else None, uncounted, policy.value)
    return calendars.get(key, lambda: build_calendar(agency))


def build_calendar(agency: Agency | None = None) -> WorkCalendar:
    """The working-day calendar that applies to ``agency``, read from the database.

    Overrides (spec 06 §2): rows without an agency apply to everyone; a row of an agency
    applies to it and to every agency below it in the tree; for one date the most specific
    row wins (the agency's own over its parent's over the system's). Office hours: the rows
    of the agency or of its nearest ancestor that has any, else the system's rows, else the
    defaults of :class:`~motcua.workdays.clock.OfficeHours`.

    Queries: one per level of the agency's ancestry, then one for the overrides and one for
    the office hours, whatever their number.
    """
    lineage = _lineage(agency)
    # Depth 0 is the system-wide row; an agency's depth grows towards ``agency`` itself.
    depth: dict[int | None, int] = {None: 0}
    depth.update({pk: index for index, pk in enumerate(reversed(lineage), start=1)})
    scope = Q(agency__isnull=True) | Q(agency_id__in=lineage)

    overrides: dict[date, tuple[int, DayOverride]] = {}
    for row in CalendarOverride.objects.filter(scope).only(
        "date", "agency_id", "kind", "reason", "legal_basis"
    ):
        level = depth[row.agency_id]
        if row.date not in overrides or overrides[row.date][0] < level:
            overrides[row.date] = (
                level,
                DayOverride(
                    day=row.date,
                    is_working=row.kind == OverrideKind.WORKING_DAY,
                    reason=row.reason,
                    legal_basis=row.legal_basis,
                ),
            )

    hours_by_level: dict[int, list[tuple[date, OfficeHours]]] = defaultdict(list)
    for hours in OfficeHoursRow.objects.filter(scope):
        hours_by_level[depth[hours.agency_id]].append(
            (
                hours.valid_from,
                OfficeHours(
                    morning_start=hours.morning_start,
                    morning_end=hours.morning_end,
                    afternoon_start=hours.afternoon_start,
                    afternoon_end=hours.afternoon_end,
                    cutoff=hours.cutoff,
                ),
            )
        )
    schedule = hours_by_level[max(hours_by_level)] if hours_by_level else []

    return WorkCalendar(
        overrides=[override for _, override in overrides.values()],
        office_hours=schedule or OfficeHours(),
        uncounted_holidays=conf.uncounted_holidays(),
        appointment_time=conf.appointment_time(),
    )


def _lineage(agency: Agency | None) -> list[int]:
    """Primary keys from ``agency`` up to the root of its tree. The tree is shallow
    (province → department → unit), so this is a handful of one-column queries."""
    if agency is None:
        return []
    lineage = [agency.pk]
    parent_id = agency.parent_id
    while parent_id is not None and parent_id not in lineage:
        lineage.append(parent_id)
        parent_id = (
            Agency.objects.filter(pk=parent_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    return lineage
