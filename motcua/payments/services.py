"""Writing the fee lines of a dossier (``DanhSachLePhi[]`` of spec 08 §3) and how each was
settled, which 766 indicators 3.4–3.6 read (spec 01 §3 group 3b, spec 01b §2).

Intake records the lines in its own transaction (``dossiers.services.intake``): the lines
the caller gives, or, when it gives none, the catalogue's (``default_fees``); the national
interchange import writes the file's (``dossiers.interchange``). Online payment through a
gateway comes later; until then the way a line was paid is what the caller says.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.dossiers.choices import Channel
from motcua.dossiers.errors import ErrorCode, InvalidInput
from motcua.dossiers.limits import check_text
from motcua.dossiers.models import Dossier
from motcua.payments.choices import FeeKind, PaymentMethod
from motcua.payments.models import DossierFee
from motcua.procedures.choices import FeeChannel
from motcua.procedures.models import FeeLine

#: the longest a fee's name may be: the column of ``DossierFee.name`` and of the
#: catalogue's ``FeeLine.description`` it repeats
FEE_NAME_MAX_LENGTH = 500
#: ``MaPhiLePhi``: the column of ``DossierFee.code``
FEE_CODE_MAX_LENGTH = 50
#: the most fee lines one dossier may carry; the catalogue's procedures list at most a
#: handful (a fee and a charge, per copy or per set)
MAX_FEES = 20
#: an amount in VND: the largest integer every JSON client reads exactly (2^53 - 1)
MAX_AMOUNT = 2**53 - 1

#: the methods by which a line is settled, and so has the moment it was paid
#: (``dossier_fee_paid_has_moment``)
PAID_METHODS = frozenset(
    {
        PaymentMethod.ONLINE_NATIONAL,
        PaymentMethod.ONLINE_PROVINCIAL,
        PaymentMethod.COUNTER,
    }
)

#: which catalogue fee lines apply to a dossier received on a channel
_FEE_CHANNEL_OF: dict[int, str] = {
    Channel.DIRECT: FeeChannel.DIRECT,
    Channel.ONLINE: FeeChannel.ONLINE,
    Channel.POSTAL: FeeChannel.POSTAL,
}


@dataclass(frozen=True)
class Fee:
    """One fee line of a dossier, as intake or an import gives it: ``TenPhiLePhi``
    (``name``), ``MaPhiLePhi`` (``code``), ``LoaiPhiLePhi`` (``kind``), ``Gia``
    (``amount``, VND), and how it was paid (``payment``, with ``paid_at`` for a line paid
    online or at the counter). ``fee_line`` is the catalogue line it comes from, if any."""

    name: str
    amount: int
    code: str = ""
    kind: str = FeeKind.CHARGE
    payment: str = PaymentMethod.UNPAID
    paid_at: dt.datetime | None = None
    fee_line: FeeLine | None = None


def default_fees(lines: Iterable[FeeLine], channel: int) -> list[Fee]:
    """The fee lines a dossier owes when its intake names none: of its version's
    catalogue ``lines``, those that have an amount and apply to the dossier's channel
    (``FeeLine.channel`` all, or that channel), in the catalogue's order, unpaid. A line
    whose amount is set elsewhere ("theo quy định của HĐND tỉnh", no amount) is left out:
    motcua cannot know what was owed (docs/decisions/0015). The one rule intake
    (``version.fees.all()``, as prefetched if it was) and the national import (the
    lines it read once per import) apply."""
    wanted = {FeeChannel.ALL, _FEE_CHANNEL_OF.get(channel, FeeChannel.ALL)}
    return [
        Fee(name=line.description, amount=line.amount, fee_line=line)
        for line in sorted(lines, key=lambda line: line.position)
        if line.amount is not None and line.channel in wanted
    ]


def check_fees(fees: Sequence[Fee], *, at: dt.datetime) -> None:
    """The bounds of the lines (``MAX_FEES``, name and code lengths, amount from 0 to
    ``MAX_AMOUNT``) and how each was paid: a line paid online or at the counter has the
    moment it was paid, not later than ``at``; a line not paid or exempt has none. Each
    refusal is ``InvalidInput`` naming ``fees[i].<field>``."""
    if len(fees) > MAX_FEES:
        raise InvalidInput(
            ErrorCode.TOO_MANY_ITEMS,
            _("%(field)s lists %(count)s items; at most %(limit)s are accepted.")
            % {"field": "fees", "count": len(fees), "limit": MAX_FEES},
            details={"field": "fees", "count": len(fees), "max_items": MAX_FEES},
        )
    for index, fee in enumerate(fees):
        where = f"fees[{index}]"
        check_text(fee.name, field=f"{where}.name", max_length=FEE_NAME_MAX_LENGTH)
        check_text(fee.code, field=f"{where}.code", max_length=FEE_CODE_MAX_LENGTH)
        if not fee.name.strip():
            raise InvalidInput(
                ErrorCode.MISSING_REQUIRED,
                _("Name the fee."),
                details={"field": f"{where}.name"},
            )
        if fee.kind not in FeeKind.values:
            raise InvalidInput(
                ErrorCode.INVALID,
                _("Unknown kind of fee %(kind)s.") % {"kind": fee.kind},
                details={"field": f"{where}.kind"},
            )
        if fee.payment not in PaymentMethod.values:
            raise InvalidInput(
                ErrorCode.INVALID,
                _("Unknown payment method %(method)s.") % {"method": fee.payment},
                details={"field": f"{where}.payment"},
            )
        if not 0 <= fee.amount <= MAX_AMOUNT:
            raise InvalidInput(
                ErrorCode.INVALID,
                _("An amount is from 0 to %(max)s VND.") % {"max": MAX_AMOUNT},
                details={"field": f"{where}.amount"},
            )
        _check_payment(fee, where, at)


class PaidMoment(enum.Enum):
    """What is wrong with the moment of payment of a line (``paid_moment_problem``)."""

    #: paid online or at the counter, without the moment it was paid
    MISSING = "missing"
    #: not paid, or exempt, yet with a moment of payment
    NOT_PAID = "not_paid"
    #: paid after the moment the dossier was recorded
    LATER = "later"


def paid_moment_problem(
    payment: str, paid_at: dt.datetime | None, *, at: dt.datetime | None = None
) -> PaidMoment | None:
    """The rule of a line's moment of payment (the ``dossier_fee_paid_has_moment``
    constraint, ``PAID_METHODS``): a line paid online or at the counter has the moment it
    was paid, not later than ``at`` if given; a line not paid or exempt has none. The one
    test intake (``check_fees``, which refuses) and the national import (which puts the
    submission moment in for a missing one and reports the rest) apply. ``None``: right."""
    if payment in PAID_METHODS:
        if paid_at is None:
            return PaidMoment.MISSING
        if at is not None and paid_at > at:
            return PaidMoment.LATER
        return None
    return PaidMoment.NOT_PAID if paid_at is not None else None


def _check_payment(fee: Fee, where: str, at: dt.datetime) -> None:
    problem = paid_moment_problem(fee.payment, fee.paid_at, at=at)
    if problem is None:
        return
    messages = {
        PaidMoment.MISSING: _(
            "A fee paid online or at the counter needs the moment it was paid."
        ),
        PaidMoment.LATER: _(
            "A fee cannot have been paid after the dossier was recorded."
        ),
        PaidMoment.NOT_PAID: _("A fee not paid, or exempt, has no moment of payment."),
    }
    raise InvalidInput(
        ErrorCode.PAYMENT_MOMENT_REQUIRED,
        messages[problem],
        details={"field": f"{where}.paid_at"},
    )


def fee_rows(dossier: Dossier, fees: Sequence[Fee]) -> list[DossierFee]:
    """The rows of ``fees`` for a dossier (saved or about to be), numbered from 1 in the
    order given."""
    return [
        DossierFee(
            dossier=dossier,
            fee_line=fee.fee_line,
            position=position,
            name=fee.name,
            code=fee.code,
            kind=fee.kind,
            amount=fee.amount,
            payment=fee.payment,
            paid_at=fee.paid_at,
        )
        for position, fee in enumerate(fees, start=1)
    ]


def record_fees(*, dossier: Dossier, fees: Sequence[Fee], at: dt.datetime) -> None:
    """Write the fee lines of a dossier being recorded, in the caller's transaction
    (intake's). Checked first (``check_fees``); no statement when there is none."""
    check_fees(fees, at=at)
    if fees:
        DossierFee.objects.bulk_create(fee_rows(dossier, fees))
