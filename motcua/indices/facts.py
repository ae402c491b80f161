"""What one dossier (or one petition) contributes to the Decision 766 index: pure.

A :class:`DossierFacts` is the plain record of a dossier the index reads: its reception,
its history as moments (status entered, appointment set), its papers, results, fees,
petitions and dislikes. It does not depend on a period: :func:`dossier_contributions`
judges it for any period ``[start, end)`` at a moment ``judged_at`` (the period's end, or
now for the current period, spec 01 §3 step 5) and answers, per dossier-level indicator,
``(numerator, denominator)``: 0 or 1 each, ``(0, 0)`` being left out. Summing the pairs over
the dossiers of a unit gives the indicator's figures; :mod:`motcua.indices.formulas`
scores them. :func:`dossier_reasons` says, in the interface language, why the dossier
counts as it does (the drill-down).

The rules, per indicator (spec 01 §3, 01b; choices where the spec is silent are
docs/decisions/0016):

- dossiers **handled in the period** (received before its end, processing not ended
  before its start: 2.1's denominator, spec 01 §3):
  **2.1** on time by the VPCP rule (:func:`formulas.is_on_time`); **5.4** on time and no
  petition about it nor a "not satisfied" evaluation by the moment judged (01b §7: same
  set, same late rule, one count per dossier); **4.1** has an electronic result issued by
  the end of the period (the denominator all such dossiers, or only those of procedures
  returning a document: :class:`Options`, 01b §3);
- dossiers **received in the period**: **1.4** synchronised to the national portal by the
  period's end (the denominator's fallback is :func:`formulas.synced`); **3.3** received
  online; **3.6** paid online, among those with a fee line owed (01 §3 group 3b: not exempt,
  amount above 0); **4.2** every paper digitised at reception and, when a result was issued
  for a procedure returning a document, an electronic one; **4.3** a paper reusing
  digitised data; **4.4** a paper from the citizen's data store or a result sent to it;
  **4.5b** the applicant identified through VNeID or a paper from the population database.
- **5.2** and **5.3** are petitions' (:class:`PetitionFacts`, :func:`petition_contributions`).

Module of pure functions over plain values: no database, no clock but the one passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.dossiers.choices import Channel
from motcua.dossiers.workflow import DossierStatus
from motcua.indices.formulas import DossierClock, is_on_time
from motcua.ratings.choices import PetitionCategory
from motcua.workdays.clock import VN_TZ

#: an indicator's (numerator, denominator) contributed by one dossier or petition
Contribution = tuple[int, int]

#: the dossier-level indicators :func:`dossier_contributions` answers
DOSSIER_INDICATORS = (
    "1.4",
    "2.1",
    "3.3",
    "3.6",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5b",
    "5.4",
)
#: the petition-level ones :func:`petition_contributions` answers
PETITION_INDICATORS = ("5.1a", "5.1b", "5.2", "5.3")

_OTHER_ENDS = frozenset(
    {DossierStatus.STOPPED, DossierStatus.WITHDRAWN, DossierStatus.REFUSED}
)


@dataclass(frozen=True)
class Moment:
    """One event of the dossier's history, as 2.1 reads it: when, the status it led to,
    and the appointment it set (a reception) or moved to (a pause, an apology), if any."""

    at: dt.datetime
    status: str
    due: dt.datetime | None = None
    #: the event was a reception (its ``due`` is the first appointment)
    reception: bool = False


@dataclass(frozen=True)
class Options:
    """The UNCONFIRMED choices the dossier judgement reads (docs/decisions/0016), taken
    from the definitions in force (``formula_version``)."""

    #: 4.1's denominator: every dossier of the period (what the portal counts, 01b §3), or
    #: only those of procedures returning a document (the VPCP rulebook, 01 §3)
    e_result_all_dossiers: bool = True


DEFAULT_OPTIONS = Options()


@dataclass(frozen=True)
class DossierFacts:
    """The moments and flags one dossier contributes to the index."""

    dossier: int
    code: str
    agency: int
    procedure: int
    field: int | None
    #: the officer the dossier counts for: its assignee (docs/decisions/0016)
    officer: int | None
    channel: int
    received_at: dt.datetime | None
    #: the appointment as it stands (used when the history does not say how it moved)
    due_at: dt.datetime | None
    #: the history, in order (``sequence``)
    history: tuple[Moment, ...] = ()
    pauses_for_fees: bool = False
    synced_at: dt.datetime | None = None
    #: the procedure returns a document (a result in the catalogue)
    returns_document: bool = False
    papers: int = 0
    #: papers digitised at reception, and the last moment one was
    papers_digitised: int = 0
    last_digitised_at: dt.datetime | None = None
    reused: bool = False
    from_data_store: bool = False
    population_data: bool = False
    vneid_verified: bool = False
    #: the first result issued, the first electronic one, and whether one went to the
    #: citizen's data store
    first_result_at: dt.datetime | None = None
    first_electronic_result_at: dt.datetime | None = None
    result_to_data_store: bool = False
    #: fee lines owed (amount above 0, not exempt), and the first paid online
    fees_owed: int = 0
    first_online_payment_at: dt.datetime | None = None
    #: every moment an owed fee line was paid online (3.4), in order
    online_payments: tuple[dt.datetime, ...] = ()
    #: the first petition about it, the first "not satisfied" evaluation
    first_petition_at: dt.datetime | None = None
    first_dislike_at: dt.datetime | None = None


def period_moments(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as moments: from the first day's midnight (included) to the midnight
    after the last day (excluded), in Asia/Ho_Chi_Minh."""
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=VN_TZ),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=VN_TZ),
    )


def clock_at(facts: DossierFacts, end: dt.datetime) -> DossierClock | None:
    """2.1's clock of the dossier as it stood at ``end`` (its events before ``end``):
    the appointment then in force, the end of processing by the rulebook's priority
    (processed, else returned, else stopped / refused / withdrawn; spec 01 §3 step 2), a
    pause open then (a supplement, or a financial obligation that stops the clock), the
    supplement requests so far. ``None`` for a dossier not received by then."""
    if facts.received_at is None or facts.received_at >= end:
        return None
    due: dt.datetime | None = None
    firsts: dict[str, dt.datetime] = {}
    requests = 0
    status = ""
    since: dt.datetime | None = None
    for moment in facts.history:
        if moment.at >= end:
            continue
        if moment.due is not None:
            due = moment.due
        if moment.status != status:
            requests += moment.status == DossierStatus.SUPPLEMENT_REQUESTED
            status, since = moment.status, moment.at
        firsts.setdefault(moment.status, moment.at)
    ended = firsts.get(DossierStatus.RESOLVED) or firsts.get(DossierStatus.RETURNED)
    if ended is None:
        others = [firsts[s] for s in _OTHER_ENDS if s in firsts]
        ended = min(others) if others else None
    paused = status == DossierStatus.SUPPLEMENT_REQUESTED or (
        status == DossierStatus.FINANCIAL_OBLIGATION and facts.pauses_for_fees
    )
    appointment = due or facts.due_at
    if appointment is None:
        raise ValueError(f"dossier {facts.code}: received without an appointment")
    return DossierClock(
        received_at=facts.received_at,
        due_at=appointment,
        ended_at=ended,
        paused_at=since if paused and ended is None else None,
        supplement_requests=requests,
    )


def handled_in(clock: DossierClock | None, start: dt.datetime) -> bool:
    """In 2.1's denominator: received before the period's end (``clock`` exists) and its
    processing not ended before the period's start."""
    return clock is not None and (clock.ended_at is None or clock.ended_at >= start)


def received_in(facts: DossierFacts, start: dt.datetime, end: dt.datetime) -> bool:
    return facts.received_at is not None and start <= facts.received_at < end


def _before(moment: dt.datetime | None, end: dt.datetime) -> bool:
    return moment is not None and moment < end


def _digitised(facts: DossierFacts, end: dt.datetime) -> bool:
    """4.2: every paper digitised (by ``end``) and, when the procedure returns a document
    and a result was issued by then, an electronic one (spec 01 §3, 4.2)."""
    papers = (
        facts.papers > 0
        and facts.papers_digitised == facts.papers
        and _before(facts.last_digitised_at, end)
    )
    if not papers:
        return False
    if facts.returns_document and _before(facts.first_result_at, end):
        return _before(facts.first_electronic_result_at, end)
    return True


def complained(facts: DossierFacts, judged_at: dt.datetime) -> bool:
    """5.4: a petition about the dossier, or a "not satisfied" evaluation of it, by the
    moment judged (01b §7)."""
    return _before(facts.first_petition_at, judged_at) or _before(
        facts.first_dislike_at, judged_at
    )


def dossier_contributions(
    facts: DossierFacts,
    *,
    start: dt.datetime,
    end: dt.datetime,
    judged_at: dt.datetime,
    options: Options = DEFAULT_OPTIONS,
) -> dict[str, Contribution]:
    """Per dossier-level indicator, what the dossier adds to ``(numerator, denominator)``
    for the period ``[start, end)`` judged at ``judged_at`` (the end, or now when the
    period is current; module docstring for the rules). Indicators the dossier is not in
    are absent."""
    found: dict[str, Contribution] = {}
    clock = clock_at(facts, end)
    if clock is not None and handled_in(clock, start):
        punctual = is_on_time(clock, judged_at=judged_at)
        found["2.1"] = (int(punctual), 1)
        found["5.4"] = (int(punctual and not complained(facts, judged_at)), 1)
        if options.e_result_all_dossiers or facts.returns_document:
            found["4.1"] = (int(_before(facts.first_electronic_result_at, end)), 1)
    if received_in(facts, start, end):
        found["1.4"] = (int(_before(facts.synced_at, end)), 1)
        found["3.3"] = (int(facts.channel == Channel.ONLINE), 1)
        if facts.fees_owed:
            found["3.6"] = (int(_before(facts.first_online_payment_at, end)), 1)
        found["4.2"] = (int(_digitised(facts, end)), 1)
        found["4.3"] = (int(facts.reused), 1)
        found["4.4"] = (
            int(
                facts.from_data_store
                or (facts.result_to_data_store and _before(facts.first_result_at, end))
            ),
            1,
        )
        found["4.5b"] = (int(facts.vneid_verified or facts.population_data), 1)
    return found


#: the procedure-level indicators whose numerator is the set of procedures with a
#: qualifying dossier (spec 01 §3: 3.2 online services used, 3.4 paid online, 3.5 fees
#: integrated, 4.5a connected to the population database)
PROCEDURE_SETS = ("3.2", "3.4", "3.5", "4.5a")


def procedure_marks(
    facts: DossierFacts, *, start: dt.datetime, end: dt.datetime
) -> tuple[str, ...]:
    """Which of :data:`PROCEDURE_SETS` the dossier puts its procedure in for the period
    ``[start, end)``: **3.4** an owed fee line paid online in the period (01b §2: "TTHC
    with a successful online payment"); and, received in it, **3.2** received online
    (the service, a procedure at its handling agency, "received an online dossier");
    **3.5** carrying a fee line owed and synchronised to the national portal by the end
    (3.5a); **4.5a** its applicant identified through VNeID or a paper from the
    population database."""
    found: list[str] = []
    if any(start <= moment < end for moment in facts.online_payments):
        found.append("3.4")
    if not received_in(facts, start, end):
        return tuple(found)
    if facts.channel == Channel.ONLINE:
        found.append("3.2")
    if facts.fees_owed and _before(facts.synced_at, end):
        found.append("3.5")
    if facts.vneid_verified or facts.population_data:
        found.append("4.5a")
    return tuple(found)


def facts_processed(facts: DossierFacts, end: dt.datetime) -> bool:
    """Processed or returned before ``end`` (2.2 counts completed dossiers only)."""
    return any(
        moment.at < end
        and moment.status in (DossierStatus.RESOLVED, DossierStatus.RETURNED)
        for moment in facts.history
    )


def handling_days(
    facts: DossierFacts,
    start: dt.datetime,
    end: dt.datetime,
    working_days: Callable[[dt.datetime, dt.datetime], Decimal],
) -> Decimal | None:
    """2.2: the dossier's handling time in working days (``working_days``: the
    working-day calendar's, ``loader.working_days``), when it was received in the period
    and processed (or returned) by its end: reception to the end of processing (spec 01
    §3, 2.2); ``None`` otherwise."""
    if not received_in(facts, start, end) or not facts_processed(facts, end):
        return None
    clock = clock_at(facts, end)
    if clock is None or clock.ended_at is None:
        return None
    return working_days(clock.received_at, clock.ended_at)


def add_up(
    contributions: Iterable[Mapping[str, Contribution]],
) -> dict[str, Contribution]:
    """The sum, indicator by indicator."""
    totals: dict[str, list[int]] = {}
    for contribution in contributions:
        for indicator, (numerator, denominator) in contribution.items():
            pair = totals.setdefault(indicator, [0, 0])
            pair[0] += numerator
            pair[1] += denominator
    return {indicator: (pair[0], pair[1]) for indicator, pair in totals.items()}


@dataclass
class Tally:
    """What a cut's dossiers and petitions contribute, summed: the pairs of the
    dossier- and petition-level indicators, 2.2's working time and how many dossiers it
    timed, and the ``(procedure, handling agency)`` each of 3.2, 3.4, 3.5 and 4.5a
    marked (:func:`procedure_marks`). One per agency, so that any set of agencies is
    the sum of its agencies' (:meth:`of`)."""

    contributions: dict[str, Contribution] = field(default_factory=dict)
    handling_total: Decimal = Decimal(0)
    handling_count: int = 0
    procedures: dict[str, set[tuple[int, int]]] = field(default_factory=dict)

    def add(self, indicator: str, numerator: int, denominator: int) -> None:
        have = self.contributions.get(indicator, (0, 0))
        self.contributions[indicator] = (have[0] + numerator, have[1] + denominator)

    def add_all(self, contribution: Mapping[str, Contribution]) -> None:
        for indicator, (numerator, denominator) in contribution.items():
            self.add(indicator, numerator, denominator)

    def mark(self, indicator: str, procedure: int, agency: int) -> None:
        self.procedures.setdefault(indicator, set()).add((procedure, agency))

    @classmethod
    def of(cls, parts: Iterable[Tally]) -> Tally:
        """The sum of ``parts``."""
        total = cls()
        for part in parts:
            total.add_all(part.contributions)
            total.handling_total += part.handling_total
            total.handling_count += part.handling_count
            for indicator, marked in part.procedures.items():
                total.procedures.setdefault(indicator, set()).update(marked)
        return total

    def marked(self, indicator: str) -> set[int]:
        """The procedures ``indicator`` marked, whatever the agency."""
        return {procedure for procedure, _agency in self.procedures.get(indicator, ())}


# ------------------------------------------------------------------ reasons


#: formats a working-time difference for a person ("3 working hours")
Duration = Callable[[dt.datetime, dt.datetime], str]


def _plain_duration(start: dt.datetime, end: dt.datetime) -> str:
    hours = int((end - start).total_seconds() // 3600)
    return _("%(hours)s hours") % {"hours": hours}


def _on_time_reason(
    clock: DossierClock, judged_at: dt.datetime, duration: Duration
) -> tuple[bool, str]:
    """2.1's verdict on the dossier and why, in the interface language."""
    if clock.supplement_requests > 1:
        if clock.supplement_requests == 2:
            return False, _("late: second supplement request")
        return False, _("late: supplement requested %(count)s times") % {
            "count": clock.supplement_requests
        }
    if clock.ended_at is not None:
        if clock.ended_at <= clock.due_at:
            if clock.ended_at == clock.due_at:
                return True, _("on time: finished exactly at its appointment")
            return True, _("on time: finished %(time)s before its appointment") % {
                "time": duration(clock.ended_at, clock.due_at)
            }
        return False, _("late: finished %(time)s after its appointment") % {
            "time": duration(clock.due_at, clock.ended_at)
        }
    if clock.paused_at is not None:
        if clock.paused_at <= clock.due_at:
            return True, _("in time: waiting for the applicant since %(day)s") % {
                "day": f"{clock.paused_at:%d/%m/%Y}"
            }
        return False, _("late: paused %(time)s after its appointment") % {
            "time": duration(clock.due_at, clock.paused_at)
        }
    if judged_at <= clock.due_at:
        return True, _(
            "in time: still being handled, %(time)s before its appointment"
        ) % {"time": duration(judged_at, clock.due_at)}
    return False, _("late: still being handled %(time)s after its appointment") % {
        "time": duration(clock.due_at, judged_at)
    }


def dossier_reasons(
    facts: DossierFacts,
    *,
    start: dt.datetime,
    end: dt.datetime,
    judged_at: dt.datetime,
    options: Options = DEFAULT_OPTIONS,
    duration: Duration = _plain_duration,
) -> dict[str, tuple[bool, str]]:
    """Per indicator the dossier is in: whether it is in the numerator, and why (the
    drill-down). The verdicts are :func:`dossier_contributions`' (a test holds them
    equal); ``duration`` writes a working-time difference (the selectors pass the
    working-day calendar's)."""
    contributions = dossier_contributions(
        facts, start=start, end=end, judged_at=judged_at, options=options
    )
    reasons: dict[str, tuple[bool, str]] = {}
    clock = clock_at(facts, end)
    for indicator, (numerator, _denominator) in contributions.items():
        counted = bool(numerator)
        if indicator == "2.1" and clock is not None:
            text = _on_time_reason(clock, judged_at, duration)[1]
        elif indicator == "5.4" and clock is not None:
            punctual, text = _on_time_reason(clock, judged_at, duration)
            if punctual and _before(facts.first_petition_at, judged_at):
                text = _("not satisfied: a petition was made about it")
            elif punctual and _before(facts.first_dislike_at, judged_at):
                text = _("not satisfied: the applicant was not satisfied")
            elif punctual:
                text = _("satisfied: on time, no petition, no dislike")
        elif indicator == "4.1":
            text = (
                _("electronic result issued") if counted else _("no electronic result")
            )
        elif indicator == "1.4":
            text = (
                _("synchronised to the national portal on %(day)s")
                % {"day": f"{facts.synced_at:%d/%m/%Y}"}
                if counted and facts.synced_at is not None
                else _("not synchronised to the national portal")
            )
        elif indicator == "3.3":
            text = _("submitted online") if counted else _("not submitted online")
        elif indicator == "3.6":
            text = _("fee paid online") if counted else _("fee not paid online")
        elif indicator == "4.2":
            if counted:
                text = _("every paper digitised")
            elif facts.papers == 0:
                text = _("no paper recorded")
            elif facts.papers_digitised < facts.papers:
                text = _("%(count)s of %(total)s papers not digitised") % {
                    "count": facts.papers - facts.papers_digitised,
                    "total": facts.papers,
                }
            else:
                text = _("result not issued electronically")
        elif indicator == "4.3":
            text = (
                _("reuses digitised data")
                if counted
                else _("no paper reuses digitised data")
            )
        elif indicator == "4.4":
            text = (
                _("linked to the citizen's data store")
                if counted
                else _("not linked to the citizen's data store")
            )
        else:  # 4.5b
            text = (
                _("uses population data") if counted else _("no population data used")
            )
        reasons[indicator] = (counted, text)
    return reasons


# ------------------------------------------------------------------ petitions


@dataclass(frozen=True)
class PetitionFacts:
    """What 5.1–5.3 read of one petition (spec 01 §3 group 5, 01b §7)."""

    petition: int
    code: str
    agency: int
    category: str
    submitted_at: dt.datetime
    transferred_at: dt.datetime | None = None
    refused_at: dt.datetime | None = None
    supplement_requested_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    likes: int = 0
    dislikes: int = 0
    re_raised: bool = False
    dossier: int | None = None


@dataclass(frozen=True)
class PetitionDeadlines:
    """The petition's deadlines in working days (01b §7, the DVCQG Quy chế;
    UNCONFIRMED under QĐ 29/2026, so configuration): ``add(moment, days)`` is the
    working-day calendar's."""

    add: Callable[[dt.datetime, int], dt.datetime]
    refuse: int = 2
    supplement: int = 5
    handle: int = 15
    publish: int = 2


def _petition_end(facts: PetitionFacts) -> dt.datetime | None:
    """When the petition's handling ended: refused, or its answer published."""
    return facts.refused_at or facts.published_at


def petition_handled_in(
    facts: PetitionFacts, start: dt.datetime, end: dt.datetime
) -> bool:
    """5.2's denominator: submitted before the period's end, handling not ended before
    its start."""
    finished = _petition_end(facts)
    return facts.submitted_at < end and (finished is None or finished >= start)


def petition_on_time(
    facts: PetitionFacts, *, judged_at: dt.datetime, deadlines: PetitionDeadlines
) -> tuple[bool, str]:
    """5.2's rule (01b §7 b–f), with the moments known at ``judged_at``: counted from
    the submission or the latest transfer; refused within 2 working days; awaiting a
    supplement asked within 5; answered within 15, its answer published within 2 of the
    answer (an unpublished answer measured to ``judged_at``); still in handling while
    ``judged_at`` is within 15."""
    base = facts.transferred_at or facts.submitted_at

    def known(moment: dt.datetime | None) -> dt.datetime | None:
        return moment if moment is not None and moment < judged_at else None

    refused, answered = known(facts.refused_at), known(facts.answered_at)
    published, asked = known(facts.published_at), known(facts.supplement_requested_at)
    if refused is not None:
        ok = refused <= deadlines.add(base, deadlines.refuse)
        return ok, (
            _("refused within %(days)s working days")
            if ok
            else _("refused later than %(days)s working days")
        ) % {"days": deadlines.refuse}
    if answered is not None:
        if answered > deadlines.add(base, deadlines.handle):
            return False, _("answered later than %(days)s working days") % {
                "days": deadlines.handle
            }
        publish_by = deadlines.add(answered, deadlines.publish)
        if (published or judged_at) > publish_by:
            return False, _("answer published later than %(days)s working days") % {
                "days": deadlines.publish
            }
        return True, _("answered within %(days)s working days") % {
            "days": deadlines.handle
        }
    if asked is not None:
        ok = asked <= deadlines.add(base, deadlines.supplement)
        return ok, (
            _("supplement asked within %(days)s working days")
            if ok
            else _("supplement asked later than %(days)s working days")
        ) % {"days": deadlines.supplement}
    ok = judged_at <= deadlines.add(base, deadlines.handle)
    return ok, (
        _("in handling, within %(days)s working days")
        if ok
        else _("in handling, past %(days)s working days")
    ) % {"days": deadlines.handle}


def petition_contributions(
    facts: PetitionFacts,
    *,
    start: dt.datetime,
    end: dt.datetime,
    judged_at: dt.datetime,
    deadlines: PetitionDeadlines,
) -> dict[str, Contribution]:
    """Per petition-level indicator, ``(numerator, denominator)``: 5.2 over petitions
    handled or in handling in the period; 5.1a/5.1b (tracking: classified as about
    procedures, about officials' conduct) and 5.3 over petitions first received in the
    period, 5.3's numerator those neither disliked (more dislikes than likes), re-raised
    nor late by 5.2's rule, each petition once (01b §7)."""
    found: dict[str, Contribution] = {}
    on_time: bool | None = None
    if petition_handled_in(facts, start, end):
        on_time = petition_on_time(facts, judged_at=judged_at, deadlines=deadlines)[0]
        found["5.2"] = (int(on_time), 1)
    if start <= facts.submitted_at < end:
        if on_time is None:
            on_time = petition_on_time(facts, judged_at=judged_at, deadlines=deadlines)[
                0
            ]
        found["5.1a"] = (int(facts.category == PetitionCategory.PROCEDURE), 1)
        found["5.1b"] = (int(facts.category == PetitionCategory.STAFF), 1)
        satisfied = on_time and facts.dislikes <= facts.likes and not facts.re_raised
        found["5.3"] = (int(satisfied), 1)
    return found


def petition_reasons(
    facts: PetitionFacts,
    *,
    start: dt.datetime,
    end: dt.datetime,
    judged_at: dt.datetime,
    deadlines: PetitionDeadlines,
) -> dict[str, tuple[bool, str]]:
    """Per indicator the petition is in: whether it is in the numerator, and why."""
    contributions = petition_contributions(
        facts, start=start, end=end, judged_at=judged_at, deadlines=deadlines
    )
    on_time, why = petition_on_time(facts, judged_at=judged_at, deadlines=deadlines)
    reasons: dict[str, tuple[bool, str]] = {}
    for indicator, (numerator, _denominator) in contributions.items():
        counted = bool(numerator)
        if indicator == "5.2":
            text = why
        elif indicator == "5.3":
            if counted:
                text = _("satisfied: on time, not disliked, not re-raised")
            elif not on_time:
                text = why
            elif facts.dislikes > facts.likes:
                text = _("more dislikes than likes")
            else:
                text = _("raised again about the answer")
        else:
            text = (
                str(PetitionCategory(facts.category).label)
                if facts.category in PetitionCategory.values
                else facts.category
            )
        reasons[indicator] = (counted, text)
    return reasons
