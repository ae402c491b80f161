"""The index's definitions in force on a day, and the check that they add up.

Spec 01 §1 and 01b §1–3: the six portal groups carry 18 / 20 / 12 / 10 / 22 / 18 points,
100 in all; each group's indicators share its points. A set of dated rows can break that
(one weight changed without the one that compensates it), so the check runs over the rows
in force on a day, before any period is scored with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.indices.choices import PortalGroup
from motcua.indices.formulas import Definition
from motcua.indices.models import (
    GroupDefinition,
    IndicatorDefinition,
    PortalFigures,
    PortalIndicatorFigure,
    RatingBand,
)
from motcua.indices.portal import PortalFile, PortalFileError

#: the index's total (QĐ 766: a 100-point score; 01b: province maxima sum to 100)
TOTAL_POINTS = Decimal(100)


def points_text(points: Decimal) -> str:
    """Points as a person writes them: 20, 2.5 (never 2E+1 nor 20.00)."""
    return f"{points.normalize():f}"


class DefinitionError(Exception):
    """The definitions in force on a day do not add up as declared."""

    def __init__(self, message: str, *, group: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.group = group


@dataclass(frozen=True)
class Definitions:
    """Everything that scores a period: indicators by id, group totals, bands."""

    on: dt.date
    indicators: dict[str, Definition]
    groups: dict[int, Decimal]
    #: (band, lower bound), highest first
    bands: list[tuple[str, Decimal]]
    provisional_bands: bool


def _group_label(group: int) -> str:
    return f"{group}. {PortalGroup(group).label}"


def definitions_in_force(*, on: dt.date) -> Definitions:
    """The rows in force on ``on``, checked (:func:`check_definitions`). Three queries."""
    indicators: dict[str, Definition] = {}
    for row in IndicatorDefinition.objects.in_force_on(on).order_by(
        "indicator", "effective_from"
    ):
        if row.indicator in indicators:
            raise DefinitionError(
                _("Indicator %(indicator)s has two definitions in force on %(day)s.")
                % {"indicator": row.indicator, "day": f"{on:%d/%m/%Y}"},
                group=row.group,
            )
        indicators[row.indicator] = Definition(
            indicator=row.indicator,
            group=row.group,
            max_points=row.max_points,
            target=row.target,
            zero_policy=row.zero_policy,
            formula_version=row.formula_version,
        )
    groups: dict[int, Decimal] = {}
    for group in GroupDefinition.objects.in_force_on(on).order_by(
        "group", "effective_from"
    ):
        if group.group in groups:
            raise DefinitionError(
                _("Group %(group)s has two totals in force on %(day)s.")
                % {"group": _group_label(group.group), "day": f"{on:%d/%m/%Y}"},
                group=group.group,
            )
        groups[group.group] = group.max_points
    band_rows = list(RatingBand.objects.in_force_on(on).order_by("-lower_bound"))
    definitions = Definitions(
        on=on,
        indicators=indicators,
        groups=groups,
        bands=[(row.band, row.lower_bound) for row in band_rows],
        provisional_bands=any(row.provisional for row in band_rows),
    )
    _check(definitions)
    return definitions


def _check(definitions: Definitions) -> None:
    day = f"{definitions.on:%d/%m/%Y}"
    sums: dict[int, Decimal] = {}
    for definition in definitions.indicators.values():
        sums[definition.group] = (
            sums.get(definition.group, Decimal(0)) + definition.max_points
        )
    for group in PortalGroup:
        declared = definitions.groups.get(group.value)
        summed = sums.get(group.value, Decimal(0))
        if declared is None:
            raise DefinitionError(
                _("Group %(group)s has no total in force on %(day)s.")
                % {"group": _group_label(group.value), "day": day},
                group=group.value,
            )
        if summed != declared:
            raise DefinitionError(
                _(
                    "Group %(group)s: its indicators carry %(summed)s points on %(day)s, "
                    "but the group declares %(declared)s."
                )
                % {
                    "group": _group_label(group.value),
                    "summed": points_text(summed),
                    "declared": points_text(declared),
                    "day": day,
                },
                group=group.value,
            )
    total = sum(definitions.groups.values(), Decimal(0))
    if total != TOTAL_POINTS:
        raise DefinitionError(
            _(
                "The groups carry %(total)s points on %(day)s; the index has %(expected)s."
            )
            % {
                "total": points_text(total),
                "day": day,
                "expected": points_text(TOTAL_POINTS),
            }
        )


def check_definitions(*, on: dt.date) -> None:
    """Refuse, with :class:`DefinitionError` naming the group, definitions in force on
    ``on`` whose indicator points do not add up to their group's declared total, or whose
    groups do not add up to 100."""
    definitions_in_force(on=on)


# ------------------------------------------------------------------ the national portal

#: the bounds of a figure the portal publishes: a percentage and points are 0..100
_PERCENT = (Decimal(0), Decimal(100))
_PLACES = Decimal("0.0001")


def _bounded(value: Decimal | None, path: str) -> Decimal | None:
    if value is None:
        return None
    if not _PERCENT[0] <= value <= _PERCENT[1]:
        raise PortalFileError(path, _("must be from 0 to 100"))
    return value.quantize(_PLACES)


def import_portal_figures(
    *,
    unit: Agency,
    start: dt.date,
    end: dt.date,
    figures: PortalFile,
    raw: Any,
    source: str = "",
    actor: User | None = None,
) -> PortalFigures:
    """Keep what the national portal published for ``unit`` from ``start`` to ``end``
    (issue 9 §7), replacing what an earlier import of the same unit and period kept; one
    transaction. A percentage or points outside 0..100 is a ``PortalFileError`` naming
    the figure, and nothing is changed."""
    if end < start:
        raise ValueError("the period ends before it starts")
    rows = [
        PortalIndicatorFigure(
            indicator=indicator,
            numerator=figure.numerator,
            denominator=figure.denominator,
            ratio=_bounded(figure.ratio, f"{indicator}.ratio"),
            points=_bounded(figure.points, f"{indicator}.points"),
        )
        for indicator, figure in sorted(figures.indicators.items())
    ]
    groups = {
        str(group): str(_bounded(points, f"groups.{group}"))
        for group, points in sorted(figures.groups.items())
    }
    total = _bounded(figures.total, "total")
    with transaction.atomic():
        kept, _created = PortalFigures.objects.update_or_create(
            unit=unit,
            start=start,
            end=end,
            defaults={
                "groups": groups,
                "total": None if total is None else total.quantize(Decimal("0.01")),
                "source": source[:255],
                "raw": raw,
                "imported_by": actor,
            },
        )
        PortalIndicatorFigure.objects.filter(figures=kept).delete()
        for row in rows:
            row.figures = kept
        PortalIndicatorFigure.objects.bulk_create(rows)
    return kept
