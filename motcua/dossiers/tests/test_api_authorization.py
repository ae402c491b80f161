"""Who may see and do what, by persona: anonymous (401), the citizen (their own dossier, not
another's: 404), an officer of another agency (404 on read and on action), an officer who
sees the dossier but lacks the role (403), the officer with the role (200). Every denied
call changes nothing."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from rest_framework.test import APIClient

from motcua.dossiers.api.exceptions import exception_handler
from motcua.dossiers.api.views import DossierViewSet
from motcua.dossiers.errors import ErrorCode, NotAllowed
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import build_world
from motcua.dossiers.workflow import DossierStatus

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"  # the factories' password


@pytest.fixture
def world():
    return build_world()


# ------------------------------------------------------------------ anonymous


def test_anonymous_gets_401_everywhere_and_changes_nothing(world):
    dossier = s.awaiting_approval(world)
    before = s.snapshot(dossier)
    client = APIClient()
    answers = [
        client.get("/api/dossiers/"),
        client.get(s.url(dossier)),
        client.post(s.url(dossier, "approve"), {}, format="json"),
        client.post("/api/dossiers/", {}, format="json"),
        client.post("/api/dossiers/online/", {}, format="json"),
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.json()["code"] == "not_authenticated"
        assert answer["WWW-Authenticate"].startswith("Basic")
    assert s.snapshot(dossier) == before


def test_wrong_basic_credentials_are_401(world):
    client = APIClient()
    token = base64.b64encode(b"lanhdao:sai-mat-khau").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    answer = client.get("/api/dossiers/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed"


def test_http_basic_signs_in(world):
    dossier = s.awaiting_approval(world)
    client = APIClient()
    token = base64.b64encode(f"lanhdao:{PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    answer = client.post(s.url(dossier, "approve"), {}, format="json")
    assert answer.status_code == 200
    assert answer.json()["status"] == DossierStatus.APPROVED


def test_the_browser_session_signs_in_and_needs_the_csrf_token(world):
    dossier = s.awaiting_approval(world)
    before = s.snapshot(dossier)
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="lanhdao", password=PASSWORD)
    assert browser.get(s.url(dossier)).status_code == 200

    refused = browser.post(
        s.url(dossier, "approve"), {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert s.snapshot(dossier) == before

    browser.get("/admin/login/")  # any page that sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        s.url(dossier, "approve"),
        {},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 200


# ------------------------------------------------------------------ citizens


def test_a_citizen_sees_their_own_dossier_and_not_another(world):
    mine = s.submitted(world)
    theirs = s.received(world)
    citizen = s.client_for(world.citizen)

    assert citizen.get(s.url(mine)).status_code == 200
    listed = citizen.get("/api/dossiers/").json()
    assert [row["code"] for row in listed["results"]] == [mine.code]

    before = s.snapshot(theirs)
    hidden = citizen.get(s.url(theirs))
    assert hidden.status_code == 404
    assert hidden.json() == {
        "code": "not_found",
        "message": hidden.json()["message"],
        "details": {},
    }
    assert s.post(world.citizen, theirs, "withdraw").status_code == 404
    assert s.snapshot(theirs) == before


def test_another_citizen_cannot_touch_my_dossier(world):
    mine = s.submitted(world)
    before = s.snapshot(mine)
    assert s.client_for(world.other_citizen).get(s.url(mine)).status_code == 404
    answer = s.post(world.other_citizen, mine, "withdraw")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert s.snapshot(mine) == before


def test_a_citizen_cannot_act_as_an_officer_on_their_own_dossier(world):
    mine = s.submitted(world)
    before = s.snapshot(mine)
    answer = s.post(world.citizen, mine, "receive")
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"
    assert s.snapshot(mine) == before


# ------------------------------------------------------------------ officers


def test_an_officer_of_another_agency_gets_404_on_read_and_action(world):
    dossier = s.awaiting_approval(world)
    before = s.snapshot(dossier)
    stranger = s.client_for(world.stranger)

    assert stranger.get(s.url(dossier)).status_code == 404
    assert stranger.get("/api/dossiers/").json()["count"] == 0
    for endpoint, body in [
        ("approve", {}),
        ("send-back", {"note": "Sửa"}),
        ("stop", {"reasons": "Không đủ điều kiện"}),
    ]:
        answer = s.post(world.stranger, dossier, endpoint, body)
        assert answer.status_code == 404
        assert answer.json()["code"] == "not_found"
    assert s.snapshot(dossier) == before


def test_the_agency_a_dossier_is_handed_to_sees_it_and_hands_it_back(world):
    """Inter-agency processing (spec 02 §8): the co-ordinating body holds the step the
    hand-over starts, so its officers see the dossier and may return it; before, it was
    none of theirs."""
    dossier = s.processing(world)
    department = s.client_for(world.stranger)  # a specialist of the department
    assert department.get(s.url(dossier)).status_code == 404

    handed = s.post(
        world.specialist,
        dossier,
        "hand-over",
        {"to_agency": world.department.identifier},
    )
    assert handed.status_code == 200, handed.json()
    holding = [
        step
        for step in handed.json()["steps"]
        if step["started_at"] and not step["finished_at"]
    ]
    assert [step["agency"]["identifier"] for step in holding] == [
        world.department.identifier
    ]

    assert department.get(s.url(dossier)).status_code == 200
    listed = department.get("/api/dossiers/").json()
    assert [row["code"] for row in listed["results"]] == [dossier.code]
    answer = s.post(world.stranger, dossier, "return-from-agency", {"note": "Đã xong"})
    assert answer.status_code == 200, answer.json()
    last = answer.json()["events"][-1]
    assert (last["action"], last["actor_name"]) == (
        "return_from_agency",
        world.stranger.full_name or world.stranger.username,
    )


def test_a_malformed_request_from_an_outsider_is_still_404(world):
    """The dossier is looked up among the visible ones before the body is read, so an
    outsider cannot learn from a 400 that the code exists."""
    dossier = s.processing(world)
    answer = s.post(world.stranger, dossier, "request-supplement", {"wrong": True})
    assert answer.status_code == 404


def test_an_officer_who_sees_the_dossier_but_lacks_the_role_gets_403(world):
    dossier = s.awaiting_approval(world)
    before = s.snapshot(dossier)
    # the counter officer of the receiving centre sees it, but approving is the leader's
    assert s.client_for(world.counter).get(s.url(dossier)).status_code == 200
    answer = s.post(world.counter, dossier, "approve")
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"
    assert s.snapshot(dossier) == before


def test_the_officer_with_the_role_may_act(world):
    dossier = s.awaiting_approval(world)
    assert s.client_for(world.leader).get(s.url(dossier)).status_code == 200
    answer = s.post(world.leader, dossier, "approve")
    assert answer.status_code == 200
    assert answer.json()["status"] == DossierStatus.APPROVED


def test_not_allowed_on_a_dossier_the_user_cannot_see_reads_as_not_found(world):
    """The exception handler's own rule, for any view that reaches a service without
    going through the visible dossiers first."""
    dossier = s.processing(world)
    view = DossierViewSet()
    view.dossier_acted_on = dossier
    refusal = NotAllowed(ErrorCode.NOT_ALLOWED, "You may not do this to this dossier.")

    for user, expected in [(world.stranger, 404), (world.counter, 403)]:
        request = type("Request", (), {"user": user})()
        response = exception_handler(refusal, {"view": view, "request": request})
        assert response is not None
        assert response.status_code == expected
