"""Choice lists of evaluations and petitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationChannel(models.TextChoices):
    """Where an evaluation was given (spec 05 §3–§4)."""

    COUNTER_FORM = "counter_form", _("Paper form at the counter")
    PROVINCIAL_PORTAL = "provincial_portal", _("Provincial public service portal")
    NATIONAL_PORTAL = "national_portal", _("National public service portal")
    IMPORT = "import", _("Imported from a previous system")


class Verdict(models.TextChoices):
    """The like or dislike of the national portal (spec 05 §4), which 766 5.4 reads."""

    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


class PetitionCategory(models.TextChoices):
    """How a petition (phản ánh, kiến nghị) is classified (766 5.1, spec 01b §7)."""

    PROCEDURE = "procedure", _("Regulation, policy or procedure")
    STAFF = "staff", _("Conduct of officials")
    OTHER = "other", _("Other")
