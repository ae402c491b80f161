"""Calendar data kept in the database: overrides of the national calendar and office hours."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Extra working day")


class CalendarOverride(models.Model):
    """A day that is, against the national calendar, a day off or a working day.

    The national calendar (public holidays, substituted days off and make-up Saturdays) comes
    from the ``holidays`` package (BLLĐ 2019 Điều 112 and each year's Prime Minister
    decision). An override wins over it: a province's extra day off, an agency's make-up day,
    or a national notice the package does not know yet. ``agency`` empty means the whole
    system; an override of an agency applies to it and to every agency below it in the tree,
    and the most specific override of a day wins (domain spec 06 §2).
    """

    date = models.DateField(_("date"))
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_overrides",
        help_text=_("Empty: applies to every agency."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OverrideKind.choices)
    reason = models.CharField(_("reason"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "agency"], name="calendar_override_unique"
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(agency__isnull=True),
                name="calendar_override_global_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} · {self.get_kind_display()} · {self.reason}"


class OfficeHours(models.Model):
    """The morning and afternoon sessions during which an agency works, from a date on.

    Civil servants work 8 hours a day, Monday to Friday (QĐ 188/1999/QĐ-TTg); the sessions
    themselves are set locally (spec 06 §2). ``agency`` empty is the default of the whole
    system. ``cutoff`` is the moment after which a paper dossier is transferred, or a
    same-day procedure finished, on the next working day (NĐ 61/2018 Điều 16; NĐ 23/2015
    Điều 7; spec 02 §6).
    """

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="office_hours",
    )
    valid_from = models.DateField(_("valid from"))
    morning_start = models.TimeField(_("morning starts"))
    morning_end = models.TimeField(_("morning ends"))
    afternoon_start = models.TimeField(_("afternoon starts"))
    afternoon_end = models.TimeField(_("afternoon ends"))
    cutoff = models.TimeField(_("same-day cut-off"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "valid_from"], name="office_hours_unique"
            ),
            models.UniqueConstraint(
                fields=["valid_from"],
                condition=Q(agency__isnull=True),
                name="office_hours_global_unique",
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="office_hours_sessions_ordered",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M} "
            f"({_('from')} {self.valid_from:%d/%m/%Y})"
        )

    def clean(self) -> None:
        """Sessions in order and the cut-off inside the working day, as the clock needs
        them (:class:`motcua.workdays.clock.OfficeHours`)."""
        times = (
            self.morning_start,
            self.morning_end,
            self.afternoon_start,
            self.afternoon_end,
            self.cutoff,
        )
        if any(t is None for t in times):
            return  # the missing field reports its own error
        if not (
            self.morning_start < self.morning_end <= self.afternoon_start
            and self.afternoon_start < self.afternoon_end
        ):
            raise ValidationError(
                _("The sessions must be in order: morning, then afternoon."),
                code="sessions_unordered",
            )
        if not self.morning_start <= self.cutoff <= self.afternoon_end:
            raise ValidationError(
                {"cutoff": _("The cut-off must fall within the working day.")},
                code="cutoff_outside_day",
            )
