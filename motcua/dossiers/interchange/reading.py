"""Reading one interchange record: every field checked, every problem named by its place.

``RecordReader`` turns a record of the file (a JSON object) into unsaved model instances
and lists what is wrong with it; it reads the catalogue and the agencies from a
``Catalogue`` loaded once per import, so checking a record costs no query.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from motcua.accounts.choices import Role
from motcua.agencies.models import Agency
from motcua.dossiers.choices import ApplicantKind, Channel
from motcua.dossiers.interchange.errors import RecordProblem
from motcua.dossiers.interchange.format import (
    RETURN_METHODS_BY_CODE,
    iso_of_timestamp,
    parse_timestamp,
)
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
from motcua.procedures.choices import ComponentForm
from motcua.procedures.models import ProcedureVersion, RequiredComponent
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


@dataclass(frozen=True)
class VersionInfo:
    pk: int
    number: int
    effective_from: dt.date
    effective_to: dt.date | None
    pauses_for_financial_obligation: bool
    #: position → (component id, form)
    components: dict[int, tuple[int, str]]


class Catalogue:
    """What checking a record needs from the database, read once per import: agencies by
    identifier, procedure versions by code, their components, the one-stop rules."""

    def __init__(self) -> None:
        self.agencies: dict[str, int] = dict(
            Agency.objects.values_list("identifier", "pk")
        )
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
    ``None`` when the value is missing or wrong."""

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

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str, message: str) -> None:
        self._note(self.where(key), message)

    def raw(self, key: str) -> Any:
        value = self.data.get(key)
        return None if value == "" else value

    def text(
        self, key: str, *, required: bool = False, max_length: int | None = None
    ) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
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
        if required and not value.strip():
            self.problem(key, _("required"))
        return value

    def integer(
        self,
        key: str,
        *,
        required: bool = False,
        choices: tuple[int, ...] | None = None,
        minimum: int | None = None,
        maximum: int = 2_147_483_647,
    ) -> int | None:
        value = self.raw(key)
        if value is None:
            if required:
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

    def choice(
        self, key: str, choices: frozenset[str], *, required: bool = False
    ) -> str:
        value = self.text(key, required=required)
        if value and value not in choices:
            self.problem(
                key,
                _("unknown value %(value)s") % {"value": value},
            )
            return ""
        return value

    def boolean(self, key: str) -> bool:
        value = self.raw(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, _("must be true or false"))
            return False
        return value

    def moment(self, key: str, *, required: bool = False) -> dt.datetime | None:
        value = self.raw(key)
        if value is None:
            if required:
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

    def agency(self, key: str, *, required: bool = False) -> int | None:
        identifier = self.text(key, required=required)
        if not identifier:
            return None
        pk = self.catalogue.agencies.get(identifier)
        if pk is None:
            self.problem(key, _("unknown agency %(id)s") % {"id": identifier})
        return pk

    def decimal(self, key: str, *, required: bool = False) -> Decimal | None:
        value = self.raw(key)
        if value is None:
            if required:
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

    def details(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, _("must be an object"))
            return {}
        return value

    def objects(self, key: str) -> Iterator[_Fields]:
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
        self._planned_events: list[tuple[DossierEvent, int | None]] = []
        self._synthetic = False
        self._faulty: set[str] = set()

    def note(self, path: str, message: str) -> None:
        self.problems.append(RecordProblem(self.position, self.code, path, message))
        self._faulty.add(path)

    def _missing(self, key: str, value: object) -> bool:
        """Absent, rather than present but wrong (already reported)."""
        return value is None and key not in self._faulty

    def read(self) -> PlannedDossier | None:
        """The planned rows, or ``None`` when the record has problems."""
        if not isinstance(self.data, dict):
            self.note("", _("a record must be a JSON object"))
            return None
        code = self.data.get("MaHoSo")
        if isinstance(code, str):
            self.code = code
        fields = _Fields(self.data, "", self.note, self.catalogue)
        planned = self._read(fields)
        return None if self.problems else planned

    # -------------------------------------------------------------- the dossier

    def _read(self, f: _Fields) -> PlannedDossier:
        code = f.text("MaHoSo", required=True, max_length=40)
        counter = self._code_counter(f, code)
        handling = f.agency("DonViXuLy", required=True)
        receiving = f.agency("DonViTiepNhan")
        if receiving is None and not f.raw("DonViTiepNhan") and counter is not None:
            receiving = counter[0]  # the agency whose identifier heads the code
        submitted = f.moment("NgayNopHoSo", required=True)
        received = f.moment("NgayTiepNhan")
        due = f.moment("NgayHenTra")
        finished = f.moment("NgayKetThucXuLy")
        returned = f.moment("NgayTra")
        refused = f.moment("NgayTuChoi")
        national = f.integer("TrangThaiHoSo", required=True, choices=_NATIONAL_CODES)
        status = f.choice("TrangThaiNoiBo", _STATUSES)
        version = self._version(f, received or submitted)
        rules = None
        if submitted is not None:
            rules = self.catalogue.rules_on(local(submitted).date())
            if rules is None:
                f.problem(
                    "NgayNopHoSo",
                    _("no one-stop rules are in force on %(day)s")
                    % {"day": f"{local(submitted):%d/%m/%Y}"},
                )
        return_code = f.integer(
            "HinhThuc", choices=tuple(sorted(RETURN_METHODS_BY_CODE))
        )
        dossier = Dossier(
            code=code,
            procedure_version_id=version.pk if version else _NO_ID,
            rules_id=rules or _NO_ID,
            receiving_agency_id=receiving or _NO_ID,
            handling_agency_id=handling or _NO_ID,
            channel=f.integer("KenhThucHien", choices=_CHANNELS) or Channel.DIRECT,
            applicant_kind=f.integer("LoaiDoiTuong", choices=_APPLICANT_KINDS)
            or ApplicantKind.CITIZEN,
            applicant_name=f.text("ChuHoSo", required=True, max_length=255).strip(),
            applicant_id_number=f.text("SoGiayTo", max_length=20),
            applicant_phone=f.text("SoDienThoai", max_length=20),
            applicant_email=self._email(f),
            applicant_address=f.text("DiaChi", max_length=500),
            return_method=RETURN_METHODS_BY_CODE[return_code or 0],
            sets=f.integer("SoBo", minimum=1, maximum=32767) or 1,
            submitted_at=submitted or _NO_MOMENT,
            received_at=received,
            due_at=due,
            legal_due_at=f.moment("NgayHenTraTheoQuyDinh") or due,
            original_due_at=f.moment("NgayHenTraBanDau") or due,
            paused_at=f.moment("NgayTamDung"),
            finished_at=finished,
            returned_at=returned,
            closed_at=f.moment("NgayDongHoSo"),
            due_soon_flagged_at=f.moment("NgayCanhBaoSapDenHan"),
            overdue_flagged_at=f.moment("NgayCanhBaoQuaHan"),
        )
        planned = PlannedDossier(self.position, dossier, counter=counter)
        for key, attribute in (
            ("TaiKhoanChuHoSo", "applicant_id"),
            ("ChuyenVienXuLy", "assignee_id"),
        ):
            username = f.text(key, max_length=150)
            if username:
                planned.accounts.append((dossier, attribute, username))
        if national is not None and not status:
            status = _status_of_national(national, received=received is not None)
        if status and national is not None and NATIONAL_STATUS[status] != national:
            f.problem(
                "TrangThaiNoiBo",
                _("%(status)s is national status %(mapped)s, not %(national)s")
                % {
                    "status": status,
                    "mapped": int(NATIONAL_STATUS[status]),
                    "national": national,
                },
            )
        dossier.status = status
        self._components(f, planned, version)
        self._results(f, planned)
        self._steps(f, planned)
        self._events(f, planned)
        self._supplements(f, planned)
        if status:
            self._timeline(f, dossier, status, refused)
            self._synthesize_history(planned)
        return planned

    def _code_counter(self, f: _Fields, code: str) -> tuple[int, dt.date, int] | None:
        if not code:
            return None
        if not CODE_RE.match(code):
            f.problem(
                "MaHoSo",
                _("not a dossier code V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX"),
            )
            return None
        prefix, _digits, sequence = code.split("-")
        day = _day_of_code(code)
        if day is None:
            f.problem("MaHoSo", _("the date in the code is not a date"))
            return None
        agency = self.catalogue.agencies.get(prefix)
        if agency is None:
            f.problem(
                "MaHoSo",
                _("the code's agency %(id)s is not a known agency") % {"id": prefix},
            )
            return None
        return agency, day, int(sequence)

    def _email(self, f: _Fields) -> str:
        email = f.text("Email", max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                f.problem("Email", _("not an e-mail address"))
                return ""
        return email

    def _version(self, f: _Fields, moment: dt.datetime | None) -> VersionInfo | None:
        code = f.text("MaTTHC", required=True, max_length=40)
        number = f.integer("PhienBanTTHC", minimum=1)
        if not code:
            return None
        versions = self.catalogue.versions.get(code)
        if not versions:
            f.problem("MaTTHC", _("unknown procedure %(code)s") % {"code": code})
            return None
        if number is not None:
            for version in versions:
                if version.number == number:
                    return version
            f.problem(
                "PhienBanTTHC",
                _("procedure %(code)s has no version %(number)s")
                % {"code": code, "number": number},
            )
            return None
        if moment is None:
            return None
        day = local(moment).date()
        for version in versions:
            if version.effective_from <= day and (
                version.effective_to is None or day <= version.effective_to
            ):
                return version
        f.problem(
            "MaTTHC",
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
            "NgayTiepNhan", dossier.received_at
        ):
            f.problem(
                "NgayTiepNhan",
                _("required for a dossier in status %(status)s") % {"status": status},
            )
        if (
            status in PRE_RECEPTION_STATUSES or status == DossierStatus.REFUSED
        ) and dossier.received_at is not None:
            f.problem(
                "NgayTiepNhan",
                _("a dossier in status %(status)s has not been received")
                % {"status": status},
            )
        if dossier.received_at is not None and self._missing(
            "NgayHenTra", dossier.due_at
        ):
            f.problem("NgayHenTra", _("required for a received dossier"))
        if status in FINISHED_STATUSES and self._missing(
            "NgayKetThucXuLy", dossier.finished_at
        ):
            f.problem(
                "NgayKetThucXuLy",
                _("required for a dossier in status %(status)s") % {"status": status},
            )
        if status == DossierStatus.RETURNED and self._missing(
            "NgayTra", dossier.returned_at
        ):
            f.problem(
                "NgayTra",
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
            if self._missing("NgayDongHoSo", dossier.closed_at):
                f.problem(
                    "NgayDongHoSo",
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
        for item in f.objects("TaiLieuNop"):
            required_id, form = None, ComponentForm.ORIGINAL_OR_COPY.value
            position = item.integer("MaThanhPhanHoSo", minimum=1)
            if position is not None and version is not None:
                found = version.components.get(position)
                if found is None:
                    item.problem(
                        "MaThanhPhanHoSo",
                        _("is not a component of this procedure version"),
                    )
                else:
                    required_id, form = found
            planned.components.append(
                DossierComponent(
                    dossier=planned.dossier,
                    required_id=required_id,
                    name=item.text("TenTepDinhKem", required=True, max_length=1000),
                    form=item.choice("HinhThucNop", _FORMS) or form,
                    quantity=item.integer("SoLuong", minimum=1, maximum=32767) or 1,
                )
            )

    def _results(self, f: _Fields, planned: PlannedDossier) -> None:
        numbers: set[int] = set()
        for index, item in enumerate(f.objects("DanhSachGiayToKetQua")):
            number = item.integer("SoThuTu", minimum=1, maximum=32767) or index + 1
            if number in numbers:
                item.problem("SoThuTu", _("used twice in this dossier"))
            numbers.add(number)
            code = item.text("MaKetQua", required=True, max_length=50)
            if code:
                planned.result_codes.append((item.where("MaKetQua"), code))
            issued = item.moment("NgayBanHanh") or planned.dossier.finished_at
            if issued is None and not item.raw("NgayBanHanh"):
                item.problem("NgayBanHanh", _("required when NgayKetThucXuLy is empty"))
            planned.results.append(
                DossierResult(
                    dossier=planned.dossier,
                    number=number,
                    code=code,
                    name=item.text("TenGiayTo", required=True, max_length=500),
                    issued_at=issued or _NO_MOMENT,
                )
            )

    def _steps(self, f: _Fields, planned: PlannedDossier) -> None:
        positions: set[int] = set()
        for item in f.objects("CacBuocXuLy"):
            position = item.integer("ThuTu", required=True, minimum=1, maximum=32767)
            if position is not None:
                if position in positions:
                    item.problem("ThuTu", _("used twice in this dossier"))
                positions.add(position)
            step = DossierStep(
                dossier=planned.dossier,
                position=position or 0,
                name=item.text("TenBuoc", required=True, max_length=255),
                role=item.choice("VaiTro", _ROLES, required=True),
                agency_id=item.agency("DonVi", required=True) or _NO_ID,
                is_inter_agency=item.boolean("LienThong"),
                budget=item.decimal("ThoiGianBuoc", required=True) or Decimal(0),
                started_at=item.moment("NgayBatDau"),
                due_at=item.moment("NgayKetThucTheoQuyDinh"),
                finished_at=item.moment("NgayKetThuc"),
            )
            username = item.text("TaiKhoanXuLy", max_length=150)
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
        entries = list(f.objects("QuaTrinhXuLy"))
        for index, item in enumerate(entries):
            at = item.moment("ThoiDiemXuLy", required=True)
            national = item.integer("TrangThai", required=True, choices=_NATIONAL_CODES)
            entry_code = item.text("MaHoSo")
            if entry_code and self.code and entry_code != self.code:
                item.problem(
                    "MaHoSo",
                    _("is %(entry)s, not the dossier's %(code)s")
                    % {"entry": entry_code, "code": self.code},
                )
            sequence = item.integer("STT", minimum=1) or index + 1
            if sequence in sequences:
                item.problem("STT", _("used twice in this dossier"))
            sequences.add(sequence)
            action = item.choice("HanhDong", _ACTIONS) or Action.IMPORT
            from_status = (
                item.choice("TrangThaiTruoc", _STATUSES)
                if "TrangThaiTruoc" in item.data
                else previous
            )
            to_status = item.choice("TrangThaiSau", _STATUSES)
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
                        "TrangThaiSau",
                        _("%(status)s is national status %(mapped)s, not %(national)s")
                        % {
                            "status": to_status,
                            "mapped": int(NATIONAL_STATUS[to_status]),
                            "national": national,
                        },
                    )
            step = item.integer("BuocXuLy", minimum=1)
            if step is not None and step not in steps:
                item.problem("BuocXuLy", _("no step of CacBuocXuLy has this number"))
            event = DossierEvent(
                dossier=dossier,
                sequence=sequence,
                action=action,
                at=at or _NO_MOMENT,
                actor_name=item.text("NguoiXuLy", max_length=255),
                from_status=from_status,
                to_status=to_status,
                national_status=national or 0,
                agency_id=item.agency("DonVi"),
                note=item.text("NoiDungXuLy"),
                payload=item.details("DuLieu"),
            )
            username = item.text("TaiKhoanXuLy", max_length=150)
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
            and not self._faulty & {"TrangThaiNoiBo", "TrangThaiHoSo"}
        ):
            f.problem(
                "QuaTrinhXuLy",
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
        for item in f.objects("DanhSachHoSoBoSung"):
            for key in (
                "NgayBoSung",
                "NgayTiepNhanBoSung",
                "NgayHenTraTruoc",
                "NgayHenTraMoi",
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
            content = item.text("NoiDungBoSung")
            if (
                opening.action == Action.IMPORT
                and content
                and "missing" not in opening.payload
            ):
                opening.payload = {**opening.payload, "missing": [content]}
            if closing is not None and closing.action == Action.IMPORT:
                before = iso_of_timestamp(item.raw("NgayHenTraTruoc"))
                after = iso_of_timestamp(item.raw("NgayHenTraMoi"))
                if before or after:
                    closing.payload = {
                        "previous_due_at": before,
                        "new_due_at": after,
                        **closing.payload,
                    }
        dossier = planned.dossier
        if "SoLanBoSung" in self.data:
            dossier.supplement_rounds = f.integer("SoLanBoSung", minimum=0) or 0
        else:
            dossier.supplement_rounds = max(len(rounds), len(given))
        if "SoLanHenLai" in self.data:
            dossier.reschedules = f.integer("SoLanHenLai", minimum=0) or 0
        else:
            dossier.reschedules = sum(
                1 for event, _step in planned.events if event.action == Action.APOLOGISE
            )

    def _synthesize_history(self, planned: PlannedDossier) -> None:
        """A history without entries gets one ``import`` event at the dossier's latest
        moment, so that every dossier has a legal history to read."""
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
        planned.events.append(
            (
                DossierEvent(
                    dossier=dossier,
                    sequence=1,
                    action=Action.IMPORT,
                    at=max(moments),
                    actor_name="",
                    from_status="",
                    to_status=dossier.status,
                    national_status=int(NATIONAL_STATUS[dossier.status]),
                ),
                None,
            )
        )
