"""Citizens' evaluations of a dossier and petitions (PAKN) about it."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from motcua.ratings.choices import EvaluationChannel, PetitionCategory, Verdict

#: The nine indicators of the per-dossier evaluation of TT 01/2018/TT-VPCP (Điều 13;
#: spec 05 §3), each scored 2 / 1 / 0: (field name, label).
CRITERIA: tuple[tuple[str, StrPromise], ...] = (
    ("total_time", _("Total handling time against the legal time")),
    ("agency_time", _("Time taken by each agency against its allotted time")),
    ("contacts", _("Contacts with the reception point to complete the dossier")),
    ("agencies_contacted", _("Agencies the applicant had to contact")),
    ("one_stop", _("Handled through the one-stop unit")),
    ("publicity", _("Publicity of the procedure")),
    ("attitude", _("Attitude of the officials")),
    ("feedback", _("Taking in and answering feedback")),
    ("online_service", _("Progress and quality of the online service")),
)

MAX_CRITERION_POINTS = 2


def _criterion(
    label: StrPromise,
) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_CRITERION_POINTS)],
    )


class Evaluation(models.Model):
    """One evaluation of a dossier by its applicant.

    ``verdict`` is the like/dislike that 766 indicator 5.4 reads (a dislike makes the dossier
    count against satisfaction, spec 01b §7); the nine criteria are the 18-point scale of
    TT 01/2018 (spec 05 §3), each empty when the form left it blank. ``reference`` is the
    evaluation's id in the system it came from, so an import is idempotent.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="evaluations"
    )
    at = models.DateTimeField(_("evaluated at"))
    channel = models.CharField(
        _("channel"), max_length=20, choices=EvaluationChannel.choices
    )
    verdict = models.CharField(
        _("verdict"), max_length=12, choices=Verdict.choices, blank=True
    )
    total_time = _criterion(CRITERIA[0][1])
    agency_time = _criterion(CRITERIA[1][1])
    contacts = _criterion(CRITERIA[2][1])
    agencies_contacted = _criterion(CRITERIA[3][1])
    one_stop = _criterion(CRITERIA[4][1])
    publicity = _criterion(CRITERIA[5][1])
    attitude = _criterion(CRITERIA[6][1])
    feedback = _criterion(CRITERIA[7][1])
    online_service = _criterion(CRITERIA[8][1])
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["dossier", "at", "pk"]
        indexes = [models.Index(fields=["dossier", "at"], name="evaluation_dossier_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "reference"],
                condition=~models.Q(reference=""),
                name="evaluation_unique_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} @ {self.at:%d/%m/%Y}"


class Petition(models.Model):
    """A petition (phản ánh, kiến nghị, PAKN) addressed to an agency, about a dossier or not.

    Its moments are those the 766 rules of 5.2 and 5.3 read (spec 01 §3 group 5, spec 01b §7):
    submitted (or last transferred to this agency), refused, first supplement request,
    answered (reached "chờ công khai"), published; ``likes``/``dislikes`` are the national
    portal's reactions to the answer, ``re_raised`` that it was raised again about the answer.
    """

    code = models.CharField(_("petition code"), max_length=100, unique=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="petitions",
        verbose_name=_("addressed to"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    category = models.CharField(
        _("category"), max_length=12, choices=PetitionCategory.choices
    )
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    transferred_at = models.DateTimeField(
        _("last transferred at"), null=True, blank=True
    )
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    supplement_requested_at = models.DateTimeField(
        _("first supplement requested at"), null=True, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    published_at = models.DateTimeField(_("answer published at"), null=True, blank=True)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    dislikes = models.PositiveIntegerField(_("dislikes"), default=0)
    re_raised = models.BooleanField(_("raised again about the answer"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-submitted_at", "pk"]
        indexes = [
            models.Index(
                fields=["agency", "submitted_at"], name="petition_agency_submitted"
            )
        ]

    def __str__(self) -> str:
        return self.code
