"""Factories for accounts and role assignments."""

from __future__ import annotations

import datetime as dt

import factory

from motcua.accounts.choices import AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.tests.factories import AgencyFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    kind = AccountKind.CITIZEN
    password = factory.django.Password("mat-khau-thu-nghiem")


class OfficerFactory(UserFactory):
    kind = AccountKind.OFFICER


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(OfficerFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.SPECIALIST
    valid_from = dt.date(2025, 7, 1)
