"""The site's error pages (``core.views``): in the interface language, with the header of
the part of the site they answer for and a way back; the API keeps its JSON."""

from __future__ import annotations

import copy
import re

import pytest
from django.test import Client

from motcua.accounts.tests.factories import OfficerFactory
from motcua.dossiers import services
from motcua.dossiers.tests.world import build_world

pytestmark = pytest.mark.django_db


def _client(user=None, *, language: str = "vi") -> Client:
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def test_an_officer_s_unknown_page_is_404_in_vietnamese_with_their_header():
    officer = OfficerFactory.create(full_name="Nguyễn Văn Thử")
    answer = _client(officer).get("/can-bo/khong-co-trang-nay/")
    assert answer.status_code == 404
    html = answer.content.decode()
    assert '<html lang="vi"' in html
    assert '<h1 class="govuk-heading-l">Không tìm thấy trang</h1>' in html
    # the officers' header: their name, sign-out; the way back is their home
    assert "Nguyễn Văn Thử" in html
    assert "Đăng xuất" in html
    assert 'href="/can-bo/">Về trang chủ</a>' in html


def test_a_dossier_not_theirs_is_the_same_404_page_as_an_unknown_one():
    world = build_world()
    dossier = services.receive_dossier(intake=world.intake(), actor=world.counter)
    client = _client(world.stranger, language="en")
    theirs, unknown = f"/can-bo/ho-so/{dossier.code}/", "/can-bo/ho-so/000-991231-9999/"
    pages = [client.get(url) for url in (theirs, unknown)]
    assert [page.status_code for page in pages] == [404, 404]
    html = pages[0].content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html

    # the same page but for the address itself (the language switch returns to it) and
    # the forms' tokens (masked afresh each time)
    def plain(page, url: str) -> str:
        html = page.content.decode().replace(url, "…")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert plain(pages[0], theirs) == plain(pages[1], unknown)


def test_a_public_unknown_page_has_the_public_header():
    answer = _client().get("/thu-tuc/khong-co/khong-co/")
    assert answer.status_code == 404
    html = answer.content.decode()
    assert "Không tìm thấy trang" in html
    assert "Đăng xuất" not in html
    assert 'href="/">Về trang chủ</a>' in html


def test_the_api_keeps_its_json_404():
    answer = _client().get("/api/khong-co/")
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")


def test_a_fault_is_a_500_page_that_needs_no_context(settings):
    settings.ROOT_URLCONF = "motcua.core.tests.error_urls"
    # every context processor fails: a page that used the request's context would too
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append(
        "motcua.core.tests.error_urls.broken_context"
    )
    settings.TEMPLATES = templates
    for url in ("/hong/", "/can-bo/hong/"):
        answer = _client().get(url)
        assert answer.status_code == 500, url
        html = answer.content.decode()
        assert "Hệ thống gặp lỗi" in html
        # nothing of the fault is shown
        assert "RuntimeError" not in html
        assert "expect" not in html


def test_a_form_refused_for_its_token_says_what_to_do():
    officer = OfficerFactory.create()
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "vi"
    client.force_login(officer)
    answer = client.post("/can-bo/doi-mat-khau/", {"old_password": "x"})
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "Không gửi được biểu mẫu" in html
    assert "Đăng xuất" in html  # the officers' header
