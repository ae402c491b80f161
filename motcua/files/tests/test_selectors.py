"""What the Decision 766 index will read of digitisation (``files.selectors``), and the
pruning of bytes an upload rolled back left behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.services import receive_dossier, shared
from motcua.dossiers.tests.world import World, at, build_world
from motcua.files.models import Blob, storage_name
from motcua.files.selectors import fully_digitised, with_digitisation
from motcua.files.services import digitise_component
from motcua.files.store import prune_unreferenced
from motcua.files.tests.conftest import stored_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def received(world: World) -> Dossier:
    return receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8))


def scan(world: World, paper: DossierComponent, data: bytes) -> None:
    digitise_component(
        component=paper,
        upload=SimpleUploadedFile("scan.pdf", data),
        actor=world.counter,
        at=at(2, 9),
    )


def test_a_dossier_is_fully_digitised_when_every_paper_is_or_came_electronic(
    world, files_root, pdf_bytes
):
    every, one_of_two, reused, none = (received(world) for _ in range(4))
    for paper in every.components.all():
        scan(world, paper, pdf_bytes)
    scan(world, one_of_two.components.order_by("pk")[0], pdf_bytes)
    first, second = reused.components.order_by("pk")
    scan(world, first, pdf_bytes)
    # the second paper was taken from an earlier dossier's digitised papers (DuocSoHoa)
    DossierComponent.objects.filter(pk=second.pk).update(reused=True)

    found = set(fully_digitised(Dossier.objects.all()).values_list("pk", flat=True))
    assert found == {every.pk, reused.pk}

    counts = {
        d.pk: (d.papers, d.papers_digitised)  # type: ignore[attr-defined]
        for d in with_digitisation(Dossier.objects.all())
    }
    assert counts == {
        every.pk: (2, 2),
        one_of_two.pk: (2, 1),
        reused.pk: (2, 1),
        none.pk: (2, 0),
    }


def test_a_dossier_without_papers_is_not_counted_digitised(world, files_root):
    dossier = received(world)
    DossierComponent.objects.filter(dossier=dossier).delete()
    assert not fully_digitised(Dossier.objects.filter(pk=dossier.pk)).exists()


def test_the_bytes_a_rolled_back_upload_left_are_pruned_once_old_enough(
    world, files_root, pdf_bytes, png_bytes, monkeypatch
):
    dossier = received(world)
    first, second = dossier.components.order_by("pk")
    scan(world, first, pdf_bytes)  # referenced: stays
    kept = Blob.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("the event log is unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(shared, "write_event", broken)
        with pytest.raises(RuntimeError):
            scan(world, second, png_bytes)
    assert Blob.objects.count() == 1
    assert len(stored_paths(files_root)) == 2  # the rolled-back scan's bytes remain

    now = timezone.now()
    assert prune_unreferenced(older_than=dt.timedelta(hours=1), now=now) == []
    later = now + dt.timedelta(hours=2)
    (deleted,) = prune_unreferenced(older_than=dt.timedelta(hours=1), now=later)
    assert deleted != storage_name(kept.sha256)
    (left,) = stored_paths(files_root)
    assert left.read_bytes() == pdf_bytes


def test_the_command_prunes(world, files_root, capsys):
    call_command("files", "prune", "--hours", "1")
    assert "0 unreferenced file(s) deleted" in capsys.readouterr().out
