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

#: The handling time of a same-day procedure: its one day ("trong ngày"), whose end is the
#: appointment (docs/decisions/0006).
SAME_DAY_HANDLING_TIME = Decimal(1)


def check_handling_time(*, handling_time: Decimal, unit: str) -> None:
    """Refuse a same-day procedure whose handling time is not its one day.

    "Trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo" (NĐ 23/2015/NĐ-CP
    Điều 7; spec 06 §3 rule 4) is one day of its own kind: its appointment is the end of
    the reception day, or of the next working day after the cut-off, whatever the number;
    so the number is 1, and the steps share that day (``check_process_budget``).
    """
    if unit == TimeUnit.SAME_DAY and handling_time != SAME_DAY_HANDLING_TIME:
        raise ValidationError(
            _(
                "A same-day procedure takes its one day: its handling time is 1, not "
                "%(time)s."
            )
            % {"time": number_format(handling_time.normalize())},
            code="same_day_handling_time",
        )


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

    A same-day procedure's steps share its one working day: budgets such as 0.25 are
    fractions of the day, counted as that share of the day's office hours and never past
    the appointment (``deadlines.due_after``), and they add up to 1 (docs/decisions/0006).
    """
    budgets = list(budgets)
    if not budgets:
        return
    total = sum(budgets, Decimal(0))
    if total == handling_time:
        return
    difference = total - handling_time
    if unit == TimeUnit.SAME_DAY:
        raise ValidationError(
            _(
                "Procedure %(code)s%(version)s: the steps of a same-day procedure share its "
                "one day, so their budgets add up to 1; they add up to %(total)s "
                "(difference %(diff)s)."
            )
            % {
                "code": procedure_code,
                "version": f" v{version_number}" if version_number else "",
                "total": number_format(total.normalize()),
                "diff": ("+" if difference > 0 else "")
                + number_format(difference.normalize()),
            },
            code="process_budget_mismatch",
        )
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
