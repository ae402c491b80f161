"""Process-local caches of reference data.

Reference data (an agency's working-day calendar, the one-stop rules in force) is read by
nearly every request and changes a few times a year. Rebuilding it from the database on
every request cost the dossier API a third of its queries (docs/benchmarks.md), so each
process keeps what it built:

- for ``REFERENCE_CACHE_SECONDS`` (``MOTCUA_REFERENCE_CACHE_SECONDS``, default 60; 0 turns
  the caches off), after which it is rebuilt;
- until a row of a model it depends on is saved or deleted through the ORM in this
  process: the cache is cleared at once and again when that transaction commits, so that
  no request rebuilds it from the state before the commit.

Other processes (the other gunicorn workers, the workers of the background tasks) see a
change within that many seconds. The values are built once and shared by the threads of the
process: they must not be changed by whoever reads them.

Why not Django's cache framework: its local-memory backend pickles every value on each read
and write (a calendar carries the ``holidays`` tables), and a shared backend (Redis) would
cost a network round trip, which is what the cache is here to save (docs/decisions/0005).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=models.Model)


class ReferenceCache(Generic[K, V]):
    """Values built from the database, kept for a while, keyed by ``K``."""

    every: ClassVar[list[ReferenceCache[Any, Any]]] = []

    def __init__(self, name: str) -> None:
        self.name = name
        self._values: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()
        ReferenceCache.every.append(self)

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

    def clear_on_change(self, *senders: type[models.Model]) -> None:
        """Clear the cache whenever a row of one of ``senders`` is saved or deleted."""
        for sender in senders:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._changed,
                    sender=sender,
                    weak=False,
                    dispatch_uid=f"{self.name}:{sender._meta.label}:{signal}",
                )

    def _changed(self, **_: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear)


class ReferenceRows(Generic[M]):
    """Rows of a model that change rarely, by primary key, as ``queryset`` reads them
    (with what it joins); cleared when a row of ``depends_on`` changes."""

    def __init__(
        self,
        name: str,
        queryset: Callable[[], models.QuerySet[M]],
        *,
        depends_on: tuple[type[models.Model], ...],
    ) -> None:
        self._queryset = queryset
        self._cache: ReferenceCache[int, M] = ReferenceCache(name)
        self._depends_on = depends_on

    def connect(self) -> None:
        """Clear on change (from an ``AppConfig.ready``, once the models are loaded)."""
        self._cache.clear_on_change(*self._depends_on)

    def in_bulk(self, pks: Iterable[int | None]) -> dict[int, M]:
        """The rows of ``pks`` (``None`` left out): those not kept yet in one query."""
        return self._cache.get_many(
            (pk for pk in pks if pk is not None),
            lambda missing: self._queryset().in_bulk(missing),
        )


def clear_reference_caches() -> None:
    """Forget every cached value (tests: a rolled-back test fires no signal)."""
    for cache in ReferenceCache.every:
        cache.clear()
