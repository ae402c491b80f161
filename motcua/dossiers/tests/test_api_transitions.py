"""Every transition through HTTP: it changes the state and writes its event; the guards
refuse with their codes and change nothing; optimistic concurrency answers 409."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import pytest
from django.db import connection, connections

from motcua.dossiers import services
from motcua.dossiers.api.views import DossierViewSet
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import World, build_world
from motcua.dossiers.workflow import TRANSITION_ACTIONS, DossierStatus

if TYPE_CHECKING:
    from rest_framework.decorators import ViewSetAction  # in the stubs only

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _later(dossier: Dossier, days: int) -> str:
    assert dossier.due_at is not None
    return (dossier.due_at + dt.timedelta(days=days)).isoformat()


Body = Callable[[World, Dossier], dict[str, Any]]


def _empty(world: World, dossier: Dossier) -> dict[str, Any]:
    return {}


#: endpoint, how to get there, who acts, what to send, the status it leads to
CASES: list[tuple[str, Callable[[World], Dossier], str, Body, str]] = [
    ("receive", s.submitted, "counter", _empty, DossierStatus.RECEIVED),
    (
        "request-intake-supplement",
        s.submitted,
        "counter",
        lambda w, d: {"missing": ["Tờ khai có chữ ký"], "note": "Thiếu chữ ký"},
        DossierStatus.INTAKE_SUPPLEMENT,
    ),
    (
        "refuse",
        s.submitted,
        "counter",
        lambda w, d: {"reasons": "Không thuộc thẩm quyền"},
        DossierStatus.REFUSED,
    ),
    (
        "resubmit",
        s.intake_supplement,
        "citizen",
        lambda w, d: {"papers": [{"component": 2}]},
        DossierStatus.SUBMITTED,
    ),
    ("transfer", s.received, "counter", _empty, DossierStatus.PROCESSING),
    (
        "assign",
        s.processing,
        "leader",
        lambda w, d: {"assignee": w.specialist.username},
        DossierStatus.PROCESSING,
    ),
    (
        "hand-over",
        s.processing,
        "specialist",
        lambda w, d: {"to_agency": w.department.identifier, "note": "Xác minh"},
        DossierStatus.INTER_AGENCY,
    ),
    (
        "return-from-agency",
        s.inter_agency,
        "specialist",
        _empty,
        DossierStatus.PROCESSING,
    ),
    (
        "request-supplement",
        s.processing,
        "specialist",
        lambda w, d: {"missing": ["Bản sao giấy khai sinh"]},
        DossierStatus.SUPPLEMENT_REQUESTED,
    ),
    (
        "receive-supplement",
        s.supplement_requested,
        "specialist",
        _empty,
        DossierStatus.PROCESSING,
    ),
    (
        "request-financial-obligation",
        s.processing,
        "specialist",
        lambda w, d: {"amount": 50_000},
        DossierStatus.FINANCIAL_OBLIGATION,
    ),
    (
        "confirm-financial-obligation",
        s.financial_obligation,
        "specialist",
        _empty,
        DossierStatus.PROCESSING,
    ),
    (
        "submit-for-approval",
        s.processing,
        "specialist",
        _empty,
        DossierStatus.AWAITING_APPROVAL,
    ),
    (
        "send-back",
        s.awaiting_approval,
        "leader",
        lambda w, d: {"note": "Bổ sung ý kiến thẩm định"},
        DossierStatus.PROCESSING,
    ),
    ("approve", s.awaiting_approval, "leader", _empty, DossierStatus.APPROVED),
    (
        "issue-result",
        s.approved,
        "leader",
        lambda w, d: {"results": ["Giấy xác nhận tình trạng hôn nhân"]},
        DossierStatus.RESOLVED,
    ),
    (
        "return-result",
        s.resolved,
        "counter",
        lambda w, d: {"receiver": "Nguyễn Thị Ánh"},
        DossierStatus.RETURNED,
    ),
    (
        "apologise",
        s.processing,
        "leader",
        lambda w, d: {"new_due_at": _later(d, 2), "reason": "Chờ xác minh"},
        DossierStatus.PROCESSING,
    ),
    ("withdraw", s.processing, "counter", _empty, DossierStatus.WITHDRAWN),
    (
        "stop",
        s.processing,
        "leader",
        lambda w, d: {"reasons": "Không đủ điều kiện"},
        DossierStatus.STOPPED,
    ),
]


@pytest.mark.parametrize(
    ("endpoint", "state", "persona", "body", "expected"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_each_transition_changes_the_state_and_writes_its_event(
    world, endpoint, state, persona, body, expected
):
    dossier = state(world)
    events_before = dossier.events.count()

    response = s.post(getattr(world, persona), dossier, endpoint, body(world, dossier))

    assert response.status_code == 200, response.json()
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.status == expected
    assert stored.lock_version == dossier.lock_version + 1
    assert response.json()["status"] == expected
    assert response.json()["lock_version"] == stored.lock_version
    assert response["ETag"] == f'"{stored.lock_version}"'
    event = stored.events.order_by("-sequence").first()
    assert event is not None
    assert stored.events.count() == events_before + 1
    assert event.action == endpoint.replace("-", "_")
    assert event.actor == getattr(world, persona)
    assert event.to_status == expected
    assert response.json()["events"][-1]["action"] == event.action


def test_every_action_a_person_takes_has_its_endpoint_and_no_more():
    """The endpoints on one dossier are the actions of the workflow's rows that a person
    takes on an existing dossier, each tested above: a row added without its endpoint, or
    without its case here, fails."""
    actions = [
        cast("ViewSetAction[Any]", a) for a in DossierViewSet.get_extra_actions()
    ]
    endpoints = {a.url_path for a in actions if a.detail}
    assert endpoints == {case[0] for case in CASES}
    assert {e.replace("-", "_") for e in endpoints} == set(TRANSITION_ACTIONS)


def test_assign_names_the_specialist(world):
    dossier = s.processing(world)
    response = s.post(world.leader, dossier, "assign", {"assignee": "chuyenvien"})
    assert response.json()["assignee"] == "chuyenvien"
    assert Dossier.objects.get(pk=dossier.pk).assignee == world.specialist


def test_issue_result_codes_each_result_after_the_dossier(world):
    dossier = s.approved(world)
    response = s.post(
        world.leader, dossier, "issue-result", {"results": ["Giấy xác nhận", "Bản sao"]}
    )
    # NĐ 45/2020 khoản 3 Điều 14: <dossier code>-KQ(n)
    assert [r["code"] for r in response.json()["results"]] == [
        f"{dossier.code}-KQ(1)",
        f"{dossier.code}-KQ(2)",
    ]
    assert response.json()["finished_at"] is not None


def test_apology_sets_the_new_appointment_once(world):
    dossier = s.processing(world)
    assert dossier.due_at is not None
    new_due = dossier.due_at + dt.timedelta(days=2)
    response = s.post(
        world.leader,
        dossier,
        "apologise",
        {"new_due_at": new_due.isoformat(), "reason": "Chờ xác minh"},
    )
    assert response.status_code == 200
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.due_at == new_due
    assert stored.reschedules == 1
    assert response.json()["reschedules"] == 1


def test_the_applicant_withdraws_their_own_online_dossier(world):
    dossier = s.submitted(world)
    response = s.post(world.citizen, dossier, "withdraw", {"note": "Không cần nữa"})
    assert response.status_code == 200
    assert response.json()["status"] == DossierStatus.WITHDRAWN


# ------------------------------------------------------------------ guards


def test_returning_a_result_before_approval_is_refused_and_changes_nothing(world):
    dossier = s.awaiting_approval(world)
    before = s.snapshot(dossier)
    response = s.post(world.counter, dossier, "return-result", {})
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert set(response.json()) == {"code", "message", "details"}
    assert s.snapshot(dossier) == before


def test_a_second_apology_is_refused(world):
    dossier = s.processing(world)
    first = s.post(
        world.leader,
        dossier,
        "apologise",
        {"new_due_at": _later(dossier, 2), "reason": "Chờ xác minh"},
    )
    assert first.status_code == 200
    before = s.snapshot(dossier)
    second = s.post(
        world.leader,
        dossier,
        "apologise",
        {"new_due_at": _later(dossier, 5), "reason": "Vẫn chờ"},
    )
    assert second.status_code == 409
    assert second.json()["code"] == "apology_already_made"
    assert s.snapshot(dossier) == before


def test_a_received_online_dossier_keeps_every_paper_it_was_submitted_with(world):
    dossier = s.submitted(world)
    response = s.post(world.counter, dossier, "receive")
    assert response.status_code == 200
    assert [c["component"] for c in response.json()["components"]] == [1, 2]


def test_a_malformed_request_is_400_with_the_fields_and_changes_nothing(world):
    dossier = s.processing(world)
    before = s.snapshot(dossier)
    response = s.post(world.specialist, dossier, "request-supplement", {"note": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["details"]) == {"missing"}
    assert s.snapshot(dossier) == before


def test_an_empty_list_of_missing_papers_is_refused_as_the_schema_says(world):
    # minItems: 1 in docs/openapi.yaml; the service refuses it too (missing_required)
    dossier = s.processing(world)
    before = s.snapshot(dossier)
    response = s.post(world.specialist, dossier, "request-supplement", {"missing": []})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["details"]) == {"missing"}
    assert s.snapshot(dossier) == before


def test_an_unknown_assignee_is_400(world):
    dossier = s.processing(world)
    before = s.snapshot(dossier)
    response = s.post(world.leader, dossier, "assign", {"assignee": "khong-co"})
    assert response.status_code == 400
    assert "assignee" in response.json()["details"]
    assert s.snapshot(dossier) == before


def test_no_status_can_be_written(world):
    dossier = s.processing(world)
    before = s.snapshot(dossier)
    client = s.client_for(world.leader)
    for method in (client.put, client.patch):
        response = method(s.url(dossier), {"status": "resolved"}, format="json")
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
    assert s.snapshot(dossier) == before


# ------------------------------------------------------------------ concurrency


def test_a_stale_expected_version_is_409_and_changes_nothing(world):
    dossier = s.awaiting_approval(world)
    seen = dossier.lock_version
    services.send_back_dossier(dossier=dossier, note="Sửa", actor=world.leader)
    services.submit_for_approval(
        dossier=Dossier.objects.get(pk=dossier.pk), actor=world.specialist
    )
    before = s.snapshot(dossier)
    response = s.post(world.leader, dossier, "approve", {"expected_version": seen})
    assert response.status_code == 409
    assert response.json()["code"] == "stale_dossier"
    assert s.snapshot(dossier) == before


def test_if_match_names_the_version_too(world):
    dossier = s.awaiting_approval(world)
    stale = s.post(world.leader, dossier, "approve", {}, **{"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_dossier"
    current = s.post(
        world.leader,
        dossier,
        "approve",
        {},
        **{"If-Match": f'"{dossier.lock_version}"'},
    )
    assert current.status_code == 200
    assert current["ETag"] == f'"{dossier.lock_version + 1}"'


def test_the_current_expected_version_is_accepted(world):
    dossier = s.awaiting_approval(world)
    response = s.post(
        world.leader, dossier, "approve", {"expected_version": dossier.lock_version}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "headers", "field"),
    [
        ({}, {"If-Match": "version-two"}, "If-Match"),
        ({"expected_version": 3}, {"If-Match": '"4"'}, "expected_version"),
        ({"expected_version": "three"}, {}, "expected_version"),
    ],
)
def test_a_malformed_version_is_400(world, body, headers, field):
    dossier = s.awaiting_approval(world)
    before = s.snapshot(dossier)
    response = s.post(world.leader, dossier, "approve", body, **headers)
    assert response.status_code == 400
    assert set(response.json()["details"]) == {field}
    assert s.snapshot(dossier) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_conflicting_transitions_one_wins_one_gets_409():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every writer; the race only exists on PostgreSQL"
        )
    world = build_world()
    dossier = s.awaiting_approval(world)
    version = dossier.lock_version
    events_before = dossier.events.count()
    barrier = threading.Barrier(2)
    answers: dict[str, Any] = {}
    errors: list[BaseException] = []

    def act(endpoint: str, body: dict[str, Any]) -> None:
        try:
            client = s.client_for(world.leader)
            barrier.wait()
            answers[endpoint] = client.post(
                s.url(dossier, endpoint),
                {**body, "expected_version": version},
                format="json",
            )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("approve", {})),
        threading.Thread(target=act, args=("send-back", {"note": "Sửa lại"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    codes = sorted(answer.status_code for answer in answers.values())
    assert codes == [200, 409]
    loser = next(a for a in answers.values() if a.status_code == 409)
    winner = next(e for e, a in answers.items() if a.status_code == 200)
    assert loser.json()["code"] == "stale_dossier"
    stored = Dossier.objects.get(pk=dossier.pk)
    assert stored.lock_version == version + 1
    assert stored.status == (
        DossierStatus.APPROVED if winner == "approve" else DossierStatus.PROCESSING
    )
    assert DossierEvent.objects.filter(dossier=stored).count() == events_before + 1
