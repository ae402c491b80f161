"""The bare endpoints of `make bench`: absent unless MOTCUA_BENCH_ENDPOINTS asks for them;
when routed, one POST writes exactly one row and a GET reads it back by primary key."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import clear_url_caches

import motcua.urls

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
