"""Process-local caches of reference data, and what clears them.

Reference data (an agency's working-day calendar, the one-stop rules in force) is read by
nearly every request and changes a few times a year. Rebuilding it from the database on
every request cost the dossier API a third of its queries (docs/benchmarks.md), so each
process keeps what it built:

- for ``REFERENCE_CACHE_SECONDS`` (``MOTCUA_REFERENCE_CACHE_SECONDS``, default 60; 0 turns
  the caches off), after which it is rebuilt;
- until this process writes to a table the cache depends on: the cache is cleared at once
  and again when that transaction commits, so that no request rebuilds it from the state
  before the commit.

Each cache names the models it is built from where it is declared (``depends_on=``), and
registers itself here (``reference_caches``). What clears them is one mechanism, connected
once for all by ``CoreConfig.ready``: every database connection of the process carries
``watch_writes``, an execute wrapper (Django's database instrumentation) that sees every
``INSERT``, ``UPDATE``, ``DELETE``, ``TRUNCATE`` (and ``COPY``, ``MERGE``) the connection runs, whoever runs it:
``save()``, ``QuerySet.update()``, ``bulk_create``, ``bulk_update``, a queryset's
``delete()``, a many-to-many ``set()``, ``loaddata``, a migration, or SQL through
``connection.cursor()``. Signals (``post_save``) miss all but the first, so a service that
wrote with ``update()`` was correct only if it also happened to ``save()`` a row.
``reference_data_changed`` does the same clearing by hand, for a write this process makes
outside Django's connections.

Other processes (the other gunicorn workers, the workers of the background tasks) see a
change within that many seconds. The values are built once and shared by the threads of the
process: they must not be changed by whoever reads them. A value read back inside a
transaction that then rolls back stays until it expires (rollbacks have no hook).

Why not Django's cache framework: its local-memory backend pickles every value on each read
and write (a calendar carries the ``holidays`` tables), and a shared backend (Redis) would
cost a network round trip, which is what the cache is here to save (docs/decisions/0005).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=models.Model)

#: every cache declared, by name
_registry: dict[str, ReferenceCache[Any, Any]] = {}

#: table name (lower case) → the caches built from it
_by_table: dict[str, list[ReferenceCache[Any, Any]]] = {}


class ReferenceCache(Generic[K, V]):
    """Values built from the database, kept for a while, keyed by ``K``; cleared when a
    table of one of ``depends_on`` (the models the values are built from) is written."""

    def __init__(self, name: str, *, depends_on: Sequence[type[models.Model]]) -> None:
        if name in _registry:
            raise ValueError(f"ReferenceCache: {name!r} is declared already")
        if not depends_on:
            raise ValueError(
                f"ReferenceCache {name!r}: name the models it is built from (depends_on=)"
            )
        self.name = name
        self.depends_on: tuple[type[models.Model], ...] = tuple(depends_on)
        self._values: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        _registry[name] = self
        for model in self.depends_on:
            _by_table.setdefault(model._meta.db_table.lower(), []).append(self)

    def __repr__(self) -> str:
        return f"<ReferenceCache {self.name}>"

    def get(self, key: K, build: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``build()``'s, kept from now on."""
        ttl: float = settings.REFERENCE_CACHE_SECONDS
        if ttl <= 0:
            return build()
        now = time.monotonic()
        kept = self._values.get(key)
        if kept is not None and now - kept[0] < ttl:
            return kept[1]
        value = build()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def get_many(
        self, keys: Iterable[K], build: Callable[[list[K]], dict[K, V]]
    ) -> dict[K, V]:
        """The values kept for ``keys``; those missing come from one call of ``build``
        with the keys it lacks, and are kept from now on."""
        ttl: float = settings.REFERENCE_CACHE_SECONDS
        wanted = set(keys)
        if ttl <= 0:
            return build(list(wanted)) if wanted else {}
        now = time.monotonic()
        found: dict[K, V] = {}
        for key in wanted:
            kept = self._values.get(key)
            if kept is not None and now - kept[0] < ttl:
                found[key] = kept[1]
        missing = [key for key in wanted if key not in found]
        if missing:
            built = build(missing)
            with self._lock:
                for key, value in built.items():
                    self._values[key] = (now, value)
            found.update(built)
        return found

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class ReferenceRows(Generic[M]):
    """Rows of a model that change rarely, by primary key, as ``queryset`` reads them
    (with what it joins); cleared when a table of ``depends_on`` is written."""

    def __init__(
        self,
        name: str,
        queryset: Callable[[], models.QuerySet[M]],
        *,
        depends_on: Sequence[type[models.Model]],
    ) -> None:
        self._queryset = queryset
        self.cache: ReferenceCache[int, M] = ReferenceCache(name, depends_on=depends_on)

    def in_bulk(self, pks: Iterable[int | None]) -> dict[int, M]:
        """The rows of ``pks`` (``None`` left out): those not kept yet in one query."""
        return self.cache.get_many(
            (pk for pk in pks if pk is not None),
            lambda missing: self._queryset().in_bulk(missing),
        )


def reference_caches() -> dict[str, ReferenceCache[Any, Any]]:
    """Every cache declared so far (in the modules imported), by name."""
    return dict(_registry)


def clear_reference_caches() -> None:
    """Forget every cached value (tests: a rolled-back test fires no signal)."""
    for cache in _registry.values():
        cache.clear()


# ------------------------------------------------------------------ what clears them


def _clear(caches: Iterable[ReferenceCache[Any, Any]]) -> None:
    for cache in caches:
        cache.clear()


def _clear_now_and_at_commit(
    caches: Sequence[ReferenceCache[Any, Any]], connection: BaseDatabaseWrapper
) -> None:
    """Clear ``caches`` now, and again when the transaction ``connection`` is in commits
    (outside a transaction the write is committed already)."""
    _clear(caches)
    if connection.in_atomic_block:
        connection.on_commit(partial(_clear, caches))


def reference_data_changed(
    *changed: type[models.Model], using: str = DEFAULT_DB_ALIAS
) -> None:
    """Clear the caches built from ``changed`` now and when the transaction on ``using``
    commits. Writes through Django's connections do it themselves (``watch_writes``);
    call it after a write this process makes any other way."""
    caches = {
        cache
        for model in changed
        for cache in _by_table.get(model._meta.db_table.lower(), ())
    }
    _clear_now_and_at_commit(list(caches), connections[using])


#: the statements that write, and the table they write to (Django quotes it with "
#: on PostgreSQL and SQLite; hand-written SQL may leave it bare)
_WRITE = re.compile(
    r"""\s*(?:
        (?P<truncate>TRUNCATE)\b
        |(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|MERGE\s+INTO|UPDATE
            |DELETE\s+FROM|COPY)
        \s+["`]?(?P<table>\w+)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def watch_writes(
    execute: Callable[..., Any],
    sql: object,
    params: Any,
    many: bool,  # noqa: FBT001 - Django's execute-wrapper signature
    context: dict[str, Any],
) -> Any:
    """The execute wrapper on every connection (``connect``): run the statement, then, if
    it wrote to a table caches are built from, clear them now and at commit."""
    result = execute(sql, params, many, context)
    written = _WRITE.match(sql) if isinstance(sql, str) else None
    if written is not None:
        if written["truncate"]:
            caches: Sequence[ReferenceCache[Any, Any]] = list(_registry.values())
        else:
            caches = _by_table.get(written["table"].lower(), [])
        if caches:
            _clear_now_and_at_commit(caches, context["connection"])
    return result


def _watch(connection: BaseDatabaseWrapper, **_: Any) -> None:
    """Put ``watch_writes`` on ``connection``, outermost, once."""
    if watch_writes not in connection.execute_wrappers:
        # first: ``execute_wrapper()`` blocks of others append and pop at the end
        connection.execute_wrappers.insert(0, watch_writes)


def connect() -> None:
    """Watch the writes of every database connection of the process (``CoreConfig.ready``):
    each connection gets ``watch_writes`` when it connects."""
    connection_created.connect(_watch, dispatch_uid="motcua.core.cache.watch")
    for connection in connections.all(initialized_only=True):
        _watch(connection)
