"""Choice lists of the organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyLevel(models.TextChoices):
    """Administrative level of an agency.

    From 1/7/2025 local government has two levels, province and commune (Luật 72/2025/QH15);
    ``DISTRICT`` is kept only so that agencies and dossiers from before the reorganisation
    stay readable (../docs/glossary.md, domain spec 07 §3).
    """

    MINISTRY = "ministry", _("Ministry or central agency")
    PROVINCE = "province", _("Province")
    PROVINCIAL_AGENCY = "provincial_agency", _("Provincial department or centre")
    DISTRICT = "district", _("District (before 1/7/2025)")
    COMMUNE = "commune", _("Commune, ward or special zone")


class AgencyKind(models.TextChoices):
    """What an agency does, as far as the one-stop mechanism cares."""

    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    DEPARTMENT = "department", _("Specialised department")
    SERVICE_CENTRE = "service_centre", _("Public administration service centre")
    VERTICAL_BRANCH = "vertical_branch", _("Local branch of a central agency")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")
    OTHER = "other", _("Other")


class SuccessionKind(models.TextChoices):
    """How an agency came to be replaced (domain spec 07 §3.2)."""

    MERGER = "merger", _("Merged into the successor")
    SPLIT = "split", _("Split; part went to the successor")
    RENAME = "rename", _("Renamed or re-identified")
    TRANSFER = "transfer", _("Competence transferred to the successor")
