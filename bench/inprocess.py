"""``python -m bench.inprocess WHAT``: one kind of request, timed inside one process.

Where ``make bench`` measures the server from outside, this runs the same requests through
Django's test client against the benchmark's database (``make bench`` must have seeded it),
so that a request's own cost can be read without the network, gunicorn and the clients:
milliseconds per request (the mean and the median, and the median of the CPU time of
this process alone: the database's work aside, and steadier on a busy machine), the
queries it makes, and with ``--profile`` where the time goes (cProfile, sorted by
cumulative time, or by what ``BENCH_PROFILE_SORT`` names: ``tottime`` for each
function's own).

WHAT is ``lookup`` (a generated dossier by code, as the provincial supervisor), ``full``
(a dossier the last run's intake measure received, with papers, steps and event),
``intake`` (the counter intake of the benchmark, as ``tiepnhan.bmt``), ``bare`` (the
bare write, ``POST /bench/probe/``), ``bare_intake`` (``POST /bench/intake/``), or the
officers' workspace as the department's specialist (``chuyenvien.tuphap``): ``queue``
(``GET /can-bo/``) or ``page`` (``GET /can-bo/ho-so/{code}/``, its dossiers). Intakes
write dossiers; the next ``make bench`` removes them. Not a test; run it by hand, e.g.

    .venv/bin/python -m bench.inprocess lookup --requests 500

``statements`` is the one ``make bench`` runs: it counts the SQL statements of one request
of each kind it measures (Django's ``CaptureQueriesContext``: every statement sent, the
session's and the user's included, and on PostgreSQL a transaction's BEGIN and COMMIT; the
bare intake is 7 there): one counter intake, the bare intake,
then the transitions of ``bench.load.TRANSITIONS`` taken on the dossier the intake
received, each as the officer who takes it, then the officers' workspace (the counter
form's submit once it is routed, the queue page and a dossier's page), and prints them
(``--json FILE``: writes them).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.run import DEFAULT_PG_URL


def count_statements() -> dict[str, int]:
    """The statements of one request of each kind ``make bench`` measures (see the module's
    docstring), in the order they are taken, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import seed
    from bench.load import TRANSITIONS

    clients: dict[str, Client] = {}
    for who, username in (
        ("counter", seed.COUNTER_OFFICER),
        ("leader", seed.LEADER),
        ("specialist", seed.SPECIALIST),
    ):
        clients[who] = Client()
        clients[who].cookies["sessionid"] = seed.open_sessions(username, 1)[0]
    counts: dict[str, int] = {}

    def post(name: str, who: str, path: str, body: dict[str, Any], expect: int) -> Any:
        with CaptureQueriesContext(connection) as captured:
            answer = clients[who].post(
                path, json.dumps(body), content_type="application/json"
            )
        if answer.status_code != expect:
            raise SystemExit(
                f"{path} answered {answer.status_code}: {answer.content[:300]!r}"
            )
        counts[name] = len(captured.captured_queries)
        return answer.json()

    # The first requests of a process compile and cache what later ones reuse: each kind
    # is sent twice (two dossiers) and the second count is kept.
    for _ in range(2):
        intake = seed.intake_body()
        code = post("intake", "counter", "/api/dossiers/", intake, 201)["code"]
        for name, action, who, shape in TRANSITIONS:
            body = {k: v.format(assignee=seed.SPECIALIST) for k, v in shape.items()}
            post(name, who, f"/api/dossiers/{code}/{action}/", body, 200)
    bare = seed.bare_intake_body()
    for _ in range(2):
        post("bare_intake", "counter", "/bench/intake/", bare, 201)
    # the officers' workspace: the counter form's submit, the queue and a dossier's page
    form = seed.counter_form_plan()
    if form and "skipped" not in form:
        clerk = Client()
        clerk.cookies["sessionid"] = seed.open_sessions(seed.COUNTER_FORM_OFFICER, 1)[0]
        for _ in range(2):
            data = dict(form["fields"])
            data[form["key"]] = secrets.token_urlsafe(16)
            with CaptureQueriesContext(connection) as captured:
                answer = clerk.post(form["path"], data)
            if answer.status_code != form["expect"]:
                raise SystemExit(f"{form['path']} answered {answer.status_code}")
            counts["counter_form"] = len(captured.captured_queries)
    specialist = Client()
    specialist.cookies["sessionid"] = seed.open_sessions(seed.DEPARTMENT_SPECIALIST, 1)[
        0
    ]
    codes = seed.department_codes(2)
    for name, paths in (
        ("queue", ["/can-bo/", "/can-bo/"]),
        ("dossier_page", [f"/can-bo/ho-so/{code}/" for code in codes]),
    ):
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                answer = specialist.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{path} answered {answer.status_code}")
            counts[name] = len(captured.captured_queries)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess")
    parser.add_argument(
        "what",
        choices=[
            "lookup",
            "full",
            "intake",
            "bare",
            "bare_intake",
            "queue",
            "page",
            "statements",
        ],
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--json", type=Path, help="statements: write them here too")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="the benchmark's database (seeded by make bench)",
    )
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be at least 1")

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "motcua.settings",
            "MOTCUA_DATABASE_URL": args.database,
            "MOTCUA_DEBUG": "false",
            "MOTCUA_BENCH_ENDPOINTS": "true",
            "MOTCUA_ALLOWED_HOSTS": "testserver",
            # the test client speaks plain HTTP; production's redirect to HTTPS is the
            # proxy's concern, and the throttles must not refuse a measure
            "MOTCUA_SSL_REDIRECT": "false",
            "MOTCUA_THROTTLE_USER_RATE": "1000000/second",
            "MOTCUA_THROTTLE_ANON_RATE": "1000000/second",
        }
    )
    os.environ.setdefault("MOTCUA_SECRET_KEY", "in-process-" + "x" * 40)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import seed
    from motcua.dossiers.models import Dossier

    if args.what == "statements":
        counts = count_statements()
        for name, count in counts.items():
            print(f"{name}: {count} statements")  # noqa: T201 - the command's output
        if args.json:
            args.json.write_text(json.dumps(counts))
        return
    client = Client()
    one: Callable[[int], None]
    if args.what in ("intake", "bare", "bare_intake"):
        client.cookies["sessionid"] = seed.open_sessions(seed.COUNTER_OFFICER, 1)[0]
        paths = {
            "intake": ("/api/dossiers/", seed.intake_body),
            "bare": ("/bench/probe/", dict),
            "bare_intake": ("/bench/intake/", seed.bare_intake_body),
        }
        path, make_body = paths[args.what]
        body = json.dumps(make_body())

        def one(_: int) -> None:
            answer = client.post(path, body, content_type="application/json")
            if answer.status_code != 201:
                raise SystemExit(f"{path} answered {answer.status_code}")

    elif args.what in ("queue", "page"):
        client.cookies["sessionid"] = seed.open_sessions(seed.DEPARTMENT_SPECIALIST, 1)[
            0
        ]
        pages = (
            ["/can-bo/"]
            if args.what == "queue"
            else [f"/can-bo/ho-so/{code}/" for code in seed.department_codes(500)]
        )

        def one(index: int) -> None:
            answer = client.get(pages[index % len(pages)])
            if answer.status_code != 200:
                raise SystemExit(f"{pages[0]} answered {answer.status_code}")

    else:
        client.cookies["sessionid"] = seed.open_sessions(seed.SUPERVISOR, 1)[0]
        if args.what == "lookup":
            codes = seed.sample_codes(500)
        else:
            codes = list(
                Dossier.objects.filter(applicant_email=seed.INTAKE_MARKER).values_list(
                    "code", flat=True
                )[:500]
            )
        if not codes:
            raise SystemExit(
                "no dossiers to look up: run make bench first (its intakes give `full`)"
            )

        def one(index: int) -> None:
            answer = client.get(f"/api/dossiers/{codes[index % len(codes)]}/")
            if answer.status_code != 200:
                raise SystemExit(f"lookup answered {answer.status_code}")

    for index in range(args.warmup):
        one(index)
    with CaptureQueriesContext(connection) as captured:
        one(0)
    # counted now: the next request clears the connection's log
    queries = len(captured.captured_queries)
    profile = cProfile.Profile() if args.profile else None
    took: list[float] = []
    cpu: list[float] = []
    started = time.perf_counter()
    if profile:
        profile.enable()
    for index in range(args.requests):
        before, cpu_before = time.perf_counter(), time.process_time()
        one(index)
        took.append(time.perf_counter() - before)
        cpu.append(time.process_time() - cpu_before)
    if profile:
        profile.disable()
    elapsed = time.perf_counter() - started
    if profile:
        pstats.Stats(profile).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(40)
    print(  # noqa: T201 - the command's output
        f"{args.what}: {elapsed / args.requests * 1000:.2f} ms per request"
        f" (median {statistics.median(took) * 1000:.2f} ms,"
        f" this process's CPU {statistics.median(cpu) * 1000:.2f} ms)"
        f"{' (profiled)' if profile else ''}, {queries} queries"
        f" ({args.requests} requests after {args.warmup} of warm-up)"
    )


if __name__ == "__main__":
    main()
