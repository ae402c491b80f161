"""The bare endpoints `make bench` measures the API against (docs/benchmarks.md).

Routed under ``/bench/`` only when ``settings.BENCH_ENDPOINTS`` is on
(``MOTCUA_BENCH_ENDPOINTS``). Each request goes through the same server, middleware and
database as the API but does the least that work can do:

- ``POST /bench/probe/`` inserts one row, and ``GET /bench/probe/{id}/`` selects one row by
  primary key, in a tiny table ``bench_probe``;
- ``POST /bench/intake/`` writes, with plain SQL in one transaction, the rows a counter
  intake writes: the day's code counter (upsert), the dossier, its papers, its process
  steps and its first event. The rows come in the body, copied from a real intake
  (``bench.seed.bare_intake_body``); nothing is checked, computed or read back.

What the API costs beyond them is the application's own work, which is what the benchmark
wants to see.

``bench_probe`` is not a model and has no migration: it exists only in a database the
benchmark ran against, created with raw SQL by the first request that finds it missing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import DatabaseError, connection, models, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
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


# ------------------------------------------------------------------ the bare intake


class BadRows(ValueError):
    """The body does not give the rows a counter intake writes."""


#: one row of a table, by column name, as the body gives it
Row = Mapping[str, Any]


def _insert(
    model: type[models.Model],
    rows: Sequence[Row],
    fixed: Mapping[str, Any],
    at: dt.datetime,
) -> list[int]:
    """``INSERT INTO <model's table> (<every column but the key>) VALUES … RETURNING id``,
    one statement for all ``rows``, as ``bulk_create`` writes them. A column takes its value
    from ``fixed``, else from the row (a date-time given as seconds after ``at``), else the
    field's default, else NULL where it may be; any other column, or a column the table
    does not have, is refused."""
    fields = [
        (field, field.column)
        for field in model._meta.concrete_fields
        if not field.primary_key and field.column is not None
    ]
    columns = {column for _field, column in fields}
    table = model._meta.db_table
    params: list[Any] = []
    for row in rows:
        unknown = sorted(set(row) - columns)
        if unknown:
            raise BadRows(f"{table} has no column {', '.join(unknown)}")
        for field, column in fields:
            if column in fixed:
                value = fixed[column]
            elif column in row:
                value = row[column]
                if isinstance(field, models.DateTimeField) and value is not None:
                    value = at + dt.timedelta(seconds=float(value))
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            else:
                raise BadRows(f"no value for {table}.{column}")
            params.append(field.get_db_prep_save(value, connection))
    quote = connection.ops.quote_name
    key = model._meta.pk.column if model._meta.pk is not None else None
    if key is None:
        raise BadRows(f"{table} has no primary key")
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for _f, c in fields)})"  # noqa: S608 - the model's own names
        f" VALUES {', '.join([one] * len(rows))} RETURNING {quote(key)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(found[0]) for found in cursor.fetchall()]


def _take_number(agency_id: int, day: dt.date) -> int:
    """The day's counter of ``agency_id``, incremented by the statement a counter intake
    takes its code with (``INSERT … ON CONFLICT DO UPDATE … RETURNING``); its row stays
    locked until the transaction ends."""
    from motcua.dossiers.models import DossierCodeCounter

    quote = connection.ops.quote_name
    table = quote(DossierCodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('agency_id')}, {quote('day')}, {quote('last')})"  # noqa: S608 - names, not values
            f" VALUES (%s, %s, 1) ON CONFLICT ({quote('agency_id')}, {quote('day')})"
            f" DO UPDATE SET {quote('last')} = {table}.{quote('last')} + 1"
            f" RETURNING {quote('last')}",
            [agency_id, day],
        )
        return int(cursor.fetchone()[0])


def write_intake_rows(body: Mapping[str, Any], *, at: dt.datetime) -> tuple[int, str]:
    """Write, in one transaction, the five statements' worth of rows of a counter intake
    received at ``at``: take the next number of ``body["counter"]``'s day (the code
    ``<prefix>-YYMMDD-NNNN``), then insert the dossier, its papers (``components``), its
    steps and its first event (sequence 1). Returns the dossier's id and code."""
    # imported here: core serves every app and depends on none at import time
    from motcua.dossiers.models import (
        Dossier,
        DossierComponent,
        DossierEvent,
        DossierStep,
    )

    try:
        counter = body["counter"]
        agency_id, prefix = int(counter["agency_id"]), str(counter["prefix"])
        dossier = dict(body["dossier"])
        components = list(body["components"])
        steps = list(body["steps"])
        event = dict(body["event"])
    except (KeyError, TypeError, ValueError) as missing:
        raise BadRows(f"the body lacks {missing}") from None
    day = timezone.localdate(at)
    with transaction.atomic():
        number = _take_number(agency_id, day)
        code = f"{prefix}-{day:%y%m%d}-{number:04d}"
        (pk,) = _insert(Dossier, [dossier], {"code": code}, at)
        owned = {"dossier_id": pk}
        if components:
            _insert(DossierComponent, components, owned, at)
        if steps:
            _insert(DossierStep, steps, owned, at)
        _insert(DossierEvent, [event], {**owned, "sequence": 1}, at)
    return pk, code


@require_POST
def write_intake(request: HttpRequest) -> HttpResponse:
    """Write the rows of one counter intake: the floor under ``POST /api/dossiers/``."""
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise BadRows("the body is not a JSON object")
        pk, code = write_intake_rows(body, at=timezone.now())
    except (BadRows, json.JSONDecodeError) as bad:
        return JsonResponse({"code": "bad_rows", "message": str(bad)}, status=400)
    except DatabaseError as refused:
        return JsonResponse(
            {"code": "rows_refused", "message": str(refused)}, status=409
        )
    return JsonResponse({"id": pk, "code": code}, status=201)


app_name = "bench"
urlpatterns = [
    path("probe/", insert_probe, name="insert-probe"),
    path("probe/<int:pk>/", read_probe, name="read-probe"),
    path("intake/", write_intake, name="write-intake"),
]
