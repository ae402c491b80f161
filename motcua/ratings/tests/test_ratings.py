"""Evaluations and petitions: recorded through the services, the API and the import, each
write bounded and checked (criteria 0..2, moments in order), reads scoped by the dossier's
visibility (evaluations) and the agency (petitions)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import OfficerFactory, RoleAssignmentFactory
from motcua.dossiers.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers.permissions import SYSTEM
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import World, at, build_world
from motcua.ratings import services
from motcua.ratings.importing import import_ratings
from motcua.ratings.models import Evaluation, Petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def dossier(world):
    """Received Mon 2/3/2026 08:00 at the ward centre, handled by the commune."""
    from motcua.dossiers import services as dossier_services

    return dossier_services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 8)
    )


# ------------------------------------------------------------------ services


def test_an_evaluation_keeps_its_verdict_and_criteria(world, dossier):
    evaluation = services.record_evaluation(
        dossier=dossier,
        at=at(5, 10),
        channel="counter_form",
        verdict="unsatisfied",
        criteria={"total_time": 0, "attitude": 2, "publicity": None},
        comment="Phải đi lại hai lần",
        reference="PHIEU-001",
        actor=world.counter,
    )

    stored = Evaluation.objects.get()
    assert stored == evaluation
    assert (stored.verdict, stored.total_time, stored.attitude, stored.publicity) == (
        "unsatisfied",
        0,
        2,
        None,
    )
    assert stored.recorded_by == world.counter


@pytest.mark.parametrize(
    ("changes", "error", "code", "field"),
    [
        ({"criteria": {"attitude": 3}}, InvalidInput, "criterion_out_of_range",
         "criteria.attitude"),
        ({"criteria": {"attitude": -1}}, InvalidInput, "criterion_out_of_range",
         "criteria.attitude"),
        ({"criteria": {"speed": 1}}, InvalidInput, "invalid", "criteria.speed"),
        ({"verdict": "", "criteria": {"attitude": None}}, InvalidInput,
         "evaluation_empty", "verdict"),
        ({"at": at(1, 10)}, InvalidInput, "evaluation_before_reception", "at"),
        ({"comment": "x" * 2001}, InvalidInput, "text_too_long", "comment"),
        ({"channel": "import"}, NotAllowed, "not_allowed", None),
    ],
    ids=["three-points", "negative", "unknown-criterion", "empty", "before-submission",
         "long-comment", "import-channel-by-a-person"],
)  # fmt: skip
def test_a_bad_evaluation_writes_nothing(world, dossier, changes, error, code, field):
    arguments = {
        "dossier": dossier,
        "at": at(5, 10),
        "channel": "counter_form",
        "verdict": "satisfied",
        "actor": world.counter,
        **changes,
    }
    with pytest.raises(error) as refused:
        services.record_evaluation(**arguments)

    assert refused.value.code == code
    if field:
        assert refused.value.details["field"] == field
    assert not Evaluation.objects.exists()


def test_an_officer_who_may_not_see_the_dossier_may_not_evaluate_it(world, dossier):
    with pytest.raises(NotAllowed):
        services.record_evaluation(
            dossier=dossier,
            at=at(5, 10),
            channel="counter_form",
            verdict="satisfied",
            actor=world.stranger,
        )
    assert not Evaluation.objects.exists()


def test_a_reference_is_recorded_once_per_channel(world, dossier):
    arguments = {
        "dossier": dossier,
        "at": at(5, 10),
        "channel": "national_portal",
        "verdict": "satisfied",
        "reference": "DVCQG-77",
        "actor": world.counter,
    }
    services.record_evaluation(**arguments)
    with pytest.raises(Conflict) as refused:
        services.record_evaluation(**arguments)

    assert refused.value.code == "duplicate_reference"
    assert Evaluation.objects.count() == 1


def _petition(world, **changes):
    arguments = {
        "code": "PAKN-2026-001",
        "agency": world.commune,
        "category": "procedure",
        "submitted_at": at(2, 9),
        "actor": world.leader,
        **changes,
    }
    return services.record_petition(**arguments)


def test_a_petition_keeps_its_moments_in_order(world):
    petition = _petition(
        world,
        transferred_at=at(3, 9),
        supplement_requested_at=at(4, 9),
        answered_at=at(10, 9),
        published_at=at(11, 9),
        likes=3,
        dislikes=5,
    )

    stored = Petition.objects.get()
    assert stored == petition
    assert (stored.answered_at, stored.published_at, stored.dislikes) == (
        at(10, 9),
        at(11, 9),
        5,
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"transferred_at": at(1, 9)}, "transferred_at"),
        ({"refused_at": at(2, 8)}, "refused_at"),
        # the answer before the (latest) transfer
        ({"transferred_at": at(4, 9), "answered_at": at(3, 9)}, "answered_at"),
        ({"supplement_requested_at": at(5, 9), "answered_at": at(4, 9)}, "answered_at"),
        ({"answered_at": at(5, 9), "published_at": at(4, 9)}, "published_at"),
        ({"published_at": at(4, 9)}, "published_at"),
        ({"refused_at": at(3, 9), "answered_at": at(4, 9)}, "refused_at"),
    ],
    ids=["transfer-before-submission", "refusal-before-submission",
         "answer-before-transfer", "answer-before-supplement", "publication-first",
         "published-unanswered", "refused-and-answered"],
)  # fmt: skip
def test_petition_moments_out_of_order_are_refused(world, changes, field):
    with pytest.raises(InvalidInput) as refused:
        _petition(world, **changes)

    assert refused.value.code == "petition_moments_out_of_order"
    assert refused.value.details["field"] == field
    assert not Petition.objects.exists()


def test_an_officer_of_another_agency_may_not_record_a_petition_to_the_commune(world):
    with pytest.raises(NotAllowed):
        _petition(world, actor=world.stranger)
    assert not Petition.objects.exists()


def test_updating_a_petition_adds_moments_but_never_rewrites_one(world):
    petition = _petition(world)

    services.update_petition(
        petition=petition, answered_at=at(9, 9), likes=1, actor=world.leader
    )
    with pytest.raises(Conflict):
        services.update_petition(
            petition=petition, answered_at=at(10, 9), actor=world.leader
        )
    with pytest.raises(InvalidInput) as refused:
        services.update_petition(
            petition=petition, published_at=at(6, 9), actor=world.leader
        )

    assert refused.value.code == "petition_moments_out_of_order"
    stored = Petition.objects.get()
    assert (stored.answered_at, stored.published_at, stored.likes) == (
        at(9, 9),
        None,
        1,
    )


# ------------------------------------------------------------------ the API


def _evaluations_url(dossier) -> str:
    return f"/api/dossiers/{dossier.code}/evaluations/"


def test_the_applicant_evaluates_on_the_portal_and_a_retry_is_not_a_second(
    world,
):
    from motcua.dossiers import services as dossier_services

    online = dossier_services.submit_online(
        intake=world.intake(channel=3 - 1, account=world.citizen), actor=world.citizen
    )
    client = s.client_for(world.citizen)
    body = {"verdict": "satisfied", "criteria": {"online_service": 2}}

    first = client.post(
        _evaluations_url(online), body, format="json", headers={"Idempotency-Key": "k1"}
    )
    again = client.post(
        _evaluations_url(online), body, format="json", headers={"Idempotency-Key": "k1"}
    )

    assert first.status_code == 201, first.json()
    assert again.status_code == 201
    assert again.headers["Idempotency-Replayed"] == "true"
    assert Evaluation.objects.count() == 1
    shown = first.json()
    assert (shown["channel"], shown["verdict"], shown["points"]) == (
        "provincial_portal",
        "satisfied",
        2,
    )
    assert shown["criteria"]["online_service"] == 2
    assert shown["criteria"]["attitude"] is None


def test_the_applicant_may_not_claim_a_paper_form(world):
    from motcua.dossiers import services as dossier_services

    online = dossier_services.submit_online(
        intake=world.intake(channel=2, account=world.citizen), actor=world.citizen
    )
    answer = s.client_for(world.citizen).post(
        _evaluations_url(online),
        {"verdict": "satisfied", "channel": "counter_form"},
        format="json",
    )

    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"
    assert not Evaluation.objects.exists()


def test_a_file_longer_than_the_limit_is_refused_unread(monkeypatch):
    import io as _io

    from motcua.ratings import importing

    monkeypatch.setattr(importing, "MAX_CHARACTERS", 10)
    with pytest.raises(importing.RatingsFileError):
        importing.read_records(_io.StringIO('[{"kind": "evaluation"}]'))
    # exactly at the limit is read
    assert importing.read_records(_io.StringIO("[1, 2, 30]")) == [1, 2, 30]


def test_the_applicant_may_not_date_their_own_evaluation(world):
    # a dislike dated into a closed period would move that period's 5.4 (spec 01b §7)
    from motcua.dossiers import services as dossier_services

    online = dossier_services.submit_online(
        intake=world.intake(channel=2, account=world.citizen), actor=world.citizen
    )
    answer = s.client_for(world.citizen).post(
        _evaluations_url(online),
        {"verdict": "unsatisfied", "at": online.submitted_at.isoformat()},
        format="json",
    )

    assert answer.status_code == 403
    assert answer.json()["code"] == "not_allowed"
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"verdict": "satisfied", "criteria": {"attitude": 3}}, 400, "invalid"),
        ({"verdict": "liked"}, 400, "invalid"),
        ({"criteria": {}}, 422, "evaluation_empty"),
        ({"verdict": "satisfied", "at": "2026-03-01"}, 400, "invalid"),
        ({"verdict": "satisfied", "channel": "import"}, 400, "invalid"),
    ],
    ids=["three-points", "unknown-verdict", "empty", "date-alone", "import-channel"],
)
def test_a_bad_evaluation_request_creates_nothing(world, dossier, body, status, code):
    answer = s.client_for(world.counter).post(
        _evaluations_url(dossier), body, format="json"
    )

    assert answer.status_code == status, answer.json()
    assert answer.json()["code"] == code
    assert not Evaluation.objects.exists()


def test_evaluations_are_read_by_whoever_sees_the_dossier_and_no_one_else(
    world, dossier
):
    services.record_evaluation(
        dossier=dossier,
        at=at(5, 10),
        channel="counter_form",
        verdict="satisfied",
        actor=world.counter,
    )
    services.record_evaluation(
        dossier=dossier,
        at=at(6, 10),
        channel="national_portal",
        verdict="unsatisfied",
        reference="DVCQG-1",
        actor=world.counter,
    )
    client = s.client_for(world.leader)
    client.get(_evaluations_url(dossier))  # warm the caches

    # the dossier by its code, the roles to see it, the evaluations
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(_evaluations_url(dossier))

    assert answer.status_code == 200
    assert [e["verdict"] for e in answer.json()] == ["satisfied", "unsatisfied"]
    assert len(queries) == 3, [q["sql"][:80] for q in queries.captured_queries]
    for outsider in (world.stranger, world.other_citizen, None):
        refused = s.client_for(outsider).get(_evaluations_url(dossier))
        assert refused.status_code in (401, 404)
    posted = s.client_for(world.stranger).post(
        _evaluations_url(dossier), {"verdict": "satisfied"}, format="json"
    )
    assert posted.status_code == 404
    assert Evaluation.objects.count() == 2


def test_recording_an_evaluation_costs_what_it_states(world, dossier):
    client = s.client_for(world.counter)
    body = {"verdict": "satisfied", "channel": "counter_form"}
    assert (
        client.post(_evaluations_url(dossier), body, format="json").status_code == 201
    )

    # the dossier, the roles to see it (view), the roles to see it (service),
    # SAVEPOINT, the INSERT's SAVEPOINT, INSERT, RELEASE, the dossier's mark for the 766
    # index's maintained figures (indices.live.mark), RELEASE
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(_evaluations_url(dossier), body, format="json")

    assert answer.status_code == 201
    assert len(queries) == 9, [q["sql"][:80] for q in queries.captured_queries]


def test_petitions_are_listed_for_the_agency_they_are_addressed_to(world):
    _petition(world)
    _petition(world, code="PAKN-2026-002", submitted_at=at(3, 9))
    services.record_petition(
        code="PAKN-SO-1",
        agency=world.department,
        category="staff",
        submitted_at=at(2, 9),
        actor=SYSTEM,
    )
    client = s.client_for(world.leader)

    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/api/petitions/")

    assert answer.status_code == 200
    assert [p["code"] for p in answer.json()["results"]] == [
        "PAKN-2026-002",
        "PAKN-2026-001",
    ]
    # the roles, the count, the page with agencies and dossiers joined
    assert len(queries) == 3, [q["sql"][:80] for q in queries.captured_queries]
    assert (
        s.client_for(world.leader).get("/api/petitions/PAKN-SO-1/").status_code == 404
    )
    assert s.client_for(world.stranger).get("/api/petitions/").json()["results"][0][
        "code"
    ] == ("PAKN-SO-1")
    assert s.client_for(world.citizen).get("/api/petitions/").json()["results"] == []


def test_a_petition_is_recorded_and_updated_through_the_api(world, dossier):
    client = s.client_for(world.leader)
    body = {
        "code": "PAKN-9",
        "agency": world.commune.identifier,
        "dossier": dossier.code,
        "category": "staff",
        "submitted_at": "2026-03-03T09:00:00+07:00",
    }

    created = client.post(
        "/api/petitions/", body, format="json", headers={"Idempotency-Key": "p-9"}
    )
    replayed = client.post(
        "/api/petitions/", body, format="json", headers={"Idempotency-Key": "p-9"}
    )
    changed = client.patch(
        "/api/petitions/PAKN-9/",
        {"answered_at": "2026-03-10T09:00:00+07:00", "dislikes": 4},
        format="json",
    )
    unknown = client.patch("/api/petitions/PAKN-9/", {"agency": "x"}, format="json")
    backwards = client.patch(
        "/api/petitions/PAKN-9/",
        {"published_at": "2026-03-09T09:00:00+07:00"},
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["dossier"] == dossier.code
    assert replayed.headers["Idempotency-Replayed"] == "true"
    assert changed.status_code == 200, changed.json()
    assert changed.json()["answered_at"] == "2026-03-10T09:00:00+07:00"
    assert unknown.status_code == 400
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "petition_moments_out_of_order"
    stored = Petition.objects.get()
    assert (stored.dislikes, stored.published_at) == (4, None)


# ------------------------------------------------------------------ the import


def _records(dossier):
    return [
        {
            "kind": "evaluation",
            "dossier": dossier.code,
            "at": "20260305100000",
            "reference": "OLD-1",
            "verdict": "unsatisfied",
            "criteria": {"total_time": 0},
        },
        {
            "kind": "petition",
            "code": "PAKN-OLD-1",
            "agency": "000.00.51.H15",
            "category": "procedure",
            "submitted_at": "2026-03-02T09:00:00+07:00",
            "answered_at": "20260310090000",
        },
        {
            "kind": "evaluation",
            "dossier": dossier.code,
            "at": "2026-03-06T10:00:00+07:00",
            "reference": "OLD-2",
            "verdict": "satisfied",
        },
    ]


def test_the_import_writes_every_record_and_a_second_run_skips_them(world, dossier):
    report = import_ratings(_records(dossier))

    assert report.problems == []
    assert (report.evaluations, report.petitions, report.skipped) == (2, 1, 0)
    assert list(Evaluation.objects.values_list("reference", "channel")) == [
        ("OLD-1", "import"),
        ("OLD-2", "import"),
    ]
    assert Petition.objects.get().answered_at == at(10, 9)

    again = import_ratings(_records(dossier))
    assert (again.evaluations, again.petitions, again.skipped) == (0, 0, 3)
    assert Evaluation.objects.count() == 2


def test_a_file_with_one_bad_record_imports_nothing_and_names_it(world, dossier):
    records = _records(dossier)
    records[2]["criteria"] = {"attitude": 5}

    with translation.override("en"):  # the problems are written when found
        report = import_ratings(records)
        shown = [str(p) for p in report.problems]
    assert shown == [
        "record 2 (OLD-2): criteria.attitude: A criterion scores 0, 1 or 2 points."
    ]
    assert not Evaluation.objects.exists()
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r[0].pop("reference"), "reference"),
        (lambda r: r[0].update(at="05/03/2026"), "at"),
        (lambda r: r[0].update(dossier="000.01.51.H15-260302-9999"), "dossier"),
        (lambda r: r[0].update(kind="rating"), "kind"),
        (lambda r: r[0].update(stars=5), "stars"),
        (lambda r: r[1].update(agency="000.99.99.H15"), "agency"),
        (lambda r: r[1].update(published_at="20260301090000"), "published_at"),
        (lambda r: r[2].update(reference="OLD-1"), "reference"),
    ],
    ids=["no-reference", "date-alone", "unknown-dossier", "unknown-kind", "unknown-field",
         "unknown-agency", "published-before-answered", "twice-in-file"],
)  # fmt: skip
def test_each_bad_field_is_named(world, dossier, change, field):
    records = _records(dossier)
    change(records)

    report = import_ratings(records)

    assert [p.field for p in report.problems] == [field]
    assert not Evaluation.objects.exists()
    assert not Petition.objects.exists()


def test_the_command_reads_json_lines_and_exits_2_on_a_bad_file(
    world, dossier, tmp_path
):
    good = tmp_path / "ratings.jsonl"
    good.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in _records(dossier)) + "\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.json"
    records = _records(dossier)
    records[1]["category"] = "gossip"
    bad.write_text(json.dumps(records), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"kind": "evaluation",', encoding="utf-8")

    for path in (bad, broken):
        err = io.StringIO()
        with pytest.raises(CommandError) as failed:
            call_command(
                "ratings", "import", str(path), stderr=err, stdout=io.StringIO()
            )
        assert failed.value.returncode == 2
    assert not Evaluation.objects.exists()
    out = io.StringIO()
    with translation.override("en"):
        call_command("ratings", "import", str(good), stdout=out)

    assert "2 evaluation(s) and 1 petition(s) imported" in out.getvalue()
    assert Evaluation.objects.count() == 2


def test_the_bad_file_names_the_record_and_the_field(world, dossier, tmp_path):
    records = _records(dossier)
    records[1]["category"] = "gossip"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError), translation.override("en"):
        call_command("ratings", "import", str(path), stderr=err, stdout=io.StringIO())

    assert "record 1 (PAKN-OLD-1): category:" in err.getvalue()


# ------------------------------------------------------------------ admin


def test_the_admin_shows_evaluations_and_petitions_read_only(world, dossier, client):
    admin = OfficerFactory.create(username="quantri", is_staff=True, is_superuser=True)
    RoleAssignmentFactory.create(user=admin, agency=world.commune, role=Role.LEADER)
    import_ratings(_records(dossier))
    client.force_login(admin)

    for path in ("/admin/ratings/evaluation/", "/admin/ratings/petition/"):
        page = client.get(path)
        assert page.status_code == 200
        assert f"{path}add/" not in page.content.decode()
    petition = Petition.objects.get()
    shown = client.get(f"/admin/ratings/petition/{petition.pk}/change/")
    assert shown.status_code == 200
    assert client.get("/admin/ratings/petition/add/").status_code == 403
    assert client.get("/admin/payments/dossierfee/").status_code == 200
