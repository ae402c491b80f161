"""The process's caches of reference data: kept for a while, cleared by a change; every
cache declares what it is built from, and the declaration is complete and documented."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.agencies.models import Agency
from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.core import cache as cache_module
from motcua.core.cache import (
    ReferenceCache,
    ReferenceRows,
    reference_caches,
    reference_data_changed,
    watch_writes,
)
from motcua.core.tests.support import import_every_module
from motcua.dossiers.tests.api_support import client_for
from motcua.dossiers.tests.world import build_world
from motcua.procedures.models import Procedure
from motcua.workdays.selectors import calendar_for

import_every_module()
#: the caches the code declares (those the tests below declare are not kept)
DECLARED = reference_caches()


@pytest.fixture(autouse=True)
def _scratch_registry(monkeypatch):
    """Caches declared by a test are forgotten after it."""
    monkeypatch.setattr(cache_module, "_registry", dict(cache_module._registry))
    monkeypatch.setattr(
        cache_module,
        "_by_table",
        {table: list(caches) for table, caches in cache_module._by_table.items()},
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake)
    return fake


@pytest.fixture
def counted():
    calls: list[str] = []

    def build(value: str):
        def make() -> str:
            calls.append(value)
            return value

        return make

    return calls, build


def test_a_value_is_built_once_and_kept_for_the_configured_seconds(
    settings, clock, counted
):
    settings.REFERENCE_CACHE_SECONDS = 60
    calls, build = counted
    kept: ReferenceCache[str, str] = ReferenceCache("test-ttl", depends_on=(Agency,))

    assert kept.get("a", build("first")) == "first"
    clock.now += 59.9
    assert kept.get("a", build("second")) == "first"
    clock.now += 0.2  # 60.1 s after it was built
    assert kept.get("a", build("third")) == "third"
    assert calls == ["first", "third"]


def test_zero_seconds_turns_the_cache_off(settings, counted):
    settings.REFERENCE_CACHE_SECONDS = 0
    calls, build = counted
    kept: ReferenceCache[str, str] = ReferenceCache("test-off", depends_on=(Agency,))

    kept.get("a", build("first"))
    kept.get("a", build("second"))
    assert calls == ["first", "second"]


def test_get_many_builds_only_the_missing_keys_in_one_call(settings):
    settings.REFERENCE_CACHE_SECONDS = 60
    asked: list[list[int]] = []
    kept: ReferenceCache[int, str] = ReferenceCache("test-many", depends_on=(Agency,))

    def build(keys: list[int]) -> dict[int, str]:
        asked.append(sorted(keys))
        return {key: f"v{key}" for key in keys}

    assert kept.get_many([1, 2], build) == {1: "v1", 2: "v2"}
    assert kept.get_many([2, 3], build) == {2: "v2", 3: "v3"}
    assert kept.get_many([3, 1], build) == {3: "v3", 1: "v1"}
    assert asked == [[1, 2], [3]]


@pytest.mark.django_db
def test_rows_are_read_once_then_reread_after_a_change(
    settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.REFERENCE_CACHE_SECONDS = 60
    province = make_province()
    department = AgencyFactory.create(name="Sở Tư pháp", parent=province)
    rows: ReferenceRows[Agency] = ReferenceRows(
        "test-agencies", Agency.objects.all, depends_on=(Agency,)
    )

    with django_assert_num_queries(1):
        assert rows.in_bulk([department.pk, None])[department.pk].name == "Sở Tư pháp"
    with django_assert_num_queries(0):
        rows.in_bulk([department.pk])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        department.name = "Sở Tư pháp tỉnh Đắk Lắk"
        department.save()
        # read again inside the transaction: kept until the commit clears it again
        with django_assert_num_queries(1):
            assert rows.in_bulk([department.pk])[department.pk].name.endswith("Lắk")
    assert callbacks  # the clearing waits for the commit …
    for callback in callbacks:
        callback()
    with django_assert_num_queries(1):  # … after which the row is read once more
        rows.in_bulk([department.pk])


def test_a_cache_names_what_it_is_built_from_once():
    kept: ReferenceCache[str, str] = ReferenceCache("test-once", depends_on=(Agency,))
    assert reference_caches()["test-once"] is kept
    with pytest.raises(ValueError, match="declared already"):
        ReferenceCache("test-once", depends_on=(Agency,))
    with pytest.raises(ValueError, match="depends_on"):
        ReferenceCache("test-nothing", depends_on=())


@pytest.mark.django_db
def test_a_change_named_by_hand_clears_the_caches_built_from_it(
    settings, django_capture_on_commit_callbacks
):
    """``reference_data_changed``: for a write made outside Django's connections."""
    settings.REFERENCE_CACHE_SECONDS = 60
    agencies: ReferenceCache[str, str] = ReferenceCache(
        "test-by-hand-agencies", depends_on=(Agency,)
    )
    procedures: ReferenceCache[str, str] = ReferenceCache(
        "test-by-hand-procedures", depends_on=(Procedure,)
    )
    agencies.get("a", lambda: "before")
    procedures.get("p", lambda: "before")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reference_data_changed(Agency)
        assert agencies.get("a", lambda: "during") == "during"
    assert procedures.get("p", lambda: "after") == "before"  # not built from agencies
    for callback in callbacks:  # the commit
        callback()
    assert agencies.get("a", lambda: "after") == "after"


@pytest.mark.django_db
def test_every_connection_is_watched_first_of_its_wrappers():
    """Connections made later (a gunicorn thread's) get the watch when they connect;
    ``execute_wrapper()`` blocks of others come after it and leave it in place."""
    connection.ensure_connection()
    assert connection.execute_wrappers[0] is watch_writes

    def other(*args):
        return args[0](*args[1:])

    with connection.execute_wrapper(other):
        assert connection.execute_wrappers == [watch_writes, other]
    assert connection.execute_wrappers == [watch_writes]

    seen: list[bool] = []

    def elsewhere() -> None:
        from django.db import connection as theirs

        try:
            theirs.ensure_connection()
            seen.append(theirs.execute_wrappers == [watch_writes])
        finally:
            theirs.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen == [True]


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        (
            'INSERT INTO "procedures_requiredcomponent" ("name") VALUES (%s)',
            "procedures_requiredcomponent",
        ),
        ('UPDATE "agencies_agency" SET "name" = %s', "agencies_agency"),
        ('DELETE FROM "workdays_officehours" WHERE id = 1', "workdays_officehours"),
        ("  update Agencies_Agency set name = 'x'", "agencies_agency"),
        (
            "INSERT OR IGNORE INTO dossiers_onestoprules VALUES (1)",
            "dossiers_onestoprules",
        ),
        ('COPY "agencies_agency" FROM STDIN', "agencies_agency"),
        ('SELECT "agencies_agency"."id" FROM "agencies_agency"', None),
        (
            'SELECT 1 FROM "dossiers_dossier" WHERE "note" = \'UPDATE agencies_agency\'',
            None,
        ),
    ],
)
def test_the_statements_that_write_and_the_table_they_write(sql, table):
    written = cache_module._WRITE.match(sql)
    assert (written["table"].lower() if written else None) == table


def test_a_truncate_clears_every_cache(settings):
    """``TRUNCATE`` (PostgreSQL's flush) may name any table: every cache is cleared."""
    settings.REFERENCE_CACHE_SECONDS = 60
    kept: ReferenceCache[str, str] = ReferenceCache(
        "test-truncate", depends_on=(Agency,)
    )
    kept.get("a", lambda: "before")
    written = cache_module._WRITE.match('TRUNCATE "workdays_officehours" CASCADE')
    assert written is not None
    assert written["truncate"]

    class Idle:
        in_atomic_block = False

    watch_writes(
        lambda *_: None,
        'TRUNCATE "workdays_officehours"',
        None,
        False,  # noqa: FBT003 - Django's execute-wrapper signature
        {"connection": Idle()},
    )
    assert kept.get("a", lambda: "after") == "after"


# ------------------------------------------------- the declarations, complete and documented

#: the tables a statement reads
_READ = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


@pytest.mark.django_db
def test_every_cache_depends_on_every_table_it_is_built_from(monkeypatch, settings):
    """Build every declared cache the way requests do (an intake at the counter, the
    dossier's detail, a calendar), record the tables each build reads, and require each
    among the tables of the cache's ``depends_on``: a cache built from a table it does not
    declare would not be cleared by a write to it. A cache this scenario never builds
    fails: extend the scenario."""
    settings.REFERENCE_CACHE_SECONDS = 60
    read: dict[str, set[str]] = {}
    plain_get, plain_get_many = ReferenceCache.get, ReferenceCache.get_many

    def recorded(cache, build):
        def run(*args):
            with CaptureQueriesContext(connection) as queries:
                value = build(*args)
            read.setdefault(cache.name, set()).update(
                table for query in queries for table in _READ.findall(query["sql"])
            )
            return value

        return run

    monkeypatch.setattr(
        ReferenceCache,
        "get",
        lambda self, key, build: plain_get(self, key, recorded(self, build)),
    )
    monkeypatch.setattr(
        ReferenceCache,
        "get_many",
        lambda self, keys, build: plain_get_many(self, keys, recorded(self, build)),
    )
    world = build_world()
    counter = client_for(world.counter)
    answer = counter.post(
        "/api/dossiers/",
        {
            "procedure": world.version.procedure.code,
            "receiving_agency": world.centre.identifier,
            "handling_agency": world.commune.identifier,
            "channel": 1,
            "applicant": {
                "name": "Trần Thị Bích",
                "kind": 1,
                "id_number": "066190000999",
            },
            "papers": [{"component": 1}, {"component": 2}],
            "decision": "receive",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert counter.get(f"/api/dossiers/{answer.json()['code']}/").status_code == 200
    calendar_for(world.commune)

    assert set(read) == set(DECLARED), "the scenario builds every cache"
    for name, cache in DECLARED.items():
        declared = {model._meta.db_table for model in cache.depends_on}
        assert read[name] <= declared, (
            f"{name} is built from {sorted(read[name] - declared)} too: add to depends_on"
        )


_DOCUMENT = Path(__file__).parents[3] / "docs/decisions/0005-hot-reads-and-intake.md"


def test_the_decision_record_lists_what_clears_each_cache():
    """docs/decisions/0005 shows, in one table, the model writes that clear each cache;
    the table is the registry's (this test prints it when it is stale)."""
    rows = [
        f"| `{name}` | "
        + ", ".join(f"`{model._meta.label}`" for model in cache.depends_on)
        + " |"
        for name, cache in sorted(DECLARED.items())
    ]
    table = ["| cache | cleared by a write to |", "|---|---|", *rows]
    lines = [
        line.strip() for line in _DOCUMENT.read_text(encoding="utf-8").splitlines()
    ]
    start = lines.index(table[0]) if table[0] in lines else -1
    assert lines[start : start + len(table) + 1] == [*table, ""], (
        "docs/decisions/0005 should hold this table:\n" + "\n".join(table)
    )
