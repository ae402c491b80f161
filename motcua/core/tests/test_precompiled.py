"""``Precompiled``: built and compiled once, then run with each call's values; and every
precompiled query the code declares gives what its plain queryset gives (the warning
light for a Django upgrade: the module reads the compiler's private state)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, models
from django.db.models import F, Field, Model, QuerySet
from django.db.models.lookups import Lookup
from django.db.models.sql.where import WhereNode
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.agencies.models import Agency
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core import precompiled
from motcua.core.precompiled import STAND_IN_KEY, Precompiled, registered
from motcua.core.tests.support import import_every_module
from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.world import at, build_world
from motcua.dossiers.workflow import Action
from motcua.files.services import digitise_component
from motcua.files.tests.conftest import files_root, png_bytes  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db


import_every_module()
#: the queries the code declares (those the tests below declare are not kept)
DECLARED = sorted(registered())


@pytest.fixture(autouse=True)
def _scratch_registry(monkeypatch):
    """Queries declared by a test are forgotten after it."""
    monkeypatch.setattr(precompiled, "_registry", dict(precompiled._registry))


def test_built_once_then_run_with_each_value():
    parent = AgencyFactory.create(identifier="000.00.00.H15", name="Tỉnh")
    first = AgencyFactory.create(identifier="000.00.01.H15", parent=parent)
    second = AgencyFactory.create(identifier="000.00.02.H15", parent=parent)
    built = []

    def build(identifier: str):
        built.append(identifier)
        return Agency.objects.filter(identifier=identifier).annotate(
            parent_identifier=F("parent__identifier")
        )

    query = Precompiled("test.by_identifier", build, identifier="\x00stand-in")

    with CaptureQueriesContext(connection) as queries:
        found = query.instances(identifier=first.identifier)
        again = query.instances(identifier=second.identifier)
        none = query.instances(identifier="000.00.99.H15")

    assert built == ["\x00stand-in"]
    assert len(queries) == 3
    assert [(a.pk, a.parent_identifier) for a in found] == [(first.pk, "000.00.00.H15")]
    assert [a.pk for a in again] == [second.pk]
    assert none == []


def test_rows_as_tuples():
    agency = AgencyFactory.create(identifier="000.00.01.H15", name="Sở Tư pháp")
    query = Precompiled(
        "test.identifier_and_name",
        lambda key: Agency.objects.filter(pk=key).values_list("identifier", "name"),
        key=STAND_IN_KEY,
    )
    assert list(query.rows(key=agency.pk)) == [("000.00.01.H15", "Sở Tư pháp")]
    assert list(query.rows(key=agency.pk + 1000)) == []


def test_a_stand_in_the_query_does_not_use_is_an_error():
    query = Precompiled(
        "test.no_stand_in", lambda key: Agency.objects.filter(pk=7), key=STAND_IN_KEY
    )
    with pytest.raises(ValueError, match="key"):
        query.rows(key=1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_compiled_in_one_thread_run_in_others():
    """gunicorn's threads share a process: the query one thread compiled runs on the
    connections of the others, with the converters it chose (here the JSON of an
    event's payload and the time zone of its moment)."""
    if connection.vendor != "postgresql":
        pytest.skip("an in-memory SQLite database is not shared between threads")
    world = build_world()
    dossier = services.receive_dossier(intake=world.intake(), actor=world.counter)
    query = Precompiled(
        "test.events",
        lambda key: DossierEvent.objects.filter(dossier_id=key),
        key=STAND_IN_KEY,
    )
    here = query.instances(key=dossier.pk)  # compiled on this thread's connection

    def elsewhere(_: int) -> list[tuple[int, str, object, dict]]:
        try:
            return [
                (e.sequence, e.action, e.at, e.payload)
                for e in query.instances(key=dossier.pk)
            ]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(elsewhere, range(8)))

    expected = [(e.sequence, e.action, e.at, e.payload) for e in here]
    assert expected[0][1] == "receive"
    assert isinstance(expected[0][3], dict)
    assert set(expected[0][3]) == {"due_at"}
    assert all(result == expected for result in results)


def test_a_name_is_declared_once_and_rows_or_instances_as_the_query_gives():
    query = Precompiled(
        "test.agency", lambda key: Agency.objects.filter(pk=key), key=STAND_IN_KEY
    )
    assert registered()["test.agency"] is query
    with pytest.raises(ValueError, match="declared already"):
        Precompiled(
            "test.agency", lambda key: Agency.objects.filter(pk=key), key=STAND_IN_KEY
        )
    with pytest.raises(TypeError, match="instances"):
        query.rows(key=1)
    names = Precompiled(
        "test.names",
        lambda key: Agency.objects.filter(pk=key).values_list("name"),
        key=STAND_IN_KEY,
    )
    with pytest.raises(TypeError, match="rows"):
        names.instances(key=1)


# ------------------------------------------------- every declared query beside its queryset


@pytest.fixture
def dossier_world(
    files_root,  # noqa: F811 - the fixture imported above
    png_bytes,  # noqa: F811 - the fixture imported above
) -> None:
    """A small province with two dossiers, one taken the whole way to its result (steps
    with actors, results, events with agencies and steps), the second with a scan of
    each paper (in a document store of this test's own), and two users logged in."""
    world = build_world()
    first = services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(2, 9)
    )
    first = services.transfer_dossier(dossier=first, actor=world.counter, at=at(2, 10))
    first = services.assign_dossier(
        dossier=first, assignee=world.specialist, actor=world.leader, at=at(2, 10, 30)
    )
    first = services.submit_for_approval(
        dossier=first, actor=world.specialist, at=at(3, 9)
    )
    first = services.approve_dossier(dossier=first, actor=world.leader, at=at(3, 14))
    services.issue_result(
        dossier=first,
        results=["Giấy xác nhận", "Bản sao trích lục"],
        actor=world.leader,
        at=at(3, 14, 30),
    )
    second = services.receive_dossier(
        intake=world.intake(name="Trần Văn Bình"), actor=world.counter, at=at(4, 8)
    )
    for number, paper in enumerate(second.components.order_by("pk")):
        digitise_component(
            component=paper,
            upload=SimpleUploadedFile(f"scan-{number}.png", png_bytes),
            actor=world.counter,
            at=at(4, 8, 10 + number),
        )
    for user in (world.counter, world.citizen):
        Client().force_login(user)


def _compared_with(queryset: QuerySet[Any, Any], stand_in: object) -> list[Field]:
    """The columns the query's filters compare ``stand_in`` with."""
    found: list[Field] = []

    def walk(node: WhereNode) -> None:
        for child in node.children:
            if isinstance(child, WhereNode):
                walk(child)
            elif (
                isinstance(child, Lookup)
                and type(child.rhs) is type(stand_in)
                and child.rhs == stand_in
            ):
                found.append(child.lhs.target)

    walk(queryset.query.where)
    return found


def _values_to_try(query: Precompiled[Any]) -> Iterator[dict[str, Any]]:
    """Every value the world holds in the columns each stand-in is compared with, and
    one that no row holds; all their combinations."""
    plain = query.queryset(**query.stand_ins)
    choices = {}
    for name, stand_in in query.stand_ins.items():
        columns = _compared_with(plain, stand_in)
        assert columns, (
            f"{query.name}: cannot tell which column {name} is compared with; "
            "teach _compared_with this kind of filter"
        )
        held = {
            value
            for column in columns
            for value in column.model._default_manager.order_by().values_list(
                column.attname, flat=True
            )
        }
        choices[name] = [*sorted(held), -1 if isinstance(stand_in, int) else "\x01none"]
    for combination in itertools.product(*choices.values()):
        yield dict(zip(choices, combination, strict=True))


def _typed(value: object) -> tuple[type, object]:
    return type(value), value


def _compare_instances(
    name: str, expected: list[Model], got: list[Model], annotations: set[str]
) -> set[str]:
    """Compare instance by instance; the annotations found filled in some row."""
    assert len(got) == len(expected), name
    filled = set()
    for want, have in zip(expected, got, strict=True):
        assert type(have) is type(want), name
        for field in want._meta.concrete_fields:
            assert _typed(getattr(have, field.attname)) == _typed(
                getattr(want, field.attname)
            ), f"{name}: {field.attname}"
        for annotation in annotations:
            assert _typed(getattr(have, annotation)) == _typed(
                getattr(want, annotation)
            ), f"{name}: {annotation}"
            if getattr(want, annotation) is not None:
                filled.add(annotation)
        assert (have._state.db, have._state.adding) == (
            want._state.db,
            want._state.adding,
        ), name
        assert have._state.fields_cache == want._state.fields_cache, name
        # nothing more nor less than the ORM sets on an instance
        assert {k: _typed(v) for k, v in vars(have).items() if k != "_state"} == {
            k: _typed(v) for k, v in vars(want).items() if k != "_state"
        }, name
    return filled


@pytest.mark.parametrize("name", DECLARED)
def test_every_precompiled_query_gives_what_its_queryset_gives(name, dossier_world):
    """Run beside the plain queryset with every value the world holds: the same rows in
    the same order, every concrete field and every annotation of the same type and value,
    and instances in the same state (loaded from this database, not being added). A query
    the world gives fewer than two rows, or an annotation it leaves empty in every row,
    fails: give the world what the new query reads."""
    query = registered()[name]
    annotations = set(query.queryset(**query.stand_ins).query.annotations)
    rows_seen = 0
    filled: set[str] = set()
    for values in _values_to_try(query):
        plain = query.queryset(**values)
        if query.gives_instances():
            got = query.instances(**values)
            filled |= _compare_instances(
                f"{name} with {values}", list(plain), got, annotations
            )
        else:
            rows = list(query.rows(**values))
            assert [[_typed(v) for v in row] for row in rows] == [
                [_typed(v) for v in row] for row in plain
            ], f"{name} with {values}"
        rows_seen += len(got) if query.gives_instances() else len(rows)
    assert rows_seen >= 2, f"{name}: the world gives it {rows_seen} row(s)"
    assert filled == annotations, (
        f"{name}: {sorted(annotations - filled)} empty in every row"
    )


def test_a_statement_by_shape_is_compiled_once_per_shape_then_run_with_its_moments():
    """``ByShape``: the first run of a shape builds its queryset with stand-in moments;
    the next runs of that shape send the same statement with their own moments, and
    give what the plain queryset gives for them. Three dossier events on Mon 2/3/2026
    at 09:00, 10:00 and 11:00 (``at``): counted before each moment."""
    world = build_world()
    for hour in (9, 10, 11):
        services.receive_dossier(
            intake=world.intake(), actor=world.counter, at=at(2, hour)
        )
    built: list[dict[str, Any]] = []

    def build(moments):
        built.append(dict(moments))
        return (
            DossierEvent.objects.filter(at__lt=moments["before"])
            .order_by()
            .values_list("action")
            .annotate(count=models.Count("pk"))
        )

    by_shape = precompiled.ByShape("test.events before")
    counted = {
        hour: by_shape.rows("received", build, {"before": at(2, hour)})
        for hour in (9, 10, 12)
    }
    assert len(built) == 1  # compiled once, with the stand-in
    assert built[0]["before"] == precompiled.STAND_IN_MOMENT
    # by hand: none before 09:00, the 09:00 one before 10:00, all three before 12:00
    assert [dict(counted[hour]).get(Action.RECEIVE, 0) for hour in (9, 10, 12)] == [
        0,
        1,
        3,
    ]
    for hour in (9, 10, 12):
        plain = list(
            DossierEvent.objects.filter(at__lt=at(2, hour))
            .order_by()
            .values_list("action")
            .annotate(count=models.Count("pk"))
        )
        assert counted[hour] == plain
    # another shape is compiled on its own
    by_shape.rows("received again", build, {"before": at(2, 10)})
    assert len(built) == 2


def test_a_statement_by_shape_must_use_each_moment_and_give_tuples():
    by_shape = precompiled.ByShape("test.refusals")
    with pytest.raises(ValueError, match="no parameter for \\['unused'\\]"):
        by_shape.rows(
            "one",
            lambda _moments: Agency.objects.values_list("pk"),
            {"unused": at(2, 9)},
        )
    with pytest.raises(TypeError, match="values_list"):
        by_shape.rows("two", lambda _moments: Agency.objects.all(), {})


def test_a_statement_by_shape_of_no_row_sends_nothing():
    """A queryset that can hold no row (``none()``, an empty ``__in``) is no statement:
    Django sends nothing for it, nor does ``ByShape``."""
    by_shape = precompiled.ByShape("test.nothing")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            assert (
                by_shape.rows(
                    "none",
                    lambda moments: DossierEvent.objects.filter(
                        at__lt=moments["before"], pk__in=[]
                    ).values_list("pk"),
                    {"before": at(2, 9)},
                )
                == []
            )
    assert not queries.captured_queries


def test_a_statement_by_shape_is_prepared_on_postgresql_with_its_constants_written_in():
    """On PostgreSQL (``precompiled.prepares``) a shape's statement is sent with only
    its moments bound: every other value is written in as psycopg's client-side binding
    writes it, a quote, a percent sign and a list of texts included, and the rows are
    those of the plain queryset at each moment. The statement is prepared on the
    connection (``pg_prepared_statements``). On SQLite the statement is Django's, all its
    values bound (and on PostgreSQL with ``MOTCUA_DATABASE_PREPARED`` off)."""
    world = build_world()
    odd = "Nguyễn O'Brien 50% {x}"
    for hour, name in ((9, odd), (10, odd), (11, "Trần Thị B")):
        services.receive_dossier(
            intake=world.intake(name=name), actor=world.counter, at=at(2, hour)
        )

    def queryset(before):
        return (
            DossierEvent.objects.filter(
                at__lt=before,
                dossier__applicant_name__contains="50% {x}",
                dossier__applicant_name__in=[odd, "không có"],
                action__in=[Action.RECEIVE, "%s"],
            )
            .order_by("pk")
            .values_list("pk", "dossier__applicant_name")
        )

    by_shape = precompiled.ByShape("test.written in")
    for hour, expected in ((9, 0), (10, 1), (12, 2)):
        rows = by_shape.rows(
            "odd", lambda moments: queryset(moments["before"]), {"before": at(2, hour)}
        )
        assert rows == list(queryset(at(2, hour))), hour
        assert len(rows) == expected  # by hand: the odd name's dossiers before the hour
    [shaped] = by_shape._shaped.values()
    if not precompiled.prepares(connection):  # SQLite, or PostgreSQL with it off
        assert not shaped.prepared
        # the moment, the pattern, two names, two actions
        assert len(shaped.params) == 6
        return
    assert shaped.prepared
    assert shaped.params == [precompiled.STAND_IN_MOMENT]  # the moment alone is bound
    assert "O''Brien" in shaped.sql
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%O''Brien%"],
        )
        assert cursor.fetchone() == (1,)


def test_prepared_only_on_postgresql_given_a_prepare_threshold():
    class Connection:
        def __init__(self, vendor: str, options: dict[str, Any]) -> None:
            self.vendor = vendor
            self.settings_dict = {"OPTIONS": options}

    assert precompiled.prepares(Connection("postgresql", {"prepare_threshold": 0}))
    assert not precompiled.prepares(Connection("postgresql", {}))
    assert not precompiled.prepares(Connection("sqlite", {"prepare_threshold": 0}))


def test_a_precompiled_query_is_prepared_on_postgresql_with_only_its_stand_ins_bound():
    """On PostgreSQL (``precompiled.prepares``) a precompiled query is sent with its
    stand-ins' values bound and every other value written in (a quote and a percent
    sign included), prepared on the connection (``pg_prepared_statements``), and gives
    the plain queryset's rows for each value; on SQLite (or with
    ``MOTCUA_DATABASE_PREPARED`` off) every value is bound on the client, as Django
    binds it."""
    parent = AgencyFactory.create(identifier="000.00.00.H15", name="Tỉnh")
    named = AgencyFactory.create(
        identifier="000.00.01.H15", name="Sở O'Brien 50%", parent=parent
    )
    AgencyFactory.create(identifier="000.00.02.H15", name="Sở khác", parent=parent)

    def build(key: int):
        return Agency.objects.filter(
            parent_id=key, name__in=["Sở O'Brien 50%", "không có"]
        ).order_by("pk")

    query = Precompiled("test.prepared", build, key=STAND_IN_KEY)
    for _time in range(3):  # psycopg prepares from the second run (settings.py)
        found = query.instances(key=parent.pk)
        assert [agency.pk for agency in found] == [named.pk]
    assert query.instances(key=named.pk) == []
    compiled = query._query("default")
    if not precompiled.prepares(connection):
        assert not compiled.prepared
        assert len(compiled.params) == 3  # the key and the two names
        return
    assert compiled.prepared
    assert compiled.params == [STAND_IN_KEY]  # the key alone is bound
    assert "O''Brien 50%%" in compiled.sql  # written in, the percent sign escaped
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%O''Brien 50%%"],
        )
        assert cursor.fetchone() == (1,)


# ---------------------------------------------------------------- loaded


def _state(instance: Model) -> dict[str, Any]:
    """What the ORM sets on an instance: its values, and where it was loaded from."""
    values = {k: _typed(v) for k, v in vars(instance).items() if k != "_state"}
    return {
        "values": values,
        "db": instance._state.db,
        "adding": instance._state.adding,
        "deferred": instance.get_deferred_fields(),
    }


@pytest.fixture
def _fresh_judgement():
    """``loaded`` judges a model once; a test that changes one is judged again."""
    precompiled._plainly_loaded.cache_clear()
    yield
    precompiled._plainly_loaded.cache_clear()


def _agency_rows(names: list[str]) -> list[list[Any]]:
    return [list(row) for row in Agency.objects.order_by("pk").values_list(*names)]


@pytest.mark.usefixtures("_fresh_judgement")
def test_loaded_instances_are_those_from_db_makes():
    """Some columns read, the others deferred: the same values, state and deferred
    fields as ``Model.from_db``'s; a deferred field read from the database, and the
    instance saved as a row that exists."""
    parent = AgencyFactory.create(identifier="000.00.00.H15", name="Tỉnh")
    AgencyFactory.create(identifier="000.00.01.H15", name="Sở Tư pháp", parent=parent)
    names = ["id", "identifier", "parent_id"]
    rows = _agency_rows(names)
    made = precompiled.loaded(Agency, "default", names, rows)
    expected = [Agency.from_db("default", names, row) for row in rows]
    assert [_state(a) for a in made] == [_state(a) for a in expected]
    assert "name" in made[0].get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert made[1].name == "Sở Tư pháp"  # read when asked, as a deferred field is
    assert len(queries) == 1
    # the foreign key and the relation behind it
    assert made[1].parent_id == parent.pk
    assert made[1].parent == parent
    made[1].name = "Sở Tư pháp tỉnh"
    made[1].save(update_fields=["name"])
    assert Agency.objects.count() == 2
    assert Agency.objects.get(pk=made[1].pk).name == "Sở Tư pháp tỉnh"
    # every column read: as the model's own constructor gives
    every = [f.attname for f in Agency._meta.concrete_fields]
    assert [
        _state(a)
        for a in precompiled.loaded(Agency, "default", every, _agency_rows(every))
    ] == [_state(a) for a in Agency.objects.order_by("pk")]


@pytest.mark.usefixtures("_fresh_judgement")
def test_loaded_calls_from_db_when_something_could_tell_the_difference(monkeypatch):
    """A receiver of ``post_init`` (or ``pre_init``), a ``from_db`` of the model's own,
    or a field set through another descriptor than Django's own of a column: the
    instances come from ``from_db``, which ``__init__`` and the receivers see."""
    AgencyFactory.create(identifier="000.00.01.H15", name="Sở Tư pháp")
    names = ["id", "identifier", "name"]
    rows = _agency_rows(names)
    seen: list[Model] = []

    def receiver(sender, **kwargs):
        # post_init names the instance; pre_init is sent before there is one
        seen.append(kwargs.get("instance", sender))

    for signal in (models.signals.post_init, models.signals.pre_init):
        seen.clear()
        signal.connect(receiver, sender=Agency)
        try:
            made = precompiled.loaded(Agency, "default", names, rows)
        finally:
            signal.disconnect(receiver, sender=Agency)
        assert len(made) == 1
        assert len(seen) == 1
        if signal is models.signals.post_init:
            assert seen[0] is made[0]

    plain = Agency.from_db.__func__  # type: ignore[attr-defined]  # a classmethod's function
    called: list[list[Any]] = []

    def own_from_db(cls, db, field_names, values):
        called.append(list(values))
        return plain(cls, db, field_names, values)

    monkeypatch.setattr(Agency, "from_db", classmethod(own_from_db))
    precompiled._plainly_loaded.cache_clear()
    [agency] = precompiled.loaded(Agency, "default", names, rows)
    assert called == [rows[0]]
    assert agency.name == "Sở Tư pháp"
    monkeypatch.undo()

    class Upper:
        """A descriptor that stores the name in capitals."""

        def __get__(self, instance, owner=None):
            return self if instance is None else instance.__dict__["name"]

        def __set__(self, instance, value):
            instance.__dict__["name"] = value.upper()

    monkeypatch.setattr(Agency, "name", Upper())
    precompiled._plainly_loaded.cache_clear()
    [agency] = precompiled.loaded(Agency, "default", names, rows)
    assert agency.name == "SỞ TƯ PHÁP"
    monkeypatch.undo()

    # an ``__init__`` or a ``__setattr__`` of the model's own, or of a class it is made
    # of (``Model.__init__`` calls the next ``__init__`` of the model's classes)
    for where, method in (
        (Agency, "__init__"),
        (Agency, "__setattr__"),
        (models.Model.__mro__[1], "__init__"),
    ):
        touched: list[str] = []
        plain_method = getattr(where, method)

        def noted(
            self, *args, _plain=plain_method, _name=method, _touched=touched, **kwargs
        ):
            # what ``__setattr__`` sets, or that ``__init__`` ran
            _touched.append(args[0] if _name == "__setattr__" else _name)
            return _plain(self, *args, **kwargs)

        monkeypatch.setattr(where, method, noted, raising=False)
        precompiled._plainly_loaded.cache_clear()
        [agency] = precompiled.loaded(Agency, "default", names, rows)
        monkeypatch.undo()
        # the instance was made by ``__init__``, which set its name through the method
        assert ("name" if method == "__setattr__" else method) in touched, where
        assert agency.name == "Sở Tư pháp"
