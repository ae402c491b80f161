"""Choice lists of fees and payments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    """How a fee line of a dossier was settled (spec 08 §3 ``DuocThanhToanTrucTuyen``;
    766 indicators 3.4 and 3.6, spec 01b §2)."""

    UNPAID = "unpaid", _("Not paid yet")
    ONLINE_NATIONAL = "online_national", _("Online, national payment platform")
    ONLINE_PROVINCIAL = "online_provincial", _("Online, provincial payment gateway")
    COUNTER = "counter", _("At the counter")
    EXEMPT = "exempt", _("Exempt")

    @classmethod
    def online(cls) -> frozenset[str]:
        """The methods 766 counts as paid online (flag 1 or 2 of ``DuocThanhToanTrucTuyen``)."""
        return frozenset({cls.ONLINE_NATIONAL, cls.ONLINE_PROVINCIAL})


class FeeKind(models.TextChoices):
    """``LoaiPhiLePhi``: a fee (phí) or a charge (lệ phí)."""

    FEE = "fee", _("Fee")
    CHARGE = "charge", _("Charge")
