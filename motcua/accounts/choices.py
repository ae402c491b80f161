"""Roles and account kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    """Who holds an account."""

    OFFICER = "officer", _("Officer")
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business or organisation")


class Role(models.TextChoices):
    """What an officer may do, always within one agency (NĐ 61/2018 Điều 8–12; NĐ 118/2025).

    Each maps to a desk in the one-stop mechanism: the counter receives and returns, the
    specialist appraises, the leader approves and signs, the certifier issues certified copies
    (NĐ 23/2015), the agency administrator keeps the agency's catalogue and accounts, and the
    provincial supervisor (Văn phòng UBND tỉnh) watches every agency.
    """

    COUNTER_OFFICER = "counter_officer", _("Counter officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader (approver)")
    CERTIFIER = "certifier", _("Certifier")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    PROVINCIAL_SUPERVISOR = "provincial_supervisor", _("Provincial supervisor")
