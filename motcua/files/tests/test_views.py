"""The document store in the officers' workspace, through Django's test client: a file
downloaded only by an officer who may see its dossier (404 otherwise, as an unknown file),
with the type read from its content and ``nosniff``; a paper's scan uploaded from the
dossier's page, refused with the limit beside the field; the page's queries the same
however many papers and scans."""

from __future__ import annotations

import dataclasses
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.services import Paper, receive_dossier
from motcua.dossiers.tests.world import World, at, build_world
from motcua.dossiers.workflow import Action
from motcua.files.models import Blob, StoredFile
from motcua.files.services import digitise_component, store_upload
from motcua.files.tests.conftest import stored_paths
from motcua.files.uploads import OversizeUpload

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def page_of(dossier: Dossier) -> str:
    return f"/can-bo/ho-so/{dossier.code}/"


def digitise_url(dossier: Dossier, paper: DossierComponent) -> str:
    return f"/can-bo/ho-so/{dossier.code}/giay-to/{paper.pk}/so-hoa/"


def file_url(stored: StoredFile) -> str:
    return f"/can-bo/tep/{stored.pk}/{stored.original_name}"


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def dossier(world: World) -> Dossier:
    return receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8))


def first_paper(dossier: Dossier) -> DossierComponent:
    return dossier.components.order_by("pk").first()  # type: ignore[return-value]


@pytest.fixture
def scan(world, dossier, files_root, pdf_bytes) -> StoredFile:
    return digitise_component(
        component=first_paper(dossier),
        upload=SimpleUploadedFile("tờ khai.pdf", pdf_bytes),
        actor=world.counter,
        at=at(2, 9),
    )


def post_scan(client: Client, dossier: Dossier, paper: DossierComponent, name, data):
    prefix = f"giay-{paper.pk}"
    return client.post(
        digitise_url(dossier, paper),
        {
            f"{prefix}-file": SimpleUploadedFile(name, data, "application/pdf"),
            f"{prefix}-version": dossier.lock_version,
        },
    )


# ------------------------------------------------------------------ downloads


def test_an_officer_who_may_see_the_dossier_downloads_the_scan(world, scan, pdf_bytes):
    response = signed_in(world.specialist).get(file_url(scan))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(pdf_bytes))
    # shown in the browser, under its Vietnamese name (RFC 5987)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=utf-8''t%E1%BB%9D%20khai.pdf" in disposition


def test_the_type_is_the_contents_not_the_names(world, dossier, files_root, png_bytes):
    stored = digitise_component(
        component=first_paper(dossier),
        upload=SimpleUploadedFile("scan.pdf", png_bytes, "application/pdf"),
        actor=world.counter,
        at=at(2, 9),
    )
    response = signed_in(world.counter).get(file_url(stored))
    assert response["Content-Type"] == "image/png"


def test_an_officer_of_another_agency_gets_404(world, scan):
    """world.stranger is a specialist of the department, which neither received, handles
    nor holds a step of the dossier."""
    response = signed_in(world.stranger).get(file_url(scan))
    assert response.status_code == 404


def test_a_file_attached_to_nothing_is_404_even_to_its_uploader(
    world, files_root, pdf_bytes
):
    kept = store_upload(
        upload=SimpleUploadedFile("a.pdf", pdf_bytes), actor=world.counter
    )
    assert signed_in(world.counter).get(file_url(kept)).status_code == 404


def test_an_unknown_file_or_a_wrong_name_is_404(world, scan):
    client = signed_in(world.counter)
    assert client.get(f"/can-bo/tep/{scan.pk + 1000}/x.pdf").status_code == 404
    assert client.get(f"/can-bo/tep/{scan.pk}/khac.pdf").status_code == 404


def test_anonymous_and_citizens_do_not_download(world, scan):
    anonymous = Client().get(file_url(scan))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/can-bo/dang-nhap/")
    assert signed_in(world.citizen).get(file_url(scan)).status_code == 403


# ------------------------------------------------------------------ the page


def test_the_page_lists_each_papers_scans_and_offers_the_form_for_the_others(
    world, dossier, scan, pdf_bytes
):
    response = signed_in(world.counter).get(page_of(dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/can-bo/tep/{scan.pk}/t%E1%BB%9D%20khai.pdf"' in html
    shown = text(html)
    # the scan's name, then its content's type, size and the moment it was uploaded
    with translation.override("vi"):
        size = filesizeformat(len(pdf_bytes)).replace("\xa0", " ")
    assert f"tờ khai.pdf (PDF, {size}, 02/03/2026 09:00)" in shown
    _first, second = dossier.components.order_by("pk")
    # one upload form: the paper not digitised yet
    forms = re.findall(
        r'<form method="post" enctype="multipart/form-data" action="([^"]+)"', html
    )
    assert forms == [digitise_url(dossier, second)]
    assert 'name="csrfmiddlewaretoken"' in html


def test_an_officer_who_may_not_digitise_sees_no_form(world, dossier, scan):
    html = signed_in(world.specialist).get(page_of(dossier)).content.decode()
    assert "multipart/form-data" not in html


def test_uploading_a_scan_from_the_page_digitises_the_paper(
    world, dossier, files_root, pdf_bytes
):
    paper = first_paper(dossier)
    response = post_scan(
        signed_in(world.counter), dossier, paper, "quet.pdf", pdf_bytes
    )
    assert response.status_code == 302
    assert response["Location"] == page_of(dossier)
    paper.refresh_from_db()
    assert paper.digitised_at is not None
    (stored,) = StoredFile.objects.all()
    assert (stored.component, stored.original_name) == (paper, "quet.pdf")
    assert dossier.events.filter(action=Action.DIGITISE_COMPONENT).count() == 1


def test_a_second_press_changes_nothing_twice(world, dossier, files_root, pdf_bytes):
    client = signed_in(world.counter)
    paper = first_paper(dossier)
    assert post_scan(client, dossier, paper, "a.pdf", pdf_bytes).status_code == 302
    again = post_scan(client, dossier, paper, "a.pdf", pdf_bytes)  # the old version
    assert again.status_code == 409
    assert StoredFile.objects.count() == 1
    assert dossier.events.filter(action=Action.DIGITISE_COMPONENT).count() == 1


def test_an_upload_over_the_limit_is_refused_beside_the_field_with_nothing_stored(
    world, dossier, files_root, pdf_bytes, settings
):
    """Counted as it arrives (``uploads.LimitedUploadHandler``): 1 MB and a byte over."""
    settings.FILES_UPLOAD_MAX_BYTES = 1024 * 1024
    big = pdf_bytes + b"\n" * (1024 * 1024 + 1 - len(pdf_bytes))
    paper = first_paper(dossier)
    response = post_scan(signed_in(world.counter), dossier, paper, "lon.pdf", big)
    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(
        rf'<p class="govuk-error-message" id="id_giay-{paper.pk}-file_error">(.*?)</p>',
        html,
        re.S,
    )
    assert error is not None
    assert "1 MB" in text(error.group(1))
    assert "govuk-error-summary" in html
    assert StoredFile.objects.count() == 0
    assert Blob.objects.count() == 0
    assert stored_paths(files_root) == []
    assert DossierComponent.objects.get(pk=paper.pk).digitised_at is None


def test_png_bytes_named_pdf_are_refused_beside_the_field(
    world, dossier, files_root, png_bytes, settings
):
    settings.FILES_ALLOWED_TYPES = ["application/pdf"]
    paper = first_paper(dossier)
    response = post_scan(signed_in(world.counter), dossier, paper, "a.pdf", png_bytes)
    assert response.status_code == 422
    assert "PDF" in text(response.content.decode())
    assert StoredFile.objects.count() == 0
    assert stored_paths(files_root) == []


def test_a_post_by_an_officer_who_may_not_digitise_changes_nothing(
    world, dossier, files_root, pdf_bytes
):
    paper = first_paper(dossier)
    seeing = post_scan(signed_in(world.specialist), dossier, paper, "a.pdf", pdf_bytes)
    assert seeing.status_code == 403
    not_seeing = post_scan(
        signed_in(world.stranger), dossier, paper, "a.pdf", pdf_bytes
    )
    assert not_seeing.status_code == 404
    assert StoredFile.objects.count() == 0
    assert stored_paths(files_root) == []


def test_a_paper_of_another_dossier_is_404(world, dossier, files_root, pdf_bytes):
    other = receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8))
    response = post_scan(
        signed_in(world.counter), dossier, first_paper(other), "a.pdf", pdf_bytes
    )
    assert response.status_code == 404


def test_the_pages_queries_do_not_grow_with_papers_and_scans(
    world, files_root, pdf_bytes, png_bytes
):
    """Two papers with one scan each, then six papers with two scans each: the page
    reads the files of the dossier in one query whatever their number."""
    few = receive_dossier(intake=world.intake(), actor=world.counter, at=at(2, 8))
    many_intake = world.intake()
    extra = [Paper(name=f"Giấy tờ khác {n}", form="copy") for n in range(1, 5)]
    many = receive_dossier(
        intake=dataclasses.replace(many_intake, papers=[*many_intake.papers, *extra]),
        actor=world.counter,
        at=at(2, 8),
    )
    for dossier, scans in ((few, 1), (many, 2)):
        for paper in dossier.components.order_by("pk"):
            for n in range(scans):
                digitise_component(
                    component=paper,
                    upload=SimpleUploadedFile(
                        f"{n}.pdf", pdf_bytes if n else png_bytes
                    ),
                    actor=world.counter,
                    at=at(2, 9),
                )
    assert many.components.count() == 6
    client = signed_in(world.counter)
    client.get(page_of(few))  # the process's caches of reference data, filled once
    counted = []
    for dossier in (few, many):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(page_of(dossier))
        assert page.status_code == 200
        counted.append([q["sql"] for q in queries])
    assert len(counted[0]) == len(counted[1]), counted


def test_the_upload_handler_keeps_nothing_past_the_limit(settings):
    """``uploads.LimitedUploadHandler`` counts what arrives: over the limit the form
    receives an empty ``OversizeUpload`` with the count, under it the file as sent."""
    settings.FILES_UPLOAD_MAX_BYTES = 1000
    big = RequestFactory().post(
        "/", {"f": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"x" * 5000)}
    )
    upload = big.FILES["f"]
    assert isinstance(upload, OversizeUpload)
    assert (upload.size or 0) > 1000
    assert b"".join(upload.chunks()) == b""
    small = RequestFactory().post(
        "/", {"f": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"x" * 900)}
    )
    assert small.FILES["f"].read() == b"%PDF-1.4\n" + b"x" * 900  # type: ignore[union-attr]
