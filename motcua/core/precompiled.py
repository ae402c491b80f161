"""Querysets compiled to SQL once per process, then run with new values.

Django compiles a queryset to SQL each time it is evaluated: it resolves the filters, the
joins and the selected columns again, then works out again how each row becomes a model
instance. On the reads that nearly every request makes (a dossier by its code, its papers
and history, the roles of the user) that took as long as running the query
(docs/benchmarks.md; docs/decisions/0005). A ``Precompiled`` query is built from a queryset
whose parameters are stand-ins, compiled the first time it runs on a database, and then
run with the stand-ins replaced by the real values; its rows become instances the way the
ORM's own ``ModelIterable`` makes them (``Model.from_db``, the fields' converters,
annotations as attributes), from what the compiler worked out once.

Only for querysets whose SQL does not depend on the values (no ``__in`` with a list whose
length varies, no filter added or left out by a value), without ``select_related`` (joined
columns are annotations instead), and whose stand-ins the backend passes to the database
as they are: integers and strings.

On PostgreSQL with a prepare threshold (``prepares``, ``MOTCUA_DATABASE_PREPARED``), the
query's values other than its stand-ins are written into the statement when it is compiled
(``_inline``), and it is sent with the stand-ins' values bound on the server: psycopg
prepares it on each connection (again after a rollback, when it deallocates what it
prepared), and PostgreSQL plans it for its first five runs there, then keeps its generic
plan, an index lookup whatever the key, rather than planning it on every request
(docs/decisions/0020).

Every ``Precompiled`` is declared with a name and kept in a registry (``registered``).
What it reads of Django's compiler is not public API, so
``motcua/core/tests/test_precompiled.py`` runs every registered query beside the plain
queryset it stands for (``Precompiled.queryset``) on a small dossier world and compares
the instances field by field, annotation by annotation: the warning light for a Django
upgrade, on SQLite and PostgreSQL alike. A query declared without rows in that world fails
the test until the world is given some.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)

#: a stand-in for a primary or foreign key: no row has a negative one
STAND_IN_KEY = -7919

#: every ``Precompiled`` declared, by name
_registry: dict[str, Precompiled[Any]] = {}


def registered() -> Mapping[str, Precompiled[Any]]:
    """Every precompiled query declared so far (in the modules imported), by name."""
    return dict(_registry)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list[Any]
    #: (position in ``params``, name of the value that goes there)
    slots: list[tuple[int, str]]
    model: type[models.Model]
    #: attribute names of the model's columns, which come first in each row
    attnames: list[str]
    #: annotation → its column in the row
    annotations: dict[str, int]
    #: column → (converters, expression): what ``SQLCompiler.apply_converters`` applies
    converters: dict[int, tuple[list[Any], Any]]
    #: whether the rows are model instances (not ``values_list`` tuples)
    of_model: bool
    #: sent to be prepared, its parameters but the stand-ins' written in (``_inline``)
    prepared: bool = False


class Precompiled(Generic[M]):
    """``build(**stand_ins)``, compiled once per database alias, registered as ``name``.

    Each stand-in must be a value that nothing else in the query can be equal to (a
    negative key, a string no code can take): every parameter equal to it is replaced by
    the value given under its name when the query runs."""

    def __init__(
        self,
        name: str,
        build: Callable[..., models.QuerySet[M, Any]],
        /,
        **stand_ins: Any,
    ) -> None:
        if name in _registry:
            raise ValueError(f"Precompiled: a query named {name!r} is declared already")
        if not stand_ins:
            raise ValueError(f"Precompiled {name!r}: name at least one stand-in")
        self.name = name
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, _Compiled] = {}
        _registry[name] = self

    def __repr__(self) -> str:
        return f"<Precompiled {self.name}>"

    @property
    def stand_ins(self) -> Mapping[str, Any]:
        """The values the query is compiled with, by name."""
        return dict(self._stand_ins)

    def queryset(self, **values: Any) -> models.QuerySet[M, Any]:
        """The plain queryset this query stands for, built with ``values``: what it must
        give the same rows as."""
        return self._build(**values)

    def gives_instances(self, *, using: str = DEFAULT_DB_ALIAS) -> bool:
        """Whether the rows are model instances (``instances``), not tuples (``rows``)."""
        return self._query(using).of_model

    def _query(self, using: str) -> _Compiled:
        compiled = self._compiled.get(using)
        if compiled is not None:
            return compiled
        queryset = self._build(**self._stand_ins)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
        slots = [
            (index, name)
            for index, param in enumerate(params)
            for name, stand_in in self._stand_ins.items()
            if type(param) is type(stand_in) and param == stand_in
        ]
        missing = set(self._stand_ins) - {name for _, name in slots}
        if missing:
            raise ValueError(
                f"Precompiled {self.name!r}: the query has no parameter for "
                f"{sorted(missing)}"
            )
        prepared = prepares(connections[using])
        if prepared:
            sql, params, slots = _inline(connections[using], sql, list(params), slots)
        select = compiler.select[: compiler.col_count]
        klass_info = compiler.klass_info or {}
        columns = klass_info.get("select_fields", [])
        if columns != list(range(len(columns))):
            raise ValueError(
                f"Precompiled {self.name!r}: the model's columns must come first"
            )
        compiled = self._compiled[using] = _Compiled(
            sql=sql,
            params=list(params),
            slots=slots,
            model=queryset.model,
            attnames=[select[i][0].target.attname for i in columns],
            annotations=dict(compiler.annotation_col_map or {}),
            converters=compiler.get_converters([column for column, *_ in select]),
            of_model=issubclass(queryset._iterable_class, ModelIterable),
            prepared=prepared,
        )
        return compiled

    def _rows(self, using: str, values: dict[str, Any]) -> list[list[Any]]:
        compiled = self._query(using)
        params = list(compiled.params)
        for index, name in compiled.slots:
            params[index] = values[name]
        return _run(
            connections[using],
            compiled.sql,
            params,
            compiled.converters,
            prepared=compiled.prepared,
        )

    def instances(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[M]:
        """The rows as model instances, as the ORM would make them (``from_db``), with
        the annotations as plain attributes."""
        compiled = self._query(using)
        if not compiled.of_model:
            raise TypeError(f"Precompiled {self.name!r} gives tuples: call rows()")
        rows = self._rows(using, values)
        found = loaded(compiled.model, using, compiled.attnames, rows)
        for instance, row in zip(found, rows, strict=True):
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
        return found  # type: ignore[return-value]  # rows of the queryset's model, M

    def rows(
        self, *, using: str = DEFAULT_DB_ALIAS, **values: Any
    ) -> Sequence[tuple[Any, ...]]:
        """The rows as tuples, for a ``values_list`` query."""
        if self._query(using).of_model:
            raise TypeError(
                f"Precompiled {self.name!r} gives instances: call instances()"
            )
        return [tuple(row) for row in self._rows(using, values)]


def loaded(
    model: type[M], using: str, attnames: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[M]:
    """The instances ``model.from_db(using, attnames, row[:len(attnames)])`` gives for
    each of ``rows``, made faster when nothing can tell the difference.

    ``Model.from_db`` calls ``Model.__init__`` with a value or ``DEFERRED`` for every
    concrete field, which sets each through its descriptor and sends ``pre_init`` and
    ``post_init``: 16 µs a dossier here (docs/decisions/0022). For a fresh instance
    that comes to the values in its ``__dict__`` under their attribute names (what a
    field's descriptor stores; a field left out is deferred, as ``get_deferred_fields``
    reads it) and a ``ModelState`` saying the row was loaded from ``using``. That is
    what is done when the model keeps Django's own ``from_db`` and ``__init__`` and no
    receiver of ``pre_init`` or ``post_init`` listens to it (an ``ImageField``
    connects one when it has a width or height field), and each of the fields read
    is set through Django's own descriptor of a column (``_plainly_loaded``);
    otherwise ``from_db`` is called. ``attnames`` are in the model's order, as
    ``from_db`` takes them."""
    width = len(attnames)
    names = tuple(attnames)
    if (
        not _plainly_loaded(model, names)
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
    ):
        return [model.from_db(using, attnames, row[:width]) for row in rows]
    found = []
    for row in rows:
        instance = model.__new__(model)
        instance.__dict__.update(zip(names, row[:width], strict=True))
        state = instance._state = ModelState()
        state.adding = False
        state.db = using
        found.append(instance)
    return found


#: Django's own ``Model.from_db``, which ``loaded`` stands for
_DJANGO_FROM_DB = models.Model.from_db.__func__  # type: ignore[attr-defined]
#: the descriptors of a column that store what is set in the instance's ``__dict__``
#: under the field's attribute name (a foreign key's forgets its cached object first,
#: which a new instance does not have)
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


@functools.cache
def _plainly_loaded(model: type[models.Model], attnames: tuple[str, ...]) -> bool:
    """Whether ``model`` keeps Django's own ``from_db``, no class it is made of but
    ``Model`` has an ``__init__`` (``Model.__init__`` calls the next one) or a
    ``__setattr__`` (``__init__`` sets each value through it), and each of ``attnames``
    is a concrete field's, set through one of ``_PLAIN_DESCRIPTORS``."""
    if getattr(model.from_db, "__func__", None) is not _DJANGO_FROM_DB:
        return False
    for cls in model.__mro__:
        if cls is object:
            continue
        own = vars(cls)
        if "__setattr__" in own or ("__init__" in own and cls is not models.Model):
            return False
    columns = {field.attname for field in model._meta.concrete_fields}
    return all(
        name in columns
        and type(inspect.getattr_static(model, name, None)) in _PLAIN_DESCRIPTORS
        for name in attnames
    )


def _run(
    connection: Any,
    sql: str,
    params: list[Any],
    converters: dict[int, tuple[list[Any], Any]],
    *,
    prepared: bool = False,
) -> list[list[Any]]:
    """The rows of ``sql``, each column through its converters as the ORM's iterables
    apply them (``SQLCompiler.apply_converters``). ``prepared``: sent with its
    parameters apart, through a cursor that binds them on the server, so that psycopg
    prepares the statement on the connection (``prepares``)."""
    cursor = _server_binding_cursor(connection) if prepared else connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for position, (functions, expression) in converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
    return rows


def prepares(connection: Any) -> bool:
    """Whether ``connection`` keeps the statements of ``Precompiled`` and ``ByShape``
    prepared: PostgreSQL,
    its psycopg connection given a prepare threshold (``MOTCUA_DATABASE_PREPARED``,
    settings.py). Django's own cursors bind their parameters on the client and are
    never prepared; only a server-binding cursor is (``_server_binding_cursor``)."""
    return (
        connection.vendor == "postgresql"
        and connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold")
        is not None
    )


@functools.cache
def _preparing_cursor() -> type[Any]:
    """Django's server-binding cursor of PostgreSQL that keeps the statement it sent
    where Django's debug wrapper reads it (``_query``, ``last_executed_query``) also
    when it ran prepared, which psycopg does not record: the statements stay in
    ``CaptureQueriesContext`` and the debug log as they are sent."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def _send_query_prepared(self, name: bytes, pgq: Any, **options: Any) -> None:
            self._query = pgq
            super()._send_query_prepared(name, pgq, **options)  # type: ignore[misc]

    return PreparingCursor


def _server_binding_cursor(connection: Any) -> Any:
    """A cursor of ``connection`` (PostgreSQL) that sends the parameters apart from the
    statement, made by Django's own ``cursor()`` (its health check, time zone and
    wrapper: statements logged where Django's are, errors Django's) with psycopg's
    cursor class swapped for the call. Connections are the thread's own, so no other
    cursor is made meanwhile; a connection Django opens anew in that call makes its
    usual cursor, which binds the moments on the client, unprepared."""
    connection.ensure_connection()
    raw = connection.connection
    usual = raw.cursor_factory
    raw.cursor_factory = _preparing_cursor()
    try:
        return connection.cursor()
    finally:
        raw.cursor_factory = usual


#: a placeholder of a statement Django compiled for psycopg, or an escaped percent sign
_PLACEHOLDER = re.compile(r"%[%s]")


def _inline(
    connection: Any, sql: str, params: list[Any], slots: list[tuple[int, str]]
) -> tuple[str, list[Any], list[tuple[int, str]]]:
    """``sql`` with every parameter but the moments' (``slots``) written in as a literal,
    as psycopg's client-side binding writes it: what is left to bind is the moments
    only. The statement of a shape is then one text whatever its moments, prepared
    once on each connection, and PostgreSQL plans it knowing its constants, as it did
    when they were bound on the client (the partial indexes of the open dossiers are
    chosen by the statuses written in it, which a bound parameter would hide from a
    prepared statement's generic plan)."""
    from psycopg.sql import Literal

    connection.ensure_connection()
    raw = connection.connection
    moments = dict(slots)
    kept: list[Any] = []
    kept_slots: list[tuple[int, str]] = []
    position = -1

    def write(match: re.Match[str]) -> str:
        nonlocal position
        if match.group() == "%%":
            return "%%"
        position += 1
        if position in moments:
            kept_slots.append((len(kept), moments[position]))
            kept.append(params[position])
            return "%s"
        return Literal(params[position]).as_string(raw).replace("%", "%%")

    written = _PLACEHOLDER.sub(write, sql)
    if position + 1 != len(params):
        raise ValueError(
            f"the statement has {position + 1} placeholders for {len(params)} parameters"
        )
    return written, kept, kept_slots


#: the stand-in for the first moment a ``ByShape`` statement is compiled with, the next
#: a second later each: no dossier, step or rule has a moment in 1901
STAND_IN_MOMENT = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)


#: every ``ByShape`` made (``clear_by_shape``)
_by_shape: list[ByShape] = []


def clear_by_shape() -> None:
    """Forget the statements of every ``ByShape``."""
    for by_shape in _by_shape:
        by_shape.clear()


@dataclass(frozen=True)
class _Shaped:
    sql: str
    params: list[Any]
    #: (position in ``params``, name of the moment that goes there)
    slots: list[tuple[int, str]]
    #: column → converters (``SQLCompiler.apply_converters``), with its expression
    converters: dict[int, tuple[list[Any], Any]]
    #: sent to be prepared, its other parameters written in (``_inline``)
    prepared: bool = False
    # empty ``sql``: the queryset holds no row whatever its moments (``EmptyResultSet``)


class ByShape:
    """Statements whose SQL a few values decide (their *shape*: a reader's agencies, a
    queue's filters, the rule pairs it asks about) and whose moments change at every run
    (now, a due-soon horizon): each shape compiled once per process and database, then
    run with its moments replaced.

    Building a queryset of counts with conditions (``Count(filter=Q(…))``) and compiling
    it costs Django several milliseconds on every request, longer than PostgreSQL takes
    to run it from an index (docs/benchmarks.md): the price ``Precompiled`` removes from
    the reads of fixed shape, here for those whose shape varies.

    ``rows(shape, build, moments)``: on the first run of ``shape``, ``build`` is called
    with a stand-in for each moment (``STAND_IN_MOMENT`` and the seconds after it) and
    its queryset compiled; each parameter equal to a stand-in, as the database is sent
    it, is then replaced by the moment of the same name. The caller's promise: ``shape``
    and the names of ``moments`` decide the SQL of what ``build`` returns, and ``build``
    reads its moments from what it is given, never from around it (a moment taken from
    around it would be kept in the statement). At most ``size`` shapes are kept; when
    full it starts again (``clear_by_shape`` forgets them all: the tests, whose rows
    roll back and whose keys come again).

    SQLite is sent moments as text: a text parameter equal to a stand-in as SQLite is
    sent it (``"1901-01-01 00:00:00"`` and the seconds after) would be replaced too. No
    text a user gives reaches a statement with moments: a queue's filters are in the
    statement of its page, which has none.

    On PostgreSQL with a prepare threshold (``prepares``), every parameter but the
    moments is written into the statement when it is compiled (``_inline``), and the
    statement is sent with the moments bound on the server: psycopg prepares it on
    each connection from its second run (``prepare_threshold``). A statement without
    moments (a queue's page) is then planned once per connection; one with moments (its
    counts) is planned for its first five runs, then with PostgreSQL's generic plan
    when it judges that no dearer (planning the queue's two unions took 0.8–0.9 ms
    each, a third of the database's work for the page: docs/benchmarks.md,
    docs/decisions/0020)."""

    def __init__(self, name: str, *, size: int = 512) -> None:
        self.name = name
        self.size = size
        self._shaped: dict[Hashable, _Shaped] = {}
        self._lock = threading.Lock()
        _by_shape.append(self)

    def clear(self) -> None:
        with self._lock:
            self._shaped.clear()

    def __repr__(self) -> str:
        return f"<ByShape {self.name}>"

    def rows(
        self,
        shape: Hashable,
        build: Callable[[Mapping[str, dt.datetime]], models.QuerySet[Any, Any]],
        moments: Mapping[str, dt.datetime],
        *,
        using: str = DEFAULT_DB_ALIAS,
    ) -> list[tuple[Any, ...]]:
        """The rows of ``build(moments)``, as tuples (a ``values_list`` queryset), with
        Django's converters applied."""
        connection = connections[using]
        key = (using, shape, tuple(sorted(moments)))
        shaped = self._shaped.get(key)
        if shaped is None:
            shaped = self._compile(build, sorted(moments), using)
            with self._lock:
                if len(self._shaped) >= self.size:
                    self._shaped.clear()
                self._shaped[key] = shaped
        if not shaped.sql:
            return []
        adapt = connection.ops.adapt_datetimefield_value
        params = list(shaped.params)
        for position, name in shaped.slots:
            params[position] = adapt(moments[name])
        found = _run(
            connection,
            shaped.sql,
            params,
            shaped.converters,
            prepared=shaped.prepared,
        )
        return [tuple(row) for row in found]

    def _compile(
        self,
        build: Callable[[Mapping[str, dt.datetime]], models.QuerySet[Any, Any]],
        names: list[str],
        using: str,
    ) -> _Shaped:
        stand_ins = {
            name: STAND_IN_MOMENT + dt.timedelta(seconds=index)
            for index, name in enumerate(names)
        }
        queryset = build(stand_ins)
        if issubclass(queryset._iterable_class, ModelIterable):
            raise TypeError(f"ByShape {self.name!r}: build a values_list queryset")
        compiler = queryset.query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a condition that holds for no row (``none()``)
            return _Shaped(sql="", params=[], slots=[], converters={})
        adapt = connections[using].ops.adapt_datetimefield_value
        sent = {adapt(stand_in): name for name, stand_in in stand_ins.items()}
        slots = [
            (position, sent[param])
            for position, param in enumerate(params)
            if isinstance(param, Hashable) and param in sent
        ]
        missing = set(names) - {name for _, name in slots}
        if missing:
            raise ValueError(
                f"ByShape {self.name!r}: the query has no parameter for {sorted(missing)}"
            )
        select = compiler.select[: compiler.col_count]
        converters = compiler.get_converters([column for column, *_ in select])
        connection = connections[using]
        if prepares(connection):
            sql, kept, slots = _inline(connection, sql, list(params), slots)
            return _Shaped(
                sql=sql, params=kept, slots=slots, converters=converters, prepared=True
            )
        return _Shaped(sql=sql, params=list(params), slots=slots, converters=converters)
