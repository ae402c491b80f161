"""Downloading slips: the applicant and the agencies of the dossier get the PDF, signed in
any way the API accepts (session, HTTP Basic, API token); anyone else gets the same 404 as
for a dossier that does not exist; nobody signed in, 401."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from motcua.accounts.models import User
from motcua.accounts.services import create_api_token
from motcua.demo.services import DEMO_PASSWORD
from motcua.documents.tests.conftest import pdf_text


def url(code: str, slip: str) -> str:
    return reverse("documents:slip", kwargs={"code": code, "slip": slip})


def test_the_url_names_the_dossier_and_the_slip(returned):
    assert url(returned.code, "giay-tiep-nhan") == (
        "/ho-so/000.01.51.H15-251103-0001/giay-tiep-nhan.pdf"
    )


@pytest.mark.parametrize(
    "username",
    [
        "congdan.an",  # the applicant's account
        "tiepnhan.bmt",  # the receiving centre's counter
        "lanhdao.bmt",  # the handling ward's leader
        "giamsat.tinh",  # the provincial supervisor
    ],
)
def test_people_who_see_the_dossier_download_its_receipt(client, returned, username):
    client.force_login(User.objects.get(username=username))

    response = client.get(url(returned.code, "giay-tiep-nhan"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="000.01.51.H15-251103-0001-giay-tiep-nhan.pdf"'
    )
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert returned.code in pdf_text(response.content)


def test_every_slip_the_dossier_has_downloads(client, returned, world):
    client.force_login(world.counter)

    for slip in ("giay-tiep-nhan", "phieu-yeu-cau-bo-sung", "phieu-kiem-soat"):
        response = client.get(url(returned.code, slip))
        assert response.status_code == 200, slip
        assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "username",
    [
        "chuyenvien.tuphap",  # an officer of another agency (Sở Tư pháp)
        "tiepnhan.tuyhoa",  # the counter of another ward
        "congdan.hbia",  # another citizen
    ],
)
def test_others_get_not_found(client, returned, username):
    client.force_login(User.objects.get(username=username))

    response = client.get(url(returned.code, "giay-tiep-nhan"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_not_found_looks_the_same_for_a_missing_dossier_or_slip(
    client, returned, world
):
    client.force_login(world.citizen)

    assert (
        client.get(url("000.01.51.H15-251103-9999", "giay-tiep-nhan")).status_code
        == 404
    )
    assert client.get(url(returned.code, "phieu-khong-co")).status_code == 404
    # a slip the dossier does not have: it was never refused nor apologised for
    assert client.get(url(returned.code, "phieu-tu-choi")).status_code == 404
    assert client.get(url(returned.code, "phieu-xin-loi")).status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(client, returned):
    response = client.get(url(returned.code, "giay-tiep-nhan"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Basic")


def basic(username: str) -> APIClient:
    client = APIClient()
    pair = base64.b64encode(f"{username}:{DEMO_PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {pair}")
    return client


def token(username: str, keyword: str = "Token") -> APIClient:
    user = User.objects.get(username=username)
    _, key = create_api_token(user=user, name="máy in", expires_on=None, actor=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


@pytest.mark.parametrize(
    "signed_in",
    [
        lambda: basic("tiepnhan.bmt"),
        lambda: token("tiepnhan.bmt"),
        lambda: token("tiepnhan.bmt", "Bearer"),
    ],
    ids=["basic", "token", "bearer"],
)
def test_the_receiving_counter_downloads_with_basic_or_a_token(returned, signed_in):
    """The counter officer of the receiving centre is not staff: the admin's login would
    refuse them, HTTP Basic and an API token do not."""
    assert not User.objects.get(username="tiepnhan.bmt").is_staff

    response = signed_in().get(url(returned.code, "giay-tiep-nhan"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "signed_in",
    [lambda: basic("chuyenvien.tuphap"), lambda: token("chuyenvien.tuphap")],
    ids=["basic", "token"],
)
def test_an_officer_of_another_agency_gets_not_found(returned, signed_in):
    response = signed_in().get(url(returned.code, "giay-tiep-nhan"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_wrong_token_is_401(returned):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token motcua_" + "0" * 64)

    response = client.get(url(returned.code, "giay-tiep-nhan"))

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
