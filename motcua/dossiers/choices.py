"""Choice lists of dossiers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.IntegerChoices):
    """How the dossier reached the province (``KenhThucHien``; spec 02 §2)."""

    DIRECT = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("By post")


class ApplicantKind(models.IntegerChoices):
    """``LoaiDoiTuong`` of the national portal."""

    CITIZEN = 1, _("Citizen")
    ORGANISATION = 2, _("Organisation")


class ReturnMethod(models.TextChoices):
    """How the applicant wants the result (NĐ 61/2018 Điều 18; spec 02 §9)."""

    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronically")


class DeadlineState(models.TextChoices):
    """How a dossier or step stands against its due moment (spec 02 §7)."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    IN_TIME = "in_time", _("In time")
