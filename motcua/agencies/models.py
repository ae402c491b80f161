"""The organisation: agencies as an effective-dated tree, and how they succeed each other."""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.agencies.choices import AgencyKind, AgencyLevel, SuccessionKind
from motcua.core.periods import covering, covers

#: QCVN 102:2016/BTTTT electronic identifier of an agency, ``V1V2V3.Z1Z2.Y1Y2.MX1X2``, for
#: example ``000.00.00.H15`` (UBND tỉnh Đắk Lắk). It is the prefix of every dossier code the
#: agency issues (TT 01/2018/TT-VPCP Điều 19; domain spec 02 §4).
IDENTIFIER_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
identifier_validator = RegexValidator(
    IDENTIFIER_PATTERN,
    _("An electronic identifier looks like 000.00.00.H15 (QCVN 102:2016)."),
    code="invalid_identifier",
)


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active_on(self, day: dt.date) -> AgencyQuerySet:
        """Agencies that existed on ``day`` (their validity period contains it)."""
        return self.filter(covering(day, start="valid_from", end="valid_to"))

    def one_stop_centres(self) -> AgencyQuerySet:
        return self.filter(kind=AgencyKind.SERVICE_CENTRE)


class Agency(models.Model):
    """A state body that receives, handles or decides administrative procedures.

    Cơ quan, đơn vị: a ministry, the province (UBND tỉnh), a provincial department (sở) or
    centre (Trung tâm Phục vụ hành chính công), a commune or ward (UBND xã, phường), a local
    branch of a central agency. Agencies form a tree by ``parent`` and are never deleted: when
    the 2025 reorganisation dissolves or merges one, its ``valid_to`` is set and an
    ``AgencySuccession`` names its successor, so that old dossiers stay attributed to the body
    that handled them (domain spec 07 §3).
    """

    identifier = models.CharField(
        _("electronic identifier"),
        max_length=13,
        unique=True,
        validators=[identifier_validator],
        help_text=_(
            "QCVN 102:2016 identifier, prefix of the dossier codes (e.g. 000.00.00.H15)."
        ),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=AgencyLevel.choices)
    kind = models.CharField(
        _("kind"), max_length=30, choices=AgencyKind.choices, default=AgencyKind.OTHER
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    admin_unit_code = models.CharField(
        _("administrative unit code"),
        max_length=5,
        blank=True,
        help_text=_(
            "Mã ĐVHC under QĐ 19/2025/QĐ-TTg: 2 digits for a province, 5 for a commune."
        ),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_(
            "Địa danh printed before the date of the agency's documents (NĐ 30/2020/NĐ-CP "
            "Phụ lục I): the own name of the administrative unit where it has its seat, "
            "e.g. Buôn Ma Thuột. Left empty, the parent agency's is used."
        ),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    successors = models.ManyToManyField(
        "self",
        through="AgencySuccession",
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("successors"),
        blank=True,
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["identifier"]
        indexes = [
            models.Index(fields=["level", "valid_from"], name="agency_level_valid_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="agency_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def province_letter_code(self) -> str:
        """The ``MX1X2`` part of the identifier: the province or ministry code (H15, G15...)."""
        return self.identifier.rsplit(".", 1)[-1]

    def is_active_on(self, day: dt.date) -> bool:
        return covers(self.valid_from, self.valid_to, day)

    @property
    def place(self) -> str:
        """The place name printed on the agency's documents: its own, else the nearest
        ancestor's (a department sits where its province does), else empty."""
        node: Agency | None = self
        while node is not None:
            if node.place_name:
                return node.place_name
            node = node.parent
        return ""

    def ancestors(self) -> list[Agency]:
        """From the root down to the parent. The tree is shallow (province → department →
        unit), so walking ``parent`` is a handful of queries at most."""
        chain: list[Agency] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def current_successor(self, on: dt.date) -> Agency:
        """The agency that carries this one's duties on ``on``: itself while it exists,
        otherwise the successor reached by following mergers (the first one when split)."""
        node: Agency = self
        seen: set[int] = set()
        while not node.is_active_on(on) and node.pk not in seen:
            seen.add(node.pk)
            nxt = (
                AgencySuccession.objects.filter(predecessor=node, effective_on__lte=on)
                .select_related("successor")
                .order_by("effective_on", "pk")
                .first()
            )
            if nxt is None:
                break
            node = nxt.successor
        return node


class AgencySuccession(models.Model):
    """One edge of the reorganisation graph: ``predecessor`` ceased and ``successor`` took
    over from ``effective_on`` (NQ 202/2025/QH15 and the commune resolutions; spec 07)."""

    predecessor = models.ForeignKey(
        Agency,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="succession_out",
    )
    successor = models.ForeignKey(
        Agency,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="succession_in",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SuccessionKind.choices)
    effective_on = models.DateField(_("effective on"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("agency succession")
        verbose_name_plural = _("agency successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="agency_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="agency_succession_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.identifier} → {self.successor.identifier} ({self.effective_on:%d/%m/%Y})"
