"""The procedure catalogue: procedures, their dated versions, and each version's parts.

A procedure (thủ tục hành chính) keeps its national code for life; everything the law can
change about it lives on a ``ProcedureVersion`` with ``effective_from``/``effective_to``. A
dossier points at the version in force when it was received and keeps it, so a new version
never changes dossiers received under an older one (brief, non-negotiable 4).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from motcua.accounts.choices import Role
from motcua.core.periods import covering, covers
from motcua.core.text import fold
from motcua.procedures.choices import (
    ComponentForm,
    FeeChannel,
    ImplementingLevel,
    OnlineLevel,
    TimeUnit,
)
from motcua.procedures.text import refuse_control_characters

#: National procedure code (mã TTHC), e.g. 1.001193 or 2.000815; local variants may carry a
#: suffix such as .000.00.00.H15 (domain spec 07 §2, 09).
PROCEDURE_CODE_PATTERN = r"^\d\.\d{6}(\.[0-9A-Z]+)*$"


class Field(models.Model):
    """A field of administration (lĩnh vực), e.g. Hộ tịch, Đất đai.

    Its code follows ``MX1X2-LV`` of TT 01/2018/TT-VPCP (ministry code, then the field code);
    the national list was re-issued by TT 03/2025/TT-VPCP (spec 02 §4).
    """

    code = models.CharField(
        _("code"), max_length=30, unique=True, validators=[refuse_control_characters]
    )
    name = models.CharField(
        _("name"), max_length=255, validators=[refuse_control_characters]
    )
    ministry_code = models.CharField(
        _("ministry code"),
        max_length=10,
        blank=True,
        validators=[refuse_control_characters],
    )
    #: Fields the satisfaction target of the seed directive treats apart (land, construction,
    #: investment: 85% instead of 90%).
    is_land_construction_investment = models.BooleanField(
        _("land, construction or investment"), default=False
    )

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure, identified by its national code for its whole life."""

    code = models.CharField(
        _("procedure code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(
                PROCEDURE_CODE_PATTERN, _("A procedure code looks like 1.001193.")
            )
        ],
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def version_on(self, day: dt.date) -> ProcedureVersion | None:
        """The version in force on ``day``: the one a dossier received that day keeps."""
        return self.versions.in_force_on(day).first()


class ProcedureVersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def in_force_on(self, day: dt.date) -> ProcedureVersionQuerySet:
        return self.filter(covering(day, start="effective_from", end="effective_to"))

    def search(self, text: str) -> ProcedureVersionQuerySet:
        """Accent-insensitive search over code and name."""
        return self.filter(search_text__contains=fold(text))


class ProcedureVersion(models.Model):
    """What a procedure requires, as announced for a period.

    Carries the seven components that must be published (khoản 2 Điều 8 NĐ 63/2010/NĐ-CP as
    amended; indicator 1.3 of QĐ 766, spec 01): name, sequence of steps, methods, dossier
    components and quantity, handling time, subjects, implementing agency; and the announcing
    decision with its dates (indicators 1.1 and 1.2).
    """

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(
        _("name"), max_length=1000, validators=[refuse_control_characters]
    )
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    levels = models.JSONField(
        _("implementing levels"), default=list, help_text=ImplementingLevel.values
    )
    agencies = models.ManyToManyField(
        "agencies.Agency",
        verbose_name=_("implementing agencies"),
        related_name="procedure_versions",
        blank=True,
    )
    decision_authority = models.CharField(
        _("competent authority"),
        max_length=255,
        blank=True,
        help_text=_("Who decides, e.g. Chủ tịch UBND cấp xã."),
        validators=[refuse_control_characters],
    )
    handling_time = models.DecimalField(
        _("handling time"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    handling_time_unit = models.CharField(
        _("unit"), max_length=20, choices=TimeUnit.choices
    )
    handling_time_note = models.CharField(
        _("handling time note"),
        max_length=500,
        blank=True,
        validators=[refuse_control_characters],
    )
    online_level = models.CharField(
        _("online level"), max_length=10, choices=OnlineLevel.choices
    )
    pauses_for_financial_obligation = models.BooleanField(
        _("clock pauses while waiting for fees or taxes"),
        default=False,
        help_text=_(
            "Whether time waiting for a financial obligation is excluded (sector law; spec 02 §7)."
        ),
    )
    sequence_of_steps = models.TextField(
        _("sequence of steps"), blank=True, validators=[refuse_control_characters]
    )
    methods = models.TextField(
        _("methods of performance"), blank=True, validators=[refuse_control_characters]
    )
    subjects = models.TextField(
        _("subjects"), blank=True, validators=[refuse_control_characters]
    )
    requirements = models.TextField(
        _("requirements and conditions"),
        blank=True,
        validators=[refuse_control_characters],
    )
    legal_basis = models.TextField(
        _("legal basis"), blank=True, validators=[refuse_control_characters]
    )
    announcement_number = models.CharField(
        _("announcing decision"),
        max_length=100,
        blank=True,
        validators=[refuse_control_characters],
    )
    announcement_date = models.DateField(
        _("announcing decision date"), null=True, blank=True
    )
    legal_basis_effective_on = models.DateField(
        _("legal basis effective on"),
        null=True,
        blank=True,
        help_text=_(
            "Latest effective date of the legal basis; the announcement is due before it (QĐ 766, 1.1)."
        ),
    )
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_("Publication in the national TTHC database (QĐ 766, 1.2)."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    search_text = models.TextField(editable=False, default="")

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        ordering = ["procedure__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="procedure_version_period_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["effective_from", "effective_to"], name="procver_effective_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} · {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = fold(f"{self.procedure.code} {self.name}")
        update_fields = kwargs.get("update_fields")
        if (
            isinstance(update_fields, list | tuple | set)
            and "search_text" not in update_fields
        ):
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def handling_time_text(self) -> str:
        """The legal time in words, as a slip or a page writes it: "3 ngày làm việc", and
        for a same-day procedure its unit alone ("trong ngày"), never "1 trong ngày"."""
        unit = str(self.get_handling_time_unit_display())
        if self.handling_time_unit == TimeUnit.SAME_DAY:
            return unit[:1].upper() + unit[1:]
        return f"{number_format(self.handling_time.normalize())} {unit}"

    def is_in_force_on(self, day: dt.date) -> bool:
        return covers(self.effective_from, self.effective_to, day)

    @property
    def is_inter_agency(self) -> bool:
        """A liên thông procedure: its process hands the dossier to another body."""
        return any(step.is_inter_agency for step in self.steps.all())


class ProcessStep(models.Model):
    """One step of the internal process (quy trình nội bộ) of a procedure version.

    Each step has the role that acts, the agency (empty: the agency handling the dossier)
    and a time budget in the unit of the version's handling time. The budgets add up to the
    legal handling time (``motcua.procedures.validation``). An inter-agency step (liên
    thông, NĐ 61/2018 Điều 20–21) hands the dossier to another body.
    """

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure version"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(
        _("name"), max_length=255, validators=[refuse_control_characters]
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="process_steps",
        help_text=_("Empty: the agency handling the dossier."),
    )
    is_inter_agency = models.BooleanField(_("inter-agency hand-over"), default=False)
    budget = models.DecimalField(
        _("time budget"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="process_step_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_inter_agency=False) | Q(agency__isnull=False),
                name="process_step_inter_agency_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class RequiredComponent(models.Model):
    """A paper the applicant hands in (thành phần hồ sơ), with its form and quantity."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure version"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(
        _("name"), max_length=1000, validators=[refuse_control_characters]
    )
    form = models.CharField(_("form"), max_length=20, choices=ComponentForm.choices)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    template = models.CharField(
        _("form template"),
        max_length=255,
        blank=True,
        validators=[refuse_control_characters],
    )
    is_mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="component_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FeeLine(models.Model):
    """A fee or charge (phí, lệ phí) of a procedure version, in VND.

    ``amount`` empty means the amount is set elsewhere (most often by the provincial People's
    Council, "theo quy định của HĐND tỉnh"); ``note`` says where.
    """

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure version"),
        on_delete=models.CASCADE,
        related_name="fees",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    description = models.CharField(
        _("description"), max_length=500, validators=[refuse_control_characters]
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"), null=True, blank=True)
    per = models.CharField(
        _("per"), max_length=100, blank=True, validators=[refuse_control_characters]
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=FeeChannel.choices, default=FeeChannel.ALL
    )
    note = models.CharField(
        _("note"), max_length=500, blank=True, validators=[refuse_control_characters]
    )

    class Meta:
        verbose_name = _("fee line")
        verbose_name_plural = _("fee lines")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="fee_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.description


class ResultDocument(models.Model):
    """A document the procedure produces (kết quả), with its national result code (KQ.G15.000031)."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("procedure version"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(
        _("name"), max_length=500, validators=[refuse_control_characters]
    )
    code = models.CharField(
        _("result code"),
        max_length=40,
        blank=True,
        validators=[refuse_control_characters],
    )

    class Meta:
        verbose_name = _("result document")
        verbose_name_plural = _("result documents")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="result_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
