"""The Decision 766 index as versioned data: groups, indicator definitions, rating bands.

Spec 01 §2 and §6 advise, and 01b confirms, that the portal has changed weights, targets
and zero-denominator behaviour since 2022, so each is a dated row rather than a constant:
a change is a new row effective from its date, and a period is scored with the rows in
force on its last day (``services.definitions_in_force``). Single-row rules are checked by
``clean()``; that the points of each group add up to its declared total, and the groups to
100, is ``services.check_definitions`` (a set of rows, not one row, can break it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.core.periods import covering
from motcua.indices.choices import Band, Indicator, PortalGroup, ZeroPolicy

_M = TypeVar("_M", bound=models.Model)


class DatedQuerySet(QuerySet[_M]):
    def in_force_on(self, day: dt.date) -> DatedQuerySet[_M]:
        return self.filter(covering(day, start="effective_from", end="effective_to"))


class Dated(models.Model):
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def _check_period(self, same: QuerySet[Any], label: str) -> None:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValidationError(
                {"effective_to": _("The end of the period is before its start.")}
            )
        overlapping = same.exclude(pk=self.pk).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
        )
        if self.effective_to is not None:
            overlapping = overlapping.filter(effective_from__lte=self.effective_to)
        if overlapping.exists():
            raise ValidationError(
                _("Another row of %(what)s is in force in part of this period.")
                % {"what": label}
            )


class GroupDefinition(Dated):
    """One of the six portal groups with its declared total (18 / 20 / 12 / 10 / 22 / 18;
    spec 01 §1, 01b §1–3)."""

    group = models.PositiveSmallIntegerField(_("group"), choices=PortalGroup.choices)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("index group")
        verbose_name_plural = _("index groups")
        ordering = ["group", "effective_from"]

    def __str__(self) -> str:
        return f"{self.group}. {self.get_group_display()}"

    def clean(self) -> None:
        self._check_period(GroupDefinition.objects.filter(group=self.group), str(self))


class IndicatorDefinition(Dated):
    """How one indicator is scored from a date: ``points = Pmax × min(1, ratio / target)``
    (spec 01 §2), what a zero denominator gives (01b §4), and which formula computes it."""

    indicator = models.CharField(
        _("indicator"), max_length=8, choices=Indicator.choices
    )
    group = models.PositiveSmallIntegerField(_("group"), choices=PortalGroup.choices)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    target = models.DecimalField(
        _("target for full points (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(Decimal(100)),
        ],
        help_text=_("100 for a linear indicator; 80 gives full points at 80 %."),
    )
    zero_policy = models.CharField(
        _("when the denominator is 0"), max_length=20, choices=ZeroPolicy.choices
    )
    formula_version = models.CharField(_("formula version"), max_length=40)

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator definition")
        verbose_name_plural = _("indicator definitions")
        ordering = ["indicator", "effective_from"]
        indexes = [
            models.Index(
                fields=["effective_from", "effective_to"],
                name="indicator_def_dates_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_indicator_display()}"

    def clean(self) -> None:
        self._check_period(
            IndicatorDefinition.objects.filter(indicator=self.indicator), str(self)
        )


class RatingBand(Dated):
    """A rating band: totals from ``lower_bound`` (inclusive) up to the next band's
    (spec 01 §5 default: Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, Yếu below;
    the lower three provisional, 01b §5)."""

    band = models.CharField(_("band"), max_length=20, choices=Band.choices)
    lower_bound = models.DecimalField(
        _("from (points, inclusive)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Until the province's own decision on bands is entered."),
    )

    objects = DatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating band")
        verbose_name_plural = _("rating bands")
        ordering = ["-lower_bound", "effective_from"]

    def __str__(self) -> str:
        return f"{self.get_band_display()} ≥ {self.lower_bound}"

    def clean(self) -> None:
        self._check_period(RatingBand.objects.filter(band=self.band), str(self))


class PortalFigures(models.Model):
    """The figures the national portal published for a unit and a period, imported from
    the JSON its evaluation pages return (issue 9 §7; ``indices.portal`` reads it), to be
    set beside motcua's own (``selectors.portal_comparison``). The file is kept whole in
    ``raw``; importing the same unit and period again replaces the figures."""

    unit = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="portal_figures",
        verbose_name=_("unit"),
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    groups = models.JSONField(
        _("group points"), default=dict, help_text=_("Points per portal group, 1–6.")
    )
    total = models.DecimalField(
        _("total"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("file"), max_length=255, blank=True)
    raw = models.JSONField(_("the portal's JSON, as imported"))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)
    imported_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        verbose_name = _("national portal figures")
        verbose_name_plural = _("national portal figures")
        ordering = ["unit", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "start", "end"], name="portal_figures_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="portal_figures_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


class PortalIndicatorFigure(models.Model):
    """One indicator as the national portal published it; a part it did not publish is
    empty."""

    figures = models.ForeignKey(
        PortalFigures, on_delete=models.CASCADE, related_name="indicators"
    )
    indicator = models.CharField(
        _("indicator"), max_length=5, choices=Indicator.choices
    )
    numerator = models.PositiveBigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.PositiveBigIntegerField(
        _("denominator"), null=True, blank=True
    )
    ratio = models.DecimalField(
        _("ratio (%)"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    points = models.DecimalField(
        _("points"), max_digits=7, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("national portal indicator")
        verbose_name_plural = _("national portal indicators")
        ordering = ["figures", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["figures", "indicator"], name="portal_indicator_unique"
            )
        ]

    def __str__(self) -> str:
        return self.indicator


# ------------------------------------------------------------------ maintained figures
#
# The index kept up to date as the dossiers change (issue 9 §5; ``indices.live``,
# docs/decisions/0017). Read models, rebuilt from the dossiers and their events by
# ``motcua index reconcile --repair``: nothing here is a record of its own.


class IndexCell(models.Model):
    """The sum, over the dossiers of one handling agency, of what they contribute to one
    dossier-level indicator in one calendar bucket (a month ``2026-03``, a quarter
    ``2026-Q1``, a year ``2026``), as far as it is settled (``indices.live``)."""

    bucket = models.CharField(_("period"), max_length=7)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("agency"),
    )
    indicator = models.CharField(_("indicator"), max_length=24)
    numerator = models.BigIntegerField(_("numerator"), default=0)
    denominator = models.BigIntegerField(_("denominator"), default=0)

    class Meta:
        verbose_name = _("maintained index figure")
        verbose_name_plural = _("maintained index figures")
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "agency", "indicator"], name="index_cell_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bucket} {self.agency_id} {self.indicator}"


class IndexedDossier(models.Model):
    """What one dossier adds to the maintained figures: its settled contributions, per
    bucket (``{"2026-03": {"2.1": [1, 1], …}, …}``, so that a change subtracts exactly
    what was added), and, while it is open, what the periods after its last event read of
    it when they are asked for (``indices.live``)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    contributions = models.JSONField(default=dict)
    #: received and not ended: periods ending after ``settled_until`` judge it live
    live = models.BooleanField(default=False)
    #: the latest moment of its history: periods ending by then are settled
    settled_until = models.DateTimeField(null=True)
    #: 2.1 for a live period: on time whenever judged, or while judged by this moment
    on_time_always = models.BooleanField(default=False)
    on_time_until = models.DateTimeField(null=True)
    #: 5.4: the first petition about it or "not satisfied" evaluation of it
    first_complaint_at = models.DateTimeField(null=True)
    #: 4.1: the first electronic result; whether its procedure returns a document
    first_electronic_result_at = models.DateTimeField(null=True)
    returns_document = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("indexed dossier")
        verbose_name_plural = _("indexed dossiers")
        indexes = [
            # ``live.maintained`` counts the live dossiers of the agencies from this
            # index alone (an index-only scan on PostgreSQL): every column it reads is
            # in the key, which SQLite supports too (``INCLUDE`` it does not)
            models.Index(
                fields=[
                    "agency",
                    "settled_until",
                    "on_time_always",
                    "on_time_until",
                    "first_complaint_at",
                    "first_electronic_result_at",
                    "returns_document",
                ],
                condition=Q(live=True),
                name="indexed_dossier_live_counts",
            )
        ]

    def __str__(self) -> str:
        return str(self.dossier_id)


class IndexBacklog(models.Model):
    """A dossier whose maintained figures are behind its record: written in the
    transaction that changed it (``dossiers.signals.dossiers_changed``), removed when
    ``indices.live.refresh`` has brought them up to date."""

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("dossier awaiting the index")
        verbose_name_plural = _("dossiers awaiting the index")

    def __str__(self) -> str:
        return str(self.dossier_id)
