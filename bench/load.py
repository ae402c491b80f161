"""``python -m bench.load PLAN.json RESULTS.json --port P``: the concurrent clients.

A process of its own, so that the clients' work is not the server's. Each measure runs a
fixed number of client threads; each thread keeps one HTTP/1.1 connection to the loopback
server open (gunicorn's gthread workers keep it alive) and sends its next request as soon
as the last one is answered. A measure stops when its request count is spent or its time
is up, whichever comes first; a few requests per client before it warm up the workers and
their database connections and are not counted. Only the standard library is used.

Every request is timed from sending to the last byte of the answer; an answer with another
status than expected counts as an error, not as a sample.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import math
import random
import secrets
import string
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"

#: what each client sends next: method, path, body
Next = Callable[[random.Random], tuple[str, str, bytes | None]]

#: the transitions measured on the dossiers the intake measure received, in the order a
#: dossier takes them: measure name, URL path, who takes it (a session), the body
TRANSITIONS: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("transfer", "transfer", "counter", {}),
    ("assign", "assign", "leader", {"assignee": "{assignee}"}),
    ("submit_for_approval", "submit-for-approval", "specialist", {}),
    ("approve", "approve", "leader", {}),
)
#: warm-up requests per client of a transition measure (each spends a dossier)
TRANSITION_WARMUP = 2
#: dossiers the intake received that are kept as they are for the lookup of full dossiers
FULL_LOOKUPS = 500
#: time caps of the workspace's measures (issue 10): each page, and the form's submit
WORKSPACE_SECONDS = 30
COUNTER_FORM_SECONDS = 40


def each_once(codes: list[str], action: str, body: bytes) -> Next:
    """``POST /api/dossiers/{code}/<action>/`` for each of ``codes`` in turn, shared by
    the clients of one measure: a transition is taken once per dossier."""
    remaining = iter(codes)
    lock = threading.Lock()

    def next_request(_draw: random.Random) -> tuple[str, str, bytes | None]:
        with lock:
            code = next(remaining)
        return "POST", f"/api/dossiers/{code}/{action}/", body

    return next_request


@dataclass
class Measure:
    name: str
    concurrency: int
    requests: int
    seconds: float
    expect: int
    #: "counter" or "supervisor" (a session each), "basic" (HTTP Basic), None
    auth: str | None
    #: key of the JSON answer to keep (the probe's id, the dossier's code)
    keep: str | None = None
    #: warm-up requests per client, if not the run's default
    warmup: int | None = None
    #: the body's type: JSON for the API, a form's for the officers' pages
    content_type: str = "application/json"


@dataclass
class Result:
    name: str
    concurrency: int
    ok: int = 0
    errors: int = 0
    error_sample: str = ""
    seconds: float = 0.0
    stopped_by: str = ""
    per_second: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    mean_ms: float = 0.0
    kept: list[Any] = field(default_factory=list)


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank: the smallest sample with at least p % of the samples at or below it."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class Budget:
    """Requests left and a deadline, shared by the clients of one measure."""

    def __init__(self, requests: int, seconds: float) -> None:
        self._left = requests
        self._lock = threading.Lock()
        self.deadline = time.monotonic() + seconds
        self.timed_out = False

    def take(self) -> bool:
        if time.monotonic() >= self.deadline:
            self.timed_out = True
            return False
        with self._lock:
            if self._left <= 0:
                return False
            self._left -= 1
            return True


class Client:
    """One simulated user: its own connection, its own session (or credentials)."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = headers
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)

    def send(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=self.headers)
                answer = self.connection.getresponse()
                return answer.status, answer.read()
            except (http.client.HTTPException, OSError):
                # the server closed an idle keep-alive connection: open another, once
                self.connection.close()
                self.connection = http.client.HTTPConnection(
                    HOST, self.port, timeout=60
                )
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def headers_for(
    auth: str | None,
    plan: dict[str, Any],
    index: int,
    content_type: str = "application/json",
) -> dict[str, str]:
    headers = {"Accept": "application/json", "Content-Type": content_type}
    if content_type != "application/json":
        headers["Accept"] = "text/html"
    if auth == "basic":
        username, password = plan["credentials"]["counter"]
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    elif auth is not None:
        sessions = plan["sessions"][auth]
        # the CSRF secret is the client's to choose: Django compares cookie and header
        csrf = "".join(
            secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
        )
        headers["Cookie"] = (
            f"sessionid={sessions[index % len(sessions)]}; csrftoken={csrf}"
        )
        headers["X-CSRFToken"] = csrf
    return headers


def run_measure(
    measure: Measure, next_request: Next, plan: dict[str, Any], port: int, warmup: int
) -> Result:
    result = Result(name=measure.name, concurrency=measure.concurrency)
    clients = [
        Client(port, headers_for(measure.auth, plan, i, measure.content_type))
        for i in range(measure.concurrency)
    ]
    samples: list[list[float]] = [[] for _ in clients]
    kept: list[list[Any]] = [[] for _ in clients]
    errors: list[list[str]] = [[] for _ in clients]
    phase: dict[str, Budget] = {}
    # a client that cannot start breaks the barriers instead of hanging the run
    ready = threading.Barrier(measure.concurrency + 1, timeout=300)
    measured = threading.Barrier(measure.concurrency + 1, timeout=300)

    def work(index: int) -> None:
        client = clients[index]
        draw = random.Random(index)  # noqa: S311 - picks test data, not a secret
        for _ in range(warmup if measure.warmup is None else measure.warmup):
            try:
                client.send(*next_request(draw))
            except (http.client.HTTPException, OSError):
                break  # the measure will count it
        ready.wait()
        measured.wait()  # the main thread has set the budget and started the clock
        budget = phase["budget"]
        while budget.take():
            method, path, body = next_request(draw)
            started = time.perf_counter()
            try:
                status, content = client.send(method, path, body)
            except (http.client.HTTPException, OSError) as failure:
                errors[index].append(f"{type(failure).__name__}: {failure}")
                continue
            elapsed = time.perf_counter() - started
            if status != measure.expect:
                errors[index].append(f"{status} {content[:300]!r}")
                continue
            samples[index].append(elapsed)
            if measure.keep is not None:
                kept[index].append(json.loads(content)[measure.keep])
        client.close()

    threads = [
        threading.Thread(target=work, args=(i,), daemon=True)
        for i in range(len(clients))
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    phase["budget"] = Budget(measure.requests, measure.seconds)
    started = time.perf_counter()
    measured.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started

    ordered = sorted(s for per_client in samples for s in per_client)
    all_errors = [e for per_client in errors for e in per_client]
    result.ok = len(ordered)
    result.errors = len(all_errors)
    result.error_sample = all_errors[0] if all_errors else ""
    result.stopped_by = "time" if phase["budget"].timed_out else "count"
    result.per_second = result.ok / result.seconds if result.seconds else 0.0
    if ordered:
        result.p50_ms = percentile(ordered, 50) * 1000
        result.p90_ms = percentile(ordered, 90) * 1000
        result.p99_ms = percentile(ordered, 99) * 1000
        result.max_ms = ordered[-1] * 1000
        result.mean_ms = sum(ordered) / len(ordered) * 1000
    result.kept = [k for per_client in kept for k in per_client]
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("plan", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--lookup-concurrency", type=int, default=2)
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every measure's time cap (the harness's total budget)",
    )
    parser.add_argument("--warmup", type=int, default=5, help="requests per client")
    parser.add_argument(
        "--phase",
        choices=["writes", "reads", "all"],
        default="all",
        help="the write measures, the read measures, or both (bench.run lets the "
        "database settle between the two)",
    )
    parser.add_argument(
        "--kept",
        type=Path,
        help="where the write measures leave the probes' ids and the intakes' codes "
        "for the read measures",
    )
    args = parser.parse_args(argv)
    if args.phase != "all" and args.kept is None:
        parser.error("--phase writes or reads needs --kept")
    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    c, lc, scale = args.concurrency, args.lookup_concurrency, args.time_scale
    intake = json.dumps(plan["intake"]).encode()
    codes: list[str] = plan["codes"]
    if not codes:
        raise SystemExit("bench.load: the plan has no dossier codes to look up")

    def report(result: Result) -> None:
        print(  # noqa: T201 - progress of a command-line tool
            f"  {result.name:<19} {result.ok:>6} ok {result.errors:>4} errors "
            f"{result.per_second:8.1f}/s  p50 {result.p50_ms:6.1f} ms  "
            f"p99 {result.p99_ms:6.1f} ms  ({result.seconds:.1f} s, stopped by "
            f"{result.stopped_by})",
            flush=True,
        )
        if result.error_sample:
            print(f"    first error: {result.error_sample}", flush=True)  # noqa: T201 - as above

    results: list[Result] = []
    # the reads add their results to those of the writes
    earlier: list[dict[str, Any]] = (
        json.loads(args.results.read_text())
        if args.phase == "reads" and args.results.exists()
        else []
    )

    def measure(m: Measure, next_request: Next) -> Result:
        m.seconds *= scale
        result = run_measure(m, next_request, plan, args.port, args.warmup)
        report(result)
        results.append(result)
        return result

    if args.phase in ("writes", "all"):
        # 1 and 2: writes, at the same concurrency
        probes = measure(
            Measure("bare_post", c, 20_000, 20, 201, "counter", keep="id"),
            lambda draw: ("POST", "/bench/probe/", None),
        ).kept
        bare_intake = json.dumps(plan["bare_intake"]).encode()
        measure(
            Measure("bare_intake", c, 20_000, 20, 201, "counter"),
            lambda draw: ("POST", "/bench/intake/", bare_intake),
        )
        intakes = measure(
            Measure("intake", c, 20_000, 40, 201, "counter", keep="code"),
            lambda draw: ("POST", "/api/dossiers/", intake),
        ).kept
        measure(
            Measure("intake_basic", c, 300, 10, 201, "basic", warmup=1),
            lambda draw: ("POST", "/api/dossiers/", intake),
        )
        form = plan.get("counter_form")
        if form:
            # the counter officer's intake form, submitted as a browser does (issue 10)
            fields: list[tuple[str, str]] = [tuple(f) for f in form["fields"]]

            def form_body(_draw: random.Random) -> tuple[str, str, bytes | None]:
                # a new one-time key each submit: each records a dossier
                body = [*fields, (form["key"], secrets.token_urlsafe(16))]
                return "POST", form["path"], urllib.parse.urlencode(body).encode()

            measure(
                Measure(
                    "counter_form",
                    c,
                    20_000,
                    COUNTER_FORM_SECONDS,
                    form["expect"],
                    "counter_form",
                    content_type="application/x-www-form-urlencoded",
                ),
                form_body,
            )
        else:
            print(  # noqa: T201 - progress of a command-line tool
                f"  counter_form        skipped: {plan.get('counter_form_skipped')}",
                flush=True,
            )
        # the received dossiers: a few kept as received for the lookup of full dossiers,
        # the others taken through their process, one transition measure after another
        kept_whole = min(FULL_LOOKUPS, len(intakes) // 2)
        received, moving = intakes[:kept_whole], intakes[kept_whole:]
        for name, action, who, shape in TRANSITIONS:
            warm = TRANSITION_WARMUP * c
            if len(moving) <= warm:
                print(f"  {name:<19} skipped: no dossier left to take it", flush=True)  # noqa: T201 - progress
                break
            body = json.dumps(
                {k: v.format(assignee=plan["assignee"]) for k, v in shape.items()}
            ).encode()
            moving = measure(
                Measure(
                    name,
                    c,
                    len(moving) - warm,
                    15,
                    200,
                    who,
                    keep="code",
                    warmup=TRANSITION_WARMUP,
                ),
                each_once(moving, action, body),
            ).kept
        if args.phase == "writes":
            args.kept.write_text(json.dumps({"probes": probes, "received": received}))
    else:
        kept = json.loads(args.kept.read_text())
        probes, received = kept["probes"], kept["received"]
    if args.phase in ("reads", "all"):
        # 3: reads of one row by key, then of one dossier by code among the million
        probes = probes or [1]
        measure(
            Measure("bare_get", lc, 20_000, 20, 200, "supervisor"),
            lambda draw: ("GET", f"/bench/probe/{draw.choice(probes)}/", None),
        )
        measure(
            Measure("lookup", lc, 20_000, 40, 200, "supervisor"),
            lambda draw: ("GET", f"/api/dossiers/{draw.choice(codes)}/", None),
        )
        if received:
            measure(
                Measure("lookup_full", lc, 5_000, 15, 200, "supervisor"),
                lambda draw: ("GET", f"/api/dossiers/{draw.choice(received)}/", None),
            )
        # 4: the officers' workspace (issue 10) as a specialist of the department whose
        # queue holds the plan's open dossiers: the queue page, then a dossier's page
        workspace = plan["workspace"]
        measure(
            Measure("queue", lc, 5_000, WORKSPACE_SECONDS, 200, "department", warmup=3),
            lambda draw: ("GET", "/can-bo/", None),
        )
        if workspace["codes"]:
            pages: list[str] = workspace["codes"]
            measure(
                Measure(
                    "dossier_page",
                    lc,
                    5_000,
                    WORKSPACE_SECONDS,
                    200,
                    "department",
                ),
                lambda draw: ("GET", f"/can-bo/ho-so/{draw.choice(pages)}/", None),
            )
    for result in results:
        result.kept = []
    args.results.write_text(
        json.dumps([*earlier, *(asdict(r) for r in results)], indent=1)
    )


if __name__ == "__main__":
    main()
