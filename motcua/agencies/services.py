"""Writes to the organisation: the reorganisation of agencies.

The 2025 reorganisation (NQ 202/2025/QH15 for provinces, one UBTVQH resolution per province
for communes, Luật 72/2025/QH15 abolishing districts; domain spec 07) merges and dissolves
agencies. Nothing is deleted: a predecessor's validity ends the day before the change, an
``AgencySuccession`` records where its duties went, and its officers' roles end with it, so
every dossier it handled stays attributed to it and can be followed to its successor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.accounts.models import RoleAssignment
from motcua.agencies.choices import SuccessionKind
from motcua.agencies.models import Agency, AgencySuccession


def _end_agency(agency: Agency, *, last_day: dt.date) -> None:
    if not agency.is_active_on(last_day):
        raise ValidationError(
            _("%(agency)s is not active on %(day)s and cannot be ended then.")
            % {"agency": agency, "day": f"{last_day:%d/%m/%Y}"},
            code="agency_not_active",
        )
    agency.valid_to = last_day
    agency.save(update_fields=["valid_to"])
    # Roles end with the agency; those starting after it ended are withdrawn.
    RoleAssignment.objects.filter(agency=agency, valid_from__gt=last_day).delete()
    RoleAssignment.objects.filter(agency=agency).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)
    ).update(valid_to=last_day)


@transaction.atomic
def merge_agencies(
    *,
    predecessors: Sequence[Agency],
    successor: Agency,
    effective_on: dt.date,
    legal_basis: str,
    kind: SuccessionKind = SuccessionKind.MERGER,
    actor: object | None = None,
) -> Agency:
    """Merge ``predecessors`` into ``successor`` from ``effective_on``.

    Each predecessor ends on the previous day; ``successor`` must exist on ``effective_on``.
    Used for the provincial merger (UBND tỉnh Phú Yên → UBND tỉnh Đắk Lắk on 1/7/2025) and
    for commune mergers alike.
    """
    if not predecessors:
        raise ValidationError(
            _("Name at least one agency to merge."), code="no_predecessor"
        )
    if not successor.is_active_on(effective_on):
        raise ValidationError(
            _("The successor %(agency)s does not exist on %(day)s.")
            % {"agency": successor, "day": f"{effective_on:%d/%m/%Y}"},
            code="successor_not_active",
        )
    last_day = effective_on - dt.timedelta(days=1)
    for predecessor in predecessors:
        if predecessor.pk == successor.pk:
            raise ValidationError(
                _("An agency cannot be merged into itself."), code="merge_into_self"
            )
        _end_agency(predecessor, last_day=last_day)
        AgencySuccession.objects.create(
            predecessor=predecessor,
            successor=successor,
            kind=kind,
            effective_on=effective_on,
            legal_basis=legal_basis,
        )
    return successor


@transaction.atomic
def dissolve_agency(
    *,
    agency: Agency,
    effective_on: dt.date,
    legal_basis: str,
    actor: object | None = None,
) -> Agency:
    """Dissolve ``agency`` from ``effective_on`` without a successor (its history stays)."""
    _end_agency(agency, last_day=effective_on - dt.timedelta(days=1))
    agency.legal_basis = legal_basis or agency.legal_basis
    agency.save(update_fields=["legal_basis"])
    return agency
