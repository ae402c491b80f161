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

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from motcua.agencies.choices import AgencyLevel, SuccessionKind
from motcua.agencies.models import Agency, AgencySuccession
from motcua.core.periods import covering
from motcua.dossiers.models import Dossier
from motcua.indices import formulas, live
from motcua.indices.choices import Indicator
from motcua.indices.facts import (
    Options,
    PetitionDeadlines,
    Tally,
    dossier_contributions,
    handling_days,
    period_moments,
    petition_contributions,
    procedure_marks,
)
from motcua.indices.formulas import ChannelCounts, Score
from motcua.indices.limits import TooManyToRecompute, ensure_at_most, recompute_limit
from motcua.indices.loader import (
    EVERYTHING,
    Scope,
    dossier_facts,
    handled_dossiers,
    petition_facts,
    working_days,
)
from motcua.indices.models import PortalFigures
from motcua.indices.services import Definitions, definitions_in_force
from motcua.procedures.choices import OnlineLevel
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.selectors import publication_completeness
from motcua.workdays.clock import VN_TZ, AppointmentTime
from motcua.workdays.selectors import calendar_for

#: successions whose predecessor's history rolls up into the successor
_INHERITING = (SuccessionKind.MERGER, SuccessionKind.RENAME, SuccessionKind.TRANSFER)
#: the tree is shallow (province → department or commune → unit); a guard against a cycle
_MAX_DEPTH = 12


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
    scope: Scope
    #: the moment open dossiers were judged at: the period's end, or now
    judged_at: dt.datetime
    definitions: Definitions
    #: the dossiers' figures were read from the maintained ones (``indices.live``)
    maintained: bool = False
    #: dossiers whose maintained figures were still behind when read
    pending: int = 0


def attributed_agencies(unit: Agency, *, subtree: bool) -> set[int]:
    """The agencies whose dossiers count for ``unit``: itself, its subtree if asked, and
    the agencies whose history it inherited (module docstring), with theirs."""
    return attributed_agencies_of([unit.pk], subtree=subtree)[unit.pk]


def attributed_agencies_of(
    units: Iterable[int], *, subtree: bool
) -> dict[int, set[int]]:
    """:func:`attributed_agencies` of each of ``units`` at once: two queries per level
    of the tree, whatever the number of units and of dossiers."""
    held = {unit: {unit} for unit in units}
    frontier = {unit: {unit} for unit in held}
    for _depth in range(_MAX_DEPTH):
        reached = set().union(*frontier.values())
        if not reached:
            break
        below: dict[int, set[int]] = defaultdict(set)
        inherited = AgencySuccession.objects.filter(
            successor_id__in=reached, kind__in=_INHERITING
        ).values_list("successor_id", "predecessor_id")
        for successor, predecessor in inherited:
            below[successor].add(predecessor)
        if subtree:
            children = Agency.objects.filter(parent_id__in=reached).values_list(
                "parent_id", "pk"
            )
            for parent, child in children:
                below[parent].add(child)
        for unit, ids in held.items():
            found = set().union(*(below.get(a, ()) for a in frontier[unit])) - ids
            frontier[unit] = found
            ids |= found
    return held


def catalogue(scope: Scope, prefix: str = "") -> Q:
    """The procedures a cut by procedure or field keeps (an officer's cut keeps the
    unit's catalogue: an officer neither publishes nor offers procedures)."""
    found = Q()
    if scope.procedure is not None:
        found &= Q(**{f"{prefix}procedure_id": scope.procedure})
    if scope.field is not None:
        found &= Q(**{f"{prefix}field_id": scope.field})
    return found


def applying(
    agencies: Iterable[int], on: dt.date, scope: Scope, condition: Q | None = None
) -> dict[int, set[int]]:
    """Per agency of ``agencies``, the procedures in force on ``on`` it applies (in the
    cut's catalogue) whose version meets ``condition``. One query; the catalogue bounds
    it, not the dossiers."""
    versions = ProcedureVersion.objects.in_force_on(on).filter(catalogue(scope))
    if condition is not None:
        versions = versions.filter(condition)
    rows = (
        ProcedureVersion.agencies.through.objects.filter(
            procedureversion__in=versions, agency_id__in=list(agencies)
        )
        .order_by()
        .values_list("agency_id", "procedureversion__procedure_id")
        .distinct()
    )
    found: dict[int, set[int]] = defaultdict(set)
    for agency, procedure in rows:
        found[agency].add(procedure)
    return dict(found)


def _union(per_agency: Mapping[int, set[int]], agencies: Iterable[int]) -> set[int]:
    return set().union(*(per_agency.get(agency, ()) for agency in agencies))


#: 3.1, 3.2: a procedure offered partly or fully online
_OFFERED_ONLINE = Q(online_level__in=(OnlineLevel.FULL, OnlineLevel.PARTIAL))


def procedures_offered_online(
    agencies: Iterable[int], on: dt.date, scope: Scope
) -> tuple[set[int], set[int]]:
    """3.1's two sides for ``agencies`` on ``on``: the procedures they apply, and of
    those the ones offered partly or fully online; what ``compute_indexes`` counts
    (``applying``, two queries)."""
    agencies = list(agencies)
    return (
        _union(applying(agencies, on, scope), agencies),
        _union(applying(agencies, on, scope, _OFFERED_ONLINE), agencies),
    )


#: 3.4, 3.5: a fee line above 0 in the catalogue (spec 01 §3 group 3b: "fee ≠ 0/null")
_WITH_FEE = Q(fees__amount__gt=0)


def _citizen_subjects() -> Q | None:
    """4.5a: procedures whose subjects are citizens (Vietnamese, overseas Vietnamese,
    foreigners; spec 01 §3), read from the catalogue's subjects by the words of
    ``MOTCUA_INDEX_CITIZEN_SUBJECTS`` (UNCONFIRMED: the national database's subject
    codes are not in motcua); ``None`` when no word is configured."""
    words = Q()
    for word in getattr(settings, "INDEX_CITIZEN_SUBJECTS", ()):
        words |= Q(subjects__icontains=word)
    return words or None


#: the province's deadlines of Điều 15 NĐ 63/2010 as amended (spec 01 §3, 1.1 and 1.2)
_ANNOUNCE_LEAD_WORKING_DAYS = 5
_PUBLISH_WITHIN_WORKING_DAYS = 5
#: 5 working days never span more than this many calendar days, Tết included
_PUBLISH_SPAN = dt.timedelta(days=31)


def announcements(
    start: dt.date, end: dt.date, *, published: bool, scope: Scope = EVERYTHING
) -> list[formulas.Announcement]:
    """The announcing decisions 1.1 (``published=False``: dated in the period) or 1.2
    (``published=True``: published in the period, or due to be) judge, with their due
    days counted on the system's working-day calendar. One query; the catalogue bounds
    it, not the dossiers."""
    calendar = calendar_for(None)
    versions = ProcedureVersion.objects.filter(
        catalogue(scope), announcement_date__isnull=False
    )
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


def procedures_with_fee(agencies: set[int], on: dt.date, scope: Scope) -> set[int]:
    """3.4, 3.5's denominator: distinct procedures in force on ``on`` that one of
    ``agencies`` applies with a fee line above 0. One query."""
    return _union(applying(agencies, on, scope, _WITH_FEE), agencies)


def paid_online_procedures(
    agencies: set[int], start: dt.datetime, end: dt.datetime, scope: Scope
) -> set[int]:
    """3.4's numerator: procedures with at least one fee line paid online in the period
    (01b §2: "TTHC with a successful online payment")."""
    return procedures_marked(
        agencies, start, end, scope, Indicator.PAID_ONLINE_PROCEDURES
    )


def procedures_marked(
    agencies: set[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope,
    indicator: str,
) -> set[int]:
    """The procedures a dossier of ``agencies`` received in the period puts in
    ``indicator``'s set (3.2, 3.5, 4.5a: ``facts.procedure_marks``), from the streamed
    facts (the drill-down's; the index reads the tallies' marks)."""
    return {
        procedure
        for procedure, _agency in services_marked(
            agencies, start, end, scope, indicator
        )
    }


def services_marked(
    agencies: set[int],
    start: dt.datetime,
    end: dt.datetime,
    scope: Scope,
    indicator: str,
) -> set[tuple[int, int]]:
    """:func:`procedures_marked` as ``(procedure, handling agency)``: the services."""
    return {
        (facts.procedure, facts.agency)
        for facts in dossier_facts(agencies, start, end, scope)
        if indicator in procedure_marks(facts, start=start, end=end)
    }


def online_services(
    agencies: set[int], on: dt.date, scope: Scope
) -> set[tuple[int, int]]:
    """3.2's denominator: the online services, a procedure offered online at one of
    ``agencies`` on ``on``, as ``(procedure, agency)``. One query."""
    return _services(applying(agencies, on, scope, _OFFERED_ONLINE), agencies)


def _services(
    per_agency: Mapping[int, set[int]], agencies: set[int]
) -> set[tuple[int, int]]:
    """The ``(procedure, agency)`` of ``agencies`` in ``per_agency``."""
    return {
        (procedure, agency)
        for agency in agencies & per_agency.keys()
        for procedure in per_agency[agency]
    }


def fee_integrated_procedures(
    agencies: set[int], start: dt.datetime, end: dt.datetime, scope: Scope
) -> set[int]:
    """3.5's numerator: procedures with a dossier received in the period, synchronised to
    the national portal by its end, carrying a fee line above 0 (spec 01 §3, 3.5a)."""
    return procedures_marked(agencies, start, end, scope, Indicator.FEES_INTEGRATED)


def citizen_procedures(agencies: set[int], on: dt.date, scope: Scope) -> set[int]:
    """4.5a's denominator: procedures in force that ``agencies`` apply whose subjects
    are citizens (:func:`_citizen_subjects`). One query, none when no word is set."""
    subjects = _citizen_subjects()
    if subjects is None:
        return set()
    return _union(applying(agencies, on, scope, subjects), agencies)


def population_procedures(
    agencies: set[int], start: dt.datetime, end: dt.datetime, scope: Scope
) -> set[int]:
    """4.5a's numerator: procedures with a dossier received in the period whose
    applicant was identified through VNeID or with a paper from the population database
    (spec 01 §3, 4.5a)."""
    return procedures_marked(
        agencies, start, end, scope, Indicator.POPULATION_PROCEDURES
    )


def communes_offering_copies(
    agencies: set[int], on: dt.date
) -> tuple[set[int], set[int]]:
    """4.x by communes (01b §3, XLSX-METRICS): the communes among ``agencies`` in
    operation on ``on``, and those of them applying a procedure of electronic
    certification of copies (``MOTCUA_INDEX_CERTIFIED_COPY_PROCEDURES``) offered online.
    Two queries."""
    communes = set(
        Agency.objects.filter(
            covering(on, start="valid_from", end="valid_to"),
            pk__in=agencies,
            level=AgencyLevel.COMMUNE,
        ).values_list("pk", flat=True)
    )
    codes = list(getattr(settings, "INDEX_CERTIFIED_COPY_PROCEDURES", ()))
    offering = set(
        applying(
            communes, on, EVERYTHING, _OFFERED_ONLINE & Q(procedure__code__in=codes)
        )
    )
    return communes, offering


def _received_counts(
    agencies: set[int], start: dt.datetime, end: dt.datetime, scope: Scope
) -> dict[int, int]:
    """Per handling agency, the dossiers received from ``start`` to ``end``. One query."""
    rows = (
        scope.dossiers(
            Dossier.objects.filter(
                handling_agency_id__in=agencies,
                received_at__gte=start,
                received_at__lt=end,
            )
        )
        .order_by()
        .values_list("handling_agency_id")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


def period_months(start: dt.date, end: dt.date) -> int | None:
    """1, 3 or 12 when the period is a calendar month, quarter or year; ``None`` for any
    other range (1.4's fallback, :func:`formulas.sync_denominator`)."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1:
        return None
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months == 1 or (months == 3 and start.month % 3 == 1):
        return months
    if months == 12 and start.month == 1:
        return 12
    return None


def _sync_score(
    definition: formulas.Definition,
    contribution: tuple[int, int],
    previous_year: int,
    start: dt.date,
    end: dt.date,
) -> Score:
    """1.4, with the previous year's receptions for the denominator's fallback
    (:func:`formulas.sync_denominator`; :func:`_previous_year_received`)."""
    synced, received = contribution
    denominator = formulas.sync_denominator(
        received,
        previous_year=previous_year,
        months=period_months(start, end),
        days=(end - start).days + 1,
        year_days=(dt.date(start.year, 1, 1) - dt.date(start.year - 1, 1, 1)).days,
    )
    return formulas.synced(
        definition, synced=synced, received=received, denominator=denominator
    )


def _average_time(definition: formulas.Definition, total: Decimal, count: int) -> Score:
    """2.2: the mean of :func:`facts.handling_days` (display only)."""
    figures = formulas.tracking(definition, 0, count)
    return dataclasses.replace(
        figures, numerator=None, value=formulas.average(total, count)
    )


#: ``formula_version`` values that switch an UNCONFIRMED rule (docs/decisions/0016)
SYNC_NO_FALLBACK = "no-fallback"
E_RESULT_DOCUMENTS_ONLY = "vpcp-2022"
CERTIFIED_COPY_COMMUNES = "communes"
SUBMITTED_SYNC_WEIGHTED = "sync-weighted"


def options_of(definitions: Definitions) -> Options:
    """The dossier judgement's options from the definitions in force."""
    e_result = definitions.indicators.get(Indicator.ELECTRONIC_RESULT)
    return Options(
        e_result_all_dossiers=e_result is None
        or e_result.formula_version != E_RESULT_DOCUMENTS_ONLY
    )


def petition_deadlines() -> PetitionDeadlines:
    """5.2's deadlines counted on the system's working-day calendar, at the same time of
    day as the moment counted from."""
    calendar = calendar_for(None)

    def add(moment: dt.datetime, days: int) -> dt.datetime:
        return calendar.add_working_days(
            moment, days, appointment_time=AppointmentTime.RECEPTION_TIME
        )

    return PetitionDeadlines(add=add)


def gather(
    agencies: set[int],
    begin: dt.datetime,
    finish: dt.datetime,
    judged_at: dt.datetime,
    scope: Scope,
    options: Options,
    *,
    bucket: live.Bucket | None = None,
) -> tuple[dict[int, Tally], int]:
    """Per agency of ``agencies``, the summed contributions of the dossiers it handles
    and of the petitions about it; and how many dossiers' maintained figures were still
    behind when read. For a maintained ``bucket`` (a calendar month, quarter or year of
    whole units), the dossiers' are read from the maintained figures (``indices.live``:
    two queries, whatever the number of dossiers, after refreshing what is behind);
    otherwise they are recomputed, streamed (memory does not grow with the dossiers;
    :func:`loader.dossier_facts`), at most ``settings.INDEX_RECOMPUTE_LIMIT`` of them
    (``limits.TooManyToRecompute`` beyond, before any is judged). The petitions' are
    computed (:func:`loader.petition_facts`, one query)."""
    found: dict[int, Tally] = defaultdict(Tally)
    pending = 0
    if bucket is not None:
        pending = live.refresh_for_reading()
        found.update(
            live.maintained(
                agencies,
                bucket,
                judged_at=judged_at,
                e_result_all_dossiers=options.e_result_all_dossiers,
            )
        )
    else:
        ensure_at_most(
            handled_dossiers(agencies, begin, finish, scope),
            recompute_limit(),
            TooManyToRecompute,
        )
        for facts in dossier_facts(agencies, begin, finish, scope):
            tally = found[facts.agency]
            tally.add_all(
                dossier_contributions(
                    facts,
                    start=begin,
                    end=finish,
                    judged_at=judged_at,
                    options=options,
                )
            )
            days = handling_days(facts, begin, finish, working_days)
            if days is not None:
                tally.handling_total += days
                tally.handling_count += 1
            for marked in procedure_marks(facts, start=begin, end=finish):
                tally.mark(marked, facts.procedure, facts.agency)
    deadlines = petition_deadlines()
    for petition in petition_facts(agencies, begin, finish, scope):
        found[petition.agency].add_all(
            petition_contributions(
                petition,
                start=begin,
                end=finish,
                judged_at=judged_at,
                deadlines=deadlines,
            )
        )
    return dict(found), pending


@dataclass(frozen=True)
class _Catalogue:
    """What the catalogue in force on the period's last day says of the agencies, per
    agency: the procedures each applies (3.1), offers online (3.1, 3.2), with a fee
    (3.4, 3.5) and for citizens (4.5a); the communes offering electronic certified
    copies (4.x). A part no definition in force scores is not read."""

    applied: Mapping[int, set[int]]
    online: Mapping[int, set[int]]
    with_fee: Mapping[int, set[int]]
    citizen: Mapping[int, set[int]]
    communes: set[int]
    copy_offering: set[int]


def _catalogue_of(
    definitions: Definitions, agencies: set[int], on: dt.date, scope: Scope
) -> _Catalogue:
    """:class:`_Catalogue` of ``agencies``: at most six queries, whatever the number
    of units and of dossiers."""
    scored = definitions.indicators

    def read(indicators: set[str], condition: Q | None) -> dict[int, set[int]]:
        if not scored.keys() & indicators:
            return {}
        return applying(agencies, on, scope, condition)

    subjects = _citizen_subjects()
    copies = scored.get(Indicator.CERTIFIED_COPY)
    communes, offering = (
        communes_offering_copies(agencies, on)
        if copies is not None and copies.formula_version == CERTIFIED_COPY_COMMUNES
        else (set(), set())
    )
    return _Catalogue(
        applied=read({Indicator.OFFERED_ONLINE}, None),
        online=read(
            {Indicator.OFFERED_ONLINE, Indicator.ONLINE_SERVICE_USED}, _OFFERED_ONLINE
        ),
        with_fee=read(
            {Indicator.PAID_ONLINE_PROCEDURES, Indicator.FEES_INTEGRATED}, _WITH_FEE
        ),
        citizen={}
        if subjects is None
        else read({Indicator.POPULATION_PROCEDURES}, subjects),
        communes=communes,
        copy_offering=offering,
    )


class _Province:
    """The figures that are the same for every unit of a cut (1.1 and 1.2 judge the
    province's announcing decisions, 1.3 its published catalogue): read once, when a
    definition in force first asks."""

    def __init__(self, start: dt.date, end: dt.date, scope: Scope) -> None:
        self.start, self.end, self.scope = start, end, scope

    @cached_property
    def announced(self) -> list[formulas.Announcement]:
        return announcements(self.start, self.end, published=False, scope=self.scope)

    @cached_property
    def published(self) -> list[formulas.Announcement]:
        return announcements(self.start, self.end, published=True, scope=self.scope)

    @cached_property
    def completeness(self) -> tuple[int, int]:
        return publication_completeness(on=self.end)


def _previous_year_received(
    definitions: Definitions,
    tallies: Mapping[int, Tally],
    attributed: Mapping[int, set[int]],
    start: dt.date,
    scope: Scope,
) -> dict[int, int]:
    """1.4's fallback (:func:`formulas.sync_denominator`): for each unit that received
    nothing in the period, the dossiers it received the year before. One query when
    some unit needs it, none otherwise."""
    sync = definitions.indicators.get(Indicator.SYNCED)
    if sync is None or sync.formula_version == SYNC_NO_FALLBACK:
        return {}
    needing = [
        unit
        for unit, tally in tallies.items()
        if tally.contributions.get(Indicator.SYNCED, (0, 0))[1] == 0
    ]
    if not needing:
        return {}
    year = start.year - 1
    counts = _received_counts(
        set().union(*(attributed[unit] for unit in needing)),
        *period_moments(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        scope,
    )
    return {unit: sum(counts.get(a, 0) for a in attributed[unit]) for unit in needing}


_TRACKING = frozenset(
    {
        Indicator.AVERAGE_TIME,
        Indicator.PETITIONS_ABOUT_PROCEDURES,
        Indicator.PETITIONS_ABOUT_STAFF,
    }
)


def _scores(
    definitions: Definitions,
    tally: Tally,
    agencies: set[int],
    listed: _Catalogue,
    province: _Province,
    previous_year: int,
    start: dt.date,
    end: dt.date,
) -> dict[str, Score]:
    """Every indicator in force of one unit, from plain values (no query but
    ``province``'s, read once for all the units)."""
    computed: dict[str, Score] = {}
    for indicator, definition in definitions.indicators.items():
        pair = tally.contributions.get(indicator, (0, 0))
        if indicator == Indicator.ANNOUNCED_ON_TIME:
            result = formulas.announced_on_time(definition, province.announced)
        elif indicator == Indicator.PUBLISHED_ON_TIME:
            result = formulas.published_on_time(definition, province.published)
        elif indicator == Indicator.PUBLISHED_IN_FULL:
            complete, published = province.completeness
            result = formulas.published_in_full(
                definition, complete=complete, published=published
            )
        elif indicator == Indicator.SYNCED:
            result = _sync_score(definition, pair, previous_year, start, end)
        elif indicator == Indicator.AVERAGE_TIME:
            result = _average_time(
                definition, tally.handling_total, tally.handling_count
            )
        elif indicator == Indicator.OFFERED_ONLINE:
            result = formulas.offered_online(
                definition,
                offering=len(_union(listed.online, agencies)),
                procedures=len(_union(listed.applied, agencies)),
            )
        elif indicator == Indicator.ONLINE_SERVICE_USED:
            services = _services(listed.online, agencies)
            used = tally.procedures.get(indicator, set()) & services
            result = formulas.online_services_used(
                definition, used=len(used), services=len(services)
            )
        elif indicator == Indicator.SUBMITTED_ONLINE:
            online, received = pair
            result = formulas.submitted_online(
                definition,
                ChannelCounts(direct=received - online, online=online),
                synced=tally.contributions.get(Indicator.SYNCED, (0, 0))[0]
                if definition.formula_version == SUBMITTED_SYNC_WEIGHTED
                else None,
            )
        elif indicator in (Indicator.PAID_ONLINE_PROCEDURES, Indicator.FEES_INTEGRATED):
            with_fee = _union(listed.with_fee, agencies)
            found = tally.marked(indicator)
            result = formulas.ratio(definition, len(found & with_fee), len(with_fee))
        elif indicator == Indicator.POPULATION_PROCEDURES:
            citizens = _union(listed.citizen, agencies)
            using = tally.marked(indicator)
            result = formulas.ratio(definition, len(using & citizens), len(citizens))
        elif indicator == Indicator.CERTIFIED_COPY:
            if definition.formula_version == CERTIFIED_COPY_COMMUNES:
                result = formulas.certified_copy(
                    definition,
                    offering=len(listed.copy_offering & agencies),
                    communes=len(listed.communes & agencies),
                )
            else:
                result = formulas.no_data(definition)
        elif indicator in _TRACKING:
            result = formulas.tracking(definition, *pair)
        else:
            result = formulas.ratio(definition, *pair)
        computed[indicator] = result
    return computed


def compute_index(
    *,
    unit: Agency,
    subtree: bool,
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
    scope: Scope = EVERYTHING,
    recompute: bool = False,
) -> IndexReport:
    """Every indicator, the groups, the total and the band of ``unit`` (alone, or with its
    subtree; narrowed by ``scope`` to a procedure, a field or an officer) from ``start``
    to ``end`` (both included): :func:`compute_indexes` of the one unit."""
    return compute_indexes(
        [unit],
        subtree=subtree,
        start=start,
        end=end,
        now=now,
        scope=scope,
        recompute=recompute,
    )[unit.pk]


def compute_indexes(
    units: Sequence[Agency],
    *,
    subtree: bool,
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
    scope: Scope = EVERYTHING,
    recompute: bool = False,
) -> dict[int, IndexReport]:
    """The index of each of ``units`` (by primary key; each alone, or with its
    subtree; narrowed by ``scope`` to a procedure, a field or an officer) from ``start``
    to ``end`` (both included), scored with the definitions in force on ``end`` (a
    weight changed on 1/7 applies to a period ending in July, not to one ending in June,
    docs/decisions/0010). Open dossiers are judged at the end of the period, or at
    ``now`` for the current one.

    A fixed number of queries whatever the number of dossiers and of units: the
    dossiers, petitions and catalogue of every agency the units count are read once,
    per agency, and each unit's figures are the sum of its agencies'. Whole units over a
    calendar month, quarter or year (or the current one to date) read the dossiers'
    figures maintained as they change (``indices.live``); other periods and cuts, or
    ``recompute``, recompute them from the dossiers and events (the same figures:
    ``motcua index reconcile`` and the tests hold them equal).
    Raises ``services.DefinitionError`` when the definitions in force do not add up,
    ``ValueError`` when ``end`` is before ``start``."""
    if end < start:
        raise ValueError("the period ends before it starts")
    definitions = definitions_in_force(on=end)
    if not units:
        return {}
    attributed = attributed_agencies_of([unit.pk for unit in units], subtree=subtree)
    every = set().union(*attributed.values())
    moment = now or timezone.now()
    begin, finish = period_moments(start, end)
    judged_at = min(finish, moment)
    bucket = (
        None
        if recompute or scope.narrowed
        else live.bucket_for(start, end, today=moment.astimezone(VN_TZ).date())
    )
    per_agency, pending = gather(
        every,
        begin,
        finish,
        judged_at,
        scope,
        options_of(definitions),
        bucket=bucket,
    )
    tallies = {
        unit: Tally.of(per_agency[a] for a in agencies if a in per_agency)
        for unit, agencies in attributed.items()
    }
    listed = _catalogue_of(definitions, every, end, scope)
    province = _Province(start, end, scope)
    previous = _previous_year_received(definitions, tallies, attributed, start, scope)
    reports: dict[int, IndexReport] = {}
    for unit in units:
        scores = _scores(
            definitions,
            tallies[unit.pk],
            attributed[unit.pk],
            listed,
            province,
            previous.get(unit.pk, 0),
            start,
            end,
        )
        groups = {group: Decimal("0.00") for group in definitions.groups}
        groups.update(formulas.group_points(scores.values()))
        total = sum(groups.values(), Decimal("0.00"))
        reports[unit.pk] = IndexReport(
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
            scope=scope,
            judged_at=judged_at,
            definitions=definitions,
            maintained=bucket is not None,
            pending=pending,
        )
    return reports


def siblings(unit: Agency, on: dt.date) -> list[Agency]:
    """The units ``unit`` is ranked among: those with the same parent and the same level
    in operation on ``on`` (itself included; spec 01 §4: "ranking within each level
    separately"). One query."""
    return list(
        Agency.objects.filter(
            covering(on, start="valid_from", end="valid_to"),
            parent_id=unit.parent_id,
            level=unit.level,
        ).order_by("identifier")
    ) or [unit]


@dataclass(frozen=True)
class Rank:
    """A unit's place among its siblings by total: 1 + the siblings with a higher
    total (equal totals share a place)."""

    rank: int
    of: int
    totals: dict[str, Decimal]


def rank_among_siblings(report: IndexReport, *, now: dt.datetime | None = None) -> Rank:
    """``report``'s unit ranked among :func:`siblings`, each computed for the same
    period, subtree flag and cut (:func:`compute_indexes`: a fixed number of queries,
    whatever the number of siblings)."""
    reports = compute_indexes(
        siblings(report.unit, report.end),
        subtree=report.subtree,
        start=report.start,
        end=report.end,
        now=now or report.judged_at,
        scope=report.scope,
    )
    totals = {other.unit.identifier: other.total for other in reports.values()}
    totals[report.unit.identifier] = report.total
    higher = sum(1 for total in totals.values() if total > report.total)
    return Rank(rank=higher + 1, of=len(totals), totals=totals)


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
