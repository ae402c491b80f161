"""People: accounts of officers, citizens and businesses, and officers' roles in agencies."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from motcua.accounts.choices import AccountKind, Role
from motcua.core.periods import covering, covers


# django-stubs cannot follow knox's related name to ApiToken (auth_token_set)
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A person who signs in: an officer, a citizen, or someone acting for a business.

    Citizens are identified by their personal identification number (số định danh cá nhân,
    12 digits, Luật Căn cước 2023); businesses by their tax code (mã số doanh nghiệp).
    What an officer may do is not on the account but in their ``RoleAssignment`` rows.
    """

    kind = models.CharField(
        _("account kind"),
        max_length=20,
        choices=AccountKind.choices,
        default=AccountKind.CITIZEN,
    )
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    personal_id = models.CharField(
        _("personal identification number"),
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{12}$", _("A personal identification number has 12 digits.")
            )
        ],
    )
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{10}(-\d{3})?$",
                _("A tax code has 10 digits, or 10-3 for a branch."),
            )
        ],
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~Q(personal_id=""),
                name="user_personal_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active_on(self, day: dt.date) -> RoleAssignmentQuerySet:
        """The assignments held on ``day`` (``core.periods``)."""
        return self.filter(covering(day, start="valid_from", end="valid_to"))


class RoleAssignment(models.Model):
    """An officer holds ``role`` in ``agency`` from ``valid_from`` to ``valid_to``.

    Roles are scoped to one agency: a specialist of Sở Tư pháp is not a specialist of Sở Xây
    dựng. Assignments end rather than disappear, so the history of who could act stays true.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role", "valid_from"],
                name="role_assignment_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="role_agency_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency.identifier}"

    @staticmethod
    def period_holds_on(
        valid_from: dt.date, valid_to: dt.date | None, day: dt.date
    ) -> bool:
        """Whether a role given from ``valid_from`` to ``valid_to`` is held on ``day``
        (``core.periods``, which ``RoleAssignmentQuerySet.active_on`` renders as SQL)."""
        return covers(valid_from, valid_to, day)

    def holds_on(self, day: dt.date) -> bool:
        return self.period_holds_on(self.valid_from, self.valid_to, day)


class ApiToken(AbstractAuthToken):
    """An API token (khóa truy cập API) of a machine client acting as ``user``: sent as
    ``Authorization: Token <key>``, so that programs need not send a password (HTTP Basic)
    with every request.

    Only a SHA-512 digest of the key is stored (django-rest-knox); the key is shown once,
    when the token is made (``motcua tokens create`` or the admin). ``token_key``, the key's
    first 15 characters, names it in lists. A token past ``expiry`` is refused; a revoked
    token is deleted. docs/decisions/0008.
    """

    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("What the token is for, e.g. the program that uses it."),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.token_key}… · {self.user}" + (
            f" · {self.name}" if self.name else ""
        )
