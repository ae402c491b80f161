"""The bare endpoints `make bench` measures the API against (docs/benchmarks.md).

Routed under ``/bench/`` only when ``settings.BENCH_ENDPOINTS`` is on
(``MOTCUA_BENCH_ENDPOINTS``). Each request goes through the same server, middleware and
database as the API but does the least a write or a read can do: insert one row, or
select one row by primary key, in a tiny table ``bench_probe``. What the API costs beyond
that is the application's own work, which is what the benchmark wants to see.

``bench_probe`` is not a model and has no migration: it exists only in a database the
benchmark ran against, created with raw SQL by the first request that finds it missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

T = TypeVar("T")

_CREATE = {
    "postgresql": (
        "CREATE TABLE IF NOT EXISTS bench_probe ("
        " id bigserial PRIMARY KEY,"
        " created_at timestamptz NOT NULL DEFAULT now(),"
        " note varchar(40) NOT NULL)"
    ),
    "sqlite": (
        "CREATE TABLE IF NOT EXISTS bench_probe ("
        " id integer PRIMARY KEY AUTOINCREMENT,"
        " created_at text NOT NULL DEFAULT CURRENT_TIMESTAMP,"
        " note varchar(40) NOT NULL)"
    ),
}
_INSERT = "INSERT INTO bench_probe (note) VALUES (%s) RETURNING id"
_SELECT = "SELECT id, note FROM bench_probe WHERE id = %s"


def _create_table() -> None:
    try:
        ddl = _CREATE[connection.vendor]
    except KeyError:
        raise DatabaseError(
            f"bench_probe: no DDL for the {connection.vendor} backend"
        ) from None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(ddl)
    except DatabaseError:
        # Two PostgreSQL sessions racing on CREATE TABLE IF NOT EXISTS: one loses on the
        # catalogue's unique index, and the table is there all the same.
        pass


def _on_probe(query: Callable[[], T]) -> T:
    """Run ``query``; if ``bench_probe`` is missing, create it and run it once more.

    Outside a transaction (as under the server: autocommit) the statement runs alone, so the
    bare endpoints cost one round trip to the database; inside one (a test) it runs in a
    savepoint, so that its failure leaves the transaction usable on PostgreSQL."""
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return query()
        return query()
    except DatabaseError:
        _create_table()
    return query()


@require_POST
def insert_probe(request: HttpRequest) -> HttpResponse:
    """Write one row: the floor under a dossier's intake."""

    def insert() -> int:
        with connection.cursor() as cursor:
            cursor.execute(_INSERT, ["probe"])
            row = cursor.fetchone()
        return int(row[0])

    return JsonResponse({"id": _on_probe(insert)}, status=201)


@require_GET
def read_probe(request: HttpRequest, pk: int) -> HttpResponse:
    """Read one row by primary key: the floor under a dossier's lookup by code."""

    def select() -> tuple[int, str] | None:
        with connection.cursor() as cursor:
            cursor.execute(_SELECT, [pk])
            row = cursor.fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    found = _on_probe(select)
    if found is None:
        return JsonResponse({"code": "not_found"}, status=404)
    return JsonResponse({"id": found[0], "note": found[1]})


app_name = "bench"
urlpatterns = [
    path("probe/", insert_probe, name="insert-probe"),
    path("probe/<int:pk>/", read_probe, name="read-probe"),
]
