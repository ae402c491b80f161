"""The bare endpoints of `make bench`: absent unless MOTCUA_BENCH_ENDPOINTS asks for them;
when routed, one POST to the probe writes exactly one row and a GET reads it back by primary
key, and one POST to the bare intake writes, in one transaction, the rows of the counter
intake it copies: the day's code counter, the dossier, its papers, its steps, its event."""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches
from django.utils import timezone

import motcua.urls
from bench import seed
from motcua.demo.services import load_demo_province
from motcua.dossiers.models import Dossier, DossierCodeCounter

pytestmark = pytest.mark.django_db


def _reload_urls() -> None:
    importlib.reload(motcua.urls)
    clear_url_caches()


@pytest.fixture
def bench_routes():
    """The URL map as a server started with MOTCUA_BENCH_ENDPOINTS=true builds it; the
    default map again afterwards."""
    with override_settings(BENCH_ENDPOINTS=True):
        _reload_urls()
        yield
    _reload_urls()


def _probe_rows() -> int:
    if "bench_probe" not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_probe")
        return int(cursor.fetchone()[0])


def test_the_bench_endpoints_are_absent_by_default(client):
    assert client.post("/bench/probe/").status_code == 404
    assert client.get("/bench/probe/1/").status_code == 404
    assert "bench_probe" not in connection.introspection.table_names()


def test_each_post_writes_exactly_one_row(client, bench_routes):
    first = client.post("/bench/probe/")

    assert first.status_code == 201
    assert _probe_rows() == 1  # the table was created on first use

    second = client.post("/bench/probe/")

    assert second.status_code == 201
    assert _probe_rows() == 2
    assert second.json()["id"] != first.json()["id"]


def test_a_get_reads_one_row_by_primary_key(client, bench_routes):
    written = client.post("/bench/probe/").json()["id"]

    found = client.get(f"/bench/probe/{written}/")
    missing = client.get(f"/bench/probe/{written + 1}/")

    assert found.status_code == 200
    assert found.json() == {"id": written, "note": "probe"}
    assert missing.status_code == 404
    assert _probe_rows() == 1


def test_the_probe_accepts_only_post_for_writing(client, bench_routes):
    assert client.get("/bench/probe/").status_code == 405
    assert _probe_rows() == 0


# ------------------------------------------------------------------ the bare intake


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - the database's own table names
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _changes(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        table: after[table] - before.get(table, 0)
        for table in after
        if after[table] != before.get(table, 0)
    }


@pytest.fixture
def bare_intake(bench_routes):
    """The demo province, one counter intake through the API (the dossier the body copies)
    and the body of ``POST /bench/intake/`` made from it."""
    load_demo_province()
    return seed.bare_intake_body()


def _post_intake(client, body):
    return client.post(
        "/bench/intake/", json.dumps(body), content_type="application/json"
    )


def _columns(instance, *skip: str) -> dict[str, object]:
    return {
        f.column: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.column not in skip
    }


def test_the_bare_intake_writes_the_rows_of_a_counter_intake(client, bare_intake):
    real = Dossier.objects.get(applicant_email=seed.INTAKE_MARKER)
    before = _row_counts()

    answer = _post_intake(client, bare_intake)

    assert answer.status_code == 201
    bare = Dossier.objects.get(pk=answer.json()["id"])
    papers, steps = real.components.count(), real.steps.count()
    assert (papers, steps) == (
        2,
        4,
    )  # procedure 1.004873: two mandatory papers, 4 steps
    assert _changes(before, _row_counts()) == {
        "dossiers_dossiercodecounter": 1,  # the handling agency's day, a row of its own
        "dossiers_dossier": 1,
        "dossiers_dossiercomponent": papers,
        "dossiers_dossierstep": steps,
        "dossiers_dossierevent": 1,
    }
    ward = real.handling_agency
    day = timezone.localdate(bare.submitted_at)
    assert bare.code == f"{ward.identifier}-{day:%y%m%d}-0001"
    assert DossierCodeCounter.objects.get(agency=ward, day=day).last == 1
    # the same columns as the real intake's rows, the moments shifted by the same amount
    shift = bare.submitted_at - real.submitted_at
    moments = ["submitted_at", "received_at", "legal_due_at", "due_at"]
    moments += ["original_due_at", "created_at"]
    assert _columns(bare, "code", "applicant_email", *moments) == _columns(
        real, "code", "applicant_email", *moments
    )
    assert bare.applicant_email == seed.BARE_MARKER
    for name in moments:
        assert getattr(bare, name) - getattr(real, name) == shift
    assert [_columns(c, "dossier_id") for c in bare.components.order_by("pk")] == [
        _columns(c, "dossier_id") for c in real.components.order_by("pk")
    ]
    assert [
        _columns(s, "dossier_id", "started_at", "due_at")
        for s in bare.steps.order_by("position")
    ] == [
        _columns(s, "dossier_id", "started_at", "due_at")
        for s in real.steps.order_by("position")
    ]
    (event,) = bare.events.all()
    (real_event,) = real.events.all()
    assert _columns(event, "dossier_id", "at") == _columns(
        real_event, "dossier_id", "at"
    )
    assert event.sequence == 1
    assert event.at - real_event.at == shift


def test_the_bare_intake_numbers_its_dossiers_in_turn(client, bare_intake):
    first = _post_intake(client, bare_intake).json()["code"]
    second = _post_intake(client, bare_intake).json()["code"]

    assert (first[-5:], second[-5:]) == ("-0001", "-0002")
    assert first[:-5] == second[:-5]


def test_the_bare_intake_is_one_transaction(client, bare_intake):
    with CaptureQueriesContext(connection) as written:
        _post_intake(client, bare_intake)
    broken = {**bare_intake, "event": {**bare_intake["event"], "action": None}}
    before = _row_counts()

    with CaptureQueriesContext(connection) as refused:
        answer = _post_intake(client, broken)

    # one atomic block (a savepoint inside the test's transaction): the counter's upsert,
    # then one INSERT each for the dossier, its papers, its steps and its event
    assert [q["sql"].split()[0] for q in written.captured_queries] == [
        "SAVEPOINT",
        *["INSERT"] * 5,
        "RELEASE",
    ]
    # the event's NOT NULL action fails last, and takes the four writes before with it
    assert answer.status_code == 409
    assert answer.json()["code"] == "rows_refused"
    assert [q["sql"].split()[0] for q in refused.captured_queries][-2:] == [
        "ROLLBACK",  # TO SAVEPOINT
        "RELEASE",
    ]
    assert _changes(before, _row_counts()) == {}


def test_the_bare_intake_refuses_a_column_the_table_lacks(client, bare_intake):
    broken = {**bare_intake, "steps": [{**bare_intake["steps"][0], "colour": "red"}]}
    before = _row_counts()

    answer = _post_intake(client, broken)

    assert answer.status_code == 400
    assert answer.json() == {
        "code": "bad_rows",
        "message": "dossiers_dossierstep has no column colour",
    }
    assert _changes(before, _row_counts()) == {}


def test_the_bare_intake_is_absent_by_default(client):
    assert (
        client.post("/bench/intake/", "{}", content_type="application/json").status_code
        == 404
    )
