"""The three ways in: counter or postal intake with the officer's decision, a citizen's
online submission, a procedure settled on the spot. Bad input gets 400 or 422 with its code
and creates nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import World, build_world
from motcua.dossiers.workflow import DossierStatus
from motcua.procedures.tests.factories import ProcedureVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _intake(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": world.version.procedure.code,
        "receiving_agency": world.centre.identifier,
        "handling_agency": world.commune.identifier,
        "channel": 1,
        "applicant": {
            "name": "Trần Thị Bích",
            "kind": 1,
            "id_number": "066190000999",
            "phone": "0905000111",
            "email": "bich@example.com",
            "address": "12 Lê Duẩn, Buôn Ma Thuột",
        },
        "papers": [
            {"component": 1},
            {"name": "giấy tờ  CHỨNG MINH", "form": "copy", "quantity": 2},
        ],
        "return_method": "post",
        "decision": "receive",
    }
    body.update(changes)
    return body


def _nothing_created() -> None:
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert not DossierCodeCounter.objects.filter(last__gt=0).exists()


# ------------------------------------------------------------------ counter


def test_the_counter_receives_a_complete_dossier(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world), format="json"
    )

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    dossier = Dossier.objects.get()
    assert body["code"] == dossier.code
    assert dossier.code.startswith("000.01.51.H15-")
    assert body["status"] == DossierStatus.RECEIVED
    assert body["national_status"] == 2
    assert body["procedure"] == world.version.procedure.code
    assert body["procedure_version"] == world.version.number
    assert body["receiving_agency"]["identifier"] == "000.01.51.H15"
    assert body["handling_agency"]["identifier"] == "000.00.51.H15"
    assert body["channel"] == 1
    assert body["return_method"] == "post"
    assert body["applicant"] == {
        "kind": 1,
        "name": "Trần Thị Bích",
        "id_number": "066190000999",
        "phone": "0905000111",
        "email": "bich@example.com",
        "address": "12 Lê Duẩn, Buôn Ma Thuột",
        "vneid_verified": False,
    }
    # the first paper by position, the second matched by its name, whatever the case
    components = list(world.version.components.order_by("position"))
    not_digitised = {
        "digitised_at": None,
        "reused": False,
        "from_data_store": False,
        "source_database": "",
    }
    assert body["components"] == [
        {
            "component": 1,
            "name": components[0].name,
            "form": "original",
            "quantity": 1,
            **not_digitised,
        },
        {
            "component": 2,
            "name": "giấy tờ  CHỨNG MINH",
            "form": "copy",
            "quantity": 2,
            **not_digitised,
        },
    ]
    assert body["due_at"] is not None
    assert body["deadline"] == "in_time"  # three working days ahead: not due soon
    assert [e["action"] for e in body["events"]] == ["receive"]
    assert body["events"][0]["actor_name"] == world.counter.full_name
    assert len(body["steps"]) == 4


def test_the_counter_asks_to_complete_a_dossier(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/",
        _intake(
            world,
            channel=3,
            papers=[{"component": 1}],
            decision="request_supplement",
            missing=["Giấy tờ chứng minh"],
        ),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == DossierStatus.INTAKE_SUPPLEMENT
    assert body["channel"] == 3
    assert body["due_at"] is None
    assert body["deadline"] is None
    assert body["events"][0]["payload"] == {"missing": ["Giấy tờ chứng minh"]}


def test_the_counter_refuses_a_dossier_with_reasons(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/",
        _intake(world, decision="refuse", reasons="Không thuộc thẩm quyền"),
        format="json",
    )
    assert answer.status_code == 201
    assert answer.json()["status"] == DossierStatus.REFUSED
    assert answer.json()["events"][0]["note"] == "Không thuộc thẩm quyền"


def test_an_incomplete_dossier_is_not_received_and_leaves_no_trace(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, papers=[{"component": 1}]), format="json"
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "dossier_incomplete"
    _nothing_created()


def test_refusing_without_reasons_is_422(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, decision="refuse"), format="json"
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "reasons_required"
    _nothing_created()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"procedure": "9.999999"}, "procedure"),
        ({"version": 7}, "version"),
        ({"receiving_agency": "000.99.99.H15"}, "receiving_agency"),
        ({"handling_agency": "không có"}, "handling_agency"),
        ({"applicant": {"kind": 1, "id_number": "066190000999"}}, "applicant"),
        ({"applicant": {"name": "   "}}, "applicant"),
        ({"channel": 2}, "channel"),
        ({"channel": 9}, "channel"),
        ({"decision": "maybe"}, "decision"),
        ({"papers": [{"component": 9}]}, "papers"),
        ({"papers": [{"name": "Giấy lạ"}]}, "papers"),
        ({"papers": [{"quantity": 1}]}, "papers"),
    ],
    ids=[
        "unknown procedure",
        "unknown version",
        "unknown receiving agency",
        "unknown handling agency",
        "missing applicant name",
        "blank applicant name",
        "online channel at the counter",
        "no such channel",
        "unknown decision",
        "no such component",
        "unlisted paper without form",
        "paper without name or position",
    ],
)
def test_bad_intake_is_400_with_the_field_and_creates_nothing(world, changes, field):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, **changes), format="json"
    )
    assert answer.status_code == 400, answer.json()
    assert answer.json()["code"] == "invalid"
    assert field in answer.json()["details"]
    _nothing_created()


def test_the_missing_applicant_name_is_named_in_the_details(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, applicant={"kind": 1}), format="json"
    )
    assert set(answer.json()["details"]["applicant"]) == {"name"}


def test_an_agency_that_no_longer_exists_is_422(world):
    dissolved = AgencyFactory.create(
        valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2025, 6, 30)
    )
    answer = s.client_for(world.counter).post(
        "/api/dossiers/",
        _intake(world, handling_agency=dissolved.identifier),
        format="json",
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "agency_not_active"
    assert answer.json()["details"] == {"field": "handling_agency"}
    _nothing_created()


def test_a_procedure_with_no_version_in_force_is_400(world):
    ended = ProcedureVersionFactory.create(
        effective_from=dt.date(2020, 1, 1), effective_to=dt.date(2025, 6, 30)
    )
    answer = s.client_for(world.counter).post(
        "/api/dossiers/",
        _intake(world, procedure=ended.procedure.code, papers=[]),
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()["details"]) == {"procedure"}
    # naming the old version reaches the rules, which refuse it on today's date
    answer = s.client_for(world.counter).post(
        "/api/dossiers/",
        _intake(world, procedure=ended.procedure.code, version=1, papers=[]),
        format="json",
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "procedure_not_in_force"
    _nothing_created()


def test_intake_sees_the_catalogue_and_the_agencies_as_they_change(world):
    """Intake reads agencies and procedure versions from the process's caches
    (``selectors.agency_by_identifier``, ``versions_for_intake``); a change clears them."""
    counter = s.client_for(world.counter)
    assert (
        counter.post("/api/dossiers/", _intake(world), format="json").status_code == 201
    )

    # an agency created since is found
    new_commune = AgencyFactory.create(identifier="000.00.52.H15")
    answer = counter.post(
        "/api/dossiers/",
        _intake(world, handling_agency=new_commune.identifier),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["handling_agency"]["identifier"] == "000.00.52.H15"

    # and once it has ended (yesterday), intake refuses it
    new_commune.valid_to = timezone.localdate() - dt.timedelta(days=1)
    new_commune.save()
    answer = counter.post(
        "/api/dossiers/",
        _intake(world, handling_agency=new_commune.identifier),
        format="json",
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "agency_not_active"

    # a component made optional since is no longer required
    component = world.version.components.get(position=2)
    component.is_mandatory = False
    component.save()
    answer = counter.post(
        "/api/dossiers/", _intake(world, papers=[{"component": 1}]), format="json"
    )
    assert answer.status_code == 201, answer.json()

    # a version ended since (yesterday; it began on 1/7/2025) is no longer in force
    world.version.effective_to = timezone.localdate() - dt.timedelta(days=1)
    world.version.save()
    answer = counter.post("/api/dossiers/", _intake(world), format="json")
    assert answer.status_code == 400
    assert set(answer.json()["details"]) == {"procedure"}


@pytest.mark.parametrize("persona", ["citizen", "stranger", "specialist"])
def test_only_a_counter_officer_of_the_receiving_agency_records_intake(world, persona):
    answer = s.client_for(getattr(world, persona)).post(
        "/api/dossiers/", _intake(world), format="json"
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"
    _nothing_created()


# ------------------------------------------------------------------ online


def test_a_citizen_submits_online_as_themselves(world):
    body = _intake(world)
    for key in ("channel", "decision", "applicant"):
        del body[key]
    answer = s.client_for(world.citizen).post(
        "/api/dossiers/online/", body, format="json"
    )

    assert answer.status_code == 201, answer.json()
    dossier = Dossier.objects.get()
    assert dossier.applicant == world.citizen
    assert answer.json()["status"] == DossierStatus.SUBMITTED
    assert answer.json()["national_status"] == 1
    assert answer.json()["channel"] == 2
    assert answer.json()["applicant"]["name"] == world.citizen.full_name
    assert [e["action"] for e in answer.json()["events"]] == ["submit_online"]
    # and it is theirs to follow
    listed = s.client_for(world.citizen).get("/api/dossiers/").json()
    assert [row["code"] for row in listed["results"]] == [dossier.code]


def test_an_online_submission_may_name_the_applicant(world):
    body = _intake(world, applicant={"name": "Công ty TNHH Ban Mê", "kind": 2})
    answer = s.client_for(world.citizen).post(
        "/api/dossiers/online/", body, format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["applicant"]["name"] == "Công ty TNHH Ban Mê"
    assert answer.json()["applicant"]["kind"] == 2
    assert Dossier.objects.get().applicant == world.citizen


def test_officers_do_not_submit_online(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/online/", _intake(world), format="json"
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"
    _nothing_created()


def test_an_online_submission_without_its_required_papers_is_refused(world):
    """The portal checks the checklist as the counter does (NĐ 61/2018 Điều 15): the
    world's procedure requires its application form (component 1) and a proof of
    identity (component 2); a submission with neither is refused at once with both named,
    not accepted to fail later at the counter."""
    body = _intake(world, papers=[])
    for key in ("channel", "decision", "applicant"):
        del body[key]
    answer = s.client_for(world.citizen).post(
        "/api/dossiers/online/", body, format="json"
    )
    assert answer.status_code == 422, answer.json()
    assert answer.json()["code"] == "dossier_incomplete"
    mandatory = [
        c.name for c in world.version.components.order_by("position") if c.is_mandatory
    ]
    assert len(mandatory) == 2
    assert answer.json()["details"]["missing"] == mandatory
    _nothing_created()


def test_a_bad_online_submission_creates_nothing(world):
    answer = s.client_for(world.citizen).post(
        "/api/dossiers/online/", _intake(world, procedure="1.000000"), format="json"
    )
    assert answer.status_code == 400
    assert "procedure" in answer.json()["details"]
    _nothing_created()


# ------------------------------------------------------------------ the answer


@pytest.mark.parametrize(
    ("who", "path", "changes"),
    [
        ("counter", "/api/dossiers/", {}),
        (
            "counter",
            "/api/dossiers/",
            {
                "channel": 3,
                "papers": [{"component": 1}],
                "decision": "request_supplement",
                "missing": ["Giấy tờ chứng minh"],
                "note": "Bổ sung trong 5 ngày",
            },
        ),
        (
            "counter",
            "/api/dossiers/",
            {"decision": "refuse", "reasons": "Không thuộc thẩm quyền"},
        ),
        ("citizen", "/api/dossiers/online/", {"decision": None, "channel": None}),
        (
            "counter",
            "/api/dossiers/on-the-spot/",
            {"decision": None, "results": ["Giấy xác nhận"]},
        ),
    ],
    ids=["received", "supplement", "refused", "online", "on_the_spot"],
)
def test_the_answer_to_an_intake_is_what_reading_the_dossier_shows(
    world, who, path, changes
):
    """The intake answers from the rows it has just written instead of reading them back
    (``selectors.show_written``): the answer must be the stored dossier, field for field,
    papers, steps and events included."""
    body = _intake(world, **{k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        del body[key]
    client = s.client_for(getattr(world, who))

    answer = client.post(path, body, format="json")

    assert answer.status_code == 201, answer.json()
    read = client.get(s.url(answer.json()["code"]))
    assert read.status_code == 200
    assert answer.json() == read.json()
    assert answer["ETag"] == read["ETag"]


# ------------------------------------------------------------------ on the spot


def test_a_procedure_settled_on_the_spot_is_recorded_with_its_whole_history(world):
    body = _intake(world, results=["Giấy xác nhận tình trạng hôn nhân"])
    del body["decision"]
    answer = s.client_for(world.counter).post(
        "/api/dossiers/on-the-spot/", body, format="json"
    )

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == DossierStatus.RETURNED
    assert [e["action"] for e in body["events"]] == [
        "receive",
        "transfer",
        "submit_for_approval",
        "approve",
        "issue_result",
        "return_result",
    ]
    assert [r["code"] for r in body["results"]] == [f"{body['code']}-KQ(1)"]
    # finished at once, days before the appointment three working days ahead
    assert body["deadline"] == "early"


def test_on_the_spot_needs_the_results(world):
    body = _intake(world)
    answer = s.client_for(world.counter).post(
        "/api/dossiers/on-the-spot/", body, format="json"
    )
    assert answer.status_code == 400
    assert set(answer.json()["details"]) == {"results"}
    _nothing_created()


def test_a_body_that_is_not_json_is_refused(world):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", "procedure=1.004873", content_type="text/plain"
    )
    assert answer.status_code == 415
    assert answer.json()["code"] == "unsupported_media_type"
    _nothing_created()
