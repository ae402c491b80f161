"""Settings of the working-day clock that a province chooses.

Both rules are UNCONFIRMED in law (domain spec 06 §1 and §3 rule 5), so they are
configuration, read from Django settings with the defaults below:

``WORKDAYS_APPOINTMENT_TIME``
    ``"reception_time"`` (default): a time limit in working days is due at the same time of
    day as the reception; ``"end_of_session"``: at the end of the session in which the
    dossier was received.
``WORKDAYS_UNCOUNTED_HOLIDAYS``
    Names of holidays of the ``holidays`` package that are not counted as days off until
    their enactment is confirmed. Default: Ngày Văn hóa Việt Nam (24/11, Nghị quyết
    80-NQ/TW, waiting for the amendment of BLLĐ 2019 Điều 112). Set it to an empty list once
    the law is in force; or switch on a single date with a day-off ``CalendarOverride``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.workdays.clock import UNCONFIRMED_PACKAGE_HOLIDAYS, AppointmentTime


def appointment_time() -> AppointmentTime:
    raw = getattr(
        settings, "WORKDAYS_APPOINTMENT_TIME", AppointmentTime.RECEPTION_TIME.value
    )
    try:
        return AppointmentTime(raw)
    except ValueError:
        choices = ", ".join(policy.value for policy in AppointmentTime)
        raise ImproperlyConfigured(
            f"WORKDAYS_APPOINTMENT_TIME={raw!r}: expected one of {choices}"
        ) from None


def uncounted_holidays() -> frozenset[str]:
    raw: Iterable[str] = getattr(
        settings, "WORKDAYS_UNCOUNTED_HOLIDAYS", UNCONFIRMED_PACKAGE_HOLIDAYS
    )
    if isinstance(raw, str):
        raise ImproperlyConfigured(
            "WORKDAYS_UNCOUNTED_HOLIDAYS must be a list of holiday names, not a string"
        )
    return frozenset(raw)
