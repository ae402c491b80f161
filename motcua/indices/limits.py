"""How many dossiers one request may have judged one by one.

Whole units over a calendar month, quarter or year read the figures kept up to date
(``indices.live``): a few queries whatever the history. Everything else judges dossiers
one at a time from their events (on the benchmark's machine about 200 µs a dossier to
list it with its reason, 85 µs to recompute its contributions; docs/benchmarks.md,
"Bounds"): a drill-down listing the items behind a figure
(``explain.explain``, ``explain.opportunities``), and a recomputation of a custom range
or of a cut by procedure, field or officer (``selectors.compute_indexes``). A province's
years hold millions of dossiers, so each is bounded by a setting, counted before any
dossier is judged (a count of at most limit + 1 rows), and a wider cut is refused with
what would narrow it: 422 in the API and on the pages, exit 2 from the command.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.core.errors import ErrorCode


class TooManyItems(Exception):
    """More dossiers (or petitions) than one request may judge; nothing was judged."""

    code: ErrorCode

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    @property
    def grouped_limit(self) -> str:
        return number_format(self.limit, force_grouping=True)

    @property
    def message(self) -> str:
        raise NotImplementedError


class TooManyToExplain(TooManyItems):
    """A drill-down over more than ``settings.INDEX_EXPLAIN_LIMIT``."""

    code = ErrorCode.TOO_MANY_TO_EXPLAIN

    @property
    def message(self) -> str:
        return _(
            "More than %(limit)s dossiers or petitions would have to be examined to "
            "list the items behind this figure: choose a unit below, a shorter period, "
            "a procedure, a field or an officer."
        ) % {"limit": self.grouped_limit}


class TooManyToRecompute(TooManyItems):
    """A recomputation over more than ``settings.INDEX_RECOMPUTE_LIMIT``."""

    code = ErrorCode.TOO_MANY_TO_RECOMPUTE

    @property
    def message(self) -> str:
        return _(
            "More than %(limit)s dossiers would have to be recomputed for this period "
            "and cut: choose a calendar month, quarter or year of a whole unit (kept up "
            "to date as dossiers change), a unit below or a shorter range."
        ) % {"limit": self.grouped_limit}


def ensure_at_most(
    candidates: QuerySet[Any], limit: int, refused: type[TooManyItems]
) -> None:
    """Raise ``refused`` when ``candidates`` hold more rows than ``limit``."""
    if candidates.order_by()[: limit + 1].count() > limit:
        raise refused(limit)


def explain_limit() -> int:
    """The most dossiers or petitions one drill-down judges."""
    return int(settings.INDEX_EXPLAIN_LIMIT)


def recompute_limit() -> int:
    """The most dossiers one recomputation judges."""
    return int(settings.INDEX_RECOMPUTE_LIMIT)
