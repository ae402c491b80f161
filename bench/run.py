"""``make bench`` (``python -m bench.run``): the benchmark of issues 3, 8 and 10. Not a test.

It serves motcua the way production does, then measures it from a separate client process:

1. intake at the counter through the API (``POST /api/dossiers/``, decision ``receive``)
   against the bare intake of the same server (``POST /bench/intake/``: the same rows in
   one transaction of plain SQL), and against the bare write (``POST /bench/probe/``: one
   row);
2. the transitions transfer, assign, submit for approval and approve through the API, on
   the dossiers the intake received, against the bare intake's latency, and the SQL
   statements of each (``bench.inprocess statements``);
3. lookup by dossier code (``GET /api/dossiers/{code}/``) among a million dossiers,
   against the bare read (``GET /bench/probe/{id}/``: one row by primary key);
4. the officers' workspace (issue 10): the queue page and a dossier's page as a specialist
   of a department with 5,000 open dossiers, against the bare read (p99 ≤ 10 times it),
   and the counter intake form's submit against the API intake (p99 ≤ 1.5 times it),
   once the form is routed;

and prints one table with the goals of issue 8 (every one a ratio to a baseline of the same
run: intake ≥ 50 % of the bare intake's rate; each transition's p99 ≤ 3 times the bare
intake's, in ≤ 10 statements; lookup p99 no more than 5.1 times the bare read's), the
machine, the database and the server's configuration.

The server: gunicorn with gthread workers, ``MOTCUA_DEBUG=false``, a fresh secret key,
``MOTCUA_BENCH_ENDPOINTS=true``, on PostgreSQL when ``--pg-url`` answers (a database of
its own, created when missing and kept for the next run: the million dossiers take a
while to write; ``--fresh`` starts over, ``--drop`` removes it afterwards; another
``--dossiers`` replaces the generated dossiers), else on SQLite in a folder of the system's
temporary directory. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/motcua_benchmark"
#: the clients' time caps added up (bench.load), to fit them in the budget: the writes
#: (bare write, bare intake, intake, intake with Basic, four transitions), then the reads
MEASURE_SECONDS = 20 + 20 + 40 + 10 + 40 + 4 * 15 + 20 + 40 + 15 + 2 * 30
#: the goals of issue 8, each a ratio to a baseline of the same run
INTAKE_GOAL = 0.5  # intake's rate at least half the bare intake's
TRANSITION_GOAL = 3.0  # each transition's p99 at most 3 times the bare intake's
STATEMENTS_GOAL = 10  # each transition in at most 10 SQL statements
LOOKUP_GOAL = 5.1  # lookup p99 no slower against the bare read than before (4.4–5.1×)
#: the goals of issue 10, the officers' workspace
PAGE_GOAL = (
    10.0  # the queue's and a dossier's page: p99 at most 10 times the bare read's
)
FORM_GOAL = 1.5  # the counter form's submit: p99 at most 1.5 times the API intake's


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def fail(text: str) -> None:
    sys.stderr.write(f"bench: {text}\n")
    raise SystemExit(2)


def call(command: Sequence[str], env: dict[str, str], **kwargs: Any) -> None:
    """Run one of motcua's own commands; stop the benchmark if it fails."""
    done = subprocess.run(command, env=env, cwd=ROOT, check=False, **kwargs)  # noqa: S603 - our own executables, no shell
    if done.returncode != 0:
        fail(f"{' '.join(command)} exited with {done.returncode}")


# ------------------------------------------------------------------ machine


def cpu_count() -> int:
    """The CPUs this process may run on (all of them where the system cannot say)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def machine() -> dict[str, str]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "cpus": str(cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def load_average() -> str:
    with contextlib.suppress(OSError):
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


# ------------------------------------------------------------------ database


@dataclass
class Database:
    env: dict[str, str]
    description: str
    drop: Callable[[], None]  # what --drop calls afterwards


def _pg_admin(url: str) -> tuple[Any, str]:
    """A connection to the server's ``postgres`` database, and the benchmark's name."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in name:
        fail(
            f"{url}: the benchmark deletes sessions and dossiers in its database; "
            "give it one whose name says bench"
        )
    connection = psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=3,
    )
    return connection, name


def _drop_postgres(url: str) -> None:
    from psycopg import sql

    connection, name = _pg_admin(url)
    with connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
    say(f"Dropped database {name}.")


def postgres(url: str, *, fresh: bool) -> Database:
    from psycopg import sql

    if fresh:
        _drop_postgres(url)
    connection, name = _pg_admin(url)
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists is None:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
            say(f"Created database {name}.")
    return Database(
        env={"MOTCUA_DATABASE_URL": url},
        description=f"PostgreSQL, database {name}",
        drop=lambda: _drop_postgres(url),
    )


def sqlite(*, fresh: bool) -> Database:
    folder = Path(tempfile.gettempdir()) / "motcua-bench"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(exist_ok=True)

    def drop() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        say(f"Removed {folder}.")

    return Database(
        env={"MOTCUA_DATABASE_URL": "", "MOTCUA_DATA_DIR": str(folder)},
        description=f"SQLite in {folder}",
        drop=drop,
    )


# ------------------------------------------------------------------ server


@dataclass
class Server:
    workers: int
    threads: int
    port: int

    def describe(self) -> str:
        return (
            f"gunicorn {_gunicorn_version()}, gthread, {self.workers} workers × "
            f"{self.threads} threads, keep-alive 5 s, 127.0.0.1:{self.port}"
        )


def _gunicorn_version() -> str:
    from importlib.metadata import version

    return version("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(server: Server, env: dict[str, str], log: Path) -> Iterator[None]:
    command = [
        str(BIN / "gunicorn"),
        "motcua.wsgi:application",
        f"--bind=127.0.0.1:{server.port}",
        "--worker-class=gthread",
        f"--workers={server.workers}",
        f"--threads={server.threads}",
        "--keep-alive=5",
        "--timeout=60",
        "--graceful-timeout=10",
        f"--error-logfile={log}",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 - our own executable, no shell
    try:
        wait_until_up(server.port, process, log)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the bare write answers 201: the server is up, the bench endpoints are routed,
    the database answers, and ``bench_probe`` exists before the clients arrive."""
    deadline = time.monotonic() + 60
    token = secrets.token_hex(16)  # a CSRF secret of ours: cookie and header agree
    probe = urllib.request.Request(  # noqa: S310 - loopback http only
        f"http://127.0.0.1:{port}/bench/probe/",
        method="POST",
        headers={"Cookie": f"csrftoken={token}", "X-CSRFToken": token},
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"gunicorn stopped ({process.returncode}); see {log}")
        try:
            with urllib.request.urlopen(probe, timeout=5) as answer:  # noqa: S310 - as above
                if answer.status == 201:
                    return
                fail(f"{probe.full_url} answered {answer.status}")
        except urllib.error.HTTPError as answer:
            fail(f"{probe.full_url} answered {answer.code}: {answer.read()[:300]!r}")
        except OSError:
            time.sleep(0.2)
    fail(f"gunicorn did not answer within a minute; see {log}")


# ------------------------------------------------------------------ report


def _ms(value: float) -> str:
    return f"{value:.1f} ms"


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"


def _latency_rows(
    label: str, value: dict[str, Any], base: dict[str, Any]
) -> list[list[str]]:
    """``label`` p50 and p99 against ``base``'s."""
    return [
        [
            f"   {label} {p}",
            _ms(value[f"{p}_ms"]),
            _ms(base[f"{p}_ms"]),
            f"{value[f'{p}_ms'] / base[f'{p}_ms']:.1f}×",
            "",
            "",
        ]
        for p in ("p50", "p99")
    ]


def table(
    results: dict[str, dict[str, Any]],
    plan: dict[str, Any],
    statements: dict[str, int] | None = None,
) -> list[list[str]]:
    """measure | value | baseline | ratio | goal | met? — one row per figure."""
    from bench.load import TRANSITIONS

    statements = statements or {}
    rows: list[list[str]] = []
    bare_post, bare_intake = results.get("bare_post"), results.get("bare_intake")
    intake = results.get("intake")
    if bare_intake and intake:
        ratio = intake["per_second"] / bare_intake["per_second"]
        rows.append(
            [
                f"intake POST /api/dossiers/, {intake['concurrency']} clients: dossiers/s",
                f"{intake['per_second']:.1f}/s",
                f"{bare_intake['per_second']:.1f}/s (bare intake POST /bench/intake/)",
                f"{ratio:.1%}",
                f"≥ {INTAKE_GOAL:.0%}",
                _met(ratio >= INTAKE_GOAL),
            ]
        )
        rows += _latency_rows("intake latency", intake, bare_intake)
    if bare_post and intake:
        rows.append(
            [
                "   intake against the one-row bare write",
                f"{intake['per_second']:.1f}/s",
                f"{bare_post['per_second']:.1f}/s (bare POST /bench/probe/)",
                f"{intake['per_second'] / bare_post['per_second']:.1%}",
                "",
                "",
            ]
        )
    if bare_post and bare_intake:
        rows.append(
            [
                "   bare intake against the one-row bare write",
                f"{bare_intake['per_second']:.1f}/s",
                f"{bare_post['per_second']:.1f}/s",
                f"{bare_intake['per_second'] / bare_post['per_second']:.1%}",
                "",
                "",
            ]
        )
    for name in ("intake", "bare_intake"):
        if name in statements:
            rows.append(
                [
                    f"   {name.replace('_', ' ')}: SQL statements a request",
                    str(statements[name]),
                    "",
                    "",
                    "",
                    "",
                ]
            )
    basic = results.get("intake_basic")
    if basic and intake:
        rows.append(
            [
                "   same with HTTP Basic (Argon2 each request)",
                f"{basic['per_second']:.1f}/s",
                f"{intake['per_second']:.1f}/s (session)",
                f"{basic['per_second'] / intake['per_second']:.1%}",
                "",
                "",
            ]
        )
    for name, action, _who, _body in TRANSITIONS:
        done = results.get(name)
        if not (done and bare_intake and done["ok"]):
            continue
        ratio = done["p99_ms"] / bare_intake["p99_ms"]
        rows.append(
            [
                f"{name} POST /api/dossiers/{{code}}/{action}/, "
                f"{done['concurrency']} clients: p99",
                _ms(done["p99_ms"]),
                f"{_ms(bare_intake['p99_ms'])} (bare intake)",
                f"{ratio:.1f}×",
                f"≤ {TRANSITION_GOAL:.0f}×",
                _met(ratio <= TRANSITION_GOAL),
            ]
        )
        rows.append(
            [
                "   p50; requests/s",
                f"{_ms(done['p50_ms'])}; {done['per_second']:.1f}/s",
                f"{_ms(bare_intake['p50_ms'])}; {bare_intake['per_second']:.1f}/s",
                f"{done['p50_ms'] / bare_intake['p50_ms']:.1f}×",
                "",
                "",
            ]
        )
        if name in statements:
            rows.append(
                [
                    "   SQL statements a request",
                    str(statements[name]),
                    "",
                    "",
                    f"≤ {STATEMENTS_GOAL}",
                    _met(statements[name] <= STATEMENTS_GOAL),
                ]
            )
    bare_get, lookup = results.get("bare_get"), results.get("lookup")
    if bare_get and lookup:
        ratio = lookup["p99_ms"] / bare_get["p99_ms"]
        rows += [
            [
                f"lookup GET /api/dossiers/{{code}}/ among "
                f"{plan['dossiers']:,} dossiers, {lookup['concurrency']} clients: p99",
                _ms(lookup["p99_ms"]),
                f"{_ms(bare_get['p99_ms'])} (bare GET /bench/probe/{{id}}/)",
                f"{ratio:.1f}×",
                f"≤ {LOOKUP_GOAL:.1f}×",
                _met(ratio <= LOOKUP_GOAL),
            ],
            [
                "   lookup latency p50",
                _ms(lookup["p50_ms"]),
                _ms(bare_get["p50_ms"]),
                f"{lookup['p50_ms'] / bare_get['p50_ms']:.1f}×",
                "",
                "",
            ],
            [
                "   lookups/s",
                f"{lookup['per_second']:.1f}/s",
                f"{bare_get['per_second']:.1f}/s",
                f"{lookup['per_second'] / bare_get['per_second']:.1%}",
                "",
                "",
            ],
        ]
    full = results.get("lookup_full")
    if full and bare_get:
        ratio = full["p99_ms"] / bare_get["p99_ms"]
        rows.append(
            [
                "   lookup of the dossiers the intake received (papers, steps): p99",
                _ms(full["p99_ms"]),
                _ms(bare_get["p99_ms"]),
                f"{ratio:.1f}×",
                f"≤ {LOOKUP_GOAL:.1f}×",
                _met(ratio <= LOOKUP_GOAL),
            ]
        )
    rows += workspace_rows(results, plan, statements)
    return rows


def workspace_rows(
    results: dict[str, dict[str, Any]],
    plan: dict[str, Any],
    statements: dict[str, int],
) -> list[list[str]]:
    """Issue 10's figures: the queue and a dossier's page against the bare read, the
    counter form's submit against the API intake."""
    rows: list[list[str]] = []
    bare_get = results.get("bare_get")
    workspace = plan.get("workspace", {})
    pages = (
        ("queue", "GET /can-bo/ (the queue)"),
        ("dossier_page", "GET /can-bo/ho-so/{code}/ (a dossier's page)"),
    )
    for name, request in pages:
        done = results.get(name)
        if not (done and bare_get and done["ok"]):
            continue
        ratio = done["p99_ms"] / bare_get["p99_ms"]
        rows.append(
            [
                f"{request} as a specialist of {workspace.get('department', '?')}, "
                f"{workspace.get('open', 0):,} open dossiers among "
                f"{plan['dossiers']:,}, {done['concurrency']} clients: p99",
                _ms(done["p99_ms"]),
                f"{_ms(bare_get['p99_ms'])} (bare GET /bench/probe/{{id}}/)",
                f"{ratio:.1f}×",
                f"≤ {PAGE_GOAL:.0f}×",
                _met(ratio <= PAGE_GOAL),
            ]
        )
        rows += _latency_rows("latency", done, bare_get)[:1]
        if name in statements:
            rows.append(
                ["   SQL statements a request", str(statements[name]), "", "", "", ""]
            )
    form, intake = results.get("counter_form"), results.get("intake")
    if form and intake and form["ok"]:
        ratio = form["p99_ms"] / intake["p99_ms"]
        rows.append(
            [
                f"counter form POST {plan['counter_form']['path']}, "
                f"{form['concurrency']} clients: p99",
                _ms(form["p99_ms"]),
                f"{_ms(intake['p99_ms'])} (intake POST /api/dossiers/)",
                f"{ratio:.1f}×",
                f"≤ {FORM_GOAL:.1f}×",
                _met(ratio <= FORM_GOAL),
            ]
        )
        rows += _latency_rows("latency", form, intake)[:1]
        if "counter_form" in statements:
            rows.append(
                [
                    "   SQL statements a request",
                    str(statements["counter_form"]),
                    str(statements.get("intake", "")),
                    "",
                    "",
                    "",
                ]
            )
        rows.append(
            [
                "   dossiers/s",
                f"{form['per_second']:.1f}/s",
                f"{intake['per_second']:.1f}/s",
                f"{form['per_second'] / intake['per_second']:.1%}",
                "",
                "",
            ]
        )
    elif not plan.get("counter_form"):
        why = plan.get("counter_form_skipped") or "no intake form routed yet"
        rows.append([f"counter form: not measured ({why})", "", "", "", "", ""])
    return rows


def render(rows: list[list[str]]) -> str:
    header = ["measure", "value", "baseline", "ratio", "goal", "met?"]
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="PostgreSQL database of the benchmark (its name must contain 'bench')",
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="SQLite even if PostgreSQL answers"
    )
    parser.add_argument(
        "--dossiers",
        "--rows",
        dest="rows",
        type=int,
        default=1_000_000,
        help="generated dossiers to look up among (another number than the last run's "
        "replaces them)",
    )
    parser.add_argument("--workers", type=int, default=0, help="default: CPUs + 1")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8, help="writing clients")
    parser.add_argument("--lookup-concurrency", type=int, default=2)
    parser.add_argument(
        "--budget", type=float, default=540, help="seconds for the whole run"
    )
    parser.add_argument("--fresh", action="store_true", help="start a new database")
    parser.add_argument("--drop", action="store_true", help="drop it afterwards")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.concurrency < 1 or args.lookup_concurrency < 1:
        fail("--dossiers, --concurrency and --lookup-concurrency must be at least 1")
    started = time.monotonic()

    from motcua.core.dbcheck import reachable

    if not args.sqlite and reachable(args.pg_url):
        database = postgres(args.pg_url, fresh=args.fresh)
    else:
        if not args.sqlite:
            say(f"PostgreSQL at {args.pg_url} does not answer: SQLite instead.")
        database = sqlite(fresh=args.fresh)
    cpus = cpu_count()
    server = Server(
        workers=args.workers or cpus + 1, threads=args.threads, port=free_port()
    )
    env = {
        **os.environ,
        **database.env,
        "MOTCUA_DEBUG": "false",
        "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
        "MOTCUA_BENCH_ENDPOINTS": "true",
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1",
        "MOTCUA_LOG_LEVEL": "ERROR",
        # plain HTTP on the loopback: in production TLS ends at the proxy in front
        "MOTCUA_SSL_REDIRECT": "false",
        # the throttles still count every request, but never refuse the load's clients
        "MOTCUA_THROTTLE_USER_RATE": "1000000/second",
        "MOTCUA_THROTTLE_ANON_RATE": "1000000/second",
        "PYTHONPATH": str(ROOT),
    }
    say(f"motcua benchmark: {database.description}; {server.describe()}")

    with tempfile.TemporaryDirectory(prefix="motcua-bench-run-") as scratch:
        work = Path(scratch)
        say("Migrating, loading the demo province …")
        call(
            [str(BIN / "motcua"), "migrate", "--noinput"],
            env,
            stdout=subprocess.DEVNULL,
        )
        call(
            [str(BIN / "motcua"), "load_demo", "--quiet-accounts"],
            env,
            stdout=subprocess.DEVNULL,
        )
        say(f"Preparing {args.rows:,} dossiers and the officers' sessions …")
        plan_file = work / "plan.json"
        call(
            [
                sys.executable,
                "-m",
                "bench.seed",
                str(plan_file),
                f"--rows={args.rows}",
                f"--clients={max(args.concurrency, args.lookup_concurrency)}",
            ],
            env,
        )
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        generated = plan["generated"]
        how = (
            f"generated in {generated['seconds']} s"
            if generated["created"]
            else "kept from the last run"
        )
        say(f"  {generated['rows']:,} dossiers {how}; {plan['dossiers']:,} in all.")

        left = args.budget - (time.monotonic() - started) - 20
        scale = max(0.1, min(1.0, left / MEASURE_SECONDS))
        if scale < 1:
            say(
                f"  time caps scaled by {scale:.2f} to fit the {args.budget:.0f} s budget"
            )
        results_file = work / "results.json"
        load_before = load_average()
        say(f"Measuring (load average before: {load_before}) …")
        with serving(server, env, work / "gunicorn.log"):
            for phase in ("writes", "reads"):
                if phase == "reads":
                    # the reads are measured once PostgreSQL has caught up with the
                    # writes (bench.seed.settle), not while it vacuums them
                    call([sys.executable, "-m", "bench.seed", "--settle"], env)
                call(
                    [
                        sys.executable,
                        "-m",
                        "bench.load",
                        str(plan_file),
                        str(results_file),
                        f"--port={server.port}",
                        f"--concurrency={args.concurrency}",
                        f"--lookup-concurrency={args.lookup_concurrency}",
                        f"--time-scale={scale:.3f}",
                        f"--phase={phase}",
                        f"--kept={work / 'kept.json'}",
                    ],
                    env,
                )
        log = (work / "gunicorn.log").read_text(errors="replace").strip()
        if log:
            say("gunicorn's log:\n" + log[-2000:])
        results = {r["name"]: r for r in json.loads(results_file.read_text())}
        say("Counting the SQL statements of each kind of request …")
        statements_file = work / "statements.json"
        call(
            [
                sys.executable,
                "-m",
                "bench.inprocess",
                "statements",
                f"--database={database.env['MOTCUA_DATABASE_URL']}",
                f"--json={statements_file}",
            ],
            env,
            stdout=subprocess.DEVNULL,
        )
        statements = json.loads(statements_file.read_text())

    about = machine()
    rows = table(results, plan, statements)
    say()
    say(render(rows))
    say()
    say(
        f"Machine: {about['cpus']} CPUs ({about['cpu']}), {about['memory']} memory, "
        f"{about['system']}, Python {about['python']}; load average before the "
        f"measures {load_before}."
    )
    say(f"Database: {plan['database']}, {plan['dossiers']:,} dossiers.")
    say(
        f"Server: {server.describe()}; MOTCUA_DEBUG=false. Clients: one process, "
        f"{args.concurrency} threads for writes, {args.lookup_concurrency} for lookups, "
        "each with one keep-alive connection and its own session."
    )
    say(f"Total time: {time.monotonic() - started:.0f} s.")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": about,
                    "database": plan["database"],
                    "dossiers": plan["dossiers"],
                    "server": server.describe(),
                    "results": results,
                    "statements": statements,
                    "table": rows,
                },
                indent=1,
                ensure_ascii=False,
            )
        )
    if args.drop:
        database.drop()
    elif "SQLite" not in database.description:
        say(
            "The database is kept for the next run (--drop removes it, --fresh renews it)."
        )


if __name__ == "__main__":
    main()
