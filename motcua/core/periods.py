"""The one rule of a dated period: from its first day to its last, both included, or without
end while ``end`` is empty. Agencies, roles, procedure versions, one-stop rules and the 766
definitions all hold "on a day" by it, in Python (``covers``) and in SQL (``covering``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def covers(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Whether the period from ``start`` to ``end`` (open-ended when ``None``) holds ``day``."""
    return start <= day and (end is None or day <= end)


def covering(day: dt.date, *, start: str, end: str) -> Q:
    """``covers`` as a filter on the fields named ``start`` and ``end``."""
    return Q(**{f"{start}__lte": day}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )
