"""Roles are scoped to one agency and to a period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import identify_hasher

from motcua.accounts.choices import Role
from motcua.accounts.selectors import active_roles, has_role
from motcua.accounts.tests.factories import (
    OfficerFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from motcua.agencies.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_a_role_applies_to_its_agency_only_and_only_in_its_period():
    # Given a specialist of one department from 1/7/2025 to 31/12/2025
    justice, construction = AgencyFactory.create(), AgencyFactory.create()
    officer = OfficerFactory.create()
    RoleAssignmentFactory.create(
        user=officer,
        agency=justice,
        role=Role.SPECIALIST,
        valid_from=dt.date(2025, 7, 1),
        valid_to=dt.date(2025, 12, 31),
    )

    # Then the role holds in that department during the period only
    assert has_role(officer, Role.SPECIALIST, justice, on=dt.date(2025, 7, 1))
    assert has_role(officer, Role.SPECIALIST, justice, on=dt.date(2025, 12, 31))
    assert not has_role(officer, Role.SPECIALIST, justice, on=dt.date(2026, 1, 1))
    assert not has_role(officer, Role.SPECIALIST, justice, on=dt.date(2025, 6, 30))
    # and not in another department, nor as another role
    assert not has_role(officer, Role.SPECIALIST, construction, on=dt.date(2025, 8, 1))
    assert not has_role(officer, Role.LEADER, justice, on=dt.date(2025, 8, 1))
    assert [r.agency for r in active_roles(officer, on=dt.date(2025, 8, 1))] == [
        justice
    ]


def test_an_inactive_account_has_no_role():
    agency = AgencyFactory.create()
    officer = OfficerFactory.create(is_active=False)
    RoleAssignmentFactory.create(user=officer, agency=agency, role=Role.LEADER)
    assert not has_role(officer, Role.LEADER, agency, on=dt.date(2025, 8, 1))


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2():
    user = UserFactory.create()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("mat-khau-thu-nghiem")
