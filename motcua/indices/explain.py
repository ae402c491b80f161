"""Why a figure is what it is, and what would move it (issue 9, item 6).

:func:`explain` lists what an indicator's denominator holds (dossiers, petitions, or
procedures), each marked in the numerator or not, with the reason in the interface
language: "late: finished 3 working hours after its appointment", "late: second
supplement request", "2 of 3 papers not digitised". The verdicts are those of
:mod:`motcua.indices.facts` (dossiers and petitions) and of the catalogue's selectors
(procedures), so the list always adds up to the figure. Working-time differences are
counted on the working-day calendar.

:func:`opportunities` answers, for a unit and the current period: the open dossiers whose
handling now would save the most points (in time, due soonest: each of them, if it goes
late, leaves 2.1's numerator and 5.4's), and, per indicator, how many more qualifying
dossiers the unit needs to reach the indicator's target, and to reach the next band with
this indicator alone, worked from the formula (:func:`more_needed`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.agencies.models import Agency
from motcua.indices import formulas
from motcua.indices.choices import Indicator
from motcua.indices.facts import (
    DOSSIER_INDICATORS,
    PETITION_INDICATORS,
    clock_at,
    complained,
    dossier_reasons,
    handling_days,
    period_moments,
    petition_reasons,
)
from motcua.indices.formulas import Definition, Score
from motcua.indices.limits import TooManyToExplain, ensure_at_most, explain_limit
from motcua.indices.loader import (
    EVERYTHING,
    Scope,
    dossier_facts,
    handled_dossiers,
    handled_petitions,
    open_at,
    open_dossier_facts,
    petition_facts,
    working_days,
)
from motcua.indices.selectors import (
    CERTIFIED_COPY_COMMUNES,
    IndexReport,
    announcements,
    attributed_agencies,
    citizen_procedures,
    communes_offering_copies,
    compute_index,
    fee_integrated_procedures,
    online_services,
    options_of,
    paid_online_procedures,
    petition_deadlines,
    population_procedures,
    procedures_offered_online,
    procedures_with_fee,
    services_marked,
)
from motcua.indices.services import definitions_in_force
from motcua.procedures.models import Procedure
from motcua.procedures.selectors import published_versions
from motcua.procedures.validation import PUBLICATION_COMPONENT_LABELS, publication_gaps
from motcua.workdays.selectors import calendar_for


def _bounded(candidates: QuerySet[Any]) -> None:
    """Refuse a drill-down over more dossiers or petitions than
    ``settings.INDEX_EXPLAIN_LIMIT`` (``limits``), before judging any."""
    ensure_at_most(candidates, explain_limit(), TooManyToExplain)


#: the procedure-level indicators whose drill-down judges the dossiers of the cut (which
#: procedures had a fee paid online, a service used online …; ``procedure_marks``)
_MARKED_BY_DOSSIERS = frozenset(
    {
        Indicator.ONLINE_SERVICE_USED,
        Indicator.PAID_ONLINE_PROCEDURES,
        Indicator.FEES_INTEGRATED,
        Indicator.POPULATION_PROCEDURES,
    }
)


@dataclass(frozen=True)
class Entry:
    """One item of an indicator's denominator."""

    #: "dossier", "petition", "procedure", "service" (3.2: a procedure at an agency,
    #: ``id`` the procedure's) or "agency" (4.x: a commune)
    kind: str
    id: int
    code: str
    in_numerator: bool
    reason: str


def working_duration(start: dt.datetime, end: dt.datetime) -> str:
    """The working time from ``start`` to ``end`` for a person: "3 working hours",
    "2 working days 1 working hour", "25 working minutes" (the system's calendar; a
    working day is its office hours)."""
    calendar = calendar_for(None)
    elapsed = calendar.working_time_between(start, end)
    minutes = int(elapsed.total_seconds() // 60)
    day = int(calendar.hours_on(end.date()).day_length.total_seconds() // 60) or 480
    days, rest = divmod(minutes, day)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(
            ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days}
        )
    if hours:
        parts.append(
            ngettext("%(n)s working hour", "%(n)s working hours", hours) % {"n": hours}
        )
    if minutes or not parts:
        parts.append(
            ngettext("%(n)s working minute", "%(n)s working minutes", minutes)
            % {"n": minutes}
        )
    return " ".join(parts)


def _sorted(entries: list[Entry]) -> list[Entry]:
    """What costs points first, then by code."""
    return sorted(entries, key=lambda entry: (entry.in_numerator, entry.code))


def _procedure_entries(
    chosen: set[int], counted: set[int], yes: str, no: str
) -> list[Entry]:
    codes = dict(Procedure.objects.filter(pk__in=chosen).values_list("pk", "code"))
    return [
        Entry(
            "procedure",
            pk,
            codes.get(pk, ""),
            pk in counted,
            yes if pk in counted else no,
        )
        for pk in chosen
    ]


def explain(
    *,
    unit: Agency,
    subtree: bool,
    start: dt.date,
    end: dt.date,
    indicator: str,
    now: dt.datetime | None = None,
    scope: Scope = EVERYTHING,
) -> list[Entry]:
    """The denominator of ``indicator`` for the cut and period, each item with whether
    it is in the numerator and why (module docstring). A fixed number of queries.
    2.2, a mean, lists the dossiers it timed with their working days, the longest
    first; 1.3 the province's published procedures; 3.2 the online services; 4.x the
    communes (none under a formula version without data). Raises ``ValueError`` for an
    unknown indicator, ``limits.TooManyToExplain`` when the cut holds more dossiers or
    petitions than a drill-down judges (``settings.INDEX_EXPLAIN_LIMIT``), before
    judging any."""
    agencies = attributed_agencies(unit, subtree=subtree)
    begin, finish = period_moments(start, end)
    judged_at = min(finish, now or timezone.now())
    if (
        indicator in DOSSIER_INDICATORS
        or indicator == Indicator.AVERAGE_TIME
        or indicator in _MARKED_BY_DOSSIERS
    ):
        _bounded(handled_dossiers(agencies, begin, finish, scope))
    elif indicator in PETITION_INDICATORS:
        _bounded(handled_petitions(agencies, begin, finish, scope))
    if indicator in DOSSIER_INDICATORS:
        options = options_of(definitions_in_force(on=end))
        entries = []
        for facts in dossier_facts(agencies, begin, finish, scope):
            reasons = dossier_reasons(
                facts,
                start=begin,
                end=finish,
                judged_at=judged_at,
                options=options,
                duration=working_duration,
            )
            if indicator in reasons:
                counted, why = reasons[indicator]
                entries.append(
                    Entry("dossier", facts.dossier, facts.code, counted, why)
                )
        return _sorted(entries)
    if indicator in PETITION_INDICATORS:
        deadlines = petition_deadlines()
        entries = []
        for petition in petition_facts(agencies, begin, finish, scope):
            reasons = petition_reasons(
                petition,
                start=begin,
                end=finish,
                judged_at=judged_at,
                deadlines=deadlines,
            )
            if indicator in reasons:
                counted, why = reasons[indicator]
                entries.append(
                    Entry("petition", petition.petition, petition.code, counted, why)
                )
        return _sorted(entries)
    if indicator == Indicator.OFFERED_ONLINE:
        applied, online = procedures_offered_online(agencies, end, scope)
        return _sorted(
            _procedure_entries(
                applied, online, _("offered online"), _("not offered online")
            )
        )
    if indicator in (Indicator.PAID_ONLINE_PROCEDURES, Indicator.FEES_INTEGRATED):
        with_fee = procedures_with_fee(agencies, end, scope)
        if indicator == Indicator.PAID_ONLINE_PROCEDURES:
            found = paid_online_procedures(agencies, begin, finish, scope)
            yes, no = _("a fee paid online in the period"), _("no fee paid online")
        else:
            found = fee_integrated_procedures(agencies, begin, finish, scope)
            yes = _("fee data synchronised with a dossier")
            no = _("no synchronised dossier with fee data")
        return _sorted(_procedure_entries(with_fee, found & with_fee, yes, no))
    if indicator == Indicator.POPULATION_PROCEDURES:
        citizens = citizen_procedures(agencies, end, scope)
        using = population_procedures(agencies, begin, finish, scope)
        return _sorted(
            _procedure_entries(
                citizens,
                using & citizens,
                _("a dossier used population data"),
                _("no dossier used population data"),
            )
        )
    if indicator in (Indicator.ANNOUNCED_ON_TIME, Indicator.PUBLISHED_ON_TIME):
        published = indicator == Indicator.PUBLISHED_ON_TIME
        late: dict[int, bool] = {}
        for item in announcements(start, end, published=published, scope=scope):
            if published:
                on_time = (
                    item.published_on is not None
                    and item.publish_by is not None
                    and item.published_on <= item.publish_by
                )
            elif item.announce_by is None:
                continue
            else:
                on_time = item.announced_on <= item.announce_by
            late[item.procedure] = late.get(item.procedure, False) or not on_time
        on_time_set = {pk for pk, was_late in late.items() if not was_late}
        yes, no = (
            (_("published on time"), _("published late or not yet"))
            if published
            else (_("announced on time"), _("announced late"))
        )
        return _sorted(_procedure_entries(set(late), on_time_set, yes, no))
    if indicator == Indicator.PUBLISHED_IN_FULL:
        return _sorted(_publication_entries(end))
    if indicator == Indicator.AVERAGE_TIME:
        return _handling_entries(agencies, begin, finish, scope)
    if indicator == Indicator.ONLINE_SERVICE_USED:
        services = online_services(agencies, end, scope)
        used = services_marked(agencies, begin, finish, scope, indicator)
        return _sorted(_service_entries(services, used & services))
    if indicator == Indicator.CERTIFIED_COPY:
        definition = definitions_in_force(on=end).indicators.get(indicator)
        if definition is None or definition.formula_version != CERTIFIED_COPY_COMMUNES:
            return []
        communes, offering = communes_offering_copies(agencies, end)
        return _sorted(_commune_entries(communes, offering))
    raise ValueError(indicator)


def _publication_entries(on: dt.date) -> list[Entry]:
    """1.3: each procedure published and in force on ``on``, complete or with the
    components it lacks (``procedures.validation.publication_gaps``)."""
    entries = []
    for version in published_versions(on=on).select_related("procedure"):
        gaps = publication_gaps(version)
        reason = (
            _("lacks: %(parts)s")
            % {"parts": ", ".join(str(PUBLICATION_COMPONENT_LABELS[g]) for g in gaps)}
            if gaps
            else _("all seven components published")
        )
        entries.append(
            Entry(
                "procedure",
                version.procedure_id,
                version.procedure.code,
                not gaps,
                reason,
            )
        )
    return entries


def _handling_entries(
    agencies: set[int], begin: dt.datetime, finish: dt.datetime, scope: Scope
) -> list[Entry]:
    """2.2: the dossiers timed (received in the period, processed by its end) with
    their handling time in working days (``facts.handling_days``), the longest first."""
    timed = []
    for facts in dossier_facts(agencies, begin, finish, scope):
        days = handling_days(facts, begin, finish, working_days)
        if days is not None:
            timed.append((days, facts))
    timed.sort(key=lambda pair: (-pair[0], pair[1].code))
    return [
        Entry(
            "dossier",
            facts.dossier,
            facts.code,
            True,
            _("%(days)s working days from reception to the end of processing")
            % {"days": number_format(days.quantize(_HUNDREDTH, ROUND_HALF_UP), 2)},
        )
        for days, facts in timed
    ]


#: 2.2's working days shown to two decimals, as the index shows its mean
_HUNDREDTH = Decimal("0.01")


def _agency_names(ids: set[int]) -> dict[int, str]:
    return dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))


def _service_entries(
    services: set[tuple[int, int]], used: set[tuple[int, int]]
) -> list[Entry]:
    """3.2: each online service (a procedure at an agency) and whether it received an
    online dossier in the period."""
    codes = dict(
        Procedure.objects.filter(pk__in={p for p, _a in services}).values_list(
            "pk", "code"
        )
    )
    names = _agency_names({a for _p, a in services})
    return [
        Entry(
            "service",
            procedure,
            f"{codes.get(procedure, '')} · {names.get(agency, '')}",
            (procedure, agency) in used,
            _("received an online dossier")
            if (procedure, agency) in used
            else _("no online dossier received"),
        )
        for procedure, agency in services
    ]


def _commune_entries(communes: set[int], offering: set[int]) -> list[Entry]:
    """4.x by communes: each commune and whether it offers electronic certification
    of copies online."""
    names = _agency_names(communes)
    return [
        Entry(
            "agency",
            commune,
            names.get(commune, ""),
            commune in offering,
            _("offers electronic certified copies online")
            if commune in offering
            else _("does not offer electronic certified copies online"),
        )
        for commune in communes
    ]


# ------------------------------------------------------------------ what moves the score


def _points(definition: Definition, numerator: int, denominator: int) -> Decimal:
    return formulas.score(definition, numerator, denominator).points or Decimal(0)


def more_needed(
    definition: Definition, numerator: int, denominator: int, points: Decimal
) -> int | None:
    """The fewest qualifying items ``k`` to add (to both the numerator and the
    denominator) for the indicator to score at least ``points`` (rounded as the index
    rounds). From the formula ``Pmax × min(1, ((n + k) / (d + k)) / T) ≥ points``: with
    ``r = points × T / Pmax`` (T as a fraction), ``k ≥ (r·d − n) / (1 − r)``; the
    rounding to 2 decimals can make one fewer enough, which is checked. ``None`` when no
    number of items reaches it (above the maximum, or a 100 % requirement with a
    non-qualifying item already in the denominator); 0 when already there."""
    if points <= 0:
        return 0
    if points > definition.max_points:
        return None
    if denominator and _points(definition, numerator, denominator) >= points:
        return 0
    needed = (
        Fraction(points)
        * Fraction(definition.target)
        / 100
        / Fraction(definition.max_points)
    )
    if needed >= 1:
        if numerator < denominator:
            return None
        guess = 1
    else:
        guess = max(1, math.ceil((needed * denominator - numerator) / (1 - needed)))
    while (
        guess > 1
        and _points(definition, numerator + guess - 1, denominator + guess - 1)
        >= points
    ):
        guess -= 1
    while _points(definition, numerator + guess, denominator + guess) < points:
        guess += 1
    return guess


@dataclass(frozen=True)
class Gap:
    """How far one indicator is from its target and from the next band."""

    indicator: str
    numerator: int | None
    denominator: int | None
    points: Decimal | None
    #: qualifying items to add to reach the target (full points)
    to_target: int | None
    #: qualifying items to add to reach the next band with this indicator alone
    to_next_band: int | None


@dataclass(frozen=True)
class Opportunity:
    """An open dossier in time whose lateness would cost ``points``."""

    dossier: int
    code: str
    due_at: dt.datetime
    points: Decimal


@dataclass(frozen=True)
class Opportunities:
    report: IndexReport
    next_band: str | None
    next_band_from: Decimal | None
    dossiers: list[Opportunity]
    gaps: list[Gap]


def _marginal(score: Score, definition: Definition) -> Decimal:
    """Points the indicator loses if one item leaves its numerator."""
    if not score.numerator or not score.denominator:
        return Decimal(0)
    return _points(definition, score.numerator, score.denominator) - _points(
        definition, score.numerator - 1, score.denominator
    )


def opportunities(
    *,
    unit: Agency,
    subtree: bool,
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
    scope: Scope = EVERYTHING,
    limit: int = 20,
) -> Opportunities:
    """What would move ``unit``'s score in the period (module docstring). The open
    dossiers are those in time at the moment judged, the soonest due first; each is
    worth what 2.1 loses if it goes late, and 5.4 too unless a petition or a dislike has
    already taken it out of 5.4's numerator."""
    report = compute_index(
        unit=unit, subtree=subtree, start=start, end=end, now=now, scope=scope
    )
    definitions = report.definitions
    judged_at = report.judged_at
    worth: dict[str, Decimal] = {}
    for lateness in (Indicator.ON_TIME, Indicator.SATISFIED):
        if lateness in report.scores and lateness in definitions.indicators:
            worth[lateness] = _marginal(
                report.scores[lateness], definitions.indicators[lateness]
            )
    begin, finish = period_moments(start, end)
    agencies = attributed_agencies(unit, subtree=subtree)
    # only a dossier open at the moment judged can still be saved
    _bounded(open_at(handled_dossiers(agencies, begin, finish, scope), judged_at))
    candidates: list[Opportunity] = []
    for facts in open_dossier_facts(
        agencies, begin, finish, scope, still_open_at=judged_at
    ):
        clock = clock_at(facts, finish)
        if (
            clock is None
            or clock.ended_at is not None
            or clock.paused_at is not None
            or clock.supplement_requests > 1
            or clock.due_at < judged_at
        ):
            continue
        # a dossier already out of 5.4's numerator (a petition, a dislike) costs only 2.1
        points = worth.get(Indicator.ON_TIME, Decimal(0))
        if not complained(facts, judged_at):
            points += worth.get(Indicator.SATISFIED, Decimal(0))
        candidates.append(Opportunity(facts.dossier, facts.code, clock.due_at, points))
    candidates.sort(key=lambda item: (item.due_at, item.code))
    upper = [(band, bound) for band, bound in definitions.bands if bound > report.total]
    next_band, bound = min(upper, key=lambda pair: pair[1]) if upper else (None, None)
    gaps: list[Gap] = []
    for indicator, score in report.scores.items():
        definition = definitions.indicators[indicator]
        if definition.max_points == 0 or score.numerator is None or score.no_data:
            continue
        current = score.points or Decimal(0)
        denominator = score.denominator or 0
        to_target = more_needed(
            definition, score.numerator, denominator, definition.max_points
        )
        to_band = None
        if bound is not None:
            to_band = more_needed(
                definition,
                score.numerator,
                denominator,
                current + (bound - report.total),
            )
        gaps.append(
            Gap(
                indicator=indicator,
                numerator=score.numerator,
                denominator=score.denominator,
                points=score.points,
                to_target=to_target,
                to_next_band=to_band,
            )
        )
    return Opportunities(
        report=report,
        next_band=next_band,
        next_band_from=bound,
        dossiers=candidates[:limit],
        gaps=gaps,
    )
