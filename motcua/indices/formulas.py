"""The Decision 766 indicators as pure functions over plain values (no database).

One canonical definition per indicator: the selectors gather the plain values, these
functions count and score them, and the tests call them directly.

Scoring (spec 01 §2, 01b §4): ``ratio = numerator / denominator`` as a percentage and
``points = Pmax × min(1, ratio / target)``, rounded to 2 decimals; a group is the sum of
its rounded indicator points, the total the sum of the groups. A zero denominator scores
by the definition's policy: full points, zero points, or not scored (``points`` is
``None`` and counts 0 in the group, as the portal does for 1.1, 1.2 and 1.4).

Computed here from motcua's own data:

- **1.1** announced on time and **1.2** published on time, from the announcing decisions
  the catalogue records (:func:`announced_on_time`, :func:`published_on_time`; the
  province's deadlines of 5 working days; computed for the whole catalogue, as the portal
  does for the province, 01b §4). Not yet: the ministries' 20 / 10 working days, and the
  procedure's publication status (công khai / sửa đổi / bãi bỏ) the portal filters on.
- **1.3** publication in full: procedures in force and published whose record has all
  seven components of khoản 2 Điều 8 NĐ 63/2010 / procedures published (a snapshot at the
  period's end; ``procedures.selectors.publication_completeness``).
- **2.1** on time (the VPCP rulebook's algorithm, spec 01 §3; :func:`is_on_time`).
- **3.1** procedures offered online (partly or fully) / procedures the unit applies,
  target 80 % (01b §1).
- **3.2** online services (a procedure offered online at one handling agency) that
  received at least one online dossier in the period / online services, linear (01b §1).
- **3.3** dossiers received online / dossiers received in the period, target 50 %
  (01b §1). Not yet applied: the factor of the sync ratio (1.4) and the condition that a
  procedure returning a paper result issued an electronic one; motcua records neither.

The other indicators are scored from the dossiers' own records through the per-dossier
judgement of ``indices.facts`` (``dossier_contributions``, ``petition_contributions``):
**1.4** first sync (``Dossier.synced_at``), **2.2** mean handling time (display only),
**3.4**–**3.6** online payment (``payments.DossierFee``, each component rounded, 01b §2),
**4.1**–**4.5b** electronic results, digitised, reused and stored papers, VNeID and
population data (01b §3; **4.x**, the electronic certified copy, is awarded as the portal
does unless the province lists its procedures), **5.1**–**5.4** petitions and citizens'
evaluations (``ratings``; 5.4 over the same dossiers and late rule as 2.1, 01b §7).
:func:`no_data` remains for an indicator the province's data cannot answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from motcua.indices.choices import ZeroPolicy

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Definition:
    """What scores one indicator: a row of ``IndicatorDefinition`` as plain values."""

    indicator: str
    group: int
    max_points: Decimal
    #: the ratio (in %) that earns full points; 100 for a linear indicator
    target: Decimal
    zero_policy: str
    formula_version: str = ""


@dataclass(frozen=True)
class Score:
    """One indicator's figures for a unit and a period."""

    indicator: str
    group: int
    numerator: int | None
    denominator: int | None
    #: percentage, 2 decimals; ``None`` when there is nothing to divide
    ratio: Decimal | None
    #: ``None`` when not scored (counts 0 in the group)
    points: Decimal | None
    max_points: Decimal
    #: motcua does not record the data this indicator reads yet
    no_data: bool = False
    #: a displayed value that is not a ratio (2.2: the mean handling time, working days)
    value: Decimal | None = None


def _empty(
    definition: Definition,
    numerator: int | None,
    denominator: int | None,
    *,
    no_data: bool,
) -> Score:
    policy = definition.zero_policy
    if policy == ZeroPolicy.FULL:
        ratio: Decimal | None = _HUNDRED
        points: Decimal | None = _round(definition.max_points)
    elif policy == ZeroPolicy.ZERO:
        ratio, points = Decimal(0), Decimal("0.00")
    else:
        ratio, points = None, None
    return Score(
        indicator=definition.indicator,
        group=definition.group,
        numerator=numerator,
        denominator=denominator,
        ratio=None if ratio is None else _round(ratio),
        points=points,
        max_points=definition.max_points,
        no_data=no_data,
    )


def score(definition: Definition, numerator: int, denominator: int) -> Score:
    """``Pmax × min(1, ratio / target)`` (spec 01 §2); a zero denominator by the policy."""
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise ValueError(
            f"{definition.indicator}: {numerator}/{denominator} is not a ratio"
        )
    if denominator == 0:
        return _empty(definition, numerator, denominator, no_data=False)
    ratio = Decimal(numerator) * _HUNDRED / Decimal(denominator)
    points = definition.max_points * min(Decimal(1), ratio / definition.target)
    return Score(
        indicator=definition.indicator,
        group=definition.group,
        numerator=numerator,
        denominator=denominator,
        ratio=_round(ratio),
        points=_round(points),
        max_points=definition.max_points,
    )


def no_data(definition: Definition) -> Score:
    """An indicator whose data motcua does not record yet: scored as an empty denominator
    is (01b §4), and said so (``no_data``)."""
    return _empty(definition, None, None, no_data=True)


# ------------------------------------------------------------------ group 1

#: how far a count of a few working days may walk: longer than any run of days off (Tết)
_WALK_LIMIT = 60


def working_days_from(
    day: dt.date, count: int, is_working_day: Callable[[dt.date], bool]
) -> dt.date:
    """The day ``count`` working days after ``day`` (before it when ``count`` is
    negative), ``day`` itself not counted. Bounded: walks at most ``_WALK_LIMIT`` days
    per working day counted."""
    step = dt.timedelta(days=1 if count >= 0 else -1)
    remaining, walked = abs(count), 0
    while remaining:
        day += step
        walked += 1
        if walked > _WALK_LIMIT * abs(count):
            raise ValueError(f"no {abs(count)} working days near {day}")
        remaining -= is_working_day(day)
    return day


@dataclass(frozen=True)
class Announcement:
    """One announcing decision of a procedure (a version of it), for 1.1 and 1.2."""

    procedure: int
    announced_on: dt.date
    #: the latest day the decision was due: the legal basis's effective date less the
    #: province's 5 working days (1.1); ``None`` when that date is not recorded
    announce_by: dt.date | None = None
    #: publication in the national TTHC database, and its due day (the decision plus 5
    #: working days, 1.2)
    published_on: dt.date | None = None
    publish_by: dt.date | None = None


def _per_procedure(flags: Iterable[tuple[int, bool]]) -> tuple[int, int]:
    """``(on time, procedures)`` where a procedure late once in the period is late for
    the whole period (spec 01 §3, 1.1)."""
    late: dict[int, bool] = {}
    for procedure, on_time in flags:
        late[procedure] = late.get(procedure, False) or not on_time
    return sum(1 for was_late in late.values() if not was_late), len(late)


def announced_on_time(
    definition: Definition, announcements: Iterable[Announcement]
) -> Score:
    """1.1: procedures announced on time / procedures announced in the period (spec 01
    §3, Điều 15 NĐ 63/2010 as amended): on time when the decision is dated no later than
    5 working days before the legal basis takes effect; each procedure once, late if late
    once. A decision whose legal basis has no recorded effective date cannot be judged
    and is left out."""
    return score(
        definition,
        *_per_procedure(
            (item.procedure, item.announced_on <= item.announce_by)
            for item in announcements
            if item.announce_by is not None
        ),
    )


def published_on_time(
    definition: Definition, announcements: Iterable[Announcement]
) -> Score:
    """1.2: procedures published on time in the national TTHC database / procedures
    published, or due to be, in the period (spec 01 §3): on time when published no later
    than 5 working days after the decision; one not yet published when due is late."""
    return score(
        definition,
        *_per_procedure(
            (
                item.procedure,
                item.published_on is not None
                and item.publish_by is not None
                and item.published_on <= item.publish_by,
            )
            for item in announcements
        ),
    )


def published_in_full(
    definition: Definition, *, complete: int, published: int
) -> Score:
    """1.3: procedures published with all seven components / procedures published."""
    return score(definition, complete, published)


# ------------------------------------------------------------------ group 2


@dataclass(frozen=True)
class DossierClock:
    """What indicator 2.1 reads of one dossier, as it stood at the moment judged.

    ``due_at`` is the appointment in force then: in motcua every finished pause has
    already moved it by the time the applicant took (spec 02 §7, ``extend_for_pause``),
    which is how the rulebook's step 4 subtracts the supplementation time.
    """

    received_at: dt.datetime
    due_at: dt.datetime
    #: end of processing (spec 01 §3 step 2): the first moment it was processed, else
    #: returned, else stopped, refused or withdrawn; ``None`` if still open
    ended_at: dt.datetime | None = None
    #: when the open dossier was paused (awaiting a supplement, or a financial
    #: obligation that stops the clock); ``None`` when running or ended
    paused_at: dt.datetime | None = None
    #: supplement requests so far (``request_supplement`` events)
    supplement_requests: int = 0


def is_on_time(clock: DossierClock, *, judged_at: dt.datetime) -> bool:
    """The VPCP rulebook's on-time test for 2.1 (spec 01 §3, steps 2–6; spec 08 §5).

    - More than one supplement request: late, whatever else happened (step 3).
    - Ended: on time when it ended no later than its appointment; equal counts as on
      time (step 6).
    - Open and paused: judged at the moment it was paused (step 3: "end = the time the
      officer requested supplementation").
    - Open and running: judged at ``judged_at``, the end of the period or now for the
      current one (step 5): in time while that moment is not after the appointment.
    """
    if clock.supplement_requests > 1:
        return False
    if clock.ended_at is not None:
        end = clock.ended_at
    elif clock.paused_at is not None:
        end = clock.paused_at
    else:
        end = judged_at
    return end <= clock.due_at


def on_time(
    definition: Definition, clocks: Iterable[DossierClock], *, judged_at: dt.datetime
) -> Score:
    """2.1: dossiers finished, or still running, within their appointment / dossiers
    received or handled in the period (``20 × ratio``, spec 01 §3, 01b §7)."""
    total = punctual = 0
    for clock in clocks:
        total += 1
        punctual += is_on_time(clock, judged_at=judged_at)
    return score(definition, punctual, total)


# ------------------------------------------------------------------ group 3


def offered_online(definition: Definition, *, offering: int, procedures: int) -> Score:
    """3.1: procedures offered partly or fully online / procedures the unit applies."""
    return score(definition, offering, procedures)


def online_services_used(definition: Definition, *, used: int, services: int) -> Score:
    """3.2: online services with at least one online dossier in the period / online
    services (a procedure offered online at one handling agency)."""
    return score(definition, used, services)


@dataclass(frozen=True)
class ChannelCounts:
    """Dossiers received in the period by channel (``KenhThucHien`` 1, 2, 3)."""

    direct: int = 0
    online: int = 0
    postal: int = 0

    @property
    def total(self) -> int:
        return self.direct + self.online + self.postal


def submitted_online(
    definition: Definition, counts: ChannelCounts, *, synced: int | None = None
) -> Score:
    """3.3: dossiers received online / all dossiers received in the period, full points at
    50 % (01b §1). With ``synced`` (of the same dossiers, those synchronised to the
    national portal by the period's end: 1.4's numerator), the points are multiplied by
    the share synchronised, as the VPCP rulebook writes 3.3 (01b §1, item 4: not
    observable on the portal, where 1.4 stands at 100 %; ``formula_version``
    "sync-weighted", docs/decisions/0016)."""
    result = score(definition, counts.online, counts.total)
    if synced is None or not counts.total or result.points is None:
        return result
    if not 0 <= synced <= counts.total:
        raise ValueError(f"3.3: {synced} synchronised of {counts.total} received")
    share = Decimal(counts.online) * _HUNDRED / Decimal(counts.total)
    points = (
        definition.max_points
        * min(Decimal(1), share / definition.target)
        * Decimal(synced)
        / Decimal(counts.total)
    )
    return dataclasses.replace(result, points=_round(points))


# ------------------------------------------------------------------ 1.4, payments, digitisation, satisfaction


def sync_denominator(
    received: int, *, previous_year: int, months: int | None, days: int, year_days: int
) -> int:
    """1.4's denominator (spec 01 §3, 01b §7): the dossiers that should have been
    synchronised, motcua's own count of dossiers received in the period (the statistic
    it pushes to the national portal). When that is 0 the VPCP rulebook falls back on the
    previous year: its total / 12 for a month, / 4 for a quarter, the whole for a year
    (``months`` 1, 3, 12); a custom range takes its share of days (docs/decisions/0016).
    Rounded half up; 0 when the previous year has nothing either."""
    if received:
        return received
    if months is not None:
        share = Decimal(previous_year) * months / 12
    else:
        share = Decimal(previous_year) * days / year_days
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def synced(
    definition: Definition, *, synced: int, received: int, denominator: int
) -> Score:
    """1.4: dossiers received in the period and synchronised to the national portal /
    :func:`sync_denominator`. With the fallback the numerator is 0 (nothing received)."""
    return score(definition, min(synced, denominator), denominator)


def ratio(definition: Definition, numerator: int, denominator: int) -> Score:
    """An indicator that is a plain count over a count (3.4, 3.5, 3.6, 4.1–4.5b, 5.2–5.4):
    ``Pmax × min(1, ratio / target)`` (spec 01 §2), each rounded to 2 decimals before
    the group adds them (01b §2: per-component rounding)."""
    return score(definition, numerator, denominator)


def tracking(definition: Definition, numerator: int, denominator: int) -> Score:
    """A metric the portal shows without points (2.2, 5.1a, 5.1b: ``maxScore`` 0, 01b §7):
    the ratio, and 0 points."""
    figures = score(definition, numerator, denominator)
    return Score(
        indicator=figures.indicator,
        group=figures.group,
        numerator=numerator,
        denominator=denominator,
        ratio=figures.ratio if denominator else None,
        points=None,
        max_points=definition.max_points,
    )


def average(total: Decimal, count: int) -> Decimal | None:
    """2.2: the mean handling time, 2 decimals; ``None`` with nothing completed."""
    return None if count == 0 else _round(total / count)


def certified_copy(definition: Definition, *, offering: int, communes: int) -> Score:
    """4.x: communes offering electronic certification of copies from originals /
    communes the unit manages (01b §3, XLSX-METRICS); formula ``communes``. The portal
    currently awards the full 2 points to every unit (formula ``portal-2026``), which
    :func:`no_data` with the policy "full" gives."""
    return score(definition, offering, communes)


# ------------------------------------------------------------------ totals


def group_points(scores: Iterable[Score]) -> dict[int, Decimal]:
    """Each group's points: the sum of its indicators' rounded points, an indicator not
    scored counting 0 (01b §4)."""
    groups: dict[int, Decimal] = {}
    for item in scores:
        groups[item.group] = groups.get(item.group, Decimal("0.00")) + (
            item.points or 0
        )
    return groups


def band_of(total: Decimal, bands: Iterable[tuple[str, Decimal]]) -> str | None:
    """The band whose lower bound (inclusive) is the highest one not above ``total``."""
    reached = [(bound, band) for band, bound in bands if bound <= total]
    return max(reached)[1] if reached else None
