"""Choice lists of the procedure catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeUnit(models.TextChoices):
    """Unit of a legal handling time (``DonViTinh`` of the national TTHC database; spec 06 §3).

    ``SAME_DAY`` ("trong ngày") is a unit of its own: the result is due at the end of the
    reception day, or of the next working day when the dossier is received after the
    cut-off (NĐ 23/2015/NĐ-CP Điều 7; NĐ 61/2018 Điều 16; spec 06 §3 rule 4). Its handling
    time is always 1 (that one day) and its step budgets are fractions of it
    (docs/decisions/0006).
    """

    WORKING_DAYS = "working_days", _("working days")
    SAME_DAY = "same_day", _("same day")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("days")
    MONTHS = "months", _("months")


class OnlineLevel(models.TextChoices):
    """How much of a procedure can be done online (NĐ 42/2022/NĐ-CP Điều 11)."""

    FULL = "full", _("Full online (toàn trình)")
    PARTIAL = "partial", _("Partly online (một phần)")
    NONE = "none", _("Not online")


class ImplementingLevel(models.TextChoices):
    """The level of government whose bodies carry a procedure out."""

    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    OTHER = "other", _("Other body (school, social insurance...)")


class ComponentForm(models.TextChoices):
    """In what form a dossier component is handed in."""

    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ORIGINAL_OR_COPY = "original_or_copy", _("Original or copy")
    PRESENT = "present", _("Presented for inspection")


class FeeChannel(models.TextChoices):
    ALL = "all", _("All channels")
    DIRECT = "direct", _("At the counter")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")
