"""Who sees which dossier: the list's queryset (``dossiers_visible_to``) and the test on one
dossier already read (``may_see``, used by the lookup by code) give the same answer for
every kind of user, and that answer is the rule of the permissions module, worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import (
    OfficerFactory,
    RoleAssignmentFactory,
    UserFactory,
)
from motcua.dossiers import services
from motcua.dossiers.permissions import dossiers_visible_to, may_see
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import build_world

pytestmark = pytest.mark.django_db


def test_the_list_and_the_lookup_agree_on_who_sees_what():
    world = build_world()
    own = services.receive_dossier(
        intake=world.intake(account=world.citizen), actor=world.counter
    )
    handed = s.inter_agency(world)  # handed over to the department, which holds a step
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    supervisor = RoleAssignmentFactory.create(
        agency=world.department, role=Role.PROVINCIAL_SUPERVISOR
    ).user
    inactive = RoleAssignmentFactory.create(
        agency=world.commune, user=OfficerFactory.create(is_active=False)
    ).user
    ended = RoleAssignmentFactory.create(agency=world.commune, valid_to=yesterday).user
    superuser = UserFactory.create(is_superuser=True)

    # (user, sees `own`, sees `handed`): the rule, by hand
    expected = {
        "counter of the receiving centre": (world.counter, True, True),
        "specialist of the handling commune": (world.specialist, True, True),
        "leader of the handling commune": (world.leader, True, True),
        "department specialist: a step of `handed` only": (world.stranger, False, True),
        "the applicant of `own`": (world.citizen, True, False),
        "another citizen": (world.other_citizen, False, False),
        "provincial supervisor": (supervisor, True, True),
        "superuser": (superuser, True, True),
        "inactive officer of the commune": (inactive, False, False),
        "officer whose role ended yesterday": (ended, False, False),
        "anonymous": (AnonymousUser(), False, False),
    }
    for who, (user, sees_own, sees_handed) in expected.items():
        for dossier, sees in ((own, sees_own), (handed, sees_handed)):
            listed = dossiers_visible_to(user).filter(pk=dossier.pk).exists()
            assert listed == sees, (who, dossier.code, "list")
            assert may_see(user, dossier) == sees, (who, dossier.code, "lookup")
