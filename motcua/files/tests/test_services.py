"""The document store's writes, on real files in a folder of the test's own: content kept
once by its SHA-256, the type read from the content, uploads refused before anything is
stored, a paper digitised with its event in one transaction (TT 01/2023/TT-VPCP), a
result issued with its file (NĐ 45/2020 khoản 3 Điều 14)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import ErrorCode
from motcua.dossiers import events
from motcua.dossiers.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent
from motcua.dossiers.services import (
    Paper,
    approve_dossier,
    assign_dossier,
    issue_result,
    receive_dossier,
    return_result,
    shared,
    submit_for_approval,
    transfer_dossier,
)
from motcua.dossiers.tests.world import World, at, build_world
from motcua.dossiers.workflow import Action, DossierStatus
from motcua.files.models import Blob, StoredFile
from motcua.files.services import (
    attach_result_file,
    digitise_component,
    store_upload,
)
from motcua.files.store import UploadRefused
from motcua.files.tests.conftest import stored_paths

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def dossier(world: World) -> Dossier:
    return receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8))


def papers_of(dossier: Dossier) -> list[DossierComponent]:
    return list(dossier.components.order_by("pk"))


def nothing_stored(root) -> None:
    assert StoredFile.objects.count() == 0
    assert Blob.objects.count() == 0
    assert stored_paths(root) == []


# ------------------------------------------------------------------ kept by content


def test_the_same_content_uploaded_twice_is_stored_once(world, files_root, pdf_bytes):
    first = store_upload(upload=upload("to-khai.pdf", pdf_bytes), actor=world.counter)
    second = store_upload(
        upload=upload("ban-quet-lai.pdf", pdf_bytes), actor=world.specialist
    )

    assert StoredFile.objects.count() == 2
    assert Blob.objects.count() == 1
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    assert first.blob_id == second.blob_id == digest
    blob = Blob.objects.get()
    assert (blob.size, blob.content_type) == (len(pdf_bytes), "application/pdf")
    # one file on disk, named by its hash, holding exactly the bytes uploaded
    (path,) = stored_paths(files_root)
    assert path.name == digest
    assert path.relative_to(files_root).as_posix() == (
        f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    )
    assert path.read_bytes() == pdf_bytes
    # each upload keeps its own name, uploader and moment
    assert (first.original_name, first.uploaded_by) == ("to-khai.pdf", world.counter)
    assert (second.original_name, second.uploaded_by) == (
        "ban-quet-lai.pdf",
        world.specialist,
    )


def test_the_name_kept_is_a_name_only(world, files_root, png_bytes):
    stored = store_upload(
        upload=upload("C:\\Scans\\..\\giay\x07 to.png", png_bytes, "image/png"),
        actor=world.counter,
    )
    assert stored.original_name == "giay to.png"


# ------------------------------------------------------------------ type from the content


def test_png_bytes_named_pdf_are_refused_when_only_pdf_is_allowed(
    world, files_root, png_bytes, settings
):
    settings.FILES_ALLOWED_TYPES = ["application/pdf"]
    with pytest.raises(UploadRefused) as refused:
        store_upload(
            upload=upload("to-khai.pdf", png_bytes, "application/pdf"),
            actor=world.counter,
        )
    assert refused.value.code == ErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    assert refused.value.details["found"] == "image/png"
    assert refused.value.details["allowed"] == ["application/pdf"]
    assert "PDF" in refused.value.message
    assert "PNG" not in refused.value.message
    nothing_stored(files_root)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("to-khai.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></html>"),
        ("scan.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 400),
        ("scan.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 400),
    ],
    ids=["html-named-pdf", "windows-executable-named-jpg", "elf-named-png"],
)
def test_a_renamed_page_or_program_is_refused(world, files_root, name, data):
    """Whatever the name and the browser's type say, the default allows PDF, JPEG, PNG
    and TIFF only."""
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload=upload(name, data, "image/png"), actor=world.counter)
    assert refused.value.code == ErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    for kind in ("PDF", "JPEG", "PNG", "TIFF"):
        assert kind in refused.value.message
    nothing_stored(files_root)


def test_a_tiff_scan_is_accepted_by_default(world, files_root, tiff_bytes):
    stored = store_upload(
        upload=upload("scan.bin", tiff_bytes, "application/octet-stream"),
        actor=world.counter,
    )
    assert stored.blob.content_type == "image/tiff"


def test_an_empty_file_is_refused(world, files_root):
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload=upload("trong.pdf", b""), actor=world.counter)
    assert refused.value.code == ErrorCode.UPLOAD_EMPTY
    nothing_stored(files_root)


# ------------------------------------------------------------------ size


def test_one_byte_over_the_limit_is_refused_with_nothing_stored(
    world, files_root, pdf_bytes, settings
):
    settings.FILES_UPLOAD_MAX_BYTES = 1024 * 1024  # 1 MB
    padded = pdf_bytes + b"\n" * (1024 * 1024 + 1 - len(pdf_bytes))
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload=upload("lon.pdf", padded), actor=world.counter)
    assert refused.value.code == ErrorCode.UPLOAD_TOO_LARGE
    assert refused.value.details["max_bytes"] == 1024 * 1024
    assert "1 MB" in refused.value.message
    nothing_stored(files_root)


def test_exactly_the_limit_is_accepted(world, files_root, pdf_bytes, settings):
    settings.FILES_UPLOAD_MAX_BYTES = 1024 * 1024
    padded = pdf_bytes + b"\n" * (1024 * 1024 - len(pdf_bytes))
    stored = store_upload(upload=upload("vua.pdf", padded), actor=world.counter)
    assert stored.blob.size == 1024 * 1024


def test_the_default_limit_is_named_in_megabytes(world, files_root, settings):
    """20 MB by default (MOTCUA_UPLOAD_MAX_BYTES); the refusal names it so."""
    assert settings.FILES_UPLOAD_MAX_BYTES == 20 * 1024 * 1024
    settings.FILES_UPLOAD_MAX_BYTES = 2_621_440  # 2.5 MB, written 2,5 in Vietnamese
    data = b"%PDF-1.4\n" + b"\n" * 2_621_440
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload=upload("lon.pdf", data), actor=world.counter)
    assert "2,5 MB" in refused.value.message


# ------------------------------------------------------------------ digitisation


def test_digitising_a_paper_attaches_the_scan_sets_the_flag_and_writes_the_event(
    world, dossier, files_root, pdf_bytes
):
    paper, other = papers_of(dossier)
    version = dossier.lock_version
    moment = at(2, 9)

    stored = digitise_component(
        component=paper,
        upload=upload("to-khai.pdf", pdf_bytes),
        actor=world.counter,
        at=moment,
    )

    paper.refresh_from_db()
    other.refresh_from_db()
    assert paper.digitised_at == moment
    assert other.digitised_at is None
    assert (stored.dossier, stored.component, stored.result) == (dossier, paper, None)
    event = dossier.events.order_by("sequence").last()
    assert event is not None
    assert event.action == Action.DIGITISE_COMPONENT
    assert event.at == moment
    assert event.actor == world.counter
    # the status does not change; the dossier's version moves on
    assert (event.from_status, event.to_status) == (
        DossierStatus.RECEIVED,
        DossierStatus.RECEIVED,
    )
    assert events.digitised_paper(event) == paper.name
    assert events.digitised_sha256(event) == hashlib.sha256(pdf_bytes).hexdigest()
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == DossierStatus.RECEIVED
    assert fresh.lock_version == dossier.lock_version == version + 1


def test_a_second_scan_of_the_same_paper_keeps_the_first_moment(
    world, dossier, files_root, pdf_bytes, png_bytes
):
    paper = papers_of(dossier)[0]
    digitise_component(
        component=paper,
        upload=upload("a.pdf", pdf_bytes),
        actor=world.counter,
        at=at(2, 9),
    )
    digitise_component(
        component=paper,
        upload=upload("b.png", png_bytes, "image/png"),
        actor=world.counter,
        at=at(2, 10),
    )
    paper.refresh_from_db()
    assert paper.digitised_at == at(2, 9)
    assert paper.scans.count() == 2
    assert dossier.events.filter(action=Action.DIGITISE_COMPONENT).count() == 2


def test_a_failing_event_write_leaves_nothing(
    world, dossier, files_root, pdf_bytes, monkeypatch
):
    """The scan, its content's row, the flag and the dossier's version are written in
    the event's transaction: when the event cannot be written none of them is."""
    paper = papers_of(dossier)[0]
    version = dossier.lock_version
    before = list(dossier.events.values_list("pk", flat=True))

    def broken(*args, **kwargs):
        raise RuntimeError("the event log is unavailable")

    monkeypatch.setattr(shared, "write_event", broken)
    with pytest.raises(RuntimeError):
        digitise_component(
            component=paper,
            upload=upload("to-khai.pdf", pdf_bytes),
            actor=world.counter,
            at=at(2, 9),
        )

    assert StoredFile.objects.count() == 0
    assert Blob.objects.count() == 0
    assert DossierComponent.objects.get(pk=paper.pk).digitised_at is None
    assert paper.digitised_at is None
    assert list(dossier.events.values_list("pk", flat=True)) == before
    assert Dossier.objects.get(pk=dossier.pk).lock_version == version
    assert dossier.lock_version == version  # the caller's object is put back too


def test_only_the_receiving_counter_digitises(world, dossier, files_root, pdf_bytes):
    """The row of ``digitise_component``: a counter officer of the receiving one-stop
    unit (TT 01/2023 Điều 8); the handling agency's specialist may not, and nothing is
    written, not even the bytes."""
    paper = papers_of(dossier)[0]
    with pytest.raises(NotAllowed):
        digitise_component(
            component=paper,
            upload=upload("to-khai.pdf", pdf_bytes),
            actor=world.specialist,
            at=at(2, 9),
        )
    nothing_stored(files_root)
    assert DossierComponent.objects.get(pk=paper.pk).digitised_at is None


def test_a_refused_upload_does_not_digitise(
    world, dossier, files_root, png_bytes, settings
):
    settings.FILES_ALLOWED_TYPES = ["application/pdf"]
    paper = papers_of(dossier)[0]
    events_before = dossier.events.count()
    with pytest.raises(UploadRefused):
        digitise_component(
            component=paper,
            upload=upload("to-khai.pdf", png_bytes),
            actor=world.counter,
            at=at(2, 9),
        )
    nothing_stored(files_root)
    assert dossier.events.count() == events_before
    assert DossierComponent.objects.get(pk=paper.pk).digitised_at is None


def test_a_scan_kept_before_is_attached_by_its_uploader_only(
    world, dossier, files_root, pdf_bytes
):
    paper, other = papers_of(dossier)
    kept = store_upload(upload=upload("to-khai.pdf", pdf_bytes), actor=world.counter)
    someone_elses = store_upload(upload=upload("x.pdf", pdf_bytes), actor=world.leader)

    with pytest.raises(NotAllowed):
        digitise_component(
            component=other, upload=someone_elses, actor=world.counter, at=at(2, 9)
        )
    attached = digitise_component(
        component=paper, upload=kept, actor=world.counter, at=at(2, 9)
    )
    assert (attached.pk, attached.component, attached.dossier) == (
        kept.pk,
        paper,
        dossier,
    )
    with pytest.raises(Conflict) as again:
        digitise_component(
            component=other, upload=kept, actor=world.counter, at=at(2, 9)
        )
    assert again.value.code == ErrorCode.FILE_ALREADY_ATTACHED


# ------------------------------------------------------------------ results


def approved(world: World, dossier: Dossier) -> Dossier:
    dossier = transfer_dossier(dossier=dossier, actor=world.counter, at=at(2, 9))
    dossier = assign_dossier(
        dossier=dossier, assignee=world.specialist, actor=world.leader, at=at(2, 10)
    )
    dossier = submit_for_approval(dossier=dossier, actor=world.specialist, at=at(3, 9))
    return approve_dossier(dossier=dossier, actor=world.leader, at=at(3, 10))


def test_issuing_with_files_stores_them_as_electronic_results(
    world, dossier, files_root, pdf_bytes
):
    dossier = approved(world, dossier)
    dossier = issue_result(
        dossier=dossier,
        results=["Giấy khai sinh", "Trích lục"],
        files=[[upload("giay-khai-sinh.pdf", pdf_bytes)], []],
        actor=world.specialist,
        at=at(4, 9),
    )
    first, second = dossier.results.order_by("number")
    assert (first.code, first.electronic) == (f"{dossier.code}-KQ(1)", True)
    assert (second.code, second.electronic) == (f"{dossier.code}-KQ(2)", False)
    (stored,) = StoredFile.objects.all()
    assert (stored.result, stored.dossier, stored.component) == (first, dossier, None)
    assert stored.original_name == "giay-khai-sinh.pdf"
    assert dossier.status == DossierStatus.RESOLVED


def test_an_issue_with_a_file_too_big_issues_nothing(
    world, dossier, files_root, pdf_bytes, settings
):
    dossier = approved(world, dossier)
    settings.FILES_UPLOAD_MAX_BYTES = len(pdf_bytes) - 1
    version = dossier.lock_version
    with pytest.raises(UploadRefused) as refused:
        issue_result(
            dossier=dossier,
            results=["Giấy khai sinh"],
            files=[[upload("giay-khai-sinh.pdf", pdf_bytes)]],
            actor=world.specialist,
            at=at(4, 9),
        )
    assert refused.value.details["field"] == "files.0"
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.lock_version) == (DossierStatus.APPROVED, version)
    assert not fresh.results.exists()
    nothing_stored(files_root)


def test_files_must_match_the_results(world, dossier, files_root, pdf_bytes):
    dossier = approved(world, dossier)
    with pytest.raises(InvalidInput) as refused:
        issue_result(
            dossier=dossier,
            results=["Giấy khai sinh", "Trích lục"],
            files=[[upload("a.pdf", pdf_bytes)]],
            actor=world.specialist,
            at=at(4, 9),
        )
    assert refused.value.code == ErrorCode.FILES_DO_NOT_MATCH_RESULTS
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.APPROVED


def test_a_file_is_attached_to_an_issued_result_until_it_is_returned(
    world, dossier, files_root, pdf_bytes, png_bytes
):
    dossier = approved(world, dossier)
    dossier = issue_result(
        dossier=dossier, results=["Giấy khai sinh"], actor=world.specialist, at=at(4, 9)
    )
    result = dossier.results.get()
    assert result.electronic is False
    with pytest.raises(NotAllowed):
        attach_result_file(
            result=result, upload=upload("a.pdf", pdf_bytes), actor=world.stranger
        )
    # the refusal wrote nothing: no file, no event, the same version
    assert not StoredFile.objects.exists()
    assert not dossier.events.filter(action=Action.ATTACH_RESULT_FILE).exists()
    version = Dossier.objects.get(pk=dossier.pk).lock_version
    stored = attach_result_file(
        result=result,
        upload=upload("giay-khai-sinh.pdf", pdf_bytes),
        actor=world.specialist,
        at=at(4, 10),
    )
    result.refresh_from_db()
    assert result.electronic is True
    assert (stored.result, stored.dossier) == (result, dossier)
    # a change to the dossier's record: its event, in the same transaction, and the
    # dossier's version moves on (the caller's object with it)
    event = dossier.events.get(action=Action.ATTACH_RESULT_FILE)
    assert (event.at, event.actor, event.from_status, event.to_status) == (
        at(4, 10),
        world.specialist,
        DossierStatus.RESOLVED,
        DossierStatus.RESOLVED,
    )
    assert event.sequence == dossier.events.count()
    assert Dossier.objects.get(pk=dossier.pk).lock_version == version + 1
    assert result.dossier.lock_version == version + 1

    return_result(
        dossier=dossier, receiver="Nguyễn Thị Ánh", actor=world.counter, at=at(5, 9)
    )
    with pytest.raises(Conflict) as closed:
        attach_result_file(
            result=result,
            upload=upload("b.png", png_bytes, "image/png"),
            actor=world.specialist,
            at=at(5, 10),
        )
    assert closed.value.code == ErrorCode.RESULT_ALREADY_RETURNED
    assert StoredFile.objects.count() == 1
    assert dossier.events.filter(action=Action.ATTACH_RESULT_FILE).count() == 1
    assert (
        DossierEvent.objects.filter(dossier=dossier).count() == dossier.events.count()
    )


def test_digitising_costs_the_same_queries_however_many_papers_and_scans(
    world, files_root, pdf_bytes, png_bytes, tiff_bytes
):
    """A write's queries do not grow with the dossier: the first scan of new content on a
    dossier of two papers costs what it costs on one of six papers already holding four
    scans and their events."""
    few = receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8))
    intake = world.intake()
    extra = [Paper(name=f"Giấy tờ khác {n}", form="copy") for n in range(1, 5)]
    many = receive_dossier(
        intake=dataclasses.replace(intake, papers=[*intake.papers, *extra]),
        actor=world.counter,
        at=at(2, 8),
    )
    many_papers = papers_of(many)
    for n, paper in enumerate(many_papers[:4]):
        digitise_component(
            component=paper,
            upload=upload(f"{n}.pdf", pdf_bytes + bytes([n])),
            actor=world.counter,
            at=at(2, 9),
        )
    counted = [
        sql_of(
            partial(
                digitise_component,
                component=paper,
                upload=upload("x", data),
                actor=world.counter,
                at=at(2, 10),
            )
        )
        for paper, data in (
            (papers_of(few)[0], png_bytes),
            (many_papers[4], tiff_bytes),
        )
    ]
    assert len(counted[0]) == len(counted[1]), counted


def sql_of(write: Callable[[], object]) -> list[str]:
    """The statements ``write`` runs."""
    with CaptureQueriesContext(connection) as queries:
        write()
    return [q["sql"] for q in queries]


def test_attaching_a_result_file_costs_the_same_queries_however_many_results(
    world, files_root, pdf_bytes, png_bytes, tiff_bytes
):
    """The file of new content attached to the one result of a dossier costs what it
    costs on a dossier of four results already holding three files and their events."""

    def resolved(names: list[str]) -> Dossier:
        dossier = approved(
            world,
            receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8)),
        )
        return issue_result(
            dossier=dossier, results=names, actor=world.specialist, at=at(4, 9)
        )

    few = resolved(["Giấy khai sinh"]).results.get()
    many = list(resolved([f"Kết quả {n}" for n in range(4)]).results.order_by("pk"))
    for n, result in enumerate(many[:3]):
        attach_result_file(
            result=result,
            upload=upload(f"{n}.pdf", pdf_bytes + bytes([n])),
            actor=world.specialist,
            at=at(4, 10),
        )
    counted = [
        sql_of(
            partial(
                attach_result_file,
                result=result,
                upload=upload("x", data),
                actor=world.specialist,
                at=at(4, 11),
            )
        )
        for result, data in ((few, png_bytes), (many[3], tiff_bytes))
    ]
    assert len(counted[0]) == len(counted[1]), counted
    assert DossierEvent.objects.filter(action=Action.ATTACH_RESULT_FILE).count() == 5
