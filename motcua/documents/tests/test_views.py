"""Downloading slips: the applicant and the agencies of the dossier get the PDF; anyone else
gets the same 404 as for a dossier that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.accounts.models import User
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
    assert response["Content-Type"].startswith("text/html")


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


def test_anonymous_visitors_are_sent_to_log_in(client, returned):
    response = client.get(url(returned.code, "giay-tiep-nhan"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
