"""The fee lines of a dossier and how each was paid."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.payments.choices import FeeKind, PaymentMethod


class DossierFee(models.Model):
    """A fee or charge owed on a dossier (``DanhSachLePhi[]`` of spec 08 §3), in VND, with how
    it was settled.

    A dossier whose every line has amount 0 (or that has no line) leaves the denominator of
    766 indicator 3.6 (spec 01 §3, group 3b). Online payment through a gateway comes later;
    today lines are written by intake, the API and the import, so that a history brought in
    from a previous system scores from day one.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="fees"
    )
    fee_line = models.ForeignKey(
        "procedures.FeeLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("catalogue fee line"),
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=500)
    code = models.CharField(_("fee code"), max_length=50, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=FeeKind.choices, default=FeeKind.CHARGE
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    payment = models.CharField(
        _("payment"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.UNPAID,
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier fee")
        verbose_name_plural = _("dossier fees")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "position"], name="dossier_fee_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(payment__in=["unpaid", "exempt"])
                | models.Q(paid_at__isnull=False),
                name="dossier_fee_paid_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} VND"
