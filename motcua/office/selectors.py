"""What the officers' pages read, always starting from the visibility chokepoint
(``dossiers.permissions.dossiers_visible_to``)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast, overload

from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency
from motcua.core.precompiled import ByShape, loaded
from motcua.documents.slips import slips_of
from motcua.dossiers import events
from motcua.dossiers.choices import DeadlineState
from motcua.dossiers.deadlines import DueSoonLimits, classify
from motcua.dossiers.models import (
    Dossier,
    DossierQuerySet,
    DossierResult,
    DossierStep,
    overdue_tests,
)
from motcua.dossiers.permissions import (
    dossiers_visible_in_parts,
    dossiers_visible_to,
    may_act,
)
from motcua.dossiers.selectors import (
    ComponentView,
    DossierDetail,
    DossierRow,
    EventView,
    agency_rows,
    all_rule_sets,
    dossier_detail,
    dossier_rows,
    due_soon_horizon,
    due_soon_test,
    rule_pairs_of,
    version_rows,
)
from motcua.dossiers.workflow import (
    OPEN_STATUSES,
    RULES,
    RUNNING_STATUSES,
    TRANSITION_ACTIONS,
    Action,
    DossierStatus,
    NationalStatus,
    Place,
)
from motcua.files.models import StoredFile
from motcua.files.selectors import files_of
from motcua.procedures.choices import ComponentForm
from motcua.workdays.clock import WorkCalendar, local
from motcua.workdays.selectors import calendar_for

#: a queue's order: the soonest due first, those without a due moment last, ties by
#: newest row (``narrow_queue``; the partial indexes ``dossier_queue_*_idx`` read
#: an agency's open dossiers in it)
QUEUE_ORDER = (F("due_at").asc(nulls_last=True), F("pk").desc())


def open_queue(
    user: User,
    *,
    status: str = "",
    procedure: str = "",
    channel: int | None = None,
    with_assignee: bool = True,
    on: dt.date | None = None,
) -> DossierQuerySet:
    """The open dossiers ``user`` may see (of one ``status``, one ``procedure`` by its
    national code, one ``channel`` if given), the soonest due first and those without a
    due moment last, as the API's ``ordering=due_at`` orders a work list
    (``dossiers.api.filtersets.ORDERINGS``); ties by newest row. ``with_assignee``: each
    with its assignee's username, as ``queue_rows`` reads it; without, for what only
    counts or takes keys (``queue_kinds``, ``IdsFirst``, which reads its rows with it).
    ``on``: the day whose roles say what ``user`` sees (today by default)."""
    visible = cast(DossierQuerySet, dossiers_visible_to(user, on=on))
    return narrow_queue(
        visible.filter(status__in=OPEN_STATUSES),
        status=status,
        procedure=procedure,
        channel=channel,
        with_assignee=with_assignee,
    )


def open_queue_parts(
    user: User,
    *,
    status: str = "",
    procedure: str = "",
    channel: int | None = None,
    on: dt.date | None = None,
) -> tuple[DossierQuerySet, ...]:
    """``open_queue(user, …)`` in the parts of ``dossiers_visible_in_parts``: no dossier in
    two, all of the queue in one, each in the queue's order, none with the assignee's
    annotation. What the queue's counts and its page read (``queue_kinds``,
    ``IdsFirst``): the first two parts from the indexes of the open dossiers
    (``dossier_queue_handling_idx``, ``dossier_queue_receiving_idx``), the third, of
    the steps, by key (docs/decisions/0019)."""
    return tuple(
        narrow_queue(
            cast(DossierQuerySet, part).filter(status__in=OPEN_STATUSES),
            status=status,
            procedure=procedure,
            channel=channel,
            with_assignee=False,
        )
        for part in dossiers_visible_in_parts(user, on=on)
    )


def narrow_queue(
    dossiers: DossierQuerySet,
    *,
    status: str = "",
    procedure: str = "",
    channel: int | None = None,
    with_assignee: bool = True,
) -> DossierQuerySet:
    """``dossiers`` (an ``open_queue``) narrowed by the queue's filters, in its order: the
    officer's visibility, read once, serves every filter of one page. Counting over the
    assignee's annotation costs Django about a millisecond more at 5,000 dossiers (it
    matches every expression of the aggregates' filters against the annotations)."""
    if status:
        dossiers = dossiers.filter(status=status)
    if procedure:
        dossiers = dossiers.filter(procedure_version__procedure__code=procedure)
    if channel is not None:
        dossiers = dossiers.filter(channel=channel)
    if with_assignee:
        dossiers = dossiers.with_assignee_username()
    return dossiers.order_by(*QUEUE_ORDER)


#: what a queue's rows show and judge (``queue_rows``, ``office/_queue.html``,
#: ``office/processing/approvals.html``): the page reads only these; a template that
#: shows another field reads it row by row, which the pages' query-count tests catch
QUEUE_ROW_FIELDS = (
    "code",
    "procedure_version_id",
    "rules_id",
    "receiving_agency_id",
    "handling_agency_id",
    "applicant_name",
    "status",
    "channel",
    "due_at",
    "paused_at",
    "closed_at",
    "assignee_id",
    "lock_version",
)


#: the columns a queue's page reads, in the model's order (``Model.from_db`` takes a
#: subset of the fields in that order), the primary key first
_ROW_ATTNAMES = tuple(
    field.attname
    for field in Dossier._meta.concrete_fields
    if field.primary_key or field.attname in QUEUE_ROW_FIELDS
)
#: ... as ``values_list`` names them, with the assignee's username last
#: (``with_assignee_username``)
_ROW_COLUMNS = ("pk", *_ROW_ATTNAMES[1:], "assignee__username")


class IdsFirst:
    """A queue (an ordered ``DossierQuerySet``) that a paginator slices, its page read
    in one statement that chooses the page's keys first, so its rows are read as they
    are at one moment: with the columns the rows show (``QUEUE_ROW_FIELDS``) and their
    assignee's username. Read as one query, the keys are sorted over the narrow rows
    (``pk IN (… LIMIT 25)``) and only those dossiers joined to their assignee: sorting
    a department's 5,000 open dossiers, each joined to its assignee, was half the cost
    of the queue's page (docs/benchmarks.md). Read with ``parts``, each part's first
    ``stop`` rows come from its index in the queue's order with those columns and the
    join, so a page deep in the queue reads up to as many rows per part as its end.

    ``parts``: the same queue in parts that share no dossier and hold all of it, each
    in its order (``open_queue_parts``): the page is then read part by part
    (``_rows``). ``shape``: what decides the SQL of ``dossiers`` and ``parts``, the
    number of parts included (``queue_kinds`` says more): with it, ``dossiers`` and
    ``parts`` are read only when the statement of their shape is compiled, and may be
    built lazily (``views.HomeView``). ``page_size``: the paginator's, so that a
    shorter last page reads the statement of a whole one."""

    def __init__(
        self,
        dossiers: DossierQuerySet,
        *,
        parts: Sequence[DossierQuerySet] = (),
        shape: Hashable | None = None,
        page_size: int | None = None,
    ) -> None:
        self.dossiers = dossiers
        self.parts = parts
        self.shape = shape
        self.page_size = page_size

    def count(self) -> int:
        return self.dossiers.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Dossier]:
        return iter(self.dossiers)

    @overload
    def __getitem__(self, index: int) -> Dossier: ...

    @overload
    def __getitem__(self, index: slice) -> list[Dossier]: ...

    def __getitem__(self, index: int | slice) -> Dossier | list[Dossier]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        if index.step is not None:
            raise TypeError("a queue's page is a slice without a step")
        if index.start == index.stop:  # an empty queue's first page
            return []
        # the rows' database as the manager's, not ``dossiers.db``: reading it would
        # build a lazy queryset (``views.HomeView``) that its kept statement spares
        using = Dossier.objects.db
        width = len(_ROW_ATTNAMES)
        rows = self._rows(index)
        page = loaded(Dossier, using, _ROW_ATTNAMES, rows)
        for dossier, row in zip(page, rows, strict=True):
            dossier.assignee_username = row[width]  # type: ignore[attr-defined]
        return page

    def _rows(self, index: slice) -> list[tuple[Any, ...]]:
        """The rows of ``dossiers[index]`` (``_ROW_COLUMNS``), in the queue's order: from
        ``parts`` when they are given and the database can cut each part short inside a
        union (PostgreSQL; not SQLite), else from ``dossiers`` itself. The first
        ``stop`` dossiers of the queue are among the first ``stop`` of its parts, so
        each part is cut there: a part of one agency is read from its index in the
        queue's order (``dossier_queue_*_idx``) and stops there, where the one query
        reads and sorts all the queue's dossiers (docs/decisions/0019). The parts share
        no dossier (``dossiers_visible_in_parts``), so their union needs no
        de-duplication. With a ``shape``, the statement is compiled once per shape and
        page (a whole page of ``page_size``, cut to the slice asked)."""
        start, stop = index.start or 0, index.stop
        asked = stop - start if stop is not None else None
        if (
            self.shape is not None
            and self.page_size
            and asked is not None
            and 0 < asked <= self.page_size
        ):
            # a whole page asked for, then cut to the slice: the paginator's last page
            # ends at the queue's count, and a statement kept for each count would be
            # kept in vain
            index = slice(start, start + self.page_size)
            stop = index.stop

        def build(_moments: Mapping[str, dt.datetime]) -> QuerySet[Dossier, Any]:
            parts = self.parts
            features = connections[self.dossiers.db].features
            if (
                len(parts) < 2
                or stop is None
                or not features.supports_slicing_ordering_in_compound
            ):
                # the keys in the queue's own order, the rows sorted again by it (the
                # approvals break ties by the oldest row, the home page by the newest)
                keys = self.dossiers.values("pk")[index]
                return (
                    Dossier.objects.filter(pk__in=keys)
                    .order_by(*self.dossiers.query.order_by)
                    .values_list(*_ROW_COLUMNS)
                )
            firsts = [part.values_list(*_ROW_COLUMNS)[:stop] for part in parts]
            merged = firsts[0].union(*firsts[1:], all=True).order_by(*QUEUE_ORDER)
            return merged[index]

        found = (
            list(build({}))
            if self.shape is None
            else _rows_by_shape.rows((self.shape, index.start, stop), build, {})
        )
        return found[:asked]


#: the statements of the queues' pages, compiled once per shape (``IdsFirst``)
_rows_by_shape = ByShape("queue pages")


@dataclass(frozen=True)
class QueueCounts:
    """How many dossiers a queue holds, how many are overdue and how many due soon."""

    total: int
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class QueueGroup:
    """The dossiers of a queue of one kind (procedure version, handling agency, rules,
    status, channel), counted at the moment the queue is judged (``queue_kinds``)."""

    version: int
    agency: int
    rules: int
    status: str
    channel: int
    total: int
    overdue: int
    #: of them, those whose clock runs and whose appointment is still ahead
    running: int
    due_soon: int


@dataclass(frozen=True)
class QueueKinds:
    """The kinds of dossier a queue holds, each counted, read in one query
    (``queue_kinds``): the procedure filter's choices (``versions``,
    ``queue_procedures``), the (handling agency, rules) pairs of the dossiers whose clock
    runs, not yet past due when it was read (``running``, the due-soon count's horizons),
    and the counts at the top of the queue, whole or narrowed by its filters
    (``counts``). Bounded by versions × agencies × rule sets × statuses × channels, not
    by dossiers."""

    groups: tuple[QueueGroup, ...]

    @property
    def versions(self) -> frozenset[int]:
        return frozenset(group.version for group in self.groups)

    @property
    def running(self) -> tuple[tuple[int, int], ...]:
        return tuple(
            sorted(
                {(group.agency, group.rules) for group in self.groups if group.running}
            )
        )

    def counts(
        self, *, status: str = "", procedure: str = "", channel: int | None = None
    ) -> QueueCounts:
        """The counts of the queue narrowed as ``narrow_queue`` narrows it (one
        ``status``, one ``procedure`` by its national code, one ``channel``), summed from
        the groups: no query (the versions' procedures come from the process's cache)."""
        groups = [
            group
            for group in self.groups
            if (not status or group.status == status)
            and (channel is None or group.channel == channel)
        ]
        if procedure:
            versions = version_rows.in_bulk({group.version for group in groups})
            groups = [
                group
                for group in groups
                if versions[group.version].procedure.code == procedure
            ]
        return QueueCounts(
            total=sum(group.total for group in groups),
            overdue=sum(group.overdue for group in groups),
            due_soon=sum(group.due_soon for group in groups),
        )


class _PairsSeen:
    """The running (agency, rules) pairs a queue held when it was last read in this
    process, by the key its reader names (``queue_kinds(remember=…)``): the guess its next
    reading starts from. A guess, never an answer: the reading checks it. At most
    ``size`` keys; when full it starts again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._seen: dict[Hashable, tuple[tuple[int, int], ...]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[tuple[int, int], ...]:
        return self._seen.get(key, ())

    def put(self, key: Hashable, pairs: tuple[tuple[int, int], ...]) -> None:
        with self._lock:
            if len(self._seen) >= self.size and key not in self._seen:
                self._seen.clear()
            self._seen[key] = pairs

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


_pairs_seen = _PairsSeen(size=10_000)


def forget_queue_pairs() -> None:
    """Forget every queue's remembered pairs (``queue_kinds``): for the tests, whose rows
    roll back and whose keys come again."""
    _pairs_seen.clear()


def queue_kinds(
    queue: DossierQuerySet,
    *,
    now: dt.datetime,
    remember: Hashable | None = None,
    parts: Sequence[DossierQuerySet] = (),
    shape: Hashable | None = None,
) -> QueueKinds:
    """The kinds of dossier of ``queue`` with their counts at ``now`` (``QueueKinds``):
    one query, where the filter's choices, the due-soon horizons' pairs and the counts
    each took one, each reading the queue's visible dossiers again (a department's 5,000
    open dossiers cost 2 to 6 ms a reading, docs/benchmarks.md).

    Overdue and due soon are the rules every list asks (``models.overdue_condition``,
    ``dossiers.selectors.due_soon_condition``); a dossier paused after its appointment
    counts as overdue, as its row is marked (``deadlines.classify``). Due soon is bounded
    by the horizon of each running dossier's (handling agency, rules) pair, which the
    query itself finds: it is asked with the pairs the same queue held when last read
    (``remember``, the reader's name for it, e.g. ``("queue", user.pk)``), and asked
    again with the pairs it found if one was missing (a pair asked for with no dossier
    matches none). So the counts are those of the query that found the pairs (as
    before, a dossier of a new pair committed between the two readings is counted due
    soon from the next page view), in one query when the queue's running pairs are
    among those of its last reading, two when a new one appears (and without
    ``remember``, whenever a dossier's clock runs).

    ``parts``: the same queue in parts that share no dossier (``open_queue_parts``),
    counted part by part in the one statement (a ``UNION ALL``) and added up. A part
    reads its dossiers from its own index of the open ones, with every column the
    counts need (an index-only scan where the table's visibility map allows); the
    ``OR`` of the whole queue reads them from the table (docs/benchmarks.md).

    ``shape``: what decides the SQL of ``queue`` and ``parts`` besides the moment
    (``permissions.visibility_shape`` of the reader): the statement is then compiled
    once per shape and rule pairs, and run with the moments of each reading
    (``core.precompiled.ByShape``); without, it is built at each reading."""
    guessed = _still_known(_pairs_seen.get(remember)) if remember is not None else ()
    kinds = _counted_kinds(queue, now=now, pairs=guessed, parts=parts, shape=shape)
    if not set(kinds.running) <= set(guessed):
        kinds = _counted_kinds(
            queue, now=now, pairs=kinds.running, parts=parts, shape=shape
        )
    if remember is not None:
        _pairs_seen.put(remember, kinds.running)
    return kinds


def _still_known(pairs: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Of remembered ``pairs``, those whose agency and rules still exist (a database
    reloaded under a running process): a guess must never fail the page."""
    if not pairs:
        return ()
    agencies = agency_rows.in_bulk(agency for agency, _rules in pairs)
    rules = {row.pk for row in all_rule_sets()}
    return tuple(pair for pair in pairs if pair[0] in agencies and pair[1] in rules)


def _counted_kinds(
    queue: DossierQuerySet,
    *,
    now: dt.datetime,
    pairs: Sequence[tuple[int, int]],
    parts: Sequence[DossierQuerySet] = (),
    shape: Hashable | None = None,
) -> QueueKinds:
    rows = rule_pairs_of(pairs)
    # each pair's horizon is a moment of its own, named by the pair's place
    slot = {
        (pair[0].pk, pair[1].pk): f"until {index}" for index, pair in enumerate(rows)
    }
    horizons = {
        slot[pair[0].pk, pair[1].pk]: due_soon_horizon(now, pair) for pair in rows
    }

    def build(moments: Mapping[str, dt.datetime]) -> QuerySet[Dossier, Any]:
        at = moments["now"]
        # grouped by status: each test is counted without the test of the statuses it
        # applies to, which the group's status answers (see the summing below)
        tests = {
            f"overdue_{index}": test
            for index, (_statuses, test) in enumerate(overdue_tests(at))
        }
        grouped = [
            dossiers.order_by()
            .values_list(*_KIND_COLUMNS)
            .annotate(
                total=Count("pk"),
                **{name: Count("pk", filter=test) for name, test in tests.items()},
                ahead=Count("pk", filter=Q(due_at__gte=at)),
                due_soon=Count(
                    "pk",
                    filter=due_soon_test(
                        at,
                        rows,
                        until=lambda pair: moments[slot[pair[0].pk, pair[1].pk]],
                    ),
                ),
            )
            for dossiers in (parts if len(parts) > 1 else (queue,))
        ]
        if len(grouped) == 1:
            return grouped[0]
        return grouped[0].union(*grouped[1:], all=True)

    moments = {"now": now, **horizons}
    found = (
        list(build(moments))
        if shape is None
        else _kinds_by_shape.rows((shape, tuple(pairs)), build, moments)
    )
    # a kind may come from more than one part: its counts add up, the parts sharing no
    # dossier (``dossiers_visible_in_parts``); a kind's status says which of the tests
    # apply to it: overdue by the test of its status's set (``overdue_tests``), running
    # and due soon only if its clock runs (``due_soon_condition``)
    tested = [statuses for statuses, _test in overdue_tests(now)]
    width = len(_KIND_COLUMNS)
    summed: dict[tuple[int, int, int, str, int], list[int]] = {}
    for row in found:
        kind, (total, *overdue_counts, ahead, due_soon) = row[:width], row[width:]
        status = kind[3]
        running = status in RUNNING_STATUSES
        counted = (
            total,
            sum(
                count
                for count, statuses in zip(overdue_counts, tested, strict=True)
                if status in statuses
            ),
            ahead if running else 0,
            due_soon if running else 0,
        )
        counts = summed.setdefault(tuple(kind), [0, 0, 0, 0])
        for position, value in enumerate(counted):
            counts[position] += value
    return QueueKinds(
        groups=tuple(
            QueueGroup(*kind, *counts) for kind, counts in sorted(summed.items())
        )
    )


#: the statements of the queues' kinds, compiled once per shape (``queue_kinds``)
_kinds_by_shape = ByShape("queue kinds")


#: what the queue's kinds are grouped by (``QueueGroup``'s first fields, in order)
_KIND_COLUMNS = (
    "procedure_version_id",
    "handling_agency_id",
    "rules_id",
    "status",
    "channel",
)


def queue_procedures(
    queue: DossierQuerySet, *, kinds: QueueKinds | None = None
) -> list[tuple[str, str]]:
    """The procedures of the dossiers of ``queue`` (an ``open_queue``), (national code,
    name), by name: the choices of the queue's procedure filter. One query, none when
    the caller has read the queue's ``kinds``; the versions' names come from the
    process's cache."""
    ids = (
        kinds.versions
        if kinds is not None
        else queue.order_by().values_list("procedure_version_id", flat=True).distinct()
    )
    versions = version_rows.in_bulk(list(ids))
    named: dict[str, str] = {}
    for version in sorted(versions.values(), key=lambda v: v.number):
        named[version.procedure.code] = version.name
    return sorted(named.items(), key=lambda item: (item[1], item[0]))


def awaiting_approval_of(leader: User, *, on: dt.date | None = None) -> DossierQuerySet:
    """The dossiers awaiting ``leader``'s approval, the soonest due first: of those the
    leader may see (``dossiers_visible_to``, the chokepoint every list starts from),
    awaiting approval where the row of ``approve`` lets them approve (NĐ 61/2018 Điều 17
    khoản 3): one of its roles held that day in the handling agency, or in the agency
    holding the current step (``ActionRule.roles``, ``ActionRule.places``). A superuser
    sees all.

    Built from the chokepoint rather than from the roles alone, as it once was: the two
    differ only for an account that may not see dossiers at all (a deactivated one, or a
    citizen's or business's account given a role), which the approval rule alone would
    have listed them; for an active officer, whoever may approve a dossier also sees it
    (its handling agency, or one holding a step of it)."""
    rule = RULES[Action.APPROVE]
    visible = cast(DossierQuerySet, dossiers_visible_to(leader, on=on))
    waiting = visible.filter(status__in=rule.sources)
    if not leader.is_superuser:
        agencies = (
            RoleAssignment.objects.active_on(on or timezone.localdate())
            .filter(user_id=leader.pk, role__in=rule.roles)
            .values("agency_id")
        )
        where = Q(pk__in=[])
        if Place.HANDLING in rule.places:
            where |= Q(handling_agency_id__in=agencies)
        if Place.CURRENT_STEP in rule.places:
            where |= Q(
                pk__in=DossierStep.objects.filter(
                    agency_id__in=agencies,
                    started_at__isnull=False,
                    finished_at__isnull=True,
                ).values("dossier_id")
            )
        waiting = waiting.filter(where)
    # no assignee's annotation: the page reads its rows with it (``IdsFirst``), the
    # counts are cheaper without (``narrow_queue``)
    return waiting.order_by(F("due_at").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class DeadlineTag:
    """A deadline state as the pages tag it (``office/_deadline.html``): overdue or late
    red, due soon yellow, the rest grey; the label in the reader's language."""

    colour: str
    label: str


#: the tag's colour for the states that are not grey
_TAG_COLOURS = {
    DeadlineState.OVERDUE: "red",
    DeadlineState.LATE: "red",
    DeadlineState.DUE_SOON: "yellow",
}
#: the class a queue's row takes for the states it stands out for
_ROW_HIGHLIGHTS = {
    DeadlineState.OVERDUE: "office-row--overdue",
    DeadlineState.DUE_SOON: "office-row--due-soon",
}


def deadline_tag(state: DeadlineState | str | None) -> DeadlineTag | None:
    """The tag of a deadline state, ``None`` without one (no due moment yet)."""
    if not state:
        return None
    state = DeadlineState(state)
    return DeadlineTag(colour=_TAG_COLOURS.get(state, "grey"), label=str(state.label))


def moment_text(moment: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """``moment`` as the pages write one (``|localtime|date:"d/m/Y H:i"``): dd/mm/yyyy
    HH:MM in the current time zone (the site's), or ``zone`` when the caller has it."""
    at = timezone.localtime(moment, zone)
    return f"{at.day:02d}/{at.month:02d}/{at.year:04d} {at.hour:02d}:{at.minute:02d}"


@dataclass(frozen=True)
class QueueRow:
    """A dossier of the queue with its deadline state (spec 02 §7): overdue, due soon
    within the rules' warning window, in time, or ``None`` without a due moment; and what
    its row shows, worked out once here rather than by the template row by row (the
    queue's cost was its rows' rendering, docs/benchmarks.md)."""

    row: DossierRow
    deadline: DeadlineState | None
    #: the dossier's page (``office:dossier``)
    url: str = ""
    #: the status in the reader's language
    status: str = ""
    #: the appointment as the pages write a moment, "" without one
    appointment: str = ""
    tag: DeadlineTag | None = None
    #: the tag as ``office/_deadline.html`` writes it, rendered once per state a page
    #: holds rather than once per row
    tag_html: str = ""
    #: the row's class when its deadline makes it stand out, else ""
    highlight: str = ""

    @property
    def dossier(self) -> Dossier:
        return self.row.dossier


def queue_rows(dossiers: Sequence[Dossier], *, now: dt.datetime) -> list[QueueRow]:
    """The rows of one page of the queue: reference rows and calendars from the process's
    caches, so the page costs the same queries however many rows it shows. The rows are
    judged at one moment: the due-soon horizons (``deadlines.DueSoonLimits``), the
    statuses' and the states' labels are worked out once for the page."""
    rows = dossier_rows(dossiers, now=now)
    limits = DueSoonLimits()
    statuses: dict[str, str] = {}
    tags: dict[DeadlineState | None, DeadlineTag | None] = {}
    tag_html: dict[DeadlineState | None, str] = {}
    calendars: dict[int, WorkCalendar] = {}
    zone = timezone.get_current_timezone()
    page = dossier_pages()
    queue: list[QueueRow] = []
    for row in rows:
        dossier = row.dossier
        if dossier.handling_agency_id not in calendars:
            calendars[dossier.handling_agency_id] = calendar_for(
                dossier.handling_agency
            )
        state = classify(
            due_at=dossier.due_at,
            finished_at=None,
            now=now,
            calendar=calendars[dossier.handling_agency_id],
            due_soon_hours=dossier.rules.due_soon_working_hours,
            paused_at=dossier.paused_at,
            closed_at=dossier.closed_at,
            limits=limits,
        )
        if dossier.status not in statuses:
            statuses[dossier.status] = _status_label(dossier.status)
        if state not in tags:
            tags[state] = deadline_tag(state)
            tag_html[state] = render_to_string(
                "office/_deadline.html", {"tag": tags[state]}
            )
        queue.append(
            QueueRow(
                row=row,
                deadline=state,
                url=page(dossier.code),
                status=statuses[dossier.status],
                appointment=moment_text(dossier.due_at, zone) if dossier.due_at else "",
                tag=tags[state],
                tag_html=tag_html[state],
                highlight=_ROW_HIGHLIGHTS.get(state, "") if state else "",
            )
        )
    return queue


#: stands for a dossier's code in the reversed path of its page (letters only, so that
#: ``reverse`` leaves it as it is)
_CODE_MARK = "MOTCUADOSSIERCODE"
#: a code ``reverse`` would write unchanged into a path (the codes motcua gives, QCVN
#: identifier, date and number: ``000.00.02.H15-251201-0001``)
_PLAIN_CODE = re.compile(r"[0-9A-Za-z._-]+")


def dossier_pages() -> Callable[[str], str]:
    """code → the dossier's page (``office:dossier``) for the rows of a list: reversed
    once with ``_CODE_MARK``, then what ``reverse`` gives without its cost for every
    row; any other code goes through ``reverse``."""
    page = reverse("office:dossier", args=[_CODE_MARK])

    def url(code: str) -> str:
        if _PLAIN_CODE.fullmatch(code):
            return page.replace(_CODE_MARK, code)
        return reverse("office:dossier", args=[code])

    return url


# ------------------------------------------------------------------ the dossier page


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the dossier's legal history (spec 02 §9), with the labels the page
    shows: the action's and the statuses' in the reader's language."""

    view: EventView
    action: str
    from_status: str
    to_status: str
    #: what the event says besides its note: the papers asked for, the agency handed to,
    #: the new appointment, the results' codes, who received them
    details: tuple[str, ...] = ()
    #: when it happened, as the pages write a moment (``moment_text``)
    moment: str = ""


@dataclass(frozen=True)
class StepRow:
    """A process step of the dossier as its page shows it: the step, its agency, when it
    is due (``moment_text``, "" before it starts) and its deadline's tag."""

    step: DossierStep
    agency: Agency
    due: str
    tag: DeadlineTag | None


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
    #: the portal's name of it (``NationalStatus.label``)
    national_status_label: str
    components: tuple[tuple[ComponentView, str], ...]
    timeline: tuple[TimelineEntry, ...]
    slips: tuple[Slip, ...]
    actions: tuple[str, ...]
    #: each paper with its scans, and each result with its files (``motcua.files``)
    papers: tuple[PaperFiles, ...] = ()
    results: tuple[ResultFiles, ...] = ()
    #: whether the officer may attach a scan to a paper now (``digitise_component``)
    may_digitise: bool = False
    #: the actions themselves (``actions`` are their labels), for their forms
    action_names: tuple[str, ...] = ()
    #: the dossier's deadline as a tag (``deadline_tag``), and its steps as shown
    deadline_tag: DeadlineTag | None = None
    steps: tuple[StepRow, ...] = ()

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


def _event_details(view: EventView, agencies: dict[int, Agency]) -> tuple[str, ...]:
    """What an event of the timeline records besides its note, read through the readers
    of ``dossiers.events``: the papers asked for (Mẫu 02), the agency handed to (spec 02
    §8), the appointment moved (a pause ended, an apology: Mẫu 04), the results' codes
    (``<dossier code>-KQ(n)``), who received them (NĐ 61/2018 Điều 18)."""
    event = view.event
    details: list[str] = []
    if missing := events.missing_papers(event):
        details.append(_("Papers to add: %(papers)s") % {"papers": "; ".join(missing)})
    if event.action == Action.HAND_OVER and event.agency_id in agencies:
        details.append(
            _("Handed to: %(agency)s") % {"agency": agencies[event.agency_id].name}
        )
    change = events.due_change(event)
    if change is not None and change.new is not None:
        details.append(
            _("New appointment: %(moment)s")
            % {"moment": f"{local(change.new):%d/%m/%Y %H:%M}"}
        )
    if codes := events.result_codes(event):
        details.append(_("Results: %(codes)s") % {"codes": ", ".join(codes)})
    if receiver := events.result_receiver(event):
        details.append(_("Received by: %(name)s") % {"name": receiver})
    return tuple(details)


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
    open_actions = actions_open_to(officer, dossier, now=now)
    # the agencies dossiers were handed to, from the process's cache
    handed_to = agency_rows.in_bulk(
        view.event.agency_id
        for view in detail.events
        if view.event.action == Action.HAND_OVER
    )
    return DossierPage(
        detail=detail,
        status=_status_label(dossier.status),
        national_status=dossier.national_status,
        national_status_label=NationalStatus(dossier.national_status).label,
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
                details=_event_details(view, handed_to),
                moment=moment_text(view.event.at),
            )
            for view in detail.events
        ),
        slips=tuple(
            Slip(
                form=kind.form,
                name=kind.name,
                url=reverse("documents:slip", args=[dossier.code, slug]),
            )
            for slug, kind in slips_of(
                dossier, actions=[view.event.action for view in detail.events]
            )
        ),
        actions=tuple(str(Action(action).label) for action in open_actions),
        action_names=tuple(open_actions),
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
        deadline_tag=deadline_tag(detail.deadline),
        steps=tuple(
            StepRow(
                step=view.step,
                agency=view.agency,
                due=moment_text(view.step.due_at) if view.step.due_at else "",
                tag=deadline_tag(view.deadline),
            )
            for view in detail.steps
        ),
    )
