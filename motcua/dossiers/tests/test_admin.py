"""The dossier admin is a read-only window on the register, through the visibility chokepoint."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from motcua.dossiers import services
from motcua.dossiers.tests.world import at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    world = build_world()
    return world, services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 9)
    )


def test_the_register_lists_and_finds_by_code(
    admin_client, dossier, django_assert_max_num_queries
):
    _world, d = dossier
    with django_assert_max_num_queries(12):
        page = admin_client.get(
            reverse("admin:dossiers_dossier_changelist"), {"q": d.code}
        )
    assert page.status_code == 200
    assert d.code in page.content.decode()


def test_a_staff_officer_sees_only_their_agencies_dossiers(client, dossier):
    world, d = dossier
    for officer in (world.stranger, world.counter):
        officer.is_staff = True
        officer.save(update_fields=["is_staff"])
        officer.user_permissions.add(Permission.objects.get(codename="view_dossier"))
    client.force_login(world.stranger)
    assert (
        d.code
        not in client.get(reverse("admin:dossiers_dossier_changelist")).content.decode()
    )
    client.force_login(world.counter)
    assert (
        d.code
        in client.get(reverse("admin:dossiers_dossier_changelist")).content.decode()
    )


def test_nothing_can_be_edited_or_deleted(admin_client, dossier):
    _world, d = dossier
    url = reverse("admin:dossiers_dossier_change", args=[d.pk])
    admin_client.post(url, {"status": "returned", "applicant_name": "Khác"})
    d.refresh_from_db()
    assert (d.status, d.applicant_name) == ("received", "Nguyễn Thị Ánh")
    assert (
        admin_client.post(
            reverse("admin:dossiers_dossier_delete", args=[d.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    d.refresh_from_db()
