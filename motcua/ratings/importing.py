"""``motcua ratings import FILE``: evaluations and petitions from a previous system or the
national portal, so that a province's history scores group 5 from day one (issue 9 §1).

The file is a JSON array of records, or JSON lines (one record a line). Each record names
its kind:

- ``{"kind": "evaluation", "dossier": CODE, "at": MOMENT, "reference": ID, "channel": ...,
  "verdict": "satisfied"|"unsatisfied", "criteria": {"total_time": 2, ...}, "comment": ...}``
  (``channel`` defaults to ``import``; ``reference``, the evaluation's id in the system it
  came from, is required: it makes a second run skip what the first imported);
- ``{"kind": "petition", "code": ..., "agency": IDENTIFIER, "category": ..., "submitted_at":
  MOMENT, "dossier": CODE, "subject": ..., "transferred_at": ..., "refused_at": ...,
  "supplement_requested_at": ..., "answered_at": ..., "published_at": ..., "likes": N,
  "dislikes": N, "re_raised": BOOL}``.

A moment is ISO 8601 with its offset (``2026-03-02T08:00:00+07:00``) or the interchange's
``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh. Every record goes through ``ratings.services`` (the
same checks as the API) inside one transaction: if any record is refused, nothing is
written, and every problem is listed as ``record N (REF): FIELD: MESSAGE``. A record whose
reference (or petition code) is already in the database is skipped and counted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.dossiers.errors import DossierError
from motcua.dossiers.interchange.format import TIMESTAMP_PATTERN, parse_timestamp
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import SYSTEM
from motcua.dossiers.selectors import agency_by_identifier
from motcua.ratings import services
from motcua.ratings.choices import EvaluationChannel
from motcua.ratings.models import Evaluation, Petition

#: the most records one file may hold: an import is one transaction
MAX_RECORDS = 200_000
#: the largest file read (characters): ample for ``MAX_RECORDS`` records of a few hundred
#: characters each; a larger file is refused before it is parsed
MAX_CHARACTERS = 256 * 2**20
#: problems printed; the rest are counted
MAX_PROBLEMS = 1000
_KINDS = ("evaluation", "petition")
_EVALUATION_KEYS = frozenset(
    {"kind", "dossier", "at", "channel", "verdict", "criteria", "comment", "reference"}
)
_PETITION_KEYS = frozenset(
    {
        "kind",
        "code",
        "agency",
        "dossier",
        "category",
        "subject",
        "likes",
        "dislikes",
        "re_raised",
        *services.PETITION_MOMENTS,
    }
)


class RatingsFileError(ValueError):
    """The file as a whole cannot be read (not JSON, too many records)."""


@dataclass(frozen=True)
class Problem:
    position: int
    reference: str
    field: str
    message: str

    def __str__(self) -> str:
        where = _("record %(position)s") % {"position": self.position}
        if self.reference:
            where += f" ({self.reference})"
        return (
            f"{where}: {self.field}: {self.message}"
            if self.field
            else (f"{where}: {self.message}")
        )


@dataclass
class RatingsReport:
    read: int = 0
    evaluations: int = 0
    petitions: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            return _(
                "Nothing imported: %(count)s problem(s) in %(read)s record(s)."
            ) % {"count": len(self.problems), "read": self.read}
        return _(
            "%(evaluations)s evaluation(s) and %(petitions)s petition(s) imported, "
            "%(skipped)s already present and skipped, %(read)s read."
        ) % {
            "evaluations": self.evaluations,
            "petitions": self.petitions,
            "skipped": self.skipped,
            "read": self.read,
        }


def read_records(stream: IO[str]) -> list[Any]:
    """The records of a JSON array, or of JSON lines (blank lines ignored); a file
    longer than ``MAX_CHARACTERS`` is refused unparsed."""
    text = stream.read(MAX_CHARACTERS + 1)
    if len(text) > MAX_CHARACTERS:
        raise RatingsFileError(
            _("the file is longer than %(max)s MB; split it")
            % {"max": MAX_CHARACTERS // 2**20}
        )
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            records = json.loads(text)
            if not isinstance(records, list):
                raise RatingsFileError(_("the file is not a JSON array"))
        else:
            records = []
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as error:
                        raise RatingsFileError(
                            _("line %(line)s is not JSON: %(error)s")
                            % {"line": number, "error": error.msg}
                        ) from None
                if len(records) > MAX_RECORDS:
                    break
    except json.JSONDecodeError as error:
        raise RatingsFileError(
            _("the file is not JSON: %(error)s (line %(line)s)")
            % {"error": error.msg, "line": error.lineno}
        ) from None
    if len(records) > MAX_RECORDS:
        raise RatingsFileError(
            _("the file holds more than %(max)s records; split it")
            % {"max": MAX_RECORDS}
        )
    return records


def _moment(value: Any, name: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        if TIMESTAMP_PATTERN.match(value):
            return parse_timestamp(value)
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None and "T" in value:
            return moment
    raise _Bad(
        name,
        _("not a moment: write 2026-03-02T08:00:00+07:00 or 20260302080000"),
    )


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _text(record: dict[str, Any], name: str) -> str:
    value = record.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(name, _("must be text"))
    return value


class _Importer:
    def __init__(self, records: list[Any]) -> None:
        self.records = records
        self.report = RatingsReport(read=len(records))
        codes = {
            record.get("dossier")
            for record in records
            if isinstance(record, dict) and isinstance(record.get("dossier"), str)
        }
        self.dossiers = {d.code: d for d in Dossier.objects.filter(code__in=codes)}
        self.seen: dict[tuple[str, str], int] = {}

    def run(self) -> RatingsReport:
        with transaction.atomic():
            for position, record in enumerate(self.records):
                self._one(position, record)
            if self.report.problems:
                transaction.set_rollback(True)
                self.report.evaluations = self.report.petitions = 0
        return self.report

    def _problem(self, position: int, reference: str, field: str, message: str) -> None:
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(Problem(position, reference, field, message))

    def _one(self, position: int, record: Any) -> None:
        if not isinstance(record, dict):
            self._problem(position, "", "", _("a record must be a JSON object"))
            return
        kind = record.get("kind")
        reference = str(
            record.get("reference" if kind == "evaluation" else "code") or ""
        )[:100]
        if kind not in _KINDS:
            self._problem(
                position, reference, "kind", _("must be evaluation or petition")
            )
            return
        allowed = _EVALUATION_KEYS if kind == "evaluation" else _PETITION_KEYS
        unknown = sorted(set(record) - allowed)
        if unknown:
            self._problem(position, reference, unknown[0], _("not a known field"))
            return
        key = (str(kind), reference)
        if reference and key in self.seen:
            self._problem(
                position,
                reference,
                "reference" if kind == "evaluation" else "code",
                _("appears twice in the file (first at record %(first)s)")
                % {"first": self.seen[key]},
            )
            return
        self.seen[key] = position
        try:
            with transaction.atomic():
                if kind == "evaluation":
                    self._evaluation(record)
                else:
                    self._petition(record)
        except _Bad as bad:
            self._problem(position, reference, bad.field, bad.message)
        except DossierError as error:
            self._problem(
                position, reference, str(error.details.get("field", "")), error.message
            )

    def _dossier(self, record: dict[str, Any], *, required: bool) -> Dossier | None:
        code = record.get("dossier")
        if code is None or code == "":
            if required:
                raise _Bad("dossier", _("required"))
            return None
        dossier = self.dossiers.get(code) if isinstance(code, str) else None
        if dossier is None:
            raise _Bad(
                "dossier", _("no dossier has the code %(code)s") % {"code": code}
            )
        return dossier

    def _evaluation(self, record: dict[str, Any]) -> None:
        dossier = self._dossier(record, required=True)
        assert dossier is not None  # noqa: S101 - required
        reference = _text(record, "reference").strip()
        if not reference:
            raise _Bad("reference", _("required: it makes a second run skip this one"))
        channel = _text(record, "channel") or EvaluationChannel.IMPORT
        if Evaluation.objects.filter(channel=channel, reference=reference).exists():
            self.report.skipped += 1
            return
        at = _moment(record.get("at"), "at")
        if at is None:
            raise _Bad("at", _("required"))
        criteria = record.get("criteria") or {}
        if not isinstance(criteria, dict):
            raise _Bad("criteria", _("must be an object"))
        services.record_evaluation(
            dossier=dossier,
            at=at,
            channel=channel,
            verdict=_text(record, "verdict"),
            criteria=criteria,
            comment=_text(record, "comment"),
            reference=reference,
            actor=SYSTEM,
        )
        self.report.evaluations += 1

    def _petition(self, record: dict[str, Any]) -> None:
        code = _text(record, "code").strip()
        if code and Petition.objects.filter(code=code).exists():
            self.report.skipped += 1
            return
        identifier = _text(record, "agency")
        agency = agency_by_identifier(identifier) if identifier else None
        if agency is None:
            raise _Bad(
                "agency",
                _("required")
                if not identifier
                else _("unknown agency %(id)s") % {"id": identifier},
            )
        moments = {
            name: _moment(record.get(name), name) for name in services.PETITION_MOMENTS
        }
        submitted = moments.pop("submitted_at")
        if submitted is None:
            raise _Bad("submitted_at", _("required"))
        re_raised = record.get("re_raised", False)
        if not isinstance(re_raised, bool):
            raise _Bad("re_raised", _("must be true or false"))
        services.record_petition(
            code=code,
            agency=agency,
            category=_text(record, "category"),
            submitted_at=submitted,
            dossier=self._dossier(record, required=False),
            subject=_text(record, "subject"),
            likes=record.get("likes", 0),
            dislikes=record.get("dislikes", 0),
            re_raised=re_raised,
            actor=SYSTEM,
            **moments,
        )
        self.report.petitions += 1


def import_ratings(records: Iterable[Any]) -> RatingsReport:
    """Import the records, all or nothing (module docstring)."""
    return _Importer(list(records)).run()


def iter_problems(report: RatingsReport) -> Iterator[str]:
    for problem in report.problems:
        yield str(problem)
