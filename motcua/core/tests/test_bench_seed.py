"""The benchmark's seed (bench/seed.py) on a database that already holds generated dossiers:
another number of them replaces the old ones, as ``make bench BENCH_ARGS="--dossiers N"``
run after a run of another size needs.

Each generation is its own transaction, as under ``make bench`` (hence a transactional
test): on PostgreSQL the old rows' delete leaves foreign-key checks pending, which once
stopped the index rebuild ("cannot CREATE INDEX … because it has pending trigger
events")."""

from __future__ import annotations

import pytest
from django.db import connection

from bench import seed
from motcua.demo.services import load_demo_province
from motcua.dossiers.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: the demo's one-stop counters (officers with the counter role), in identifier order
COUNTERS = ("000.00.02.H15", "000.01.51.H15", "000.01.54.H15")


def _generated() -> tuple[int, int]:
    dossiers = Dossier.objects.filter(applicant_email=seed.GENERATED_MARKER)
    events = DossierEvent.objects.filter(
        dossier__applicant_email=seed.GENERATED_MARKER, sequence=1, action="receive"
    )
    return dossiers.count(), events.count()


def _secondary_indexes() -> set[str]:
    tables = [Dossier._meta.db_table, DossierEvent._meta.db_table]
    with connection.cursor() as cursor:
        return {
            name
            for table in tables
            for name, about in connection.introspection.get_constraints(
                cursor, table
            ).items()
            if about["index"] and not about["unique"] and not about["primary_key"]
        }


def test_a_second_generation_of_another_size_replaces_the_first():
    load_demo_province()
    indexes = _secondary_indexes()

    first = seed.ensure_generated(30)
    second = seed.ensure_generated(12)

    assert first.created
    assert second.created
    assert _generated() == (12, 12)
    # row i: counter i mod 3, yesterday, number i div 3 + 1; twelve rows, four a counter
    codes = Dossier.objects.filter(applicant_email=seed.GENERATED_MARKER).values_list(
        "code", flat=True
    )
    assert sorted((code[:13], code[-4:]) for code in codes) == [
        (counter, f"{number:04d}") for counter in COUNTERS for number in range(1, 5)
    ]
    assert _secondary_indexes() == indexes  # dropped for the load, built again


def test_the_same_size_again_keeps_the_dossiers():
    load_demo_province()
    seed.ensure_generated(9)
    kept = set(Dossier.objects.values_list("pk", flat=True))

    again = seed.ensure_generated(9)

    assert not again.created
    assert set(Dossier.objects.values_list("pk", flat=True)) == kept
    assert _generated() == (9, 9)


def test_the_department_handles_the_first_dossiers_of_the_provincial_centre(
    monkeypatch,
):
    """The workspace's measures (issue 10) need a department with DEPARTMENT_OPEN open
    dossiers: the provincial centre (counter 0 of 3) receives rows 0, 3, 6, …; those
    below DEPARTMENT_OPEN × 3 go to Sở Tư pháp, the rest to the counter's parent."""
    load_demo_province()
    monkeypatch.setattr(seed, "DEPARTMENT_OPEN", 4)

    seed.ensure_generated(30)

    generated = Dossier.objects.filter(applicant_email=seed.GENERATED_MARKER)
    handled = sorted(
        (code[-4:], handler)
        for code, handler in generated.filter(
            receiving_agency__identifier="000.00.02.H15"
        ).values_list("code", "handling_agency__identifier")
    )
    # rows 0, 3, …, 27: numbers 0001–0010 of the centre; rows 0, 3, 6, 9 (1–4) to the
    # department, the other six to the province's People's Committee
    assert handled == [
        (f"{n:04d}", "000.00.03.H15" if n <= 4 else "000.00.00.H15")
        for n in range(1, 11)
    ]
    assert seed.department_dossiers().count() == seed.expected_department(30) == 4
    assert not generated.exclude(receiving_agency__identifier="000.00.02.H15").filter(
        handling_agency__identifier="000.00.03.H15"
    )
    # kept by the next run of the same size; a database without them is generated again
    assert not seed.ensure_generated(30).created
    monkeypatch.setattr(seed, "DEPARTMENT_OPEN", 5)
    assert seed.ensure_generated(30).created
    assert seed.department_dossiers().count() == 5
