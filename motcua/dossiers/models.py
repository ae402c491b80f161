"""Dossiers, their legal history (events), their process steps, components and results."""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.choices import Role
from motcua.dossiers.choices import ApplicantKind, Channel, ReturnMethod
from motcua.dossiers.workflow import (
    NATIONAL_STATUS,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    RUNNING_STATUSES,
    Action,
    DossierStatus,
)
from motcua.procedures.choices import ComponentForm

#: Dossier code of TT 01/2018/TT-VPCP Điều 19: ``V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX``.
DOSSIER_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"


class OneStopRules(models.Model):
    """The one-stop rules in force from a date: the law as data (brief, rule 4).

    NĐ 61/2018/NĐ-CP governed until 30/6/2025, NĐ 118/2025/NĐ-CP from 1/7/2025 (spec 02 §0).
    A dossier keeps the rules in force when it was received. Values marked UNCONFIRMED in
    the spec (the online response window, the due-soon warning) are rows, not constants.
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    online_response_hours = models.DecimalField(
        _("online response window (working hours)"),
        max_digits=5,
        decimal_places=2,
        help_text=_(
            "Time to accept or return an online dossier (NĐ 45/2020 Điều 11; UNCONFIRMED)."
        ),
    )
    apology_lead_working_days = models.PositiveSmallIntegerField(
        _("apology at least (working days before the due moment)"), default=1
    )
    max_reschedules = models.PositiveSmallIntegerField(
        _("appointment may be re-set at most"), default=1
    )
    due_soon_working_hours = models.DecimalField(
        _("due soon within (working hours)"), max_digits=5, decimal_places=2, default=8
    )
    max_reschedule_days = models.PositiveIntegerField(
        _("a re-set appointment at most (calendar days later)"),
        default=365,
        help_text=_(
            "How far an apology may move the appointment; the law sets no figure, so "
            "this bounds it (UNCONFIRMED)."
        ),
    )
    paper_cutoff_applies = models.BooleanField(
        _("paper dossiers after the cut-off move the next working day"), default=True
    )

    class Meta:
        verbose_name = _("one-stop rules")
        verbose_name_plural = _("one-stop rules")
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return f"{self.legal_basis} ({_('from')} {self.effective_from:%d/%m/%Y})"


class DossierCodeCounter(models.Model):
    """The daily sequence ``XXXX`` of dossier codes of one receiving agency (TT 01/2018
    Điều 19). Incremented under a row lock in the transaction that records the dossier, so
    codes stay unique and gapless under concurrent intake."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day"], name="dossier_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%d/%m/%Y}: {self.last}"


def overdue_condition(now: dt.datetime) -> Q:
    """Overdue at ``now``, the one rule every list, count and filter asks the database
    (the queue's counts, supervision, the API's ``overdue`` filter, the 766 dashboard):
    the clock runs and the appointment has passed; or the dossier is paused (waiting for
    a supplement or a financial obligation) and was paused after its appointment, late
    already when its clock stopped. Spec 02 §7: late is "finished after it, or still open
    after it"; a dossier paused in time is not, since the applicant's time does not count
    and its appointment moves when it resumes (``deadlines.extend_for_pause``).

    Where the three earlier copies disagreed (``DossierQuerySet.overdue`` and the queue's
    counts left every paused dossier out), this is supervision's rule, the one spec 02 §7
    and ``deadlines.classify`` (a paused dossier judged at the moment it was paused)
    support. ``is_overdue`` is the same test on a row already read, and
    ``overdue_tests`` the same rule by status, for counts grouped by status."""
    return reduce(
        operator.or_,
        (Q(status__in=statuses) & test for statuses, test in overdue_tests(now)),
    )


def overdue_tests(now: dt.datetime) -> tuple[tuple[frozenset[str], Q], ...]:
    """``overdue_condition`` split by status: a dossier whose status is in one of the
    sets is overdue when it passes that set's test (the sets share no status). A count
    grouped by status counts each test once, with no status in its condition, and adds
    a group's count to the test of its status (``office.selectors.queue_kinds``)."""
    return (
        (RUNNING_STATUSES, Q(due_at__lt=now)),
        (PAUSED_STATUSES, Q(paused_at__gt=models.F("due_at"))),
    )


def is_overdue(dossier: Dossier, now: dt.datetime) -> bool:
    """``overdue_condition`` on a dossier already read."""
    if dossier.due_at is None:
        return False
    if dossier.status in RUNNING_STATUSES:
        return dossier.due_at < now
    if dossier.status in PAUSED_STATUSES:
        return dossier.paused_at is not None and dossier.paused_at > dossier.due_at
    return False


class DossierQuerySet(models.QuerySet["Dossier"]):
    def open(self) -> DossierQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def paused(self) -> DossierQuerySet:
        return self.filter(status__in=PAUSED_STATUSES)

    def overdue(self, *, now: dt.datetime) -> DossierQuerySet:
        """Overdue at ``now`` (``overdue_condition``)."""
        return self.filter(overdue_condition(now))

    def awaiting_supplement(self) -> DossierQuerySet:
        return self.filter(status=DossierStatus.SUPPLEMENT_REQUESTED)

    def with_assignee_username(self) -> DossierQuerySet:
        """With the assignee's username as ``assignee_username`` (what the API shows),
        joined rather than loading the whole user."""
        return self.annotate(assignee_username=models.F("assignee__username"))


def _open_queue_index(agency: str, other_agency: str) -> models.Index:
    """An index of the open dossiers of one ``agency`` field (a part of the queues), in
    the queue's order, with every column the queue's counts read."""
    return models.Index(
        fields=[agency, "due_at", "-id"],
        include=[
            other_agency,
            "procedure_version",
            "rules",
            "status",
            "channel",
            "paused_at",
        ],
        condition=Q(status__in=sorted(OPEN_STATUSES)),
        name=f"dossier_queue_{agency.removesuffix('_agency')}_idx",
    )


class Dossier(models.Model):
    """A hồ sơ thủ tục hành chính: one applicant's request under one procedure version.

    ``received_at`` starts the legal clock (the moment a complete, valid dossier is received;
    for online dossiers the official reception time; spec 02 §7). ``due_at`` is the
    appointment printed on the receipt (``NgayHenTra``), moved only by a pause or by the one
    apology; ``legal_due_at`` is what the law alone gives. ``lock_version`` guards against
    two officers acting on the same dossier at once (optimistic concurrency).
    """

    code = models.CharField(_("dossier code"), max_length=40, unique=True)
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    rules = models.ForeignKey(
        OneStopRules, verbose_name=_("one-stop rules"), on_delete=models.PROTECT
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    handling_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("handling agency"),
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
    )
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    status = models.CharField(_("status"), max_length=30, choices=DossierStatus.choices)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_kind = models.PositiveSmallIntegerField(
        _("applicant kind"),
        choices=ApplicantKind.choices,
        default=ApplicantKind.CITIZEN,
    )
    applicant_name = models.CharField(_("applicant"), max_length=255)
    applicant_id_number = models.CharField(
        _("identification number"), max_length=20, blank=True
    )
    applicant_vneid_verified = models.BooleanField(
        _("identified through VNeID"),
        default=False,
        help_text=_(
            "The applicant's account was verified with the national identity system "
            "(TaiKhoanDuocXacThucVoiVNeID, 766 4.5)."
        ),
    )
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    reuses_digitised_data = models.BooleanField(
        _("reuses digitised data"),
        default=False,
        help_text=_(
            "A paper of the dossier reuses digitised data (HoSoCoThanhPhanSoHoa, "
            "766 4.3): set when a paper is flagged reused, or when a provincial "
            "system's history says so without naming the paper."
        ),
    )
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    return_method = models.CharField(
        _("result returned"),
        max_length=20,
        choices=ReturnMethod.choices,
        default=ReturnMethod.COUNTER,
    )
    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)

    submitted_at = models.DateTimeField(_("submitted at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    legal_due_at = models.DateTimeField(_("legal due moment"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    original_due_at = models.DateTimeField(
        _("first appointment"), null=True, blank=True
    )
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    finished_at = models.DateTimeField(
        _("processing finished at"), null=True, blank=True
    )
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    synced_at = models.DateTimeField(
        _("first synced to the national portal"),
        null=True,
        blank=True,
        help_text=_("When the national portal first accepted the dossier (766 1.4)."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    supplement_rounds = models.PositiveSmallIntegerField(
        _("supplement rounds"), default=0
    )
    reschedules = models.PositiveSmallIntegerField(_("appointments re-set"), default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("specialist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    due_soon_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-submitted_at"]
        indexes = [
            # the work lists: an agency's open dossiers by due moment; the sweeper's scan
            models.Index(
                fields=["handling_agency", "status", "due_at"], name="dossier_work_idx"
            ),
            models.Index(fields=["status", "due_at"], name="dossier_status_due_idx"),
            models.Index(
                fields=["receiving_agency", "submitted_at"],
                name="dossier_reception_idx",
            ),
            models.Index(
                fields=["applicant", "submitted_at"], name="dossier_applicant_idx"
            ),
            models.Index(fields=["assignee", "status"], name="dossier_assignee_idx"),
            # the queues, part by part (``permissions.dossiers_visible_in_parts``): an
            # agency's open dossiers in the queue's order (``office.selectors.IdsFirst``),
            # with every column the queue's counts read (``queue_kinds``), so that
            # PostgreSQL reads either from the index alone; SQLite keeps the keys only
            _open_queue_index("handling_agency", "receiving_agency"),
            _open_queue_index("receiving_agency", "handling_agency"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_at__isnull=True) | Q(due_at__isnull=False),
                name="dossier_received_has_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return int(NATIONAL_STATUS[self.status])


class DossierStep(models.Model):
    """One step of the dossier's internal process, instantiated from the procedure version's
    template at reception: who acts, where, with its own due moment once it starts. The
    control slip (Mẫu 05) reads these hand-overs (spec 02 §5, §8)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_inter_agency = models.BooleanField(_("inter-agency hand-over"), default=False)
    budget = models.DecimalField(_("time budget"), max_digits=6, decimal_places=2)
    started_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    finished_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "position"], name="dossier_step_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["agency", "finished_at", "due_at"], name="dossier_step_work_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class DossierComponent(models.Model):
    """A paper handed in with the dossier, checked against the version's required list."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="components"
    )
    required = models.ForeignKey(
        "procedures.RequiredComponent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=1000)
    form = models.CharField(_("form"), max_length=20, choices=ComponentForm.choices)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    digitised_at = models.DateTimeField(
        _("digitised at"),
        null=True,
        blank=True,
        help_text=_(
            "When the paper's scan was attached at reception (TT 01/2023, spec 03); "
            "empty: not digitised."
        ),
    )
    reused = models.BooleanField(
        _("reused digitised data"),
        default=False,
        help_text=_(
            "Taken from an earlier dossier's digitised papers (DuocSoHoa, 766 4.3)."
        ),
    )
    from_data_store = models.BooleanField(
        _("from the citizen's data store"),
        default=False,
        help_text=_(
            "Taken from the personal data store on the national portal "
            "(DuocLayTuKhoDMQG, 766 4.4)."
        ),
    )
    source_database = models.CharField(
        _("source database"),
        max_length=50,
        blank=True,
        help_text=_(
            "The national database the paper's data came from (MaCSDL), if any."
        ),
    )

    class Meta:
        verbose_name = _("submitted paper")
        verbose_name_plural = _("submitted papers")
        ordering = ["dossier", "pk"]

    def __str__(self) -> str:
        return self.name


class DossierResult(models.Model):
    """A result document issued for the dossier, coded ``<dossier code>-KQ(n)`` (NĐ 45/2020
    khoản 3 Điều 14; spec 03 §2)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="results"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("result code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=500)
    issued_at = models.DateTimeField(_("issued at"))
    electronic = models.BooleanField(
        _("electronic result"),
        default=False,
        help_text=_(
            "Issued as an electronic document (a file or DuongDanTepTinKetQua), 766 4.1."
        ),
    )
    file_url = models.CharField(
        _("result file link"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Where another system keeps the electronic result (DuongDanTepTinKetQua)."
        ),
    )
    sent_to_data_store = models.BooleanField(
        _("sent to the citizen's data store"),
        default=False,
        help_text=_(
            "The electronic result was pushed to the citizen's data store (766 4.4)."
        ),
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "number"], name="dossier_result_unique"
            )
        ]

    def __str__(self) -> str:
        return self.code


class DossierEvent(models.Model):
    """One entry of the dossier's legal history: append-only, written in the transaction of
    the change it records (STYLE: Saleor's OrderEvent, Zulip's audit log).

    Every transition and every hand-over has one; the control slip, the national sync
    (``CapNhatTienDoHoSoMC``: one entry per status change, spec 08 §4) and the Decision 766
    index read them. The first moment of each status is ``min(at)`` over ``to_status``;
    supplement rounds are the ``request_supplement`` events; both are indexed.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events"
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    at = models.DateTimeField(_("moment"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=255, blank=True)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    national_status = models.PositiveSmallIntegerField(_("national status"))
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.ForeignKey(
        DossierStep,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "sequence"], name="dossier_event_sequence_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["dossier", "to_status", "at"], name="event_first_status_idx"
            ),
            models.Index(fields=["action", "at"], name="event_action_idx"),
            models.Index(fields=["at"], name="event_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.sequence} {self.action}"
