"""Factories for agencies. Identifiers are drawn from a sequence so they stay unique."""

from __future__ import annotations

import datetime as dt

import factory

from motcua.agencies.choices import AgencyKind, AgencyLevel
from motcua.agencies.models import Agency


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("identifier",)

    # "999." keeps factory identifiers apart from the demo province's "000." ones.
    identifier = factory.Sequence(
        lambda n: f"999.{n // 100 % 100:02d}.{n % 100:02d}.H15"
    )
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    level = AgencyLevel.PROVINCIAL_AGENCY
    kind = AgencyKind.DEPARTMENT
    valid_from = dt.date(2025, 7, 1)


def make_province() -> Agency:
    """UBND tỉnh Đắk Lắk, the root of the tree in most tests."""
    return AgencyFactory.create(
        identifier="000.00.00.H15",
        name="Ủy ban nhân dân tỉnh Đắk Lắk",
        level=AgencyLevel.PROVINCE,
        kind=AgencyKind.PEOPLES_COMMITTEE,
        admin_unit_code="66",
    )
