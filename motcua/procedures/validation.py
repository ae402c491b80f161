"""Rules a procedure version must satisfy before it can be used or published."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.procedures.choices import TimeUnit
from motcua.procedures.models import ProcedureVersion


def check_process_budget(
    *,
    procedure_code: str,
    version_number: int | None,
    handling_time: Decimal,
    unit: str,
    budgets: Iterable[Decimal],
) -> None:
    """Refuse a process whose step budgets do not add up to the legal handling time.

    The internal process (quy trình nội bộ) divides the legal time between its steps; the
    control slip (Mẫu 05) judges each step against its budget, so a process that promises
    more or less time than the law gives is wrong (spec 02 §7). A version without steps is
    accepted: its process is not defined yet.
    """
    budgets = list(budgets)
    if not budgets:
        return
    total = sum(budgets, Decimal(0))
    if total == handling_time:
        return
    difference = total - handling_time
    unit_label = TimeUnit(unit).label
    raise ValidationError(
        _(
            "Procedure %(code)s%(version)s: the process steps add up to %(total)s %(unit)s but the "
            "handling time is %(time)s %(unit)s (difference %(diff)s)."
        )
        % {
            "code": procedure_code,
            "version": f" v{version_number}" if version_number else "",
            "total": number_format(total.normalize()),
            "time": number_format(handling_time.normalize()),
            "unit": unit_label,
            "diff": ("+" if difference > 0 else "")
            + number_format(difference.normalize()),
        },
        code="process_budget_mismatch",
    )


#: The seven components a published procedure must show (khoản 2 Điều 8 NĐ 63/2010/NĐ-CP,
#: points a–g; QĐ 766 indicator 1.3, spec 01).
PUBLICATION_COMPONENTS = (
    "name",
    "sequence_of_steps",
    "methods",
    "components",
    "handling_time",
    "subjects",
    "agency",
)

#: How the admin names each component when it is missing.
PUBLICATION_COMPONENT_LABELS = {
    "name": gettext_lazy("name"),
    "sequence_of_steps": gettext_lazy("sequence of steps"),
    "methods": gettext_lazy("methods of performance"),
    "components": gettext_lazy("dossier components"),
    "handling_time": gettext_lazy("handling time"),
    "subjects": gettext_lazy("subjects"),
    "agency": gettext_lazy("implementing agency"),
}


def publication_gaps(version: ProcedureVersion) -> list[str]:
    """Which of the seven publication components ``version`` lacks; empty when complete.

    Reads ``components`` and ``agencies`` through the related managers, so prefetch them when
    checking many versions.
    """
    present = {
        "name": bool(version.name.strip()),
        "sequence_of_steps": bool(version.sequence_of_steps.strip()),
        "methods": bool(version.methods.strip()),
        "components": len(version.components.all()) > 0,
        "handling_time": version.handling_time is not None
        and bool(version.handling_time_unit),
        "subjects": bool(version.subjects.strip()),
        "agency": bool(version.decision_authority.strip())
        or len(version.agencies.all()) > 0,
    }
    return [name for name in PUBLICATION_COMPONENTS if not present[name]]
