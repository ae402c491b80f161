"""What the dossier API reads and writes.

Reading serializers describe a dossier as stored, with its deadline state worked out by
``deadlines.classify``. Writing serializers only check the shape of a request and turn
identifiers (procedure code, agency identifier, component position) into objects; the rules
themselves (in force, complete, allowed) are the services' to apply. None of them has a
writable ``status``: a dossier moves only through the transition endpoints.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.dossiers import limits
from motcua.dossiers.choices import ApplicantKind, Channel, DeadlineState, ReturnMethod
from motcua.dossiers.errors import ErrorCode
from motcua.dossiers.limits import PlainTextValidator
from motcua.dossiers.models import Dossier, DossierResult
from motcua.dossiers.selectors import (
    ComponentView,
    DossierDetail,
    DossierRow,
    EventView,
    StepView,
    agency_by_identifier,
    versions_for_intake,
)
from motcua.dossiers.services import Applicant, Intake, Paper, ResultDocument
from motcua.dossiers.workflow import Action, DossierStatus
from motcua.payments.choices import FeeKind, PaymentMethod
from motcua.payments.services import (
    FEE_CODE_MAX_LENGTH,
    FEE_NAME_MAX_LENGTH,
    MAX_FEES,
    Fee,
)
from motcua.procedures.choices import ComponentForm
from motcua.procedures.models import Procedure, ProcedureVersion, RequiredComponent

# ------------------------------------------------------------------ errors


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error response."""

    code = serializers.ChoiceField(
        choices=[(code.value, code.value) for code in ErrorCode],
        help_text=_("Stable machine-readable code, e.g. stale_dossier."),
    )
    message = serializers.CharField(help_text=_("What went wrong, for a person."))
    details = serializers.DictField(
        help_text=_(
            "More about the error: for invalid requests, the messages of each field."
        )
    )


# ------------------------------------------------------------------ reading
#
# Reading serializers show the read model of ``selectors`` (``DossierRow``,
# ``DossierDetail``) and nothing else: each refuses any other instance, so a dossier read
# without its selector fails loudly instead of showing a blank assignee and no history.


class _ReadModelSerializer(serializers.Serializer[Any]):
    read_model: Any

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if not isinstance(instance, self.read_model):
            raise TypeError(
                f"{type(self).__name__} shows a {self.read_model.__name__} built by "
                f"motcua.dossiers.selectors, not a {type(instance).__name__}"
            )
        data: dict[str, Any] = super().to_representation(instance)
        return data


class AgencyBriefSerializer(serializers.Serializer[Agency]):
    identifier = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


_DEADLINE_FIELD = serializers.ChoiceField(
    choices=DeadlineState.choices,
    allow_null=True,
    read_only=True,
    help_text=_(
        "How it stands against its due moment (spec 02 §7); null before reception."
    ),
)


def _moment(source: str, help_text: Any = None) -> serializers.DateTimeField:
    return serializers.DateTimeField(
        source=f"dossier.{source}",
        read_only=True,
        allow_null=True,
        help_text=help_text,
    )


class DossierSerializer(_ReadModelSerializer):
    """One row of a dossier list (``selectors.DossierRow``): no per-row query."""

    read_model: Any = DossierRow

    code = serializers.CharField(source="dossier.code", read_only=True)
    status = serializers.ChoiceField(
        source="dossier.status", choices=DossierStatus.choices, read_only=True
    )
    national_status = serializers.IntegerField(
        source="dossier.national_status",
        read_only=True,
        min_value=1,
        max_value=10,
        help_text=_("TrangThaiHoSo of the National Public Service Portal (1-10)."),
    )
    procedure = serializers.CharField(
        source="dossier.procedure_version.procedure.code", read_only=True
    )
    procedure_version = serializers.IntegerField(
        source="dossier.procedure_version.number", read_only=True
    )
    procedure_name = serializers.CharField(
        source="dossier.procedure_version.name", read_only=True
    )
    receiving_agency = AgencyBriefSerializer(
        source="dossier.receiving_agency", read_only=True
    )
    handling_agency = AgencyBriefSerializer(
        source="dossier.handling_agency", read_only=True
    )
    channel = serializers.ChoiceField(
        source="dossier.channel", choices=Channel.choices, read_only=True
    )
    applicant_name = serializers.CharField(
        source="dossier.applicant_name", read_only=True
    )
    submitted_at = serializers.DateTimeField(
        source="dossier.submitted_at", read_only=True
    )
    received_at = _moment("received_at")
    due_at = _moment("due_at", _("The appointment (NgayHenTra)."))
    finished_at = _moment("finished_at")
    returned_at = _moment("returned_at")
    closed_at = _moment("closed_at")
    assignee = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Username of the officer the dossier is assigned to."),
    )
    is_overdue = serializers.BooleanField(
        read_only=True,
        help_text=_("Open, its clock running, and past its appointment."),
    )
    lock_version = serializers.IntegerField(
        source="dossier.lock_version", read_only=True, min_value=1
    )


class DossierStepSerializer(_ReadModelSerializer):
    read_model = StepView

    position = serializers.IntegerField(source="step.position", read_only=True)
    name = serializers.CharField(source="step.name", read_only=True)
    role = serializers.ChoiceField(
        source="step.role", choices=Role.choices, read_only=True
    )
    agency = AgencyBriefSerializer(read_only=True)
    is_inter_agency = serializers.BooleanField(
        source="step.is_inter_agency", read_only=True
    )
    budget = serializers.DecimalField(
        source="step.budget", max_digits=6, decimal_places=2, read_only=True
    )
    started_at = serializers.DateTimeField(
        source="step.started_at", read_only=True, allow_null=True
    )
    due_at = serializers.DateTimeField(
        source="step.due_at", read_only=True, allow_null=True
    )
    finished_at = serializers.DateTimeField(
        source="step.finished_at", read_only=True, allow_null=True
    )
    actor = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Username of the officer who finished the step."),
    )
    deadline = _DEADLINE_FIELD


class DossierComponentSerializer(_ReadModelSerializer):
    read_model = ComponentView

    component = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Position of the procedure's required component it answers, if any."
        ),
    )
    name = serializers.CharField(read_only=True)
    form = serializers.ChoiceField(choices=ComponentForm.choices, read_only=True)
    quantity = serializers.IntegerField(read_only=True, min_value=1)
    digitised_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("When its scan was attached; null: not digitised."),
    )
    reused = serializers.BooleanField(
        read_only=True, help_text=_("Reuses digitised data (DuocSoHoa).")
    )
    from_data_store = serializers.BooleanField(
        read_only=True,
        help_text=_("Taken from the citizen's data store (DuocLayTuKhoDMQG)."),
    )
    source_database = serializers.CharField(
        read_only=True, help_text=_("The national database it came from (MaCSDL).")
    )


class DossierResultSerializer(_ReadModelSerializer):
    read_model = DossierResult

    number = serializers.IntegerField(read_only=True, min_value=1)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    issued_at = serializers.DateTimeField(read_only=True)
    electronic = serializers.BooleanField(read_only=True)
    file_url = serializers.CharField(
        read_only=True, help_text=_("DuongDanTepTinKetQua; empty if none.")
    )
    sent_to_data_store = serializers.BooleanField(read_only=True)


class DossierEventSerializer(_ReadModelSerializer):
    read_model = EventView

    sequence = serializers.IntegerField(source="event.sequence", read_only=True)
    action = serializers.ChoiceField(
        source="event.action", choices=Action.choices, read_only=True
    )
    at = serializers.DateTimeField(source="event.at", read_only=True)
    actor_name = serializers.CharField(source="event.actor_name", read_only=True)
    from_status = serializers.CharField(
        source="event.from_status",
        read_only=True,
        help_text=_("Empty for the event that created the dossier."),
    )
    to_status = serializers.ChoiceField(
        source="event.to_status", choices=DossierStatus.choices, read_only=True
    )
    national_status = serializers.IntegerField(
        source="event.national_status", read_only=True, min_value=1, max_value=10
    )
    agency = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("Identifier of the agency that acted, if any."),
    )
    step = serializers.IntegerField(read_only=True, allow_null=True)
    note = serializers.CharField(
        read_only=True,
        help_text=_("Empty for an applicant when the action is internal."),
    )
    payload = serializers.DictField(
        read_only=True,
        help_text=_("Facts of the event (docs/workflow.md); empty when hidden."),
    )


class ApplicantDetailSerializer(serializers.Serializer[Dossier]):
    kind = serializers.ChoiceField(
        source="applicant_kind", choices=ApplicantKind.choices, read_only=True
    )
    name = serializers.CharField(source="applicant_name", read_only=True)
    id_number = serializers.CharField(source="applicant_id_number", read_only=True)
    phone = serializers.CharField(source="applicant_phone", read_only=True)
    email = serializers.CharField(source="applicant_email", read_only=True)
    address = serializers.CharField(source="applicant_address", read_only=True)
    vneid_verified = serializers.BooleanField(
        source="applicant_vneid_verified",
        read_only=True,
        help_text=_("Identified through VNeID (TaiKhoanDuocXacThucVoiVNeID)."),
    )


class DossierDetailSerializer(DossierSerializer):
    """A dossier with its applicant, papers, process steps, results and legal history
    (``selectors.DossierDetail``)."""

    read_model = DossierDetail

    applicant = ApplicantDetailSerializer(source="dossier", read_only=True)
    return_method = serializers.ChoiceField(
        source="dossier.return_method", choices=ReturnMethod.choices, read_only=True
    )
    sets = serializers.IntegerField(source="dossier.sets", read_only=True, min_value=1)
    reuses_digitised_data = serializers.BooleanField(
        source="dossier.reuses_digitised_data",
        read_only=True,
        help_text=_("A paper reuses digitised data (HoSoCoThanhPhanSoHoa)."),
    )
    legal_due_at = _moment("legal_due_at")
    original_due_at = _moment("original_due_at")
    paused_at = _moment("paused_at")
    supplement_rounds = serializers.IntegerField(
        source="dossier.supplement_rounds", read_only=True, min_value=0
    )
    reschedules = serializers.IntegerField(
        source="dossier.reschedules", read_only=True, min_value=0
    )
    deadline = _DEADLINE_FIELD
    components = DossierComponentSerializer(many=True, read_only=True)
    steps = DossierStepSerializer(many=True, read_only=True)
    results = DossierResultSerializer(many=True, read_only=True)
    events = DossierEventSerializer(many=True, read_only=True)


# ------------------------------------------------------------------ intake

#: Columns the request names rows by: ``Procedure.code``, ``Agency.identifier``, Django's
#: ``User.username``.
PROCEDURE_CODE_MAX_LENGTH = 30
AGENCY_IDENTIFIER_MAX_LENGTH = 13
USERNAME_MAX_LENGTH = 150
#: Integers the database stores (a version, a position): PostgreSQL's ``integer``.
MAX_INTEGER = 2**31 - 1
#: An amount in VND: the largest integer every JSON client reads exactly (2^53 - 1).
MAX_AMOUNT = 2**53 - 1


def text_field(
    max_length: int, *, required: bool = True, **kwargs: Any
) -> serializers.CharField:
    """A free text of at most ``max_length`` characters (``limits``), without control
    characters; one that is not ``required`` defaults to blank. The parser refuses control
    characters in the whole body first (``core.api.JSONParser``); the validator states the
    rule in the schema (``pattern``) and holds for any other parser."""
    if not required:
        kwargs = {"required": False, "default": "", "allow_blank": True, **kwargs}
    return serializers.CharField(
        max_length=max_length,
        validators=[PlainTextValidator(required=required)],
        **kwargs,
    )


def text_list(max_items: int, max_length: int, **kwargs: Any) -> serializers.ListField:
    """At least one and at most ``max_items`` texts, each as ``text_field``."""
    return serializers.ListField(
        child=text_field(max_length),
        min_length=1,
        max_length=max_items,
        **kwargs,
    )


class MomentField(serializers.DateTimeField):
    """A moment with its time of day: a date alone (``2026-12-01``, ``20261201``,
    ``2026W482``) is refused, not read as its midnight, which Python's ``fromisoformat``
    (and so DRF) would do. The time of day is hours and minutes after ``T`` or a space."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str) and not _TIME_OF_DAY.search(value):
            self.fail("date")
        return super().to_internal_value(value)


_TIME_OF_DAY = re.compile(r"\d[T ]\d{2}:?\d{2}")


class ApplicantSerializer(serializers.Serializer[Applicant]):
    """Who asks (``ChuHoSo`` of the national payload)."""

    name = text_field(limits.NAME_MAX_LENGTH)
    kind = serializers.ChoiceField(
        choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    id_number = serializers.CharField(
        max_length=20,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Personal identification number, or tax code of an organisation."),
    )
    phone = serializers.CharField(
        max_length=20, required=False, default="", allow_blank=True
    )
    email = serializers.EmailField(
        max_length=254, required=False, default="", allow_blank=True
    )
    address = text_field(limits.ADDRESS_MAX_LENGTH, required=False)
    vneid_verified = serializers.BooleanField(
        default=False,
        help_text=_(
            "The applicant was identified through the national identity system VNeID "
            "(TaiKhoanDuocXacThucVoiVNeID)."
        ),
    )


class PaperSerializer(serializers.Serializer[Paper]):
    """A paper handed in. ``component`` (its position in the procedure's list) or ``name``
    (matched against that list; a paper not in it is recorded as given)."""

    component = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INTEGER,
        required=False,
        help_text=_("Position of the required component in the procedure version."),
    )
    name = serializers.CharField(
        max_length=limits.PAPER_NAME_MAX_LENGTH,
        required=False,
        validators=[PlainTextValidator(required=True)],
    )
    form = serializers.ChoiceField(
        choices=ComponentForm.choices,
        required=False,
        help_text=_("Defaults to the form the procedure asks for."),
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    reused = serializers.BooleanField(
        default=False,
        help_text=_("Reuses the digitised data of an earlier dossier (DuocSoHoa)."),
    )
    from_data_store = serializers.BooleanField(
        default=False,
        help_text=_(
            "Taken from the citizen's data store on the national portal "
            "(DuocLayTuKhoDMQG)."
        ),
    )
    source_database = text_field(
        limits.SOURCE_DATABASE_MAX_LENGTH,
        required=False,
        help_text=_("The national database its data came from (MaCSDL), if any."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "component" not in attrs and "name" not in attrs:
            raise serializers.ValidationError(
                _("Give the component's position or the paper's name."),
                code="paper_unnamed",
            )
        return attrs


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def resolve_papers(
    version: ProcedureVersion, papers: list[dict[str, Any]]
) -> list[Paper]:
    """Each paper tied to the required component it answers, or a ``ValidationError``
    listing, paper by paper, what could not be understood."""
    components = list(version.components.all())
    by_position = {c.position: c for c in components}
    by_name = {_fold(c.name): c for c in components}
    resolved: list[Paper] = []
    errors: list[dict[str, list[str]]] = []
    for paper in papers:
        problems: dict[str, list[str]] = {}
        required: RequiredComponent | None = None
        if "component" in paper:
            required = by_position.get(paper["component"])
            if required is None:
                problems["component"] = [
                    str(
                        _("The procedure has no component at position %(position)s.")
                        % {"position": paper["component"]}
                    )
                ]
        else:
            required = by_name.get(_fold(paper["name"]))
        form = paper.get("form") or (required.form if required else None)
        if form is None and "component" not in problems:
            problems["form"] = [
                str(_("Give the form of a paper the procedure does not list."))
            ]
        errors.append(problems)
        if not problems:
            assert form is not None  # noqa: S101 - checked just above
            resolved.append(
                Paper(
                    name=paper.get("name") or (required.name if required else ""),
                    form=form,
                    quantity=paper["quantity"],
                    required_id=required.pk if required else None,
                    reused=paper.get("reused", False),
                    from_data_store=paper.get("from_data_store", False),
                    source_database=paper.get("source_database", ""),
                )
            )
    if any(errors):
        raise serializers.ValidationError({"papers": errors})
    return resolved


class FeeSerializer(serializers.Serializer[Fee]):
    """A fee line owed on the dossier (``DanhSachLePhi[]``) and how it was paid. ``fee``
    names a line of the procedure version's catalogue (its position), whose description
    and amount are the defaults; otherwise ``name`` and ``amount`` are required."""

    fee = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INTEGER,
        required=False,
        help_text=_("Position of the fee line in the procedure version's catalogue."),
    )
    name = text_field(FEE_NAME_MAX_LENGTH, required=False, help_text=_("TenPhiLePhi."))
    code = text_field(FEE_CODE_MAX_LENGTH, required=False, help_text=_("MaPhiLePhi."))
    kind = serializers.ChoiceField(choices=FeeKind.choices, default=FeeKind.CHARGE)
    amount = serializers.IntegerField(
        min_value=0,
        max_value=MAX_AMOUNT,
        required=False,
        help_text=_("Gia: the amount in VND."),
    )
    payment = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        default=PaymentMethod.UNPAID,
        help_text=_(
            "How it was paid: online_national and online_provincial are "
            "DuocThanhToanTrucTuyen 1 and 2."
        ),
    )
    paid_at = MomentField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When it was paid; required unless unpaid or exempt."),
    )


def resolve_fees(version: ProcedureVersion, fees: list[dict[str, Any]]) -> list[Fee]:
    """Each fee line with its catalogue line, or a ``ValidationError`` listing, line by
    line, what could not be understood."""
    lines = {line.position: line for line in version.fees.all()}
    resolved: list[Fee] = []
    errors: list[dict[str, list[str]]] = []
    for given in fees:
        problems: dict[str, list[str]] = {}
        line = None
        if "fee" in given:
            line = lines.get(given["fee"])
            if line is None:
                problems["fee"] = [
                    str(
                        _("The procedure has no fee line at position %(position)s.")
                        % {"position": given["fee"]}
                    )
                ]
        name = given.get("name") or (line.description if line else "")
        amount = given.get("amount", line.amount if line else None)
        if not name and "fee" not in problems:
            problems["name"] = [str(_("Name a fee the catalogue does not list."))]
        if amount is None and "fee" not in problems:
            problems["amount"] = [
                str(_("Give the amount: the catalogue does not set one."))
            ]
        errors.append(problems)
        if not problems:
            assert amount is not None  # noqa: S101 - checked just above
            resolved.append(
                Fee(
                    name=name,
                    amount=amount,
                    code=given.get("code", ""),
                    kind=given["kind"],
                    payment=given["payment"],
                    paid_at=given.get("paid_at"),
                    fee_line=line,
                )
            )
    if any(errors):
        raise serializers.ValidationError({"fees": errors})
    return resolved


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": AGENCY_IDENTIFIER_MAX_LENGTH}
)
class AgencyField(serializers.SlugRelatedField[Agency]):
    """An agency named by its identifier, found among the agencies the process keeps
    (``selectors.agency_by_identifier``) rather than by a query; the same answers and
    errors as a ``SlugRelatedField`` over every agency."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            slug_field="identifier", queryset=Agency.objects.all(), **kwargs
        )

    def to_internal_value(self, data: Any) -> Agency:
        if not isinstance(data, str):
            self.fail("invalid")
        agency = agency_by_identifier(data)
        if agency is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return agency


class IntakeSerializer(serializers.Serializer[Intake]):
    """What every way in has in common: the procedure, the agencies, the applicant and
    the papers. ``validate`` resolves them into ``procedure_version`` and ``paper_list``."""

    procedure = serializers.CharField(
        max_length=PROCEDURE_CODE_MAX_LENGTH,
        validators=[PlainTextValidator(required=True)],
        help_text=_("National procedure code, e.g. 1.004873."),
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INTEGER,
        required=False,
        help_text=_("Version number; by default the version in force today."),
    )
    receiving_agency = AgencyField(
        help_text=_("Identifier of the one-stop unit that receives the dossier."),
    )
    handling_agency = AgencyField(help_text=_("Identifier of the competent body."))
    applicant = ApplicantSerializer()
    papers = serializers.ListField(
        child=PaperSerializer(),
        max_length=limits.MAX_PAPERS,
        required=False,
        default=list,
    )
    return_method = serializers.ChoiceField(
        choices=ReturnMethod.choices, default=ReturnMethod.COUNTER
    )
    sets = serializers.IntegerField(min_value=1, max_value=100, default=1)
    fees = serializers.ListField(
        child=FeeSerializer(),
        max_length=MAX_FEES,
        required=False,
        help_text=_(
            "The fee lines owed and how each was paid. Absent: the procedure version's "
            "catalogue lines that have an amount and apply to the channel, unpaid; an "
            "empty list: none."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        code = attrs["procedure"].strip()
        # The versions with what intake reads of them (papers, process), as the process
        # keeps them; the procedure is looked at alone only to explain why none was found.
        versions = versions_for_intake(code)
        if "version" in attrs:
            chosen = [v for v in versions if v.number == attrs["version"]]
        else:
            today = timezone.localdate()
            chosen = [v for v in versions if v.is_in_force_on(today)]
        version = chosen[0] if chosen else None
        if version is None:
            if not Procedure.objects.filter(code=code).exists():
                raise serializers.ValidationError(
                    {"procedure": [_("No procedure has this code.")]},
                    code="unknown_procedure",
                )
            if "version" in attrs:
                raise serializers.ValidationError(
                    {"version": [_("The procedure has no such version.")]},
                    code="unknown_version",
                )
            raise serializers.ValidationError(
                {"procedure": [_("No version of this procedure is in force today.")]},
                code="not_in_force",
            )
        attrs["procedure_version"] = version
        attrs["paper_list"] = resolve_papers(version, attrs["papers"])
        attrs["fee_list"] = (
            resolve_fees(version, attrs["fees"]) if "fees" in attrs else None
        )
        return attrs

    def intake(self, *, channel: Channel, applicant: Applicant) -> Intake:
        data = self.validated_data
        return Intake(
            procedure_version=data["procedure_version"],
            receiving_agency=data["receiving_agency"],
            handling_agency=data["handling_agency"],
            channel=channel,
            applicant=applicant,
            papers=tuple(data["paper_list"]),
            return_method=ReturnMethod(data["return_method"]),
            sets=data["sets"],
            fees=data["fee_list"],
        )


def applicant_from(data: dict[str, Any], *, account: User | None = None) -> Applicant:
    return Applicant(
        name=data["name"],
        kind=ApplicantKind(data["kind"]),
        id_number=data["id_number"],
        phone=data["phone"],
        email=data["email"],
        address=data["address"],
        account=account,
        vneid_verified=data["vneid_verified"],
    )


class Decision(models.TextChoices):
    """What the counter officer decides on a dossier handed in (NĐ 61/2018 Điều 15)."""

    RECEIVE = "receive", _("Receive: complete and valid")
    REQUEST_SUPPLEMENT = (
        "request_supplement",
        _("Ask to complete before reception (form 02)"),
    )
    REFUSE = "refuse", _("Refuse reception, with reasons (form 03)")


#: The ways in that a counter officer records (online dossiers have their own endpoint).
INTAKE_CHANNELS = [
    (Channel.DIRECT.value, Channel.DIRECT.label),
    (Channel.POSTAL.value, Channel.POSTAL.label),
]


class CounterIntakeSerializer(IntakeSerializer):
    """A dossier handed in at the counter or by post, and the officer's decision on it."""

    channel = serializers.ChoiceField(
        choices=INTAKE_CHANNELS,
        help_text=_(
            "1: at the counter, 3: by post (online dossiers have their own URL)."
        ),
    )
    decision = serializers.ChoiceField(choices=Decision.choices)
    missing = serializers.ListField(
        child=text_field(limits.MISSING_ITEM_MAX_LENGTH),
        max_length=limits.MAX_MISSING_ITEMS,
        required=False,
        default=list,
        help_text=_("With request_supplement: everything the applicant must add."),
    )
    reasons = text_field(
        limits.REASONS_MAX_LENGTH,
        required=False,
        help_text=_("With refuse: the reasons, in writing."),
    )
    note = text_field(limits.NOTE_MAX_LENGTH, required=False)

    def given_applicant(self) -> Applicant:
        return applicant_from(self.validated_data["applicant"])


class OnlineSubmissionSerializer(IntakeSerializer):
    """A citizen's or business's own submission; the applicant defaults to the account."""

    applicant = ApplicantSerializer(required=False)

    def applicant_for(self, user: User) -> Applicant:
        given = self.validated_data.get("applicant")
        if given is not None:
            return applicant_from(given, account=user)
        is_business = user.kind == AccountKind.BUSINESS
        return Applicant(
            name=user.full_name or user.username,
            kind=ApplicantKind.ORGANISATION if is_business else ApplicantKind.CITIZEN,
            id_number=user.tax_code if is_business else user.personal_id,
            phone=user.phone,
            email=user.email,
            account=user,
        )


class ResultDocumentSerializer(serializers.Serializer[ResultDocument]):
    """A result document with how it was issued (``DanhSachGiayToKetQua[]``)."""

    name = text_field(limits.RESULT_NAME_MAX_LENGTH)
    electronic = serializers.BooleanField(
        default=False,
        help_text=_("Issued as an electronic document; a file_url implies it."),
    )
    file_url = text_field(
        limits.RESULT_FILE_URL_MAX_LENGTH,
        required=False,
        help_text=_(
            "DuongDanTepTinKetQua: where the system that keeps the electronic result "
            "serves it."
        ),
    )
    sent_to_data_store = serializers.BooleanField(
        default=False,
        help_text=_("The electronic result was sent to the citizen's data store."),
    )


_RESULT_NAME_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": limits.RESULT_NAME_MAX_LENGTH,
}


@extend_schema_field(
    {
        "oneOf": [
            _RESULT_NAME_SCHEMA,
            {
                "type": "object",
                "properties": {
                    "name": _RESULT_NAME_SCHEMA,
                    "electronic": {"type": "boolean", "default": False},
                    "file_url": {
                        "type": "string",
                        "maxLength": limits.RESULT_FILE_URL_MAX_LENGTH,
                    },
                    "sent_to_data_store": {"type": "boolean", "default": False},
                },
                "required": ["name"],
                "additionalProperties": False,
            },
        ]
    }
)
class ResultItemField(serializers.Field[ResultDocument, Any, Any, Any]):
    """A result document: its name alone (a paper result), or an object with its name and
    how it was issued (``ResultDocumentSerializer``)."""

    default_error_messages = {
        "invalid": _("A result is a name, or an object with its name."),
    }

    def to_internal_value(self, data: Any) -> ResultDocument:
        if isinstance(data, str):
            name = text_field(limits.RESULT_NAME_MAX_LENGTH).run_validation(data)
            return ResultDocument(name=name)
        if not isinstance(data, dict):
            self.fail("invalid")
        unknown = sorted(set(data) - set(ResultDocumentSerializer().fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field is not known.")] for name in unknown}
            )
        document = ResultDocumentSerializer(data=data)
        document.is_valid(raise_exception=True)
        return ResultDocument(**document.validated_data)

    def to_representation(self, value: ResultDocument) -> Any:
        return value.name


def result_list(**kwargs: Any) -> serializers.ListField:
    """At least one and at most ``limits.MAX_RESULTS`` result documents."""
    return serializers.ListField(
        child=ResultItemField(), min_length=1, max_length=limits.MAX_RESULTS, **kwargs
    )


class OnTheSpotSerializer(IntakeSerializer):
    """A procedure settled at the counter while the applicant waits."""

    results = result_list(
        help_text=_(
            "The result documents handed over: each a name, or an object with its name "
            "and whether it is electronic."
        ),
    )

    def given_applicant(self) -> Applicant:
        return applicant_from(self.validated_data["applicant"])


# ------------------------------------------------------------------ transitions


class TransitionSerializer(serializers.Serializer[Any]):
    """What every transition accepts: the version of the dossier the client acts on."""

    expected_version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INTEGER,
        required=False,
        help_text=_(
            "The dossier's lock_version as the client last read it (or send If-Match); "
            "if someone changed the dossier since, the answer is 409 stale_dossier."
        ),
    )


class NoteSerializer(TransitionSerializer):
    note = text_field(limits.NOTE_MAX_LENGTH, required=False)


class RequiredNoteSerializer(TransitionSerializer):
    note = text_field(
        limits.NOTE_MAX_LENGTH, help_text=_("What must be reworked, and why.")
    )


class MissingSerializer(NoteSerializer):
    missing = text_list(
        limits.MAX_MISSING_ITEMS,
        limits.MISSING_ITEM_MAX_LENGTH,
        help_text=_("Everything the applicant must add, listed once and in full."),
    )


class ReasonsSerializer(TransitionSerializer):
    reasons = text_field(
        limits.REASONS_MAX_LENGTH, help_text=_("The reasons, in writing.")
    )


class ResubmitSerializer(TransitionSerializer):
    papers = serializers.ListField(
        child=PaperSerializer(),
        min_length=1,
        max_length=limits.MAX_PAPERS,
        help_text=_("The papers added."),
    )


@extend_schema_field(
    {"type": "string", "minLength": 1, "maxLength": USERNAME_MAX_LENGTH}
)
class OfficerField(serializers.SlugRelatedField[User]):
    """An officer named by user name."""


class AssignSerializer(TransitionSerializer):
    assignee = OfficerField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True, kind=AccountKind.OFFICER),
        help_text=_("User name of the specialist."),
    )


class HandOverSerializer(NoteSerializer):
    to_agency = AgencyField(help_text=_("Identifier of the co-ordinating agency."))


class FinancialObligationSerializer(NoteSerializer):
    amount = serializers.IntegerField(
        min_value=0,
        max_value=MAX_AMOUNT,
        required=False,
        allow_null=True,
        help_text=_("Amount in VND."),
    )


class IssueResultSerializer(TransitionSerializer):
    results = result_list(
        help_text=_(
            "The result documents, each coded <dossier>-KQ(n): a name, or an object with "
            "its name, whether it is electronic, its file_url (DuongDanTepTinKetQua) and "
            "whether it was sent to the citizen's data store."
        ),
    )


class ReturnResultSerializer(TransitionSerializer):
    method = serializers.ChoiceField(
        choices=ReturnMethod.choices,
        required=False,
        help_text=_("By default the method the applicant chose."),
    )
    receiver = text_field(
        limits.NAME_MAX_LENGTH, required=False, help_text=_("Who received the result.")
    )


class ApologiseSerializer(TransitionSerializer):
    new_due_at = MomentField(
        help_text=_("The new appointment, with its time of day and offset.")
    )
    reason = text_field(
        limits.REASONS_MAX_LENGTH, help_text=_("Why the dossier is late.")
    )
