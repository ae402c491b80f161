"""Importing an interchange file: how a province brings its history from a previous system.

The file is read as a stream (``reading.RecordStream``, with ``ijson``), so its size does not matter, and imported in
batches (1,000 dossiers by default). Each batch is checked whole before anything of it is
written, then written in one transaction with bulk inserts: all of it or nothing of it.

- A batch with a bad record is not written, and neither is any batch after it: the
  dossiers imported are always a prefix of the file, whole batches, each consistent. The
  rest of the file is still checked, so one run reports every problem.
- Dossiers whose code is already in the database are skipped and counted, never written
  twice: running the same file again imports nothing new, and after fixing a bad record
  the run picks up where the last one stopped.
- After writing a batch, the daily code counter of each (agency, day) of its codes is
  raised to at least the highest imported sequence, so intake never issues a code that
  an imported dossier holds.

Imports restore history rather than act on dossiers, so they bypass the workflow services
on purpose: the events written are the file's own, with their original actions and
moments (docs/interchange.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import ijson
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.interchange.errors import RecordProblem
from motcua.dossiers.interchange.format import DossierKey
from motcua.dossiers.interchange.reading import (
    Catalogue,
    PlannedDossier,
    RecordReader,
)
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
    DossierResult,
    DossierStep,
)
from motcua.dossiers.signals import changed
from motcua.payments.models import DossierFee

BATCH_SIZE = 1000
#: Rows per INSERT (SQLite lowers it further to its limit of bound parameters).
WRITE_CHUNK = 1000
#: Problems kept for the report; the rest are only counted.
MAX_PROBLEMS = 1000


@dataclass
class ImportReport:
    """What an import did: counts, and the problems that stopped it."""

    read: int = 0
    imported: int = 0
    skipped: int = 0
    batches_written: int = 0
    #: position of the first record not imported because of a problem
    stopped_at: int | None = None
    problems: list[RecordProblem] = field(default_factory=list)
    problems_not_shown: int = 0
    #: records imported as the file gives them that a person should look at
    #: (docs/interchange.md, "Refused and warned")
    warnings: list[RecordProblem] = field(default_factory=list)
    warnings_not_shown: int = 0
    #: a fault of the file's JSON found part-way (the batch it was in was not written)
    file_error: str = ""

    @property
    def succeeded(self) -> bool:
        return not self.problems and not self.file_error

    def add(self, problems: list[RecordProblem]) -> None:
        room = MAX_PROBLEMS - len(self.problems)
        self.problems.extend(problems[:room])
        self.problems_not_shown += max(0, len(problems) - room)

    def warn(self, warnings: list[RecordProblem]) -> None:
        room = MAX_PROBLEMS - len(self.warnings)
        self.warnings.extend(warnings[:room])
        self.warnings_not_shown += max(0, len(warnings) - room)

    def summary(self) -> str:
        text = _(
            "%(imported)s dossier(s) imported in %(batches)s batch(es), %(skipped)s "
            "already present and skipped, %(read)s read."
        ) % {
            "imported": self.imported,
            "batches": self.batches_written,
            "skipped": self.skipped,
            "read": self.read,
        }
        warned = len(self.warnings) + self.warnings_not_shown
        if warned:
            text += " " + _("%(count)s warning(s).") % {"count": warned}
        if self.stopped_at is not None:
            text += " " + _(
                "Nothing from record %(position)s on was imported; fix the problems and "
                "run the import again: it skips what is already imported."
            ) % {"position": self.stopped_at}
        return text


class DossierImporter:
    """Checks and writes batches of records; ``report`` says what happened so far."""

    def __init__(self, *, batch_size: int = BATCH_SIZE) -> None:
        self.batch_size = batch_size
        self.catalogue = Catalogue()
        self.report = ImportReport()
        self._codes_seen: dict[str, int] = {}
        self._results_seen: dict[str, int] = {}

    def run(
        self,
        records: Iterable[Any],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import ``records`` batch by batch; ``progress`` hears the count read so far."""
        batch: list[tuple[int, Any]] = []
        iterator = iter(records)
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                break
            except ijson.JSONError as error:
                self.report.file_error = _(
                    "The file is not valid JSON after %(count)s record(s): %(error)s"
                ) % {"count": self.report.read, "error": error}
                if batch and self.report.stopped_at is None:
                    self.report.stopped_at = batch[0][0]
                break
            batch.append((self.report.read, record))
            self.report.read += 1
            if len(batch) == self.batch_size:
                self.import_batch(batch)
                batch = []
                if progress is not None:
                    progress(self.report.read)
        if batch and not self.report.file_error:
            self.import_batch(batch)
        if progress is not None:
            progress(self.report.read)
        return self.report

    def import_batch(self, batch: list[tuple[int, Any]]) -> bool:
        """Check every record of ``batch``, then write it in one transaction if nothing is
        wrong and no earlier batch was refused. True if it was written."""
        planned, problems, warnings = self._check(batch)
        if problems:
            self.report.add(problems)
            if self.report.stopped_at is None:
                self.report.stopped_at = batch[0][0]
            return False
        if self.report.stopped_at is not None:
            return False
        new = [plan for plan in planned if plan is not None]
        self.report.warn(warnings)
        if new:
            self._write(new)
            self.report.batches_written += 1
        self.report.imported += len(new)
        return bool(new)

    # ------------------------------------------------------------------ checking

    def _check(
        self, batch: list[tuple[int, Any]]
    ) -> tuple[list[PlannedDossier | None], list[RecordProblem], list[RecordProblem]]:
        """The planned dossiers (``None`` for a refused or already present record), the
        problems, and the warnings of the records to be written."""
        problems: list[RecordProblem] = []
        planned: list[PlannedDossier | None] = []
        warnings: dict[int, list[RecordProblem]] = {}
        for position, record in batch:
            reader = RecordReader(self.catalogue, position, record)
            plan = reader.read()
            if reader.code:
                first = self._codes_seen.setdefault(reader.code, position)
                if first != position:
                    reader.note(
                        DossierKey.MaHoSo,
                        _("appears twice in the file (first at record %(first)s)")
                        % {"first": first},
                    )
                    plan = None
            problems.extend(reader.problems)
            warnings[position] = reader.warnings
            planned.append(plan)
        present = set(
            Dossier.objects.filter(
                code__in=[plan.dossier.code for plan in planned if plan is not None]
            ).values_list("code", flat=True)
        )
        for index, plan in enumerate(planned):
            if plan is not None and plan.dossier.code in present:
                planned[index] = None
                self.report.skipped += 1
        problems.extend(self._check_result_codes(planned))
        return (
            planned,
            sorted(problems, key=lambda problem: problem.position),
            [
                warning
                for plan in planned
                if plan is not None
                for warning in warnings[plan.position]
            ],
        )

    def _check_result_codes(
        self, planned: list[PlannedDossier | None]
    ) -> list[RecordProblem]:
        problems = []
        wanted = [
            (plan, path, code)
            for plan in planned
            if plan is not None
            for path, code in plan.result_codes
        ]
        taken = set(
            DossierResult.objects.filter(
                code__in=[code for _plan, _path, code in wanted]
            ).values_list("code", flat=True)
        )
        for plan, path, code in wanted:
            first = self._results_seen.setdefault(code, plan.position)
            if code in taken:
                message = _("%(code)s is already a result of another dossier") % {
                    "code": code
                }
            elif first != plan.position:
                message = _("%(code)s is also a result of record %(first)s") % {
                    "code": code,
                    "first": first,
                }
            else:
                continue
            problems.append(
                RecordProblem(plan.position, plan.dossier.code, path, message)
            )
        return problems

    # ------------------------------------------------------------------ writing

    def _write(self, planned: list[PlannedDossier]) -> None:
        self._link_accounts(planned)
        with transaction.atomic():
            Dossier.objects.bulk_create(
                [plan.dossier for plan in planned], batch_size=WRITE_CHUNK
            )
            DossierComponent.objects.bulk_create(
                [row for plan in planned for row in plan.components],
                batch_size=WRITE_CHUNK,
            )
            DossierResult.objects.bulk_create(
                [row for plan in planned for row in plan.results],
                batch_size=WRITE_CHUNK,
            )
            DossierFee.objects.bulk_create(
                [row for plan in planned for row in plan.fees],
                batch_size=WRITE_CHUNK,
            )
            DossierStep.objects.bulk_create(
                [row for plan in planned for row in plan.steps],
                batch_size=WRITE_CHUNK,
            )
            events = []
            for plan in planned:
                steps = {step.position: step for step in plan.steps}
                for event, position in plan.events:
                    if position is not None:
                        event.step = steps[position]
                    events.append(event)
            DossierEvent.objects.bulk_create(events, batch_size=WRITE_CHUNK)
            self._raise_counters(planned)
            changed((plan.dossier.pk for plan in planned), sender=Dossier)

    @staticmethod
    def _link_accounts(planned: list[PlannedDossier]) -> None:
        """Accounts are linked by username where the database has one; a history from
        another system keeps the names it was written with (``NguoiXuLy``)."""
        names = {name for plan in planned for _obj, _attr, name in plan.accounts}
        if not names:
            return
        users = dict(
            User.objects.filter(username__in=names).values_list("username", "pk")
        )
        for plan in planned:
            for obj, attribute, name in plan.accounts:
                setattr(obj, attribute, users.get(name))

    @staticmethod
    def _raise_counters(planned: list[PlannedDossier]) -> None:
        """Raise each (agency, day) counter to at least the highest imported sequence,
        under the row lock intake takes (``services._next_code``)."""
        highest: dict[tuple[int, dt.date], int] = {}
        for plan in planned:
            if plan.counter is not None:
                agency, day, sequence = plan.counter
                key = (agency, day)
                highest[key] = max(highest.get(key, 0), sequence)
        if not highest:
            return
        DossierCodeCounter.objects.bulk_create(
            [DossierCodeCounter(agency_id=agency, day=day) for agency, day in highest],
            ignore_conflicts=True,
            batch_size=WRITE_CHUNK,
        )
        counters = DossierCodeCounter.objects.select_for_update().filter(
            agency_id__in={agency for agency, _day in highest},
            day__in={day for _agency, day in highest},
        )
        raised = []
        for counter in counters:
            wanted = highest.get((counter.agency_id, counter.day))
            if wanted is not None and counter.last < wanted:
                counter.last = wanted
                raised.append(counter)
        DossierCodeCounter.objects.bulk_update(raised, ["last"], batch_size=WRITE_CHUNK)


def import_dossiers(
    records: Iterable[Any],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import interchange records (the items of the file's array), batch by batch."""
    return DossierImporter(batch_size=batch_size).run(records, progress=progress)
