"""The Decision 766 index of any unit for any period, from motcua's own data.

``compute_index`` gathers plain values in a fixed set of queries whatever the number of
dossiers (counts are aggregated in SQL; the dossiers and events 2.1 judges are streamed in
chunks, never one query per dossier) and hands them to ``formulas``.

Attribution (spec 01 §4, spec 07 §3.5–3.6): a dossier counts for its **handling** agency.
A unit's figures are its own dossiers, or its whole subtree's (``subtree=True``). The 2025
reorganisation: an agency that was merged into, renamed as, or had its competence
transferred to the unit (``AgencySuccession`` of kind merger, rename, transfer) keeps its
history, and that history also rolls up into the successor's figures, for any period
("reports for periods before 1/7/2025 roll up through the graph", spec 07 §3.2). Not
clear, so not done: a split (which part of the predecessor's dossiers each successor
inherits); such a predecessor's dossiers stay with the predecessor only.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.agencies.choices import SuccessionKind
from motcua.agencies.models import Agency, AgencySuccession
from motcua.dossiers import events
from motcua.dossiers.choices import Channel
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.workflow import Action, DossierStatus
from motcua.indices import formulas
from motcua.indices.choices import Indicator
from motcua.indices.formulas import ChannelCounts, DossierClock, Score
from motcua.indices.models import PortalFigures
from motcua.indices.services import Definitions, definitions_in_force
from motcua.procedures.choices import OnlineLevel
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.selectors import publication_completeness
from motcua.workdays.clock import VN_TZ
from motcua.workdays.selectors import calendar_for

#: successions whose predecessor's history rolls up into the successor
_INHERITING = (SuccessionKind.MERGER, SuccessionKind.RENAME, SuccessionKind.TRANSFER)
#: the tree is shallow (province → department or commune → unit); a guard against a cycle
_MAX_DEPTH = 12
#: dossiers and events read per round trip while streaming
_CHUNK = 2000

_OTHER_ENDS = frozenset(
    {DossierStatus.STOPPED, DossierStatus.WITHDRAWN, DossierStatus.REFUSED}
)
_ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)


@dataclass(frozen=True)
class IndexReport:
    """The index of one unit (alone or with its subtree) for one period."""

    unit: Agency
    subtree: bool
    start: dt.date
    end: dt.date
    #: the day whose definitions scored the period (its last day)
    definitions_on: dt.date
    scores: dict[str, Score]
    #: points per portal group, and each group's maximum
    groups: dict[int, Decimal]
    group_max: dict[int, Decimal]
    total: Decimal
    band: str | None
    provisional_band: bool


def period_moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as moments: from the first day's midnight (included) to the midnight
    after the last day (excluded), in Asia/Ho_Chi_Minh."""
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=VN_TZ),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=VN_TZ),
    )


def attributed_agencies(unit: Agency, *, subtree: bool) -> set[int]:
    """The agencies whose dossiers count for ``unit``: itself, its subtree if asked, and
    the agencies whose history it inherited (module docstring), with theirs. Two queries
    per level of the tree, whatever the number of dossiers."""
    ids = {unit.pk}
    frontier = {unit.pk}
    for _depth in range(_MAX_DEPTH):
        found = set(
            AgencySuccession.objects.filter(
                successor_id__in=frontier, kind__in=_INHERITING
            ).values_list("predecessor_id", flat=True)
        )
        if subtree:
            found |= set(
                Agency.objects.filter(parent_id__in=frontier).values_list(
                    "pk", flat=True
                )
            )
        frontier = found - ids
        if not frontier:
            break
        ids |= frontier
    return ids


def _dossiers_handled(
    agencies: set[int], start: dt.datetime, end: dt.datetime
) -> QuerySet[Dossier]:
    """Dossiers received or handled in the period (2.1's denominator, spec 01 §3):
    received before its end and not ended before its start."""
    return Dossier.objects.filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=start),
        Q(closed_at__isnull=True) | Q(closed_at__gte=start),
        handling_agency_id__in=agencies,
        received_at__isnull=False,
        received_at__lt=end,
    )


def dossier_clocks(
    agencies: set[int], start: dt.datetime, end: dt.datetime
) -> Iterator[DossierClock]:
    """Each dossier of 2.1's denominator as it stood at ``end``, rebuilt from its events
    before ``end`` (read through ``dossiers.events``' readers): the appointment then in
    force (the reception's, moved by every event that moved it), the end of processing,
    a pause, the supplement requests (entries into ``supplement_requested``). A history
    imported from a previous system that does not say how the appointment moved is
    judged against the dossier's appointment as it stands. Two streamed queries
    (dossiers, events), both in dossier order, merged."""
    handled = _dossiers_handled(agencies, start, end)
    dossiers = (
        handled.order_by("pk")
        .values_list(
            "pk",
            "received_at",
            "due_at",
            "procedure_version__pauses_for_financial_obligation",
        )
        .iterator(chunk_size=_CHUNK)
    )
    history = (
        DossierEvent.objects.filter(dossier__in=handled.values("pk"), at__lt=end)
        .order_by("dossier_id", "sequence")
        .only("dossier_id", "sequence", "action", "at", "to_status", "payload")
        .iterator(chunk_size=_CHUNK)
    )
    grouped = itertools.groupby(history, key=lambda event: event.dossier_id)
    pending = next(grouped, None)
    for pk, received_at, due_at, pauses_for_fees in dossiers:
        while pending is not None and pending[0] < pk:
            pending = next(grouped, None)
        if pending is not None and pending[0] == pk:
            own: list[DossierEvent] = list(pending[1])
            pending = next(grouped, None)
        else:
            own = []
        yield _clock(own, received_at, due_at, pauses_for_fees=pauses_for_fees)


def _clock(
    history: list[DossierEvent],
    received_at: dt.datetime | None,
    current_due: dt.datetime | None,
    *,
    pauses_for_fees: bool,
) -> DossierClock:
    """One dossier's clock at the end of the period, from its events in order."""
    due: dt.datetime | None = None
    firsts: dict[str, dt.datetime] = {}
    requests = 0
    status = ""
    since: dt.datetime | None = None
    for event in history:
        if event.action == Action.RECEIVE:
            due = events.appointment(event) or due
        else:
            change = events.due_change(event)
            if change is not None and change.new is not None:
                due = change.new
        if event.to_status != status:
            # a supplement request is an entry into the status, whether the event is the
            # service's own (request_supplement) or imported from a previous system
            requests += event.to_status == DossierStatus.SUPPLEMENT_REQUESTED
            status, since = event.to_status, event.at
        firsts.setdefault(event.to_status, event.at)
    ended = firsts.get(DossierStatus.RESOLVED) or firsts.get(DossierStatus.RETURNED)
    if ended is None:
        others = [firsts[s] for s in _OTHER_ENDS if s in firsts]
        ended = min(others) if others else None
    paused = status == DossierStatus.SUPPLEMENT_REQUESTED or (
        status == DossierStatus.FINANCIAL_OBLIGATION and pauses_for_fees
    )
    appointment = due or current_due
    # the query reads received dossiers only, which have one (dossier_received_has_due)
    if appointment is None:
        raise ValueError("a received dossier without an appointment")
    if received_at is None:
        raise ValueError("a dossier read as received without a reception moment")
    return DossierClock(
        received_at=received_at,
        due_at=appointment,
        ended_at=ended,
        paused_at=since if paused and ended is None else None,
        supplement_requests=requests,
    )


def channel_counts(
    agencies: set[int], start: dt.datetime, end: dt.datetime
) -> ChannelCounts:
    """Dossiers received in the period by channel: one aggregate query."""
    counts = Dossier.objects.filter(
        handling_agency_id__in=agencies, received_at__gte=start, received_at__lt=end
    ).aggregate(
        direct=Count("pk", filter=Q(channel=Channel.DIRECT)),
        online=Count("pk", filter=Q(channel=Channel.ONLINE)),
        postal=Count("pk", filter=Q(channel=Channel.POSTAL)),
    )
    return ChannelCounts(
        direct=counts["direct"], online=counts["online"], postal=counts["postal"]
    )


def online_offer(agencies: set[int], on: dt.date) -> tuple[int, int]:
    """3.1: ``(offered online, applied)``: distinct procedures in force on ``on`` that one
    of ``agencies`` implements, and how many of them are offered partly or fully online.
    One query."""
    counts = (
        ProcedureVersion.objects.in_force_on(on)
        .filter(agencies__in=agencies)
        .aggregate(
            procedures=Count("procedure", distinct=True),
            offering=Count(
                "procedure",
                distinct=True,
                filter=Q(online_level__in=_ONLINE_LEVELS),
            ),
        )
    )
    return counts["offering"], counts["procedures"]


def online_services_usage(
    agencies: set[int], start: dt.datetime, end: dt.datetime, on: dt.date
) -> tuple[int, int]:
    """3.2: ``(used, services)``: online services, a procedure offered online at one of
    ``agencies`` on ``on``, and how many received an online dossier handled there in the
    period. Two queries; each set is bounded by the catalogue, not by the dossiers."""
    through = ProcedureVersion.agencies.through
    services = set(
        through.objects.filter(
            procedureversion__in=ProcedureVersion.objects.in_force_on(on).filter(
                online_level__in=_ONLINE_LEVELS
            ),
            agency_id__in=agencies,
        )
        .values_list("procedureversion__procedure_id", "agency_id")
        .distinct()
    )
    used = set(
        Dossier.objects.filter(
            handling_agency_id__in=agencies,
            channel=Channel.ONLINE,
            received_at__gte=start,
            received_at__lt=end,
        )
        .values_list("procedure_version__procedure_id", "handling_agency_id")
        .distinct()
    )
    return len(services & used), len(services)


#: the province's deadlines of Điều 15 NĐ 63/2010 as amended (spec 01 §3, 1.1 and 1.2)
_ANNOUNCE_LEAD_WORKING_DAYS = 5
_PUBLISH_WITHIN_WORKING_DAYS = 5
#: 5 working days never span more than this many calendar days, Tết included
_PUBLISH_SPAN = dt.timedelta(days=31)


def announcements(
    start: dt.date, end: dt.date, *, published: bool
) -> list[formulas.Announcement]:
    """The announcing decisions 1.1 (``published=False``: dated in the period) or 1.2
    (``published=True``: published in the period, or due to be) judge, with their due
    days counted on the system's working-day calendar. One query; the catalogue bounds
    it, not the dossiers."""
    calendar = calendar_for(None)
    versions = ProcedureVersion.objects.filter(announcement_date__isnull=False)
    if published:
        versions = versions.filter(
            Q(published_on__gte=start, published_on__lte=end)
            | Q(
                announcement_date__gte=start - _PUBLISH_SPAN, announcement_date__lte=end
            )
        )
    else:
        versions = versions.filter(
            announcement_date__gte=start, announcement_date__lte=end
        )
    found: list[formulas.Announcement] = []
    rows = versions.order_by("pk").values_list(
        "procedure_id", "announcement_date", "legal_basis_effective_on", "published_on"
    )
    for procedure, announced_on, effective_on, published_on in rows:
        if announced_on is None:
            continue
        announce_by = (
            None
            if effective_on is None
            else formulas.working_days_from(
                effective_on, -_ANNOUNCE_LEAD_WORKING_DAYS, calendar.is_working_day
            )
        )
        publish_by = formulas.working_days_from(
            announced_on, _PUBLISH_WITHIN_WORKING_DAYS, calendar.is_working_day
        )
        if published and not (
            start <= publish_by <= end
            or (published_on is not None and start <= published_on <= end)
        ):
            continue
        found.append(
            formulas.Announcement(
                procedure=procedure,
                announced_on=announced_on,
                announce_by=announce_by,
                published_on=published_on,
                publish_by=publish_by,
            )
        )
    return found


def _scores(
    definitions: Definitions,
    agencies: set[int],
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
) -> dict[str, Score]:
    begin, finish = period_moments(start, end)
    judged_at = min(finish, now)
    computed: dict[str, Score] = {}
    for indicator, definition in definitions.indicators.items():
        if indicator == Indicator.ANNOUNCED_ON_TIME:
            result = formulas.announced_on_time(
                definition, announcements(start, end, published=False)
            )
        elif indicator == Indicator.PUBLISHED_ON_TIME:
            result = formulas.published_on_time(
                definition, announcements(start, end, published=True)
            )
        elif indicator == Indicator.PUBLISHED_IN_FULL:
            complete, published = publication_completeness(on=end)
            result = formulas.published_in_full(
                definition, complete=complete, published=published
            )
        elif indicator == Indicator.ON_TIME:
            result = formulas.on_time(
                definition,
                dossier_clocks(agencies, begin, finish),
                judged_at=judged_at,
            )
        elif indicator == Indicator.OFFERED_ONLINE:
            offering, procedures = online_offer(agencies, end)
            result = formulas.offered_online(
                definition, offering=offering, procedures=procedures
            )
        elif indicator == Indicator.ONLINE_SERVICE_USED:
            used, services = online_services_usage(agencies, begin, finish, end)
            result = formulas.online_services_used(
                definition, used=used, services=services
            )
        elif indicator == Indicator.SUBMITTED_ONLINE:
            result = formulas.submitted_online(
                definition, channel_counts(agencies, begin, finish)
            )
        else:
            result = formulas.no_data(definition)
        computed[indicator] = result
    return computed


def compute_index(
    *,
    unit: Agency,
    subtree: bool,
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
) -> IndexReport:
    """Every indicator, the groups, the total and the band of ``unit`` (alone, or with its
    subtree) from ``start`` to ``end`` (both included), scored with the definitions in
    force on ``end`` (a weight changed on 1/7 applies to a period ending in July, not to
    one ending in June). Open dossiers are judged at the end of the period, or at ``now``
    for the current one. Raises ``services.DefinitionError`` when the definitions in force
    do not add up, ``ValueError`` when ``end`` is before ``start``."""
    if end < start:
        raise ValueError("the period ends before it starts")
    definitions = definitions_in_force(on=end)
    agencies = attributed_agencies(unit, subtree=subtree)
    scores = _scores(definitions, agencies, start, end, now or timezone.now())
    groups = {group: Decimal("0.00") for group in definitions.groups}
    groups.update(formulas.group_points(scores.values()))
    total = sum(groups.values(), Decimal("0.00"))
    return IndexReport(
        unit=unit,
        subtree=subtree,
        start=start,
        end=end,
        definitions_on=end,
        scores=scores,
        groups=groups,
        group_max=dict(definitions.groups),
        total=total,
        band=formulas.band_of(total, definitions.bands),
        provisional_band=definitions.provisional_bands,
    )


# ------------------------------------------------------------------ the national portal

#: how far a ratio (percentage points) or points may differ before it is flagged: the
#: portal rounds each to 2 decimals, and so does motcua (01b §4)
DEFAULT_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Figures:
    """One side of a comparison: an indicator's figures, any part possibly unknown."""

    numerator: int | None
    denominator: int | None
    ratio: Decimal | None
    points: Decimal | None


@dataclass(frozen=True)
class IndicatorComparison:
    indicator: str
    group: int
    portal: Figures | None
    motcua: Figures
    #: motcua records the data this indicator reads (not ``no_data``)
    motcua_has_data: bool
    #: ``motcua − portal``, part by part, where both are known
    difference: Figures | None
    #: both sides say something to compare
    comparable: bool
    #: a count differs, or a ratio or points beyond the tolerance
    differs: bool


@dataclass(frozen=True)
class PointsComparison:
    portal: Decimal | None
    motcua: Decimal
    difference: Decimal | None
    differs: bool


@dataclass(frozen=True)
class PortalComparison:
    """motcua's index of a unit for a period beside the national portal's figures."""

    report: IndexReport
    figures: PortalFigures
    tolerance: Decimal
    indicators: dict[str, IndicatorComparison]
    groups: dict[int, PointsComparison]
    total: PointsComparison

    @property
    def differing(self) -> list[str]:
        return [i for i, row in self.indicators.items() if row.differs]


def _minus(ours: Any, theirs: Any) -> Any:
    return None if ours is None or theirs is None else ours - theirs


def _beyond(difference: Decimal | None, tolerance: Decimal) -> bool:
    return difference is not None and abs(difference) > tolerance


def _points(
    ours: Decimal, theirs: Decimal | None, tolerance: Decimal
) -> PointsComparison:
    difference = _minus(ours, theirs)
    return PointsComparison(
        portal=theirs,
        motcua=ours,
        difference=difference,
        differs=_beyond(difference, tolerance),
    )


def _compare(
    score: Score, theirs: Figures | None, tolerance: Decimal
) -> IndicatorComparison:
    ours = Figures(score.numerator, score.denominator, score.ratio, score.points)
    comparable = theirs is not None and not score.no_data
    difference = None
    differs = False
    if comparable and theirs is not None:
        difference = Figures(
            numerator=_minus(ours.numerator, theirs.numerator),
            denominator=_minus(ours.denominator, theirs.denominator),
            ratio=_minus(ours.ratio, theirs.ratio),
            points=_minus(ours.points, theirs.points),
        )
        differs = (
            bool(difference.numerator)
            or bool(difference.denominator)
            or _beyond(difference.ratio, tolerance)
            or _beyond(difference.points, tolerance)
        )
    return IndicatorComparison(
        indicator=score.indicator,
        group=score.group,
        portal=theirs,
        motcua=ours,
        motcua_has_data=not score.no_data,
        difference=difference,
        comparable=comparable,
        differs=differs,
    )


def latest_portal_figures(
    unit: Agency, start: dt.date, end: dt.date
) -> PortalFigures | None:
    """The portal's figures imported for exactly this unit and period, with their
    indicators. Two queries."""
    return (
        PortalFigures.objects.filter(unit=unit, start=start, end=end)
        .prefetch_related("indicators")
        .first()
    )


def portal_comparison(
    *,
    unit: Agency,
    start: dt.date,
    end: dt.date,
    subtree: bool = True,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    now: dt.datetime | None = None,
) -> PortalComparison | None:
    """motcua's own index (``compute_index``) beside the national portal's figures for
    the same unit and period, indicator by indicator, group by group and in total, each
    difference flagged beyond ``tolerance`` (issue 9 §7: "how a province finds dossiers
    that did not sync or were counted differently"); a count that differs at all is
    flagged. The portal counts a unit with everything below it (spec 01 §4), so
    ``subtree`` is on by default. ``None`` when no figures were imported for it."""
    figures = latest_portal_figures(unit, start, end)
    if figures is None:
        return None
    report = compute_index(unit=unit, subtree=subtree, start=start, end=end, now=now)
    published = {
        row.indicator: Figures(row.numerator, row.denominator, row.ratio, row.points)
        for row in figures.indicators.all()
    }
    indicators = {
        indicator: _compare(score, published.get(indicator), tolerance)
        for indicator, score in report.scores.items()
    }
    groups = {
        group: _points(
            points,
            Decimal(figures.groups[str(group)])
            if str(group) in figures.groups
            else None,
            tolerance,
        )
        for group, points in sorted(report.groups.items())
    }
    return PortalComparison(
        report=report,
        figures=figures,
        tolerance=tolerance,
        indicators=indicators,
        groups=groups,
        total=_points(report.total, figures.total, tolerance),
    )
