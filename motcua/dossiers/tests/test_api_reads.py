"""Reading dossiers: the list (visible ones only, filters, pages, a fixed number of queries)
and the detail (timeline, steps with their deadline state, results, papers, and the
dossier's own deadline state by ``deadlines.classify``).

Dossiers here are set up at fixed moments of March 2026 (office hours 07:00-11:30 and
13:30-17:00, no holiday), long past, so their deadline states are worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.cache import clear_reference_caches
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import World, at, build_world
from motcua.dossiers.workflow import DossierStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _in_appraisal(world: World, received_at: dt.datetime) -> Dossier:
    """Received at ``received_at``, transferred an hour later."""
    dossier = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=received_at
    )
    return services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=received_at + dt.timedelta(hours=1)
    )


@pytest.fixture
def three(world):
    """A: in appraisal since Mon 2/3, due Thu 5/3 09:00, so overdue now.
    B: result issued Wed 4/3, a day before its appointment.
    C: supplement requested Tue 3/3 09:00, its clock stopped there."""
    a = _in_appraisal(world, at(2, 9))
    b = _in_appraisal(world, at(2, 8))
    b = services.submit_for_approval(dossier=b, actor=world.specialist, at=at(3, 9))
    b = services.approve_dossier(dossier=b, actor=world.leader, at=at(3, 10))
    b = services.issue_result(
        dossier=b, results=["Giấy xác nhận"], actor=world.leader, at=at(4, 10)
    )
    c = _in_appraisal(world, at(2, 7, 30))
    c = services.request_supplement(
        dossier=c, missing=["Bản sao"], actor=world.specialist, at=at(3, 9)
    )
    return a, b, c


def _codes(answer) -> list[str]:
    assert answer.status_code == 200, answer.json()
    return [row["code"] for row in answer.json()["results"]]


# ------------------------------------------------------------------ list


def test_the_list_shows_the_visible_dossiers_newest_first(world, three):
    a, b, c = three
    answer = s.client_for(world.counter).get("/api/dossiers/")
    assert _codes(answer) == [a.code, b.code, c.code]
    row = answer.json()["results"][0]
    assert row["status"] == DossierStatus.PROCESSING
    assert row["procedure"] == world.version.procedure.code
    assert row["handling_agency"] == {
        "identifier": "000.00.51.H15",
        "name": world.commune.name,
    }
    assert row["due_at"] == "2026-03-05T09:00:00+07:00"
    assert row["lock_version"] == a.lock_version
    assert "events" not in row


def test_the_list_filters_by_status(world, three):
    a, b, c = three
    client = s.client_for(world.counter)
    assert _codes(client.get("/api/dossiers/?status=processing")) == [a.code]
    assert _codes(client.get("/api/dossiers/?status=processing&status=resolved")) == [
        a.code,
        b.code,
    ]
    refused = client.get("/api/dossiers/?status=lost")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert set(refused.json()["details"]) == {"status"}


def test_the_list_filters_overdue_dossiers(world, three):
    a, b, c = three
    client = s.client_for(world.counter)
    # B is finished; C's clock stopped when the supplement was requested
    assert _codes(client.get("/api/dossiers/?overdue=true")) == [a.code]
    assert _codes(client.get("/api/dossiers/?overdue=false")) == [b.code, c.code]
    rows = client.get("/api/dossiers/").json()["results"]
    assert [row["is_overdue"] for row in rows] == [True, False, False]


def test_a_dossier_paused_after_its_appointment_is_overdue(world, three):
    """Spec 02 §7: late is "still open after" the appointment. D, received Thu 26/2
    09:00, was due Tue 3/3 09:00 (Fri 27/2, Mon 2/3, Tue 3/3) and was paused Wed 4/3
    10:00: late already when its clock stopped, so overdue while it waits; C, paused
    before its appointment, is not."""
    a, b, c = three
    d = _in_appraisal(world, at(26, 9, month=2))
    assert d.due_at == at(3, 9)
    d = services.request_supplement(
        dossier=d, missing=["Bản sao"], actor=world.specialist, at=at(4, 10)
    )
    client = s.client_for(world.counter)
    assert _codes(client.get("/api/dossiers/?overdue=true")) == [a.code, d.code]
    assert _codes(client.get("/api/dossiers/?overdue=false")) == [b.code, c.code]
    rows = client.get("/api/dossiers/").json()["results"]
    assert [row["is_overdue"] for row in rows] == [True, False, False, True]


def test_the_list_filters_by_agency_and_procedure(world, three):
    a, b, c = three
    client = s.client_for(world.counter)
    assert _codes(client.get("/api/dossiers/?agency=000.00.51.H15")) == [
        a.code,
        b.code,
        c.code,
    ]
    assert _codes(client.get("/api/dossiers/?agency=000.00.03.H15")) == []
    assert _codes(
        client.get(f"/api/dossiers/?procedure={world.version.procedure.code}")
    ) == [a.code, b.code, c.code]
    assert _codes(client.get("/api/dossiers/?procedure=1.000000")) == []
    unknown = client.get("/api/dossiers/?agency=000.99.99.H15")
    assert unknown.status_code == 400
    assert set(unknown.json()["details"]) == {"agency"}


def test_the_list_is_paginated(world, three):
    a, b, c = three
    client = s.client_for(world.counter)
    first = client.get("/api/dossiers/?page_size=2").json()
    assert first["count"] == 3
    assert [row["code"] for row in first["results"]] == [a.code, b.code]
    assert first["next"].endswith("page=2&page_size=2")
    second = client.get(first["next"]).json()
    assert [row["code"] for row in second["results"]] == [c.code]
    assert second["next"] is None


def test_the_list_costs_the_same_queries_for_two_dossiers_as_for_six(world):
    client = s.client_for(world.counter)
    first = _in_appraisal(world, at(2, 8))
    _in_appraisal(world, at(2, 9))
    services.assign_dossier(
        dossier=first, assignee=world.specialist, actor=world.leader
    )
    clear_reference_caches()
    with CaptureQueriesContext(connection) as two:
        assert len(_codes(client.get("/api/dossiers/"))) == 2
    for hour in (10, 13, 14, 15):
        _in_appraisal(world, at(3, hour))
    clear_reference_caches()
    with CaptureQueriesContext(connection) as six:
        assert len(_codes(client.get("/api/dossiers/"))) == 6
    assert len(six) == len(two)
    # the user's roles, the count, the page; then, once per process, the agencies, the
    # procedure versions and the one-stop rules the page names
    assert len(six) == 6, [q["sql"] for q in six.captured_queries]
    with CaptureQueriesContext(connection) as again:
        assert len(_codes(client.get("/api/dossiers/"))) == 6
    assert len(again) == 3, [q["sql"] for q in again.captured_queries]


# ------------------------------------------------------------------ detail


def test_the_detail_has_the_timeline_steps_and_deadline(world, three):
    a, b, c = three
    answer = s.client_for(world.specialist).get(s.url(a))
    assert answer.status_code == 200
    body = answer.json()
    assert answer["ETag"] == f'"{a.lock_version}"'
    assert body["code"] == a.code
    assert body["received_at"] == "2026-03-02T09:00:00+07:00"
    assert body["due_at"] == "2026-03-05T09:00:00+07:00"
    assert body["deadline"] == "overdue"
    assert [
        (e["sequence"], e["action"], e["from_status"], e["to_status"])
        for e in body["events"]
    ] == [
        (1, "receive", "", "received"),
        (2, "transfer", "received", "processing"),
    ]
    # the counter (the ward's centre) received it; the transfer started step 2, held by
    # the handling commune (the template's steps name no agency of their own)
    assert [(e["agency"], e["step"]) for e in body["events"]] == [
        ("000.01.51.H15", None),
        ("000.00.51.H15", 2),
    ]
    steps = body["steps"]
    assert steps[0]["actor"] == "tiepnhan"  # the counter officer finished reception
    assert steps[1]["actor"] is None
    assert steps[1]["agency"]["identifier"] == "000.00.51.H15"
    assert [step["position"] for step in steps] == [1, 2, 3, 4]
    # step 1, reception: a paper dossier received before 15:00 is handed over the same
    # day (due 17:00); handed over at 10:00, on that day
    assert steps[0]["due_at"] == "2026-03-02T17:00:00+07:00"
    assert steps[0]["finished_at"] == "2026-03-02T10:00:00+07:00"
    assert steps[0]["deadline"] == "on_time"
    # step 2, 1.5 working days from Mon 10:00: Tue 10:00, then 4 hours: 16:00; still open
    assert steps[1]["started_at"] == "2026-03-02T10:00:00+07:00"
    assert steps[1]["due_at"] == "2026-03-03T16:00:00+07:00"
    assert steps[1]["deadline"] == "overdue"
    assert steps[2]["started_at"] is None
    assert steps[2]["deadline"] is None
    assert body["components"][0]["component"] == 1
    assert body["results"] == []


def test_a_finished_dossier_is_judged_by_when_it_finished(world, three):
    a, b, c = three
    body = s.client_for(world.leader).get(s.url(b)).json()
    assert body["status"] == DossierStatus.RESOLVED
    assert body["national_status"] == 9
    # finished Wed 4/3 10:00, the appointment is Thu 5/3 08:00: a day early
    assert body["due_at"] == "2026-03-05T08:00:00+07:00"
    assert body["finished_at"] == "2026-03-04T10:00:00+07:00"
    assert body["deadline"] == "early"
    assert body["results"] == [
        {
            "number": 1,
            "code": f"{b.code}-KQ(1)",
            "name": "Giấy xác nhận",
            "issued_at": "2026-03-04T10:00:00+07:00",
            "electronic": False,
            "file_url": "",
            "sent_to_data_store": False,
        }
    ]


def test_a_paused_dossier_is_judged_when_its_clock_stopped(world, three):
    a, b, c = three
    body = s.client_for(world.leader).get(s.url(c)).json()
    assert body["status"] == DossierStatus.SUPPLEMENT_REQUESTED
    assert body["paused_at"] == "2026-03-03T09:00:00+07:00"
    # Tue 09:00 to Thu 07:30 is more than a working day (the due-soon window): in time
    assert body["due_at"] == "2026-03-05T07:30:00+07:00"
    assert body["deadline"] == "in_time"
    assert body["supplement_rounds"] == 1


def test_the_detail_costs_the_same_queries_however_long_its_history(world):
    short = _in_appraisal(world, at(2, 9))
    long = _in_appraisal(world, at(2, 10))
    for moment in (at(3, 9), at(3, 14)):
        long = services.submit_for_approval(
            dossier=long, actor=world.specialist, at=moment
        )
        long = services.send_back_dossier(
            dossier=long, note="Sửa", actor=world.leader, at=moment
        )
    client = s.client_for(world.leader)
    clear_reference_caches()
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(s.url(short)).json()["events"]) == 2
    clear_reference_caches()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(s.url(long)).json()["events"]) == 6
    assert len(many) == len(few)
    # Once the process keeps the calendar, agencies, versions and rules: the user's
    # roles, the dossier, its papers, steps, results and events.
    with CaptureQueriesContext(connection) as again:
        assert len(client.get(s.url(long)).json()["events"]) == 6
    assert len(again) == 6, [q["sql"] for q in again.captured_queries]


def test_a_dossier_code_with_dots_and_dashes_is_its_url(world):
    dossier = _in_appraisal(world, at(2, 9))
    assert dossier.code == "000.01.51.H15-260302-0001"
    answer = s.client_for(world.counter).get("/api/dossiers/000.01.51.H15-260302-0001/")
    assert answer.status_code == 200
    missing = s.client_for(world.counter).get(
        "/api/dossiers/000.01.51.H15-260302-0002/"
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_the_applicant_sees_every_step_but_not_the_administrations_working_notes(world):
    # Given an online dossier the leader sent back with an internal note
    dossier = services.receive_dossier(
        dossier=s.submitted(world), actor=world.counter, at=at(2, 9)
    )
    dossier = services.transfer_dossier(
        dossier=dossier, actor=world.counter, at=at(2, 10)
    )
    dossier = services.submit_for_approval(
        dossier=dossier, actor=world.specialist, at=at(3, 9)
    )
    dossier = services.send_back_dossier(
        dossier=dossier, note="Dự thảo sai căn cứ", actor=world.leader, at=at(3, 10)
    )
    dossier = services.request_supplement(
        dossier=dossier,
        missing=["Bản sao sổ hộ khẩu"],
        note="Thiếu giấy tờ",
        actor=world.specialist,
        at=at(3, 11),
    )

    def events(user):
        body = s.client_for(user).get(s.url(dossier)).json()
        return {
            event["action"]: (event["note"], event["payload"])
            for event in body["events"]
        }

    # the applicant sees that it was sent back, without the note; and the supplement request in full
    mine = events(world.citizen)
    assert mine["send_back"] == ("", {})
    assert mine["request_supplement"] == (
        "Thiếu giấy tờ",
        {"missing": ["Bản sao sổ hộ khẩu"]},
    )
    # the officers see everything
    assert events(world.specialist)["send_back"] == ("Dự thảo sai căn cứ", {})
