"""Choice lists of the Decision 766 index: the indicators, the portal's six groups, the
zero-denominator policies and the rating bands (domain spec 01 §1–5, 01b §0–5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalGroup(models.IntegerChoices):
    """The six groups the national portal shows (spec 01 §1: legal group 4 split into
    online services, 12, and online payment, 10; numbering of 01b §0 row 9)."""

    TRANSPARENCY = 1, _("Publicity and transparency")
    PROGRESS = 2, _("Progress of handling")
    ONLINE_SERVICE = 3, _("Online public services")
    ONLINE_PAYMENT = 4, _("Online payment")
    DIGITISATION = 5, _("Digitisation of dossiers")
    SATISFACTION = 6, _("Satisfaction")


class Indicator(models.TextChoices):
    """Every scored indicator, by the id the portal and spec 01/01b give it."""

    ANNOUNCED_ON_TIME = "1.1", _("Procedures announced on time")
    PUBLISHED_ON_TIME = "1.2", _("Procedures updated and published on time")
    PUBLISHED_IN_FULL = "1.3", _("Procedures published with every component")
    SYNCED = "1.4", _("Dossiers synchronised to the national portal")
    ON_TIME = "2.1", _("Dossiers handled early or on time")
    AVERAGE_TIME = "2.2", _("Average handling time (display only)")
    OFFERED_ONLINE = "3.1", _("Procedures offered as online public services")
    ONLINE_SERVICE_USED = "3.2", _("Online services that received a dossier")
    SUBMITTED_ONLINE = "3.3", _("Dossiers submitted online")
    PAID_ONLINE_PROCEDURES = "3.4", _("Procedures with an online payment")
    FEES_INTEGRATED = (
        "3.5",
        _("Procedures whose fees are integrated for online payment"),
    )
    PAID_ONLINE = "3.6", _("Dossiers paid online")
    ELECTRONIC_RESULT = "4.1", _("Dossiers with an electronic result")
    DIGITISED = "4.2", _("Dossiers digitised")
    CERTIFIED_COPY = "4.x", _("Electronic certification of copies from originals")
    REUSED = "4.3", _("Dossiers reusing digitised data")
    PERSONAL_STORE = "4.4", _("Dossiers linked to the personal data store")
    POPULATION_PROCEDURES = "4.5a", _("Procedures connected to the population database")
    POPULATION_DOSSIERS = "4.5b", _("Dossiers using population data")
    PETITIONS_ABOUT_PROCEDURES = (
        "5.1a",
        _("Petitions about regulations, policies or procedures (tracking)"),
    )
    PETITIONS_ABOUT_STAFF = "5.1b", _("Petitions about officials' conduct (tracking)")
    PETITIONS_ON_TIME = "5.2", _("Petitions handled on time")
    PETITIONS_SATISFIED = "5.3", _("Satisfaction with the handling of petitions")
    SATISFIED = "5.4", _("Satisfaction with receiving and handling procedures")


class ZeroPolicy(models.TextChoices):
    """What an indicator scores when its denominator is 0, or when motcua does not record
    its data yet (spec 01b §4)."""

    FULL = "full", _("Full points")
    ZERO = "zero", _("Zero points")
    NOT_SCORED = "not_scored", _("Not scored (counts 0 in the total)")


class Band(models.TextChoices):
    """Rating bands (xếp loại; spec 01 §5, 01b §5)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    WEAK = "weak", _("Weak")
