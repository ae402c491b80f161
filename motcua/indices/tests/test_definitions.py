"""The definitions as dated rows: the seeded defaults of spec 01/01b add up (18 / 20 / 12 /
10 / 22 / 18 = 100), a set that does not is refused naming its group, and a row's period
may not overlap another of the same indicator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from motcua.indices.choices import ZeroPolicy
from motcua.indices.models import GroupDefinition, IndicatorDefinition, RatingBand
from motcua.indices.services import (
    DefinitionError,
    check_definitions,
    definitions_in_force,
)

pytestmark = pytest.mark.django_db

JUNE_30 = dt.date(2026, 6, 30)
JULY_1 = dt.date(2026, 7, 1)


def test_the_seeded_defaults_add_up_to_the_portal_groups():
    definitions = definitions_in_force(on=dt.date(2026, 3, 1))
    assert definitions.groups == {
        1: Decimal(18),
        2: Decimal(20),
        3: Decimal(12),
        4: Decimal(10),
        5: Decimal(22),
        6: Decimal(18),
    }
    # 21 scored indicators and three shown without points (2.2, 5.1a, 5.1b; 01b §7)
    assert len(definitions.indicators) == 24
    assert sum(d.max_points == 0 for d in definitions.indicators.values()) == 3
    on_time = definitions.indicators["2.1"]
    assert (on_time.max_points, on_time.target) == (Decimal(20), Decimal(100))
    # 01b §1: 3.1 full at 80 %, 3.3 at 50 %; §3: only 4.3 at 80 %; 01 §3: 5.4 at 90 %
    targets = {key: d.target for key, d in definitions.indicators.items()}
    assert (
        targets["3.1"],
        targets["3.3"],
        targets["4.2"],
        targets["4.3"],
        targets["5.4"],
    ) == (
        Decimal(80),
        Decimal(50),
        Decimal(100),
        Decimal(80),
        Decimal(90),
    )
    # 01b §4
    policies = {key: d.zero_policy for key, d in definitions.indicators.items()}
    assert policies["5.2"] == policies["5.3"] == policies["4.x"] == ZeroPolicy.FULL
    assert policies["5.4"] == policies["3.6"] == ZeroPolicy.ZERO
    assert policies["1.1"] == policies["1.4"] == ZeroPolicy.NOT_SCORED
    assert [band for band, _bound in definitions.bands] == [
        "excellent",
        "good",
        "fair",
        "average",
        "weak",
    ]
    assert definitions.provisional_bands


def _change_from_july(indicator: str, points: int) -> None:
    old = IndicatorDefinition.objects.get(indicator=indicator)
    old.effective_to = JUNE_30
    old.save()
    IndicatorDefinition.objects.create(
        indicator=indicator,
        group=old.group,
        max_points=Decimal(points),
        target=old.target,
        zero_policy=old.zero_policy,
        formula_version="test-2026",
        effective_from=JULY_1,
    )


def test_a_weight_changed_alone_is_refused_naming_its_group():
    _change_from_july("3.1", 3)  # the group now carries 3 + 4 + 6 = 13, declares 12
    check_definitions(on=JUNE_30)
    with translation.override("en"), pytest.raises(DefinitionError) as refused:
        check_definitions(on=JULY_1)
    assert refused.value.group == 3
    assert "3. Online public services" in refused.value.message
    assert "13" in refused.value.message
    assert "12" in refused.value.message


def test_weights_moved_within_a_group_are_accepted():
    _change_from_july("3.1", 4)
    _change_from_july("3.3", 4)  # 4 + 4 + 4 = 12
    check_definitions(on=JULY_1)
    assert definitions_in_force(on=JULY_1).indicators["3.1"].max_points == Decimal(4)
    assert definitions_in_force(on=JUNE_30).indicators["3.1"].max_points == Decimal(2)


def test_groups_that_do_not_make_100_are_refused():
    for group, points in ((3, 13), (4, 9)):
        row = GroupDefinition.objects.get(group=group)
        row.effective_to = JUNE_30
        row.save()
        GroupDefinition.objects.create(
            group=group, max_points=points, effective_from=JULY_1
        )
    # group 3 now declares 13 but its indicators carry 12
    with pytest.raises(DefinitionError) as refused:
        check_definitions(on=JULY_1)
    assert refused.value.group == 3


def test_two_rows_of_one_indicator_in_force_together_are_refused():
    seeded = IndicatorDefinition.objects.get(indicator="2.1")
    overlapping = IndicatorDefinition(
        indicator="2.1",
        group=2,
        max_points=Decimal(20),
        target=Decimal(100),
        zero_policy=ZeroPolicy.NOT_SCORED,
        formula_version="test",
        effective_from=dt.date(2026, 1, 1),
    )
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="in force in part of this period"),
    ):
        overlapping.full_clean()
    seeded.effective_to = dt.date(2025, 12, 31)
    seeded.full_clean()
    seeded.save()
    overlapping.full_clean()
    # a row saved regardless is caught before any period is scored with it
    IndicatorDefinition.objects.filter(pk=seeded.pk).update(effective_to=None)
    overlapping.save()
    with translation.override("en"), pytest.raises(DefinitionError, match="two defin"):
        check_definitions(on=dt.date(2026, 2, 1))


def test_a_period_that_ends_before_it_starts_is_refused():
    band = RatingBand.objects.get(band="good")
    band.effective_to = dt.date(2020, 1, 1)
    with pytest.raises(ValidationError) as refused:
        band.full_clean()
    assert "effective_to" in refused.value.message_dict
