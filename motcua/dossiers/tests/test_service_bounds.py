"""The bounds of free text hold when the services are called directly (commands, imports,
the coming pages), not only through the API's serializers (``dossiers/limits.py``)."""

from __future__ import annotations

import dataclasses

import pytest

from motcua.dossiers import services
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import at, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_a_megabyte_of_reasons_is_refused_and_changes_nothing(world):
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 9)
    )
    before = s.snapshot(dossier)
    with pytest.raises(InvalidInput) as refused:
        services.stop_dossier(
            dossier=dossier, reasons="x" * 1_000_000, actor=world.leader, at=at(2, 10)
        )
    assert refused.value.code == "text_too_long"
    assert refused.value.details["field"] == "reasons"
    assert refused.value.details["max_length"] == 2000
    assert s.snapshot(Dossier.objects.get(pk=dossier.pk)) == before


def test_a_note_longer_than_the_bound_is_refused_after_nothing_was_kept(world):
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 9)
    )
    events_before = DossierEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.submit_for_approval(
            dossier=Dossier.objects.get(pk=dossier.pk),
            note="y" * 2001,
            actor=world.specialist,
            at=at(2, 10),
        )
    assert refused.value.code == "text_too_long"
    assert refused.value.details["field"] == "note"
    assert DossierEvent.objects.count() == events_before
    assert Dossier.objects.get(pk=dossier.pk).status == "processing"


@pytest.mark.parametrize("character", ["\x1b", "\x07", "\x7f", "\u202e"])
def test_control_characters_in_the_applicant_are_refused(world, character):
    intake = world.intake()
    intake = dataclasses.replace(
        intake,
        applicant=dataclasses.replace(intake.applicant, name=f"Nguyễn{character}Văn A"),
    )
    with pytest.raises(InvalidInput) as refused:
        services.receive_dossier(intake=intake, actor=world.counter, at=at(2, 8))
    assert refused.value.code == "control_character"
    assert refused.value.details["field"] == "applicant.name"
    assert Dossier.objects.count() == 0
