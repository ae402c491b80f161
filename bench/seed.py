"""``python -m bench.seed PLAN.json --rows N --clients C``: get the benchmark's database
ready and write what the clients need.

Runs with the server's settings (``bench.run`` passes its environment), after ``migrate``
and ``load_demo``. It

1. removes what earlier runs' intakes left (their dossiers, the daily code counters, the
   sessions), so that every run starts from the same state and the daily sequence of
   dossier codes (at most 9999 a day per agency) never runs out;
2. makes sure ``N`` generated dossiers exist, each received at one of the demo's one-stop
   counters on a past day, with one ``receive`` event; they are generated with one
   set-based ``INSERT … SELECT`` (PostgreSQL's ``generate_series``, SQLite's recursive CTE)
   and kept for the next run when the count is right;
3. lets the database settle (``settle``);
4. logs the officers in: checks each password once (Argon2), then opens one session per
   client with ``django.contrib.auth.login``, as a login page would;
5. writes the plan (JSON): the sessions, the intake body, a sample of dossier codes.

``python -m bench.seed --settle`` only lets the database settle: ``bench.run`` calls it
between the write measures and the read measures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path
from typing import Any

import django

#: applicant e-mail of the generated dossiers and of the benchmark's intakes: how the seed
#: tells them apart from each other (and from anything else)
GENERATED_MARKER = "generated@bench.example"
INTAKE_MARKER = "intake@bench.example"
BARE_MARKER = "bare@bench.example"
#: generated dossiers per receiving agency and day: codes end -0001 … -2500
PER_DAY = 2500
COUNTER_OFFICER = "tiepnhan.bmt"
SUPERVISOR = "giamsat.tinh"
#: who takes the transitions the benchmark measures, at the handling agency
LEADER = "lanhdao.bmt"
SPECIALIST = "chuyenvien.bmt"
DEMO_PASSWORD = "motcua-demo-2025"  # noqa: S105 - the demo's published password
PROCEDURE = "1.004873"
RECEIVING = "000.01.51.H15"
HANDLING = "000.00.51.H15"
SAMPLE = 5000
#: the workspace measures (issue 10): a specialist of a department whose queue holds this
#: many open dossiers among the generated ones, received at the provincial centre
DEPARTMENT = "000.00.03.H15"  # Sở Tư pháp
DEPARTMENT_CENTRE = "000.00.02.H15"  # Trung tâm Phục vụ hành chính công tỉnh
DEPARTMENT_SPECIALIST = "chuyenvien.tuphap"
DEPARTMENT_OPEN = 5000
#: the department's dossiers whose pages the dossier-page measure fetches
PAGE_SAMPLE = 500
#: the counter's intake form of the officers' workspace (issue 10, office.counter):
#: ``/can-bo/quay/tiep-nhan/<procedure>/``, measured once it is routed. Its officer works
#: at another counter than the API intake's, so that the two share no daily sequence of
#: codes (at most 9999 a day per counter)
COUNTER_FORM_URL_NAME = "office:counter-intake"
COUNTER_FORM_OFFICER = "tiepnhan.tuyhoa"
COUNTER_FORM_HANDLING = "000.00.54.H15"
#: the field of the form's one-time key (``idempotency.once``): a new one each submit
FORM_KEY = "form_key"


@dataclass(frozen=True)
class Generated:
    rows: int
    created: bool
    seconds: float


def _write(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# ------------------------------------------------------------------ clean-up


def remove_leftovers() -> int:
    """Delete the dossiers earlier runs received through the API or wrote through the bare
    intake, the code counters and the sessions. Returns how many dossiers went."""
    from django.contrib.sessions.models import Session

    from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent

    leftovers = Dossier.objects.filter(applicant_email__in=[INTAKE_MARKER, BARE_MARKER])
    count = leftovers.count()
    # events PROTECT the dossier (the legal history); steps and papers cascade
    DossierEvent.objects.filter(dossier__in=leftovers).delete()
    leftovers.delete()
    # only the intakes above used counters: the generated codes lie on past days
    DossierCodeCounter.objects.all().delete()
    Session.objects.all().delete()
    return count


# ------------------------------------------------------------------ generation


#: a column's SQL expression and the parameters its placeholders take
Expr = tuple[str, list[Any]]


def _select_list(
    model: Any, given: dict[str, Expr]
) -> tuple[list[str], str, list[Any]]:
    """The columns of ``model`` (its primary key aside), the SELECT list that fills them and
    its parameters, in column order: the expression given, else NULL for a nullable column,
    else the field's default as a parameter. A column added later with neither stops the
    seed with its name."""
    from django.db import connection

    columns: list[str] = []
    expressions: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        if column in given:
            expression, values = given[column]
        elif field.null:
            expression, values = "NULL", []
        elif field.has_default():
            default = field.get_db_prep_save(field.get_default(), connection)
            expression, values = "%s", [default]
        else:
            raise SystemExit(
                f"bench.seed: no value for {model._meta.db_table}.{column}; "
                "teach bench/seed.py what a generated row holds there"
            )
        columns.append(column)
        expressions.append(expression)
        params += values
    return columns, ", ".join(expressions), params


def _const(sql: str) -> Expr:
    return sql, []


def _dossier_insert(rows: int, base: dt.date) -> tuple[str, list[Any]]:
    """The one ``INSERT … SELECT`` that writes ``rows`` received dossiers.

    Row ``i`` is received at agency ``i mod k`` (the demo's one-stop counters), on day
    ``base - (i div k div PER_DAY + 1)``, as number ``(i div k mod PER_DAY) + 1`` of that
    day, at 08:00 plus ten seconds a number (local time), appointment three days later."""
    from django.db import connection

    from motcua.accounts.choices import Role
    from motcua.accounts.models import RoleAssignment
    from motcua.agencies.models import Agency
    from motcua.dossiers.models import Dossier, OneStopRules
    from motcua.dossiers.workflow import DossierStatus
    from motcua.procedures.models import Procedure

    receiving = sorted(
        set(
            RoleAssignment.objects.filter(role=Role.COUNTER_OFFICER).values_list(
                "agency_id", flat=True
            )
        )
    )
    agencies = list(Agency.objects.filter(pk__in=receiving).order_by("identifier"))
    if not agencies:
        raise SystemExit("bench.seed: the demo has no counter officer; load it first")
    version = Procedure.objects.get(code=PROCEDURE).version_on(base)
    if version is None:
        raise SystemExit(f"bench.seed: procedure {PROCEDURE} has no version in force")
    rules = list(OneStopRules.objects.order_by("-effective_from"))
    if not rules:
        raise SystemExit(
            "bench.seed: no one-stop rules; migrate and load the demo first"
        )
    postgres = connection.vendor == "postgresql"
    k = len(agencies)
    params: list[Any] = []
    department = Agency.objects.get(identifier=DEPARTMENT)
    centre = next(
        (i for i, a in enumerate(agencies) if a.identifier == DEPARTMENT_CENTRE), None
    )
    if centre is None:
        raise SystemExit(f"bench.seed: {DEPARTMENT_CENTRE} has no counter officer")

    values = ", ".join("(%s, %s, %s, %s)" for _ in agencies)
    for index, agency in enumerate(agencies):
        params += [index, agency.pk, agency.parent_id or agency.pk, agency.identifier]
    if postgres:
        series = (
            "s AS (SELECT g AS i, g %% {k} AS a, (g / {k}) %% {per} AS n,"
            " %s::date - (g / {k} / {per} + 1) AS day"
            " FROM generate_series(0, {last}) AS g)"
        )
        params.append(base)
        at = (
            "((s.day::timestamp + interval '8 hours' + s.n * interval '10 seconds')"
            " AT TIME ZONE 'Asia/Ho_Chi_Minh')"
        )
        due = f"({at} + interval '3 days')"
        code = "ag.ident || '-' || to_char(s.day, 'YYMMDD') || '-' || lpad((s.n + 1)::text, 4, '0')"
        name = "'Người nộp hồ sơ ' || s.i::text"
        now = "now()"
    else:
        series = (
            "g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < {last}),"
            " s AS (SELECT i, i %% {k} AS a, (i / {k}) %% {per} AS n,"
            " date(%s, '-' || (i / {k} / {per} + 1) || ' days') AS day FROM g)"
        )
        params.append(base.isoformat())
        # Django keeps aware datetimes in SQLite as UTC text; Việt Nam is UTC+7 all year
        at = "datetime(s.day, '+1 hours', '+' || (s.n * 10) || ' seconds')"
        due = f"datetime({at}, '+3 days')"
        code = "ag.ident || '-' || substr(strftime('%%Y%%m%%d', s.day), 3) || '-' || printf('%%04d', s.n + 1)"
        name = "'Người nộp hồ sơ ' || s.i"
        now = "datetime('now')"
    series = series.format(k=k, per=PER_DAY, last=rows - 1)

    # the one-stop rules in force on each day (the newest that started by then)
    rules_params: list[Any] = []
    for rule in rules:
        start = rule.effective_from
        rules_params += [start if postgres else start.isoformat(), rule.pk]
    whens = " ".join("WHEN s.day >= %s THEN %s" for _ in rules)
    rules_expr: Expr = (f"CASE {whens} ELSE %s END", [*rules_params, rules[-1].pk])

    given: dict[str, Expr] = {
        "code": _const(code),
        "procedure_version_id": _const(str(version.pk)),
        "rules_id": rules_expr,
        "receiving_agency_id": _const("ag.rid"),
        # the first DEPARTMENT_OPEN dossiers of the provincial centre go to the
        # department (rows i < DEPARTMENT_OPEN·k with i mod k the centre's index)
        "handling_agency_id": (
            "CASE WHEN s.a = %s AND s.i < %s THEN %s ELSE ag.hid END",
            [centre, DEPARTMENT_OPEN * k, department.pk],
        ),
        "channel": _const("1"),
        "status": _const(f"'{DossierStatus.RECEIVED.value}'"),
        "applicant_kind": _const("1"),
        "applicant_name": _const(name),
        "applicant_id_number": _const("''"),
        "applicant_phone": _const("''"),
        "applicant_email": _const(f"'{GENERATED_MARKER}'"),
        "applicant_address": _const("''"),
        "return_method": _const("'counter'"),
        "sets": _const("1"),
        "submitted_at": _const(at),
        "received_at": _const(at),
        "legal_due_at": _const(due),
        "due_at": _const(due),
        "original_due_at": _const(due),
        "supplement_rounds": _const("0"),
        "reschedules": _const("0"),
        "lock_version": _const("1"),
        "created_at": _const(now),
    }
    columns, select, select_params = _select_list(Dossier, given)
    sql = (
        f"WITH RECURSIVE ag(a, rid, hid, ident) AS (VALUES {values}), {series} "  # noqa: S608 - built from the model's own column names
        f"INSERT INTO {Dossier._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {select} FROM s JOIN ag ON ag.a = s.a"
    )
    return sql, [*params, *select_params]


def _event_insert() -> tuple[str, list[Any]]:
    """One ``receive`` event for each generated dossier: its legal history so far."""
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.dossiers.workflow import NATIONAL_STATUS, Action, DossierStatus

    received = DossierStatus.RECEIVED
    given: dict[str, Expr] = {
        "dossier_id": _const("d.id"),
        "sequence": _const("1"),
        "action": _const(f"'{Action.RECEIVE.value}'"),
        "at": _const("d.received_at"),
        "actor_name": _const(f"'{COUNTER_OFFICER}'"),
        "from_status": _const("''"),
        "to_status": _const(f"'{received.value}'"),
        "national_status": _const(str(int(NATIONAL_STATUS[received]))),
        "agency_id": _const("d.receiving_agency_id"),
        "note": _const("''"),
        "payload": _const("'{}'"),
    }
    columns, select, params = _select_list(DossierEvent, given)
    sql = (
        f"INSERT INTO {DossierEvent._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - built from the model's own column names
        f"SELECT {select} FROM {Dossier._meta.db_table} AS d WHERE d.applicant_email = %s"
    )
    return sql, [*params, GENERATED_MARKER]


def _skip_foreign_key_triggers(cursor: Any) -> None:
    """PostgreSQL checks each foreign key of each new row with a trigger: six million checks
    of ids the INSERT took from the tables themselves. A superuser may switch them off for
    this transaction (``session_replication_role``); anyone else just waits longer."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        _write("    (not a superuser: the foreign keys are checked row by row)")


def _drop_secondary_indexes(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the indexes of ``tables`` that back no constraint, returning the statements
    that build them again: building an index once over a million rows is several times
    faster than updating it a million times. The primary keys and the unique code stay,
    and the whole generation is one transaction, so a failure leaves them all in place."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index AS x"
        " JOIN pg_class AS i ON i.oid = x.indexrelid"
        " JOIN pg_class AS t ON t.oid = x.indrelid"
        " WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid)",
        [tables],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def ensure_generated(rows: int) -> Generated:
    """``rows`` generated dossiers, reusing those of an earlier run when the count is
    right, else generating them all again."""
    from django.db import connection, transaction
    from django.utils import timezone

    from motcua.dossiers.models import Dossier, DossierEvent

    dossiers, events = Dossier._meta.db_table, DossierEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {dossiers} WHERE applicant_email = %s",  # noqa: S608 - the model's table
            [GENERATED_MARKER],
        )
        present = int(cursor.fetchone()[0])
    # a database generated before the workspace measures has no department dossiers
    if present == rows and department_dossiers().count() == expected_department(rows):
        return Generated(rows=rows, created=False, seconds=0.0)
    started = time.monotonic()
    _write(f"  generating {rows:,} dossiers (found {present:,}) …")
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: the checks the
            # deletes and inserts below owe would wait for the commit, and PostgreSQL
            # refuses to CREATE INDEX on a table with checks pending. Checked at the end
            # of each statement instead, nothing is pending when the indexes are rebuilt.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if present:
            cursor.execute(
                f"DELETE FROM {events} WHERE dossier_id IN "  # noqa: S608 - the models' tables
                f"(SELECT id FROM {dossiers} WHERE applicant_email = %s)",
                [GENERATED_MARKER],
            )
            cursor.execute(
                f"DELETE FROM {dossiers} WHERE applicant_email = %s",  # noqa: S608 - the model's table
                [GENERATED_MARKER],
            )
        if rows:
            if postgres:
                _skip_foreign_key_triggers(cursor)
                indexes = _drop_secondary_indexes(cursor, [dossiers, events])
            sql, params = _dossier_insert(rows, timezone.localdate())
            cursor.execute(sql, params)
            _write(f"    dossiers written in {time.monotonic() - started:.1f} s")
            sql, params = _event_insert()
            cursor.execute(sql, params)
            _write(f"    events written in {time.monotonic() - started:.1f} s")
            if postgres:
                for definition in indexes:
                    cursor.execute(definition)
                _write(f"    indexes rebuilt in {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {dossiers}")
        cursor.execute(f"ANALYZE {events}")
    return Generated(rows=rows, created=True, seconds=time.monotonic() - started)


def expected_department(rows: int) -> int:
    """How many of ``rows`` generated dossiers the department handles: DEPARTMENT_OPEN,
    or the provincial centre's share of fewer rows."""
    from motcua.accounts.choices import Role
    from motcua.accounts.models import RoleAssignment

    k = (
        RoleAssignment.objects.filter(role=Role.COUNTER_OFFICER)
        .values("agency_id")
        .distinct()
        .count()
    )
    return min(DEPARTMENT_OPEN, len(range(_centre_index(), rows, k)))


def _centre_index() -> int:
    from motcua.accounts.choices import Role
    from motcua.accounts.models import RoleAssignment
    from motcua.agencies.models import Agency

    receiving = set(
        RoleAssignment.objects.filter(role=Role.COUNTER_OFFICER).values_list(
            "agency_id", flat=True
        )
    )
    identifiers = sorted(
        Agency.objects.filter(pk__in=receiving).values_list("identifier", flat=True)
    )
    return identifiers.index(DEPARTMENT_CENTRE)


def department_dossiers() -> Any:
    """The generated dossiers the department handles (all open: received, never moved)."""
    from motcua.dossiers.models import Dossier

    return Dossier.objects.filter(
        applicant_email=GENERATED_MARKER, handling_agency__identifier=DEPARTMENT
    )


def department_codes(count: int) -> list[str]:
    """Codes of ``count`` random dossiers of the department's queue."""
    codes = list(department_dossiers().values_list("code", flat=True))
    random.Random().shuffle(codes)  # noqa: S311 - picks test data, not a secret
    return codes[:count]


def sample_codes(count: int) -> list[str]:
    """Codes of random generated dossiers (drawn by primary key, which the one INSERT
    numbered contiguously; no full scan)."""
    from motcua.dossiers.models import Dossier

    generated = Dossier.objects.filter(applicant_email=GENERATED_MARKER)
    first = generated.order_by("pk").values_list("pk", flat=True).first()
    last = generated.order_by("-pk").values_list("pk", flat=True).first()
    if first is None or last is None:
        return []
    draw = random.Random()  # noqa: S311 - picks test data, not a secret
    ids = {draw.randint(first, last) for _ in range(count)}
    return list(generated.filter(pk__in=ids).values_list("code", flat=True))


# ------------------------------------------------------------------ settling

#: the tables the generation and the measures write to
WRITTEN_TABLES = (
    "dossiers_dossier",
    "dossiers_dossierevent",
    "dossiers_dossierstep",
    "dossiers_dossiercomponent",
    "dossiers_dossiercodecounter",
    "django_session",
    "bench_probe",
)


def settle() -> float:
    """What a database administrator does after a bulk load, so that a measure is not
    taken while PostgreSQL is still catching up with the one before: ``VACUUM (ANALYZE)``
    the written tables (sets the visibility map and the hint bits, gathers statistics,
    removes the rows deleted) and ``CHECKPOINT`` (writes the dirty pages out now rather
    than during the next measure). Nothing to do on SQLite. Returns the seconds taken."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'"
            " AND relnamespace = current_schema()::regnamespace",
            [list(WRITTEN_TABLES)],
        )
        present = [row[0] for row in cursor.fetchall()]
        if present:
            cursor.execute(
                "VACUUM (ANALYZE) " + ", ".join(f'"{name}"' for name in present)
            )
        cursor.execute("CHECKPOINT")
    return time.monotonic() - started


# ------------------------------------------------------------------ sessions and body


def open_sessions(username: str, count: int) -> list[str]:
    """Log ``username`` in ``count`` times: one password check (Argon2), then the sessions
    ``django.contrib.auth.login`` writes for a login page."""
    from django.conf import settings
    from django.contrib.auth import authenticate, login
    from django.http import HttpRequest

    user = authenticate(username=username, password=DEMO_PASSWORD)
    if user is None:
        raise SystemExit(f"bench.seed: {username} cannot log in with the demo password")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys: list[str] = []
    for _ in range(count):
        request = HttpRequest()
        request.session = store()
        login(request, user)
        request.session.save()
        assert request.session.session_key is not None  # noqa: S101 - just saved
        keys.append(request.session.session_key)
    return keys


def intake_body() -> dict[str, Any]:
    """A complete dossier of procedure 1.004873 handed in at the ward's counter: every
    mandatory component given, decision ``receive``."""
    from django.utils import timezone

    from motcua.procedures.models import Procedure

    version = Procedure.objects.get(code=PROCEDURE).version_on(timezone.localdate())
    if version is None:
        raise SystemExit(f"bench.seed: procedure {PROCEDURE} is not in force today")
    papers = [
        {"component": c.position}
        for c in version.components.filter(is_mandatory=True).order_by("position")
    ]
    return {
        "procedure": PROCEDURE,
        "receiving_agency": RECEIVING,
        "handling_agency": HANDLING,
        "channel": 1,
        "applicant": {
            "name": "Nguyễn Văn Thử",
            "kind": 1,
            "id_number": "066190000001",
            "phone": "0905000000",
            "email": INTAKE_MARKER,
            "address": "1 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
        },
        "papers": papers,
        "decision": "receive",
    }


def _row(instance: Any, *, moment: dt.datetime, skip: set[str]) -> dict[str, Any]:
    """Every column of ``instance`` but its key and ``skip``, as ``POST /bench/intake/``
    takes them: a date-time as seconds after ``moment``, a decimal as text."""
    from decimal import Decimal

    from django.db import models

    row: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.column in skip:
            continue
        value = field.value_from_object(instance)
        if isinstance(field, models.DateTimeField) and value is not None:
            value = (value - moment).total_seconds()
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        row[field.column] = value
    return row


def _test_host() -> str:
    """A host the server's settings allow, for Django's test client."""
    from django.conf import settings

    host = settings.ALLOWED_HOSTS[0].lstrip(".") if settings.ALLOWED_HOSTS else ""
    return host if host and host != "*" else "testserver"


def bare_intake_body() -> dict[str, Any]:
    """The body of ``POST /bench/intake/``: the rows one counter intake of ``intake_body``
    wrote, received now through the API as ``COUNTER_OFFICER`` and read back, column by
    column, so that the bare intake writes what the application writes (new columns
    included) and nothing else. Its own applicant e-mail (``BARE_MARKER``) lets the next run
    remove what it wrote. Its codes come from the handling agency's counter, which no
    intake of the benchmark uses: the intake's own daily sequence (at most 9999) is left
    to the intake."""
    from django.test import Client

    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier

    client = Client(HTTP_HOST=_test_host())
    client.force_login(User.objects.get(username=COUNTER_OFFICER))
    answer = client.post(
        "/api/dossiers/",
        json.dumps(intake_body()),
        content_type="application/json",
        secure=True,  # as behind the production proxy
    )
    if answer.status_code != 201:
        raise SystemExit(
            f"bench.seed: the intake answered {answer.status_code}: {answer.content[:300]!r}"
        )
    dossier = Dossier.objects.select_related("handling_agency").get(
        code=answer.json()["code"]
    )
    moment = dossier.submitted_at
    owned = {"dossier_id"}
    (event,) = dossier.events.all()
    body = {
        "counter": {
            "agency_id": dossier.handling_agency_id,
            "prefix": dossier.handling_agency.identifier,
        },
        "dossier": {
            **_row(dossier, moment=moment, skip={"code"}),
            "applicant_email": BARE_MARKER,
        },
        "components": [
            _row(c, moment=moment, skip=owned)
            for c in dossier.components.order_by("pk")
        ],
        "steps": [
            _row(s, moment=moment, skip=owned) for s in dossier.steps.order_by("pk")
        ],
        "event": _row(event, moment=moment, skip={*owned, "sequence"}),
    }
    client.logout()
    return body


class _FormFields(HTMLParser):
    """The fields of the page's ``<form method="post">`` holding ``field`` (the header's
    sign-out and language forms are others) and the values a browser would send
    untouched: text and hidden inputs, checked boxes and radios, the selected (or first)
    option of each select, text areas. Each radio group and select also keeps every value
    it offers."""

    def __init__(self, field: str) -> None:
        super().__init__(convert_charrefs=True)
        self.field = field
        self.values: dict[str, str] = {}
        self.offered: dict[str, list[str]] = {}
        self.checkboxes: list[str] = []
        self._forms: list[tuple[dict[str, str], dict[str, list[str]], list[str]]] = []
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._inside = True
            self._forms.append(({}, {}, []))
        if not self._inside:
            return
        values, offered, checkboxes = self._forms[-1]
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                offered.setdefault(name, []).append(a.get("value", "on"))
                if kind == "checkbox":
                    checkboxes.append(name)
                if "checked" in a:
                    values[name] = a.get("value", "on")
            elif kind not in ("file", "submit", "button"):
                values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            offered[name] = []
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            offered[self._select].append(value)
            if "selected" in a or self._select not in values:
                values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._inside:
            self._inside = False
            values, offered, checkboxes = self._forms[-1]
            if self.field in values:
                self.values, self.offered, self.checkboxes = values, offered, checkboxes
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # a browser drops the newline that follows <textarea>
            values = self._forms[-1][0]
            values[self._textarea] = values[self._textarea].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self._forms:
            self._forms[-1][0][self._textarea] += data


def counter_form_plan() -> dict[str, Any] | None:
    """What the counter form's measure posts: the fields of the form as the page gives
    them, the mandatory papers ticked (as the API intake hands in), the applicant typed in, the decision "receive", with a new
    one-time key on each submit. ``None`` while the form is not routed; one trial
    submission (through Django's test client, the same database) must record a dossier
    and answer with a redirect, else the measure is skipped and says why."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from motcua.accounts.models import User
    from motcua.agencies.models import Agency
    from motcua.procedures.models import Procedure

    try:
        path = reverse(COUNTER_FORM_URL_NAME, args=[PROCEDURE])
    except NoReverseMatch:
        return None
    client = Client(HTTP_HOST=_test_host())
    client.force_login(User.objects.get(username=COUNTER_FORM_OFFICER))
    page = client.get(path)
    if page.status_code != 200:
        return {"skipped": f"GET {path} answered {page.status_code}"}
    fields = _FormFields(FORM_KEY)
    fields.feed(page.content.decode())
    if not fields.values:
        return {"skipped": f"GET {path} has no form with a {FORM_KEY} field"}
    values = dict(fields.values)
    values.pop("csrfmiddlewaretoken", None)  # the client's cookie and header instead
    # the papers the API intake hands in too: the mandatory ones
    version = Procedure.objects.get(code=PROCEDURE).version_on(timezone.localdate())
    if version is None:
        return {"skipped": f"procedure {PROCEDURE} is not in force today"}
    for position in version.components.filter(is_mandatory=True).values_list(
        "position", flat=True
    ):
        name = f"paper_{position}_given"
        if name not in fields.checkboxes:
            return {"skipped": f"the form has no {name} for a mandatory paper"}
        values[name] = fields.offered[name][0]
    values.update(
        {
            "applicant_name": "Trần Thị Thử",
            "applicant_id_number": "066190000002",
            "applicant_phone": "0905000001",
            "applicant_email": INTAKE_MARKER,
            "applicant_address": "1 Hùng Vương, phường Tuy Hòa, tỉnh Đắk Lắk",
        }
    )
    if "receive" in fields.offered.get("decision", []):
        values["decision"] = "receive"
    handling = Agency.objects.get(identifier=COUNTER_FORM_HANDLING)
    if str(handling.pk) in fields.offered.get("handling_agency", []):
        values["handling_agency"] = str(handling.pk)
    values[FORM_KEY] = secrets.token_urlsafe(16)
    trial = client.post(path, values)
    client.logout()
    if trial.status_code not in (302, 303):
        return {"skipped": f"a trial POST {path} answered {trial.status_code}"}
    values.pop(FORM_KEY)
    return {
        "path": path,
        "fields": sorted(values.items()),
        "key": FORM_KEY,
        "expect": trial.status_code,
    }


def database_description() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]} ({connection.settings_dict['NAME']})"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]} ({connection.settings_dict['NAME']})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seed")
    parser.add_argument("plan", type=Path, nargs="?")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--settle", action="store_true", help="only let the database settle"
    )
    args = parser.parse_args(argv)
    if args.plan is None and not args.settle:
        parser.error("the plan file is required (unless --settle)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    django.setup()
    from motcua.dossiers.models import Dossier

    if args.settle:
        _write(f"  database settled in {settle():.1f} s")
        return
    removed = remove_leftovers()
    if removed:
        _write(f"  removed {removed:,} dossiers received by the previous run")
    generated = ensure_generated(args.rows)
    _write(f"  database settled in {settle():.1f} s")
    form = counter_form_plan()
    if form and "skipped" in form:
        _write(f"  the counter form is not measured: {form['skipped']}")
    plan = {
        "database": database_description(),
        "dossiers": Dossier.objects.count(),
        "generated": {
            "rows": generated.rows,
            "created": generated.created,
            "seconds": round(generated.seconds, 1),
        },
        "sessions": {
            "counter": open_sessions(COUNTER_OFFICER, args.clients),
            "supervisor": open_sessions(SUPERVISOR, args.clients),
            "leader": open_sessions(LEADER, args.clients),
            "specialist": open_sessions(SPECIALIST, args.clients),
            "department": open_sessions(DEPARTMENT_SPECIALIST, args.clients),
            "counter_form": open_sessions(COUNTER_FORM_OFFICER, args.clients),
        },
        "credentials": {"counter": [COUNTER_OFFICER, DEMO_PASSWORD]},
        "intake": intake_body(),
        "bare_intake": bare_intake_body(),
        "assignee": SPECIALIST,
        "codes": sample_codes(SAMPLE),
        "counter_form": form if form and "skipped" not in form else None,
        "counter_form_skipped": (
            "no counter intake form routed yet"
            if form is None
            else str(form.get("skipped", ""))
        ),
        "workspace": {
            "department": DEPARTMENT,
            "open": department_dossiers().count(),
            "codes": department_codes(PAGE_SAMPLE),
        },
    }
    args.plan.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
