"""Reading an interchange file: its records one at a time (``RecordStream``), each with
every field checked and every problem named by its place (``RecordReader``).

``RecordReader`` turns a record of the file (a JSON object) into unsaved model instances
and lists what is wrong with it; it reads the catalogue and the agencies from a
``Catalogue`` loaded once per import, so checking a record costs no query.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar

import ijson
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from motcua.accounts.choices import Role
from motcua.agencies.choices import AgencyLevel
from motcua.agencies.models import Agency, AgencySuccession
from motcua.core.periods import covers
from motcua.dossiers import limits
from motcua.dossiers.choices import ApplicantKind, Channel
from motcua.dossiers.interchange.errors import DossierFileError, RecordProblem
from motcua.dossiers.interchange.format import (
    COLLECTED_AT_COUNTER,
    COLLECTED_ONLINE,
    FEE_KINDS_BY_CODE,
    ONLINE_PAYMENTS_BY_CODE,
    RETURN_METHODS_BY_CODE,
    DossierKey,
    EntryKey,
    FeeKey,
    Key,
    PaperKey,
    ResultKey,
    StepKey,
    SupplementKey,
    iso_of_timestamp,
    parse_timestamp,
)
from motcua.dossiers.interchange.payloads import add_due_change, add_missing
from motcua.dossiers.models import (
    DOSSIER_CODE_PATTERN,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierResult,
    DossierStep,
)
from motcua.dossiers.selectors import all_rule_sets, rules_in_force
from motcua.dossiers.workflow import (
    CLOSED_STATUSES,
    FINISHED_STATUSES,
    NATIONAL_STATUS,
    OPEN_STATUSES,
    PRE_RECEPTION_STATUSES,
    Action,
    DossierStatus,
    NationalStatus,
)
from motcua.payments.choices import FeeKind, PaymentMethod
from motcua.payments.models import DossierFee
from motcua.payments.services import (
    FEE_CODE_MAX_LENGTH,
    FEE_NAME_MAX_LENGTH,
    MAX_AMOUNT,
    MAX_FEES,
    PaidMoment,
    default_fees,
    fee_rows,
    paid_moment_problem,
)
from motcua.procedures.choices import ComponentForm, ImplementingLevel
from motcua.procedures.models import FeeLine, ProcedureVersion, RequiredComponent
from motcua.workdays.clock import local

CODE_RE = re.compile(DOSSIER_CODE_PATTERN)
#: Stand-ins for a required value that is missing or wrong: such a record is reported and
#: never written, so these never reach the database.
_NO_ID = 0
_NO_MOMENT = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
T = TypeVar("T")

#: The local status a national code stands for when the file gives no local status
#: (code 5 before reception is the request to complete the dossier, spec 08 §5).
LOCAL_STATUS_OF_NATIONAL: dict[int, str] = {
    NationalStatus.NEW: DossierStatus.SUBMITTED,
    NationalStatus.RECEIVED: DossierStatus.RECEIVED,
    NationalStatus.NOT_RECEIVED: DossierStatus.REFUSED,
    NationalStatus.PROCESSING: DossierStatus.PROCESSING,
    NationalStatus.SUPPLEMENT: DossierStatus.SUPPLEMENT_REQUESTED,
    NationalStatus.FINANCIAL_OBLIGATION: DossierStatus.FINANCIAL_OBLIGATION,
    NationalStatus.WITHDRAWN: DossierStatus.WITHDRAWN,
    NationalStatus.STOPPED: DossierStatus.STOPPED,
    NationalStatus.RESOLVED: DossierStatus.RESOLVED,
    NationalStatus.RETURNED: DossierStatus.RETURNED,
}
#: National codes that say the dossier had been received.
_RECEIVED_CODES = frozenset({2, 4, 6, 8, 9, 10})
#: Statuses only a received dossier can be in.
_NEEDS_RECEPTION = (
    frozenset({DossierStatus.RECEIVED}) | OPEN_STATUSES | FINISHED_STATUSES
) | {DossierStatus.STOPPED}
_NATIONAL_CODES = tuple(int(code) for code in NationalStatus)
# Choice values read once: ``TextChoices.values`` rebuilds its list on every call.
_STATUSES = frozenset(DossierStatus.values)
_ACTIONS = frozenset(Action.values)
_ROLES = frozenset(Role.values)
_FORMS = frozenset(ComponentForm.values)
_CHANNELS = tuple(Channel.values)
_APPLICANT_KINDS = tuple(ApplicantKind.values)
_PAYMENT_METHODS = frozenset(PaymentMethod.values)


class _CountingReader(io.RawIOBase):
    """A binary stream that remembers how far it has been read (for the progress line),
    after the bytes already taken to look at the start of the file."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            chunk = self._head if size < 0 else self._head[:size]
            self._head = self._head[len(chunk) :]
        else:
            chunk = self._rest.read(size)
        self.consumed += len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class RecordStream:
    """The records of an interchange file, one at a time; ``consumed`` bytes so far."""

    def __init__(self, stream: IO[bytes]) -> None:
        head = stream.read(65536)
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not start.startswith(b"["):
            raise DossierFileError(
                _("The file must hold a JSON array of dossiers, starting with “[”.")
            )
        self._reader = _CountingReader(head, stream)

    @property
    def consumed(self) -> int:
        return self._reader.consumed

    def __iter__(self) -> Iterator[Any]:
        # floats stay floats in event details; whole numbers are ints
        return iter(ijson.items(self._reader, "item", use_float=True))


@dataclass(frozen=True)
class VersionInfo:
    pk: int
    number: int
    effective_from: dt.date
    effective_to: dt.date | None
    pauses_for_financial_obligation: bool
    #: position → (component id, form)
    components: dict[int, tuple[int, str]]
    #: the implementing agencies (ids) and levels the catalogue names
    agencies: frozenset[int] = frozenset()
    levels: tuple[str, ...] = ()
    #: the catalogue's fee lines that have an amount (``payments.services.default_fees``
    #: reads them)
    fees: tuple[FeeLine, ...] = ()

    def in_force_on(self, day: dt.date) -> bool:
        return covers(self.effective_from, self.effective_to, day)


@dataclass(frozen=True)
class AgencyInfo:
    """An agency's period and level, and the agencies that took over from it (spec 07 §3,
    ``AgencySuccession``): what checking a record against the reception day needs."""

    identifier: str
    level: str
    valid_from: dt.date
    valid_to: dt.date | None
    #: (successor id, effective on)
    successors: tuple[tuple[int, dt.date], ...] = ()

    def successor_on(self, day: dt.date) -> int | None:
        """The first agency that took over from this one on or before ``day``."""
        return next((pk for pk, on in self.successors if on <= day), None)


#: How an implementing level of the catalogue (``ImplementingLevel``) names the agency
#: levels (``AgencyLevel``) whose bodies carry the procedure out; "other" names none.
#: The catalogue has no district level: the district bodies of before 1/7/2025 count as
#: local ones, whose procedures went to the communes (Luật 72/2025/QH15; spec 07 §1).
_AGENCY_LEVELS_OF: dict[str, frozenset[str]] = {
    ImplementingLevel.MINISTRY: frozenset({AgencyLevel.MINISTRY}),
    ImplementingLevel.PROVINCE: frozenset(
        {AgencyLevel.PROVINCE, AgencyLevel.PROVINCIAL_AGENCY}
    ),
    ImplementingLevel.COMMUNE: frozenset({AgencyLevel.COMMUNE, AgencyLevel.DISTRICT}),
}
#: How far out of order two progress entries may be and still be imported, with a
#: warning: the entries of one dossier come from several systems (the counter's, the
#: handling agency's, the national portal's; spec 08 §2 and §4), whose clocks differ by
#: seconds, and the history is never backdated or rewritten (spec 08 §7.3). Further out
#: of order is not a clock: the record is refused.
CLOCK_SKEW = dt.timedelta(seconds=60)


class Catalogue:
    """What checking a record needs from the database, read once per import: agencies by
    identifier, procedure versions by code, their components, the one-stop rules."""

    def __init__(self) -> None:
        successors: dict[int, list[tuple[int, dt.date]]] = {}
        for predecessor, successor, on in AgencySuccession.objects.order_by(
            "effective_on", "pk"
        ).values_list("predecessor_id", "successor_id", "effective_on"):
            successors.setdefault(predecessor, []).append((successor, on))
        self.agencies: dict[str, int] = {}
        self.agency_rows: dict[int, AgencyInfo] = {}
        for pk, identifier, level, valid_from, valid_to in Agency.objects.values_list(
            "pk", "identifier", "level", "valid_from", "valid_to"
        ):
            self.agencies[identifier] = pk
            self.agency_rows[pk] = AgencyInfo(
                identifier, level, valid_from, valid_to, tuple(successors.get(pk, ()))
            )
        # the implementing agencies of each version (khoản 2 Điều 8 NĐ 63/2010/NĐ-CP)
        implementing: dict[int, set[int]] = {}
        through = ProcedureVersion.agencies.through.objects
        for version_id, agency_id in through.values_list(
            "procedureversion_id", "agency_id"
        ):
            implementing.setdefault(version_id, set()).add(agency_id)
        fees: dict[int, list[FeeLine]] = {}
        for line in (
            FeeLine.objects.filter(amount__isnull=False)
            .order_by("version_id", "position")
            .only("pk", "version_id", "position", "description", "amount", "channel")
        ):
            fees.setdefault(line.version_id, []).append(line)
        components: dict[int, dict[int, tuple[int, str]]] = {}
        for pk, version_id, position, form in RequiredComponent.objects.values_list(
            "pk", "version_id", "position", "form"
        ):
            components.setdefault(version_id, {})[position] = (pk, form)
        self.versions: dict[str, list[VersionInfo]] = {}
        for row in ProcedureVersion.objects.values(
            "pk",
            "procedure__code",
            "number",
            "effective_from",
            "effective_to",
            "pauses_for_financial_obligation",
            "levels",
        ).order_by("procedure__code", "number"):
            self.versions.setdefault(row["procedure__code"], []).append(
                VersionInfo(
                    pk=row["pk"],
                    number=row["number"],
                    effective_from=row["effective_from"],
                    effective_to=row["effective_to"],
                    pauses_for_financial_obligation=row[
                        "pauses_for_financial_obligation"
                    ],
                    components=components.get(row["pk"], {}),
                    agencies=frozenset(implementing.get(row["pk"], ())),
                    levels=tuple(row["levels"] or ()),
                    fees=tuple(fees.get(row["pk"], ())),
                )
            )
        self.rules = all_rule_sets()

    def rules_on(self, day: dt.date) -> int | None:
        """The one-stop rules in force on ``day`` (``selectors.rules_in_force``), ``None``
        if none is: the record is then reported, not imported."""
        rules = rules_in_force(self.rules, day)
        return None if rules is None else rules.pk


@dataclass
class PlannedDossier:
    """A checked record: the rows to write, and the accounts to link once looked up."""

    position: int
    dossier: Dossier
    components: list[DossierComponent] = field(default_factory=list)
    results: list[DossierResult] = field(default_factory=list)
    fees: list[DossierFee] = field(default_factory=list)
    steps: list[DossierStep] = field(default_factory=list)
    #: each event with the position of its step
    events: list[tuple[DossierEvent, int | None]] = field(default_factory=list)
    #: (object, attribute, username) to link to accounts found by username
    accounts: list[tuple[Any, str, str]] = field(default_factory=list)
    #: (path of the result code, code) for the uniqueness check against the database
    result_codes: list[tuple[str, str]] = field(default_factory=list)
    #: the agency and day of the code, and its daily sequence (for the counter)
    counter: tuple[int, dt.date, int] | None = None


class _Fields:
    """The fields of one JSON object at ``path``; each reader notes a problem and returns
    ``None`` when the value is missing or wrong. Whether a key is required is the
    table's (``format.Key.required``); what the record's other fields require is checked
    by ``RecordReader``."""

    def __init__(
        self,
        data: dict[str, Any],
        path: str,
        note: Callable[[str, str], None],
        catalogue: Catalogue,
    ) -> None:
        self.data = data
        self.path = path
        self._note = note
        self.catalogue = catalogue

    def where(self, key: Key) -> str:
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: Key, message: str) -> None:
        self._note(self.where(key), message)

    def raw(self, key: Key) -> Any:
        value = self.data.get(key)
        return None if value == "" else value

    def text(self, key: Key, *, max_length: int | None = None) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if key.required:
                self.problem(key, _("required"))
            return ""
        if not isinstance(value, str):
            self.problem(key, _("must be text"))
            return ""
        if max_length is not None and len(value) > max_length:
            self.problem(
                key,
                _("longer than %(max)s characters") % {"max": max_length},
            )
            return ""
        if key.required and not value.strip():
            self.problem(key, _("required"))
        return value

    def integer(
        self,
        key: Key,
        *,
        choices: tuple[int, ...] | None = None,
        minimum: int | None = None,
        maximum: int = 2_147_483_647,
    ) -> int | None:
        value = self.raw(key)
        if value is None:
            if key.required:
                self.problem(key, _("required"))
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(key, _("must be a whole number"))
            return None
        if choices is not None and value not in choices:
            self.problem(
                key,
                _("must be one of %(choices)s")
                % {"choices": ", ".join(str(choice) for choice in choices)},
            )
            return None
        if (minimum is not None and value < minimum) or value > maximum:
            self.problem(key, _("out of range"))
            return None
        return value

    def choice(self, key: Key, choices: frozenset[str]) -> str:
        value = self.text(key)
        if value and value not in choices:
            self.problem(
                key,
                _("unknown value %(value)s") % {"value": value},
            )
            return ""
        return value

    def flag(self, key: Key) -> bool | None:
        """A national 0/1 flag (also ``true``/``false`` or ``"0"``/``"1"``); ``None``
        when absent."""
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, str) and value.strip() in {"0", "1"}:
            value = int(value.strip())
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.problem(key, _("must be 0 or 1"))
        return None

    def boolean(self, key: Key) -> bool:
        value = self.raw(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, _("must be true or false"))
            return False
        return value

    def moment(self, key: Key) -> dt.datetime | None:
        value = self.raw(key)
        if value is None:
            if key.required:
                self.problem(key, _("required"))
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return parse_timestamp(value)
        except ValueError:
            self.problem(key, _("not a yyyyMMddHHmmss timestamp"))
            return None

    def agency(self, key: Key) -> int | None:
        identifier = self.text(key)
        if not identifier:
            return None
        pk = self.catalogue.agencies.get(identifier)
        if pk is None:
            self.problem(key, _("unknown agency %(id)s") % {"id": identifier})
        return pk

    def decimal(self, key: Key) -> Decimal | None:
        value = self.raw(key)
        if value is None:
            if key.required:
                self.problem(key, _("required"))
            return None
        try:
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InvalidOperation
            amount = Decimal(str(value))
        except InvalidOperation:
            self.problem(key, _("must be a number"))
            return None
        if (
            not amount.is_finite()
            or amount < 0
            or amount >= 10_000
            or amount != amount.quantize(Decimal("0.01"))
        ):
            self.problem(key, _("must be a number from 0 to 9999.99"))
            return None
        return amount

    def details(self, key: Key) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, _("must be an object"))
            return {}
        return value

    def objects(self, key: Key) -> Iterator[_Fields]:
        """The objects of the list at ``key``, each with its own path."""
        value = self.data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(key, _("must be a list"))
            return
        for index, item in enumerate(value):
            path = f"{self.where(key)}[{index}]"
            if not isinstance(item, dict):
                self._note(path, _("must be an object"))
                continue
            yield _Fields(item, path, self._note, self.catalogue)


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _moment(moment: dt.datetime) -> str:
    return f"{local(moment):%d/%m/%Y %H:%M:%S}"


def _status_of_national(national: int, *, received: bool) -> str:
    if national == NationalStatus.SUPPLEMENT and not received:
        return DossierStatus.INTAKE_SUPPLEMENT
    return LOCAL_STATUS_OF_NATIONAL[national]


def _day_of_code(code: str) -> dt.date | None:
    digits = code.split("-")[1]
    try:
        return dt.date(2000 + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None


class RecordReader:
    """Checks one record and plans its rows; ``problems`` lists what is wrong."""

    def __init__(self, catalogue: Catalogue, position: int, data: Any) -> None:
        self.catalogue = catalogue
        self.position = position
        self.data = data
        self.code = ""
        self.problems: list[RecordProblem] = []
        #: what was imported as the file gives it but a person should look at
        self.warnings: list[RecordProblem] = []
        self._planned_events: list[tuple[DossierEvent, int | None]] = []
        self._synthetic = False
        self._faulty: set[str] = set()

    def note(self, path: str, message: str) -> None:
        self.problems.append(RecordProblem(self.position, self.code, path, message))
        self._faulty.add(path)

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(RecordProblem(self.position, self.code, path, message))

    def _missing(self, key: Key, value: object) -> bool:
        """Absent, rather than present but wrong (already reported)."""
        return value is None and key not in self._faulty

    def read(self) -> PlannedDossier | None:
        """The planned rows, or ``None`` when the record has problems."""
        if not isinstance(self.data, dict):
            self.note("", _("a record must be a JSON object"))
            return None
        code = self.data.get(DossierKey.MaHoSo)
        if isinstance(code, str):
            self.code = code
        fields = _Fields(self.data, "", self.note, self.catalogue)
        planned = self._read(fields)
        return None if self.problems else planned

    # -------------------------------------------------------------- the dossier

    def _read(self, f: _Fields) -> PlannedDossier:
        code = f.text(DossierKey.MaHoSo, max_length=40)
        counter = self._code_counter(f, code)
        handling = f.agency(DossierKey.DonViXuLy)
        receiving = f.agency(DossierKey.DonViTiepNhan)
        if (
            receiving is None
            and not f.raw(DossierKey.DonViTiepNhan)
            and counter is not None
        ):
            receiving = counter[0]  # the agency whose identifier heads the code
        submitted = f.moment(DossierKey.NgayNopHoSo)
        received = f.moment(DossierKey.NgayTiepNhan)
        due = f.moment(DossierKey.NgayHenTra)
        finished = f.moment(DossierKey.NgayKetThucXuLy)
        returned = f.moment(DossierKey.NgayTra)
        refused = f.moment(DossierKey.NgayTuChoi)
        national = f.integer(DossierKey.TrangThaiHoSo, choices=_NATIONAL_CODES)
        status = f.choice(DossierKey.TrangThaiNoiBo, _STATUSES)
        version = self._version(f, received or submitted)
        rules = None
        if submitted is not None:
            rules = self.catalogue.rules_on(local(submitted).date())
            if rules is None:
                f.problem(
                    DossierKey.NgayNopHoSo,
                    _("no one-stop rules are in force on %(day)s")
                    % {"day": f"{local(submitted):%d/%m/%Y}"},
                )
        return_code = f.integer(
            DossierKey.HinhThuc, choices=tuple(sorted(RETURN_METHODS_BY_CODE))
        )
        dossier = Dossier(
            code=code,
            procedure_version_id=version.pk if version else _NO_ID,
            rules_id=rules or _NO_ID,
            receiving_agency_id=receiving or _NO_ID,
            handling_agency_id=handling or _NO_ID,
            channel=f.integer(DossierKey.KenhThucHien, choices=_CHANNELS)
            or Channel.DIRECT,
            applicant_kind=f.integer(DossierKey.LoaiDoiTuong, choices=_APPLICANT_KINDS)
            or ApplicantKind.CITIZEN,
            applicant_name=f.text(DossierKey.ChuHoSo, max_length=255).strip(),
            applicant_id_number=f.text(DossierKey.SoGiayTo, max_length=20),
            applicant_phone=f.text(DossierKey.SoDienThoai, max_length=20),
            applicant_email=self._email(f),
            applicant_address=f.text(DossierKey.DiaChi, max_length=500),
            return_method=RETURN_METHODS_BY_CODE[return_code or 0],
            sets=f.integer(DossierKey.SoBo, minimum=1, maximum=32767) or 1,
            submitted_at=submitted or _NO_MOMENT,
            received_at=received,
            due_at=due,
            legal_due_at=f.moment(DossierKey.NgayHenTraTheoQuyDinh) or due,
            original_due_at=f.moment(DossierKey.NgayHenTraBanDau) or due,
            paused_at=f.moment(DossierKey.NgayTamDung),
            finished_at=finished,
            returned_at=returned,
            closed_at=f.moment(DossierKey.NgayDongHoSo),
            due_soon_flagged_at=f.moment(DossierKey.NgayCanhBaoSapDenHan),
            overdue_flagged_at=f.moment(DossierKey.NgayCanhBaoQuaHan),
            applicant_vneid_verified=bool(
                f.flag(DossierKey.TaiKhoanDuocXacThucVoiVNeID)
            ),
            synced_at=f.moment(DossierKey.NgayDongBo),
        )
        planned = PlannedDossier(self.position, dossier, counter=counter)
        for key, attribute in (
            (DossierKey.TaiKhoanChuHoSo, "applicant_id"),
            (DossierKey.ChuyenVienXuLy, "assignee_id"),
        ):
            username = f.text(key, max_length=150)
            if username:
                planned.accounts.append((dossier, attribute, username))
        if national is not None and not status:
            status = _status_of_national(national, received=received is not None)
        if status and national is not None and NATIONAL_STATUS[status] != national:
            f.problem(
                DossierKey.TrangThaiNoiBo,
                _("%(status)s is national status %(mapped)s, not %(national)s")
                % {
                    "status": status,
                    "mapped": int(NATIONAL_STATUS[status]),
                    "national": national,
                },
            )
        dossier.status = status
        self._components(f, planned, version)
        self._reuse(f, planned)
        self._fees(f, planned, version)
        self._results(f, planned)
        self._steps(f, planned)
        self._events(f, planned)
        self._supplements(f, planned)
        if status:
            self._timeline(f, dossier, status, refused)
            self._synthesize_history(planned)
        if status and not self.problems:
            self._check_coherence(f, planned, version)
        return planned

    def _code_counter(self, f: _Fields, code: str) -> tuple[int, dt.date, int] | None:
        if not code:
            return None
        if not CODE_RE.match(code):
            f.problem(
                DossierKey.MaHoSo,
                _("not a dossier code V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX"),
            )
            return None
        prefix, _digits, sequence = code.split("-")
        day = _day_of_code(code)
        if day is None:
            f.problem(DossierKey.MaHoSo, _("the date in the code is not a date"))
            return None
        agency = self.catalogue.agencies.get(prefix)
        if agency is None:
            f.problem(
                DossierKey.MaHoSo,
                _("the code's agency %(id)s is not a known agency") % {"id": prefix},
            )
            return None
        return agency, day, int(sequence)

    def _email(self, f: _Fields) -> str:
        email = f.text(DossierKey.Email, max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                f.problem(DossierKey.Email, _("not an e-mail address"))
                return ""
        return email

    def _version(self, f: _Fields, moment: dt.datetime | None) -> VersionInfo | None:
        code = f.text(DossierKey.MaTTHC, max_length=40)
        number = f.integer(DossierKey.PhienBanTTHC, minimum=1)
        if not code:
            return None
        versions = self.catalogue.versions.get(code)
        if not versions:
            f.problem(
                DossierKey.MaTTHC, _("unknown procedure %(code)s") % {"code": code}
            )
            return None
        if number is not None:
            for version in versions:
                if version.number == number:
                    day = local(moment).date() if moment is not None else None
                    if day is not None and not version.in_force_on(day):
                        f.problem(
                            DossierKey.PhienBanTTHC,
                            _(
                                "version %(number)s of %(code)s is not in force on "
                                "%(day)s, the dossier's reception day (in force from "
                                "%(start)s to %(end)s)"
                            )
                            % {
                                "number": number,
                                "code": code,
                                "day": _day(day),
                                "start": _day(version.effective_from),
                                "end": _day(version.effective_to)
                                if version.effective_to
                                else "…",
                            },
                        )
                    return version
            f.problem(
                DossierKey.PhienBanTTHC,
                _("procedure %(code)s has no version %(number)s")
                % {"code": code, "number": number},
            )
            return None
        if moment is None:
            return None
        day = local(moment).date()
        for version in versions:
            if covers(version.effective_from, version.effective_to, day):
                return version
        f.problem(
            DossierKey.MaTTHC,
            _("no version of %(code)s is in force on %(day)s")
            % {"code": code, "day": f"{day:%d/%m/%Y}"},
        )
        return None

    def _timeline(
        self,
        f: _Fields,
        dossier: Dossier,
        status: str,
        refused: dt.datetime | None,
    ) -> None:
        """The moments the status implies; a missing closing moment is taken from the
        national fields or the last progress entry."""
        if status in _NEEDS_RECEPTION and self._missing(
            DossierKey.NgayTiepNhan, dossier.received_at
        ):
            f.problem(
                DossierKey.NgayTiepNhan,
                _("required for a dossier in status %(status)s") % {"status": status},
            )
        if (
            status in PRE_RECEPTION_STATUSES or status == DossierStatus.REFUSED
        ) and dossier.received_at is not None:
            f.problem(
                DossierKey.NgayTiepNhan,
                _("a dossier in status %(status)s has not been received")
                % {"status": status},
            )
        if dossier.received_at is not None and self._missing(
            DossierKey.NgayHenTra, dossier.due_at
        ):
            f.problem(DossierKey.NgayHenTra, _("required for a received dossier"))
        if status in FINISHED_STATUSES and self._missing(
            DossierKey.NgayKetThucXuLy, dossier.finished_at
        ):
            f.problem(
                DossierKey.NgayKetThucXuLy,
                _("required for a dossier in status %(status)s") % {"status": status},
            )
        if status == DossierStatus.RETURNED and self._missing(
            DossierKey.NgayTra, dossier.returned_at
        ):
            f.problem(
                DossierKey.NgayTra,
                _("required for a dossier in status %(status)s") % {"status": status},
            )
        if status in CLOSED_STATUSES and dossier.closed_at is None:
            last_event = max(
                (event.at for event, _step in self._planned_events), default=None
            )
            dossier.closed_at = (
                (dossier.returned_at if status == DossierStatus.RETURNED else None)
                or (refused if status == DossierStatus.REFUSED else None)
                or (None if self._synthetic else last_event)
            )
            if self._missing(DossierKey.NgayDongHoSo, dossier.closed_at):
                f.problem(
                    DossierKey.NgayDongHoSo,
                    _("required for a dossier in status %(status)s")
                    % {"status": status},
                )
        if dossier.paused_at is None and status == DossierStatus.SUPPLEMENT_REQUESTED:
            # the pause began with the last progress entry (which put it in status 5)
            dossier.paused_at = (
                None
                if self._synthetic
                else max(
                    (event.at for event, _step in self._planned_events), default=None
                )
            )

    # -------------------------------------------------------------- lists

    def _components(
        self, f: _Fields, planned: PlannedDossier, version: VersionInfo | None
    ) -> None:
        for item in f.objects(DossierKey.TaiLieuNop):
            required_id, form = None, ComponentForm.ORIGINAL_OR_COPY.value
            position = item.integer(PaperKey.MaThanhPhanHoSo, minimum=1)
            if position is not None and version is not None:
                found = version.components.get(position)
                if found is None:
                    item.problem(
                        PaperKey.MaThanhPhanHoSo,
                        _("is not a component of this procedure version"),
                    )
                else:
                    required_id, form = found
            planned.components.append(
                DossierComponent(
                    dossier=planned.dossier,
                    required_id=required_id,
                    name=item.text(PaperKey.TenTepDinhKem, max_length=1000),
                    form=item.choice(PaperKey.HinhThucNop, _FORMS) or form,
                    quantity=item.integer(PaperKey.SoLuong, minimum=1, maximum=32767)
                    or 1,
                    digitised_at=self._digitised_at(item, planned.dossier),
                    reused=bool(item.flag(PaperKey.DuocSoHoa)),
                    from_data_store=bool(item.flag(PaperKey.DuocLayTuKhoDMQG)),
                    source_database=item.text(
                        PaperKey.MaCSDL, max_length=limits.SOURCE_DATABASE_MAX_LENGTH
                    ).strip(),
                )
            )

    @staticmethod
    def _digitised_at(item: _Fields, dossier: Dossier) -> dt.datetime | None:
        """When a paper was digitised: ``NgaySoHoa``, else, for a paper with an attached
        file (``DuongDanTaiTepTin``: the digitisation of TT 01/2023, spec 03), the
        dossier's reception (its submission before it): the file came with the dossier."""
        moment = item.moment(PaperKey.NgaySoHoa)
        if (
            moment is not None
            or PaperKey.NgaySoHoa in item.data
            and item.raw(PaperKey.NgaySoHoa)
        ):
            return moment
        if item.text(PaperKey.DuongDanTaiTepTin, max_length=2000).strip():
            return dossier.received_at or dossier.submitted_at
        return None

    def _reuse(self, f: _Fields, planned: PlannedDossier) -> None:
        """``HoSoCoThanhPhanSoHoa``: a provincial system says the dossier reuses digitised
        data without naming the paper (spec 01 §3 indicator 4.3), or says it does not;
        a paper flagged ``DuocSoHoa`` contradicts a 0."""
        flagged = f.flag(DossierKey.HoSoCoThanhPhanSoHoa)
        papers = [n for n, c in enumerate(planned.components) if c.reused]
        if flagged is False and papers:
            f.problem(
                DossierKey.HoSoCoThanhPhanSoHoa,
                _("is 0, but TaiLieuNop[%(index)s].DuocSoHoa is 1")
                % {"index": papers[0]},
            )
        planned.dossier.reuses_digitised_data = bool(flagged) or bool(papers)

    def _fees(
        self, f: _Fields, planned: PlannedDossier, version: VersionInfo | None
    ) -> None:
        """``DanhSachLePhi``, each line with how it was paid (``HinhThucThanhToan`` and
        ``NgayThanhToan``, or, in a file from another system, read from the line's
        ``HinhThucThu`` and the dossier's ``DuocThanhToanTrucTuyen``). A record without
        the key owes the catalogue's lines of its channel that have an amount, as at
        intake (docs/decisions/0015); an empty list, none."""
        dossier = planned.dossier
        online = f.integer(
            DossierKey.DuocThanhToanTrucTuyen,
            choices=(0, *sorted(ONLINE_PAYMENTS_BY_CODE)),
        )
        online_method = ONLINE_PAYMENTS_BY_CODE.get(online or 0)
        paid_default = (
            dossier.submitted_at if dossier.submitted_at != _NO_MOMENT else None
        )
        if f.raw(DossierKey.DanhSachLePhi) is None:
            if version is not None:
                owed = []
                for fee in default_fees(version.fees, dossier.channel):
                    if online_method is not None and fee.amount:
                        # the dossier was paid online: each amount owed, at submission
                        fee = replace(fee, payment=online_method, paid_at=paid_default)
                    owed.append(fee)
                planned.fees.extend(fee_rows(dossier, owed))
            return
        items = list(f.objects(DossierKey.DanhSachLePhi))
        if len(items) > MAX_FEES:
            f.problem(
                DossierKey.DanhSachLePhi,
                _("lists %(count)s lines; at most %(limit)s are accepted")
                % {"count": len(items), "limit": MAX_FEES},
            )
            return
        for item in items:
            planned.fees.append(
                self._fee(item, dossier, online_method, paid_default, len(planned.fees))
            )
        if online_method is not None and not any(
            fee.payment == online_method for fee in planned.fees
        ):
            self.warn(
                DossierKey.DuocThanhToanTrucTuyen,
                _(
                    "says the dossier was paid online, but no line of DanhSachLePhi was: "
                    "the dossier counts as not paid online"
                ),
            )

    def _fee(
        self,
        item: _Fields,
        dossier: Dossier,
        online_method: str | None,
        paid_default: dt.datetime | None,
        index: int,
    ) -> DossierFee:
        amount = item.integer(FeeKey.Gia, minimum=0, maximum=MAX_AMOUNT)
        kind = item.integer(
            FeeKey.LoaiPhiLePhi, choices=tuple(sorted(FEE_KINDS_BY_CODE))
        )
        collected = item.integer(
            FeeKey.HinhThucThu, choices=(0, COLLECTED_AT_COUNTER, COLLECTED_ONLINE)
        )
        method = item.choice(FeeKey.HinhThucThanhToan, _PAYMENT_METHODS)
        if not method:
            if collected == COLLECTED_ONLINE or (
                collected is None and online_method is not None and amount
            ):
                method = online_method or PaymentMethod.ONLINE_PROVINCIAL
            elif collected == COLLECTED_AT_COUNTER:
                method = PaymentMethod.COUNTER
            elif amount == 0:
                method = PaymentMethod.EXEMPT
            else:
                method = PaymentMethod.UNPAID
        paid_at = item.moment(FeeKey.NgayThanhToan)
        problem = paid_moment_problem(method, paid_at)
        if problem is PaidMoment.MISSING:
            # a file from another system may not say when: the submission stands in
            paid_at = paid_default
        elif problem is PaidMoment.NOT_PAID:
            item.problem(
                FeeKey.NgayThanhToan,
                _("a line %(method)s has no moment of payment") % {"method": method},
            )
        return DossierFee(
            dossier=dossier,
            position=index + 1,
            name=item.text(FeeKey.TenPhiLePhi, max_length=FEE_NAME_MAX_LENGTH),
            code=item.text(FeeKey.MaPhiLePhi, max_length=FEE_CODE_MAX_LENGTH),
            kind=FEE_KINDS_BY_CODE.get(kind or 0, FeeKind.CHARGE),
            amount=amount or 0,
            payment=method,
            paid_at=paid_at,
        )

    def _results(self, f: _Fields, planned: PlannedDossier) -> None:
        numbers: set[int] = set()
        for index, item in enumerate(f.objects(DossierKey.DanhSachGiayToKetQua)):
            number = (
                item.integer(ResultKey.SoThuTu, minimum=1, maximum=32767) or index + 1
            )
            if number in numbers:
                item.problem(ResultKey.SoThuTu, _("used twice in this dossier"))
            numbers.add(number)
            code = item.text(ResultKey.MaKetQua, max_length=50)
            if code:
                planned.result_codes.append((item.where(ResultKey.MaKetQua), code))
            issued = item.moment(ResultKey.NgayBanHanh) or planned.dossier.finished_at
            if issued is None and not item.raw(ResultKey.NgayBanHanh):
                item.problem(
                    ResultKey.NgayBanHanh, _("required when NgayKetThucXuLy is empty")
                )
            file_url = item.text(
                ResultKey.DuongDanTepTinKetQua,
                max_length=limits.RESULT_FILE_URL_MAX_LENGTH,
            ).strip()
            electronic = (
                item.boolean(ResultKey.KetQuaDienTu)
                if item.raw(ResultKey.KetQuaDienTu) is not None
                else bool(file_url)
            )
            sent = item.boolean(ResultKey.DaGuiKhoDuLieu)
            if sent and not electronic:
                item.problem(
                    ResultKey.DaGuiKhoDuLieu,
                    _("only an electronic result can be sent to the data store"),
                )
            planned.results.append(
                DossierResult(
                    dossier=planned.dossier,
                    number=number,
                    code=code,
                    name=item.text(ResultKey.TenGiayTo, max_length=500),
                    issued_at=issued or _NO_MOMENT,
                    electronic=electronic or bool(file_url),
                    file_url=file_url,
                    sent_to_data_store=sent,
                )
            )

    def _steps(self, f: _Fields, planned: PlannedDossier) -> None:
        positions: set[int] = set()
        for item in f.objects(DossierKey.CacBuocXuLy):
            position = item.integer(StepKey.ThuTu, minimum=1, maximum=32767)
            if position is not None:
                if position in positions:
                    item.problem(StepKey.ThuTu, _("used twice in this dossier"))
                positions.add(position)
            step = DossierStep(
                dossier=planned.dossier,
                position=position or 0,
                name=item.text(StepKey.TenBuoc, max_length=255),
                role=item.choice(StepKey.VaiTro, _ROLES),
                agency_id=item.agency(StepKey.DonVi) or _NO_ID,
                is_inter_agency=item.boolean(StepKey.LienThong),
                budget=item.decimal(StepKey.ThoiGianBuoc) or Decimal(0),
                started_at=item.moment(StepKey.NgayBatDau),
                due_at=item.moment(StepKey.NgayKetThucTheoQuyDinh),
                finished_at=item.moment(StepKey.NgayKetThuc),
            )
            username = item.text(StepKey.TaiKhoanXuLy, max_length=150)
            if username:
                planned.accounts.append((step, "actor_id", username))
            planned.steps.append(step)

    def _events(self, f: _Fields, planned: PlannedDossier) -> None:
        """The history: each progress entry becomes an event, with its own action and
        statuses when the motcua fields are there, else as an ``import`` event whose
        statuses are read from the national code."""
        dossier = planned.dossier
        steps = {step.position for step in planned.steps}
        sequences: set[int] = set()
        previous = ""
        received = False
        entries = list(f.objects(DossierKey.QuaTrinhXuLy))
        for index, item in enumerate(entries):
            at = item.moment(EntryKey.ThoiDiemXuLy)
            national = item.integer(EntryKey.TrangThai, choices=_NATIONAL_CODES)
            entry_code = item.text(EntryKey.MaHoSo)
            if entry_code and self.code and entry_code != self.code:
                item.problem(
                    EntryKey.MaHoSo,
                    _("is %(entry)s, not the dossier's %(code)s")
                    % {"entry": entry_code, "code": self.code},
                )
            sequence = item.integer(EntryKey.STT, minimum=1) or index + 1
            if sequence in sequences:
                item.problem(EntryKey.STT, _("used twice in this dossier"))
            sequences.add(sequence)
            action = item.choice(EntryKey.HanhDong, _ACTIONS) or Action.IMPORT
            from_status = (
                item.choice(EntryKey.TrangThaiTruoc, _STATUSES)
                if EntryKey.TrangThaiTruoc in item.data
                else previous
            )
            to_status = item.choice(EntryKey.TrangThaiSau, _STATUSES)
            if national is not None:
                received = received or national in _RECEIVED_CODES
                if not to_status:
                    to_status = (
                        dossier.status
                        if index == len(entries) - 1
                        and dossier.status
                        and NATIONAL_STATUS[dossier.status] == national
                        else _status_of_national(national, received=received)
                    )
                elif NATIONAL_STATUS[to_status] != national:
                    item.problem(
                        EntryKey.TrangThaiSau,
                        _("%(status)s is national status %(mapped)s, not %(national)s")
                        % {
                            "status": to_status,
                            "mapped": int(NATIONAL_STATUS[to_status]),
                            "national": national,
                        },
                    )
            step = item.integer(EntryKey.BuocXuLy, minimum=1)
            if step is not None and step not in steps:
                item.problem(
                    EntryKey.BuocXuLy, _("no step of CacBuocXuLy has this number")
                )
            event = DossierEvent(
                dossier=dossier,
                sequence=sequence,
                action=action,
                at=at or _NO_MOMENT,
                actor_name=item.text(EntryKey.NguoiXuLy, max_length=255),
                from_status=from_status,
                to_status=to_status,
                national_status=national or 0,
                agency_id=item.agency(EntryKey.DonVi),
                note=item.text(EntryKey.NoiDungXuLy),
                payload=item.details(EntryKey.DuLieu),
            )
            username = item.text(EntryKey.TaiKhoanXuLy, max_length=150)
            if username:
                planned.accounts.append((event, "actor_id", username))
            planned.events.append((event, step))
            previous = to_status
        self._synthetic = not entries
        self._planned_events = planned.events
        if (
            entries
            and dossier.status
            and previous
            and previous != dossier.status
            and not self._faulty & {DossierKey.TrangThaiNoiBo, DossierKey.TrangThaiHoSo}
        ):
            f.problem(
                DossierKey.QuaTrinhXuLy,
                _(
                    "the last progress entry leaves the dossier in %(last)s, not in %(status)s"
                )
                % {"last": previous, "status": dossier.status},
            )

    def _supplements(self, f: _Fields, planned: PlannedDossier) -> None:
        """``DanhSachHoSoBoSung`` is read from the history on export; here it only adds
        what imported history entries cannot say (the request's content, the appointments
        before and after), round by round, to entries without motcua fields."""
        given = []
        for item in f.objects(DossierKey.DanhSachHoSoBoSung):
            for key in (
                SupplementKey.NgayBoSung,
                SupplementKey.NgayTiepNhanBoSung,
                SupplementKey.NgayHenTraTruoc,
                SupplementKey.NgayHenTraMoi,
            ):
                item.moment(key)
            given.append(item)
        waiting = DossierStatus.SUPPLEMENT_REQUESTED
        rounds: list[tuple[DossierEvent, DossierEvent | None]] = []
        for event, _step in planned.events:
            if event.to_status == waiting and event.from_status != waiting:
                rounds.append((event, None))
            elif rounds and rounds[-1][1] is None and event.to_status != waiting:
                rounds[-1] = (rounds[-1][0], event)
        if self.problems:
            return
        for (opening, closing), item in zip(rounds, given, strict=False):
            content = item.text(SupplementKey.NoiDungBoSung)
            if opening.action == Action.IMPORT and content:
                add_missing(opening, content)
            if closing is not None and closing.action == Action.IMPORT:
                before = iso_of_timestamp(item.raw(SupplementKey.NgayHenTraTruoc))
                after = iso_of_timestamp(item.raw(SupplementKey.NgayHenTraMoi))
                if before or after:
                    add_due_change(closing, before, after)
        dossier = planned.dossier
        if DossierKey.SoLanBoSung in self.data:
            dossier.supplement_rounds = (
                f.integer(DossierKey.SoLanBoSung, minimum=0) or 0
            )
        else:
            dossier.supplement_rounds = max(len(rounds), len(given))
        if DossierKey.SoLanHenLai in self.data:
            dossier.reschedules = f.integer(DossierKey.SoLanHenLai, minimum=0) or 0
        else:
            dossier.reschedules = sum(
                1 for event, _step in planned.events if event.action == Action.APOLOGISE
            )

    def _synthesize_history(self, planned: PlannedDossier) -> None:
        """A history without entries gets ``import`` events that say what the dossier's
        fields say: received at ``NgayTiepNhan``, processing ended at ``NgayKetThucXuLy``,
        and its status at its latest moment, so that every dossier has a legal history
        and the 766 figures read from it agree with the fields (spec 08 §4–5)."""
        dossier = planned.dossier
        if planned.events:
            return
        moments = [
            moment
            for moment in (
                dossier.submitted_at,
                dossier.received_at,
                dossier.paused_at,
                dossier.finished_at,
                dossier.returned_at,
                dossier.closed_at,
            )
            if moment is not None
        ]
        if not moments:
            return
        history: list[tuple[dt.datetime, str]] = []
        if dossier.received_at is not None and dossier.status != DossierStatus.RECEIVED:
            history.append((dossier.received_at, DossierStatus.RECEIVED))
        if dossier.finished_at is not None and dossier.status != DossierStatus.RESOLVED:
            history.append((dossier.finished_at, DossierStatus.RESOLVED))
        last = max(moments)
        if dossier.status == DossierStatus.RECEIVED and dossier.received_at:
            last = dossier.received_at
        elif dossier.status == DossierStatus.RESOLVED and dossier.finished_at:
            last = dossier.finished_at
        history.append((last, dossier.status))
        previous = ""
        for sequence, (at, status) in enumerate(history, start=1):
            planned.events.append(
                (
                    DossierEvent(
                        dossier=dossier,
                        sequence=sequence,
                        action=Action.IMPORT,
                        at=at,
                        actor_name="",
                        from_status=previous,
                        to_status=status,
                        national_status=int(NATIONAL_STATUS[status]),
                    ),
                    None,
                )
            )
            previous = status

    # -------------------------------------------------------------- coherence

    def _check_coherence(
        self, f: _Fields, planned: PlannedDossier, version: VersionInfo | None
    ) -> None:
        """What the fields are, checked against each other, the organisation and the
        catalogue on the reception day, once each field reads well (docs/interchange.md,
        "Refused and warned")."""
        dossier = planned.dossier
        moment = dossier.received_at or dossier.submitted_at
        day = local(moment).date()
        receiving_key = (
            DossierKey.DonViTiepNhan
            if f.raw(DossierKey.DonViTiepNhan)
            else DossierKey.MaHoSo
        )
        self._check_agency(f, receiving_key, dossier.receiving_agency_id, day)
        self._check_agency(f, DossierKey.DonViXuLy, dossier.handling_agency_id, day)
        if version is not None:
            self._check_implementing(f, dossier.handling_agency_id, version)
        self._check_due(f, dossier)
        if not self._synthetic:
            self._check_history(f, planned)

    def _check_agency(self, f: _Fields, key: Key, pk: int, day: dt.date) -> None:
        """An agency must exist on the reception day (its ``valid_from``…``valid_to``,
        spec 07 §3.2). One ended by the reorganisation whose successor took over is what
        previous systems keep sending after 1/7/2025 (NQ 202/2025/QH15: the provinces and
        communes merged, their systems kept the old identifiers): imported as the file
        gives it, with a warning naming the successor. Codes and history are never
        rewritten (spec 07 §2)."""
        agency = self.catalogue.agency_rows[pk]
        values = {
            "id": agency.identifier,
            "day": _day(day),
            "start": _day(agency.valid_from),
            "end": _day(agency.valid_to) if agency.valid_to else "",
        }
        if day < agency.valid_from:
            f.problem(
                key,
                _(
                    "%(id)s did not exist yet on %(day)s, the reception day (from %(start)s)"
                )
                % values,
            )
        elif agency.valid_to is not None and agency.valid_to < day:
            successor = agency.successor_on(day)
            if successor is None:
                f.problem(
                    key,
                    _(
                        "%(id)s no longer existed on %(day)s, the reception day (until "
                        "%(end)s), and no agency took over from it"
                    )
                    % values,
                )
            else:
                values["successor"] = self.catalogue.agency_rows[successor].identifier
                self.warn(
                    f.where(key),
                    _(
                        "%(id)s no longer existed on %(day)s, the reception day (until "
                        "%(end)s); %(successor)s took over from it. Imported as the file "
                        "gives it"
                    )
                    % values,
                )

    def _check_implementing(self, f: _Fields, pk: int, version: VersionInfo) -> None:
        """The handling agency carries the procedure out (khoản 2 Điều 8 NĐ 63/2010/NĐ-CP:
        the implementing agency is published with the procedure): it is one of the
        version's implementing agencies, or an agency they took over from; where the
        catalogue names no agency, its level is one of the version's implementing levels.
        Receiving is not checked: any centre may receive for any competent body of the
        province (spec 07 §3.5)."""
        code = str(f.raw(DossierKey.MaTTHC))
        agency = self.catalogue.agency_rows[pk]
        if version.agencies:
            if pk in version.agencies or self._took_over(pk, version.agencies):
                return
            f.problem(
                DossierKey.DonViXuLy,
                _("%(id)s is not an implementing agency of %(code)s version %(number)s")
                % {"id": agency.identifier, "code": code, "number": version.number},
            )
            return
        levels = set(version.levels)
        if not levels or ImplementingLevel.OTHER in levels:
            return
        if any(agency.level in _AGENCY_LEVELS_OF.get(level, ()) for level in levels):
            return
        f.problem(
            DossierKey.DonViXuLy,
            _(
                "%(id)s is a %(level)s agency; %(code)s version %(number)s is carried "
                "out at level %(levels)s"
            )
            % {
                "id": agency.identifier,
                "level": agency.level,
                "code": code,
                "number": version.number,
                "levels": ", ".join(sorted(levels)),
            },
        )

    def _took_over(self, pk: int, agencies: frozenset[int]) -> bool:
        """Whether one of ``agencies`` took over from ``pk``, however many mergers later
        (the graph is small and acyclic in practice; each agency is visited once)."""
        seen: set[int] = set()
        frontier = [pk]
        while frontier:
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            for successor, _on in self.catalogue.agency_rows[node].successors:
                if successor in agencies:
                    return True
                frontier.append(successor)
        return False

    def _check_due(self, f: _Fields, dossier: Dossier) -> None:
        """A due moment counts from reception (Điều 18 NĐ 61/2018/NĐ-CP: the appointment
        is the reception plus the legal handling time), so none is before it."""
        received = dossier.received_at
        if received is None:
            return
        for key, moment in (
            (DossierKey.NgayHenTra, dossier.due_at),
            (DossierKey.NgayHenTraTheoQuyDinh, dossier.legal_due_at),
            (DossierKey.NgayHenTraBanDau, dossier.original_due_at),
        ):
            given = key == DossierKey.NgayHenTra or f.raw(key) is not None
            if given and moment is not None and moment < received:
                f.problem(
                    key,
                    _("%(due)s is before the reception (NgayTiepNhan %(received)s)")
                    % {"due": _moment(moment), "received": _moment(received)},
                )

    def _check_history(self, f: _Fields, planned: PlannedDossier) -> None:
        """The history in order, and saying what the fields say. The 766 rules read the
        first moment of each status from the history (spec 08 §4) and the reception and
        end of processing from the fields (``NgayTiepNhan``, ``NgayKetThucXuLy``; the end
        by priority 9 > 10 > 8/3, spec 08 §5): after an import the two never disagree."""
        dossier = planned.dossier
        entries = sorted(
            enumerate(event for event, _step in planned.events),
            key=lambda item: item[1].sequence,
        )

        def where(index: int) -> str:
            return (
                f"{f.where(DossierKey.QuaTrinhXuLy)}[{index}].{EntryKey.ThoiDiemXuLy}"
            )

        latest: DossierEvent | None = None
        for index, event in entries:
            if latest is not None and event.at < latest.at:
                values = {
                    "seconds": int((latest.at - event.at).total_seconds()),
                    "sequence": latest.sequence,
                    "at": _moment(latest.at),
                }
                if latest.at - event.at <= CLOCK_SKEW:
                    self.warn(
                        where(index),
                        _(
                            "%(seconds)s s before the entry STT %(sequence)s at "
                            "%(at)s that comes before it (clocks of two systems); "
                            "imported as the file gives it"
                        )
                        % values,
                    )
                else:
                    self.note(
                        where(index),
                        _(
                            "%(seconds)s s before the entry STT %(sequence)s at %(at)s "
                            "that comes before it: the history is out of order"
                        )
                        % values,
                    )
            if latest is None or event.at > latest.at:
                latest = event

        def first(codes: frozenset[int]) -> tuple[int, DossierEvent] | None:
            return next(
                ((i, e) for i, e in entries if e.national_status in codes), None
            )

        reception = first(_RECEIVED_CODES)
        self._agree(
            f,
            DossierKey.NgayTiepNhan,
            dossier.received_at,
            reception,
            _("no progress entry receives the dossier (TrangThai 2, 4, 6, 8, 9 or 10)"),
        )
        end = (
            first(frozenset({NationalStatus.RESOLVED}))
            or first(frozenset({NationalStatus.RETURNED}))
            or first(frozenset({NationalStatus.STOPPED, NationalStatus.NOT_RECEIVED}))
        )
        if dossier.finished_at is not None or (
            end is not None and end[1].national_status == NationalStatus.RESOLVED
        ):
            self._agree(
                f,
                DossierKey.NgayKetThucXuLy,
                dossier.finished_at,
                end,
                _("no progress entry ends the processing (TrangThai 9, 10, 8 or 3)"),
            )

    def _agree(
        self,
        f: _Fields,
        key: Key,
        field_moment: dt.datetime | None,
        entry: tuple[int, DossierEvent] | None,
        none_message: str,
    ) -> None:
        if entry is None:
            if field_moment is not None:
                f.problem(key, none_message)
            return
        index, event = entry
        if field_moment != event.at:
            f.problem(
                key,
                _(
                    "is %(field)s but the history says %(at)s "
                    "(QuaTrinhXuLy[%(index)s], TrangThai %(national)s)"
                )
                % {
                    "field": _moment(field_moment) if field_moment else "null",
                    "at": _moment(event.at),
                    "index": index,
                    "national": event.national_status,
                },
            )
