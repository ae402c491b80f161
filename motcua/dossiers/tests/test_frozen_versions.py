"""A procedure version dossiers were received under never changes (brief, rule 4): the
import refuses to change it and the admin shows it read-only; a new version is the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.dossiers import services
from motcua.dossiers.tests.world import at, build_world
from motcua.procedures.interchange import CatalogueError
from motcua.procedures.interchange.writing import export_catalogue
from motcua.procedures.services import create_next_version, import_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_with_dossier():
    world = build_world()
    services.receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 9))
    return world


def test_the_import_refuses_to_change_a_version_in_use_and_changes_nothing(
    world_with_dossier,
):
    version = world_with_dossier.version
    document = export_catalogue()
    document["procedures"][0]["versions"][0]["name"] = "Tên đã sửa"
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(document)
    (problem,) = refused.value.errors
    assert (problem.location, problem.field) == ("procedures[0].versions[0]", "number")
    version.refresh_from_db()
    assert version.name != "Tên đã sửa"
    # importing it unchanged is still fine
    assert import_catalogue(export_catalogue()).versions.unchanged == 1


def test_the_admin_shows_a_version_in_use_read_only(admin_client, world_with_dossier):
    version = world_with_dossier.version
    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
    admin_client.post(url, {"name": "Tên đã sửa"})
    version.refresh_from_db()
    assert version.name != "Tên đã sửa"


def test_the_law_changes_through_the_next_version(world_with_dossier):
    version = world_with_dossier.version
    successor = create_next_version(
        version=version, effective_from=dt.date(2026, 4, 1), actor=None
    )
    assert successor.number == version.number + 1
    version.refresh_from_db()
    assert version.effective_to == dt.date(2026, 3, 31)
