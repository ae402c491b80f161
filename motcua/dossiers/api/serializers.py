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
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.accounts.choices import AccountKind
from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.dossiers import limits
from motcua.dossiers.choices import ApplicantKind, Channel, DeadlineState, ReturnMethod
from motcua.dossiers.deadlines import classify
from motcua.dossiers.limits import PlainTextValidator
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierResult,
    DossierStep,
)
from motcua.dossiers.selectors import agency_by_identifier, versions_for_intake
from motcua.dossiers.services import Applicant, Intake, Paper
from motcua.dossiers.workflow import INTERNAL_ACTIONS, RUNNING_STATUSES, DossierStatus
from motcua.procedures.choices import ComponentForm
from motcua.procedures.models import Procedure, ProcedureVersion, RequiredComponent
from motcua.workdays.clock import WorkCalendar

# ------------------------------------------------------------------ errors


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error response."""

    code = serializers.CharField(
        help_text=_("Stable machine-readable code, e.g. stale_dossier.")
    )
    message = serializers.CharField(help_text=_("What went wrong, for a person."))
    details = serializers.DictField(
        help_text=_(
            "More about the error: for invalid requests, the messages of each field."
        )
    )


# ------------------------------------------------------------------ reading


class AgencyBriefSerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["identifier", "name"]


def _deadline(
    context: Mapping[str, Any],
    *,
    due_at: dt.datetime | None,
    finished_at: dt.datetime | None,
    paused_at: dt.datetime | None,
    due_soon_hours: Any,
) -> str | None:
    """``deadlines.classify`` under the handling agency's calendar the view put in the
    context (one calendar per response, not one per row)."""
    calendar: WorkCalendar = context["calendar"]
    state = classify(
        due_at=due_at,
        finished_at=finished_at,
        now=context["now"],
        calendar=calendar,
        due_soon_hours=due_soon_hours,
        paused_at=paused_at,
    )
    return None if state is None else state.value


_DEADLINE_FIELD = serializers.ChoiceField(
    choices=DeadlineState.choices,
    allow_null=True,
    help_text=_(
        "How it stands against its due moment (spec 02 §7); null before reception."
    ),
)


class DossierSerializer(serializers.ModelSerializer[Dossier]):
    """One row of a dossier list: no per-row query (everything is joined)."""

    procedure = serializers.CharField(
        source="procedure_version.procedure.code", read_only=True
    )
    procedure_version = serializers.IntegerField(
        source="procedure_version.number", read_only=True
    )
    procedure_name = serializers.CharField(
        source="procedure_version.name", read_only=True
    )
    receiving_agency = AgencyBriefSerializer(read_only=True)
    handling_agency = AgencyBriefSerializer(read_only=True)
    assignee = serializers.CharField(
        source="assignee_username",
        read_only=True,
        allow_null=True,
        help_text=_("Username of the officer the dossier is assigned to."),
    )
    national_status = serializers.IntegerField(
        read_only=True,
        help_text=_("TrangThaiHoSo of the National Public Service Portal (1-10)."),
    )
    is_overdue = serializers.SerializerMethodField(
        help_text=_("Open, its clock running, and past its appointment.")
    )

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "national_status",
            "procedure",
            "procedure_version",
            "procedure_name",
            "receiving_agency",
            "handling_agency",
            "channel",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
            "finished_at",
            "returned_at",
            "closed_at",
            "assignee",
            "is_overdue",
            "lock_version",
        ]
        read_only_fields = fields

    def get_is_overdue(self, dossier: Dossier) -> bool:
        # The same test as DossierQuerySet.overdue(), on the row already loaded.
        return (
            dossier.status in RUNNING_STATUSES
            and dossier.due_at is not None
            and dossier.due_at < self.context.get("now", timezone.now())
        )


class DossierStepSerializer(serializers.ModelSerializer[DossierStep]):
    agency = AgencyBriefSerializer(read_only=True)
    actor = serializers.CharField(
        source="actor_username",
        read_only=True,
        allow_null=True,
        help_text=_("Username of the officer who finished the step."),
    )
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = DossierStep
        fields = [
            "position",
            "name",
            "role",
            "agency",
            "is_inter_agency",
            "budget",
            "started_at",
            "due_at",
            "finished_at",
            "actor",
            "deadline",
        ]
        read_only_fields = fields

    @extend_schema_field(_DEADLINE_FIELD)
    def get_deadline(self, step: DossierStep) -> str | None:
        dossier = step.dossier
        return _deadline(
            self.context,
            due_at=step.due_at,
            finished_at=step.finished_at,
            # an open step is paused with its dossier
            paused_at=dossier.paused_at if step.finished_at is None else None,
            due_soon_hours=dossier.rules.due_soon_working_hours,
        )


class DossierComponentSerializer(serializers.ModelSerializer[DossierComponent]):
    component = serializers.IntegerField(
        source="component_position",
        read_only=True,
        allow_null=True,
        help_text=_(
            "Position of the procedure's required component it answers, if any."
        ),
    )

    class Meta:
        model = DossierComponent
        fields = ["component", "name", "form", "quantity"]
        read_only_fields = fields


class DossierResultSerializer(serializers.ModelSerializer[DossierResult]):
    class Meta:
        model = DossierResult
        fields = ["number", "code", "name", "issued_at"]
        read_only_fields = fields


class DossierEventSerializer(serializers.ModelSerializer[DossierEvent]):
    from_status = serializers.CharField(
        read_only=True, help_text=_("Empty for the event that created the dossier.")
    )
    to_status = serializers.ChoiceField(choices=DossierStatus.choices, read_only=True)
    agency = serializers.CharField(
        source="agency_identifier",
        read_only=True,
        allow_null=True,
        help_text=_("Identifier of the agency that acted, if any."),
    )
    step = serializers.IntegerField(
        source="step_position", read_only=True, allow_null=True
    )
    payload = serializers.DictField(read_only=True)

    class Meta:
        model = DossierEvent
        fields = [
            "sequence",
            "action",
            "at",
            "actor_name",
            "from_status",
            "to_status",
            "national_status",
            "agency",
            "step",
            "note",
            "payload",
        ]
        read_only_fields = fields

    def to_representation(self, instance: DossierEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("applicant_view") and instance.action in INTERNAL_ACTIONS:
            data["note"] = ""
            data["payload"] = {}
        return data


class ApplicantDetailSerializer(serializers.Serializer[Dossier]):
    kind = serializers.ChoiceField(
        source="applicant_kind", choices=ApplicantKind.choices, read_only=True
    )
    name = serializers.CharField(source="applicant_name", read_only=True)
    id_number = serializers.CharField(source="applicant_id_number", read_only=True)
    phone = serializers.CharField(source="applicant_phone", read_only=True)
    email = serializers.CharField(source="applicant_email", read_only=True)
    address = serializers.CharField(source="applicant_address", read_only=True)


class DossierDetailSerializer(DossierSerializer):
    """A dossier with its applicant, papers, process steps, results and legal history."""

    applicant = ApplicantDetailSerializer(source="*", read_only=True)
    deadline = serializers.SerializerMethodField()
    # read by ``selectors.load_details``
    components = DossierComponentSerializer(
        source="details.components", many=True, read_only=True
    )
    steps = DossierStepSerializer(source="details.steps", many=True, read_only=True)
    results = DossierResultSerializer(
        source="details.results", many=True, read_only=True
    )
    events = DossierEventSerializer(source="details.events", many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "applicant",
            "return_method",
            "sets",
            "legal_due_at",
            "original_due_at",
            "paused_at",
            "supplement_rounds",
            "reschedules",
            "deadline",
            "components",
            "steps",
            "results",
            "events",
        ]
        read_only_fields = fields

    @extend_schema_field(_DEADLINE_FIELD)
    def get_deadline(self, dossier: Dossier) -> str | None:
        return _deadline(
            self.context,
            due_at=dossier.due_at,
            finished_at=dossier.finished_at,
            paused_at=dossier.paused_at,
            due_soon_hours=dossier.rules.due_soon_working_hours,
        )


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
                )
            )
    if any(errors):
        raise serializers.ValidationError({"papers": errors})
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


class OnTheSpotSerializer(IntakeSerializer):
    """A procedure settled at the counter while the applicant waits."""

    results = text_list(
        limits.MAX_RESULTS,
        limits.RESULT_NAME_MAX_LENGTH,
        help_text=_("Names of the result documents handed over."),
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
    results = text_list(
        limits.MAX_RESULTS,
        limits.RESULT_NAME_MAX_LENGTH,
        help_text=_("Names of the result documents; each is coded <dossier>-KQ(n)."),
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


class MomentField(serializers.DateTimeField):
    """A moment with its time of day: a date alone (``2026-12-01``) is refused, not read
    as its midnight, which Python's ``fromisoformat`` (and so DRF) would do."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
            self.fail("date")
        return super().to_internal_value(value)


class ApologiseSerializer(TransitionSerializer):
    new_due_at = MomentField(help_text=_("The new appointment."))
    reason = text_field(
        limits.REASONS_MAX_LENGTH, help_text=_("Why the dossier is late.")
    )
