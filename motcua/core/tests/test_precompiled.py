"""``Precompiled``: built and compiled once, then run with each call's values."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from motcua.agencies.models import Agency
from motcua.agencies.tests.factories import AgencyFactory
from motcua.core.precompiled import STAND_IN_KEY, Precompiled
from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.world import build_world

pytestmark = pytest.mark.django_db


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

    query = Precompiled(build, identifier="\x00stand-in")

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
        lambda key: Agency.objects.filter(pk=key).values_list("identifier", "name"),
        key=STAND_IN_KEY,
    )
    assert list(query.rows(key=agency.pk)) == [("000.00.01.H15", "Sở Tư pháp")]
    assert list(query.rows(key=agency.pk + 1000)) == []


def test_a_stand_in_the_query_does_not_use_is_an_error():
    query = Precompiled(lambda key: Agency.objects.filter(pk=7), key=STAND_IN_KEY)
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
        lambda key: DossierEvent.objects.filter(dossier_id=key), key=STAND_IN_KEY
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
