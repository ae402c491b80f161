"""Importing the catalogue: what a valid document creates, that re-importing changes nothing,
that export and import are each other's inverse, and that a bad document imports nothing and
says where it is wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.procedures.interchange import (
    CatalogueError,
    CatalogueProblem,
    export_catalogue,
)
from motcua.procedures.models import Field, Procedure, ProcedureVersion
from motcua.procedures.services import import_catalogue
from motcua.procedures.tests.catalogue_sample import (
    COMMUNE,
    PROVINCE,
    catalogue_snapshot,
    empty_catalogue,
    sample_document,
)

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _problems(document) -> list[CatalogueProblem]:
    with pytest.raises(CatalogueError) as refused:
        import_catalogue(document)
    return refused.value.errors


def test_a_valid_document_creates_what_it_says(agencies):
    # Given the sample: 2 fields, 2 procedures, 3 versions
    # When it is imported into an empty catalogue
    report = import_catalogue(sample_document())

    # Then everything is created and the counts say so
    assert (report.fields.created, report.fields.updated, report.fields.unchanged) == (
        2,
        0,
        0,
    )
    assert (report.procedures.created, report.procedures.unchanged) == (2, 0)
    assert (report.versions.created, report.versions.unchanged) == (3, 0)
    birth_v1 = ProcedureVersion.objects.get(procedure__code="1.001193", number=1)
    assert birth_v1.name == "Thủ tục đăng ký khai sinh"
    assert birth_v1.field.code == "G15-HT"
    assert birth_v1.handling_time == Decimal("1")
    assert birth_v1.effective_to == dt.date(2025, 12, 31)
    assert birth_v1.announcement_date == dt.date(2025, 6, 20)
    assert [a.identifier for a in birth_v1.agencies.all()] == [COMMUNE]
    assert [(s.position, s.role, s.budget) for s in birth_v1.steps.all()] == [
        (1, "counter_officer", Decimal("0.25")),
        (2, "specialist", Decimal("0.5")),
        (3, "leader", Decimal("0.25")),
    ]
    assert [(c.position, c.name, c.quantity) for c in birth_v1.components.all()] == [
        (1, "Tờ khai đăng ký khai sinh", 1),
        (2, "Giấy chứng sinh", 2),
    ]
    assert [(f.amount, f.channel) for f in birth_v1.fees.all()] == [
        (0, "all"),
        (None, "direct"),
    ]
    # the search column is filled, so the accent-free search finds it
    assert ProcedureVersion.objects.search("dang ky khai sinh").count() == 2
    land = ProcedureVersion.objects.get(procedure__code="1.004227")
    handed_over = land.steps.get(position=2)
    assert handed_over.is_inter_agency
    assert handed_over.agency is not None
    assert handed_over.agency.identifier == PROVINCE
    assert land.is_inter_agency
    assert Field.objects.get(code="G10-DD").is_land_construction_investment


def test_optional_keys_take_their_defaults(agencies):
    # Given a version that gives only the required keys, decimals as JSON numbers
    document = {
        "format": "motcua-catalogue",
        "format_version": 1,
        "fields": [{"code": "G15-HT", "name": "Hộ tịch"}],
        "procedures": [
            {
                "code": "1.000894",
                "versions": [
                    {
                        "number": 1,
                        "name": "Thủ tục đăng ký kết hôn",
                        "field": "G15-HT",
                        "levels": ["commune"],
                        "handling_time": Decimal("3.0"),
                        "handling_time_unit": "working_days",
                        "online_level": "partial",
                        "effective_from": "2025-07-01",
                        "fees": [{"description": "Miễn lệ phí"}],
                        "process": [
                            {
                                "name": "Tiếp nhận",
                                "role": "counter_officer",
                                "budget": 0.5,
                            },
                            {"name": "Giải quyết", "role": "leader", "budget": 2.5},
                        ],
                    }
                ],
            }
        ],
    }
    # When it is imported
    import_catalogue(document)
    # Then the export shows the defaults: no agencies, fee channel "all", amount null
    version = export_catalogue()["procedures"][0]["versions"][0]
    assert version["handling_time"] == "3"
    assert version["agencies"] == []
    assert version["effective_to"] is None
    assert version["fees"] == [
        {
            "description": "Miễn lệ phí",
            "amount": None,
            "per": "",
            "channel": "all",
            "note": "",
        }
    ]
    assert [step["budget"] for step in version["process"]] == ["0.5", "2.5"]


def test_importing_the_same_document_twice_changes_nothing(agencies):
    # Given the sample imported once
    import_catalogue(sample_document())
    before = catalogue_snapshot()

    # When it is imported again
    with CaptureQueriesContext(connection) as queries:
        report = import_catalogue(sample_document())

    # Then every row is unchanged, not even re-written
    assert (
        report.fields.unchanged,
        report.procedures.unchanged,
        report.versions.unchanged,
    ) == (2, 2, 3)
    assert not report.changed_anything
    assert catalogue_snapshot() == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []


def test_a_changed_version_is_updated_in_place_and_its_children_replaced(agencies):
    # Given the sample imported once
    import_catalogue(sample_document())
    birth_v1 = ProcedureVersion.objects.get(procedure__code="1.001193", number=1)
    land_before = catalogue_snapshot()["procedures_processstep"]

    # When v1 of 1.001193 comes back with one component less and a renamed field
    document = sample_document()
    document["fields"][1]["name"] = "Hộ tịch (sửa)"
    del document["procedures"][0]["versions"][0]["components"][1]
    report = import_catalogue(document)

    # Then that version alone is rewritten, under the same id
    assert (report.fields.updated, report.fields.unchanged) == (1, 1)
    assert (report.procedures.updated, report.procedures.unchanged) == (1, 1)
    assert (report.versions.updated, report.versions.unchanged) == (1, 2)
    birth_v1.refresh_from_db()
    assert (
        ProcedureVersion.objects.get(procedure__code="1.001193", number=1).pk
        == birth_v1.pk
    )
    assert [c.name for c in birth_v1.components.all()] == ["Tờ khai đăng ký khai sinh"]
    land_steps = [s for s in land_before if s["version_id"] != birth_v1.pk]
    assert [
        s
        for s in catalogue_snapshot()["procedures_processstep"]
        if s["version_id"] != birth_v1.pk
    ] == land_steps
    assert export_catalogue() == document


def test_json_round_trip_through_an_empty_database(agencies):
    # Given the sample imported and exported
    import_catalogue(sample_document())
    exported = export_catalogue()
    # (the sample is written in canonical form, so the export is the sample itself)
    assert exported == sample_document()

    # When the catalogue is emptied and the export imported back
    empty_catalogue()
    report = import_catalogue(exported)

    # Then everything is created again and exports the same document
    assert (
        report.fields.created,
        report.procedures.created,
        report.versions.created,
    ) == (2, 2, 3)
    assert export_catalogue() == exported


def test_a_later_version_with_decimal_ten_exports_as_ten_not_an_exponent(agencies):
    # Given the land procedure of 10 working days (Decimal("10.00") in the database)
    import_catalogue(sample_document())
    assert ProcedureVersion.objects.get(
        procedure__code="1.004227"
    ).handling_time == Decimal("10.00")
    # Then it is exported as "10"
    land = export_catalogue()["procedures"][1]["versions"][0]
    assert land["handling_time"] == "10"
    assert [s["budget"] for s in land["process"]] == ["2", "5", "3"]


# Refused documents ----------------------------------------------------------------------


def _spoiled_with_valid_changes():
    """The sample with changes that alone would be imported: a new field, a renamed
    version; a test then adds one mistake, and none of these changes may be written."""
    document = sample_document()
    document["fields"].append({"code": "G99-MOI", "name": "Lĩnh vực mới"})
    document["procedures"][1]["versions"][0]["name"] = "Tên mới"
    return document


def _repeat_version_two(document):
    """A second "version 2" of 1.001193, after the first one ends (so no overlap)."""
    versions = document["procedures"][0]["versions"]
    versions[1]["effective_to"] = "2026-12-31"
    versions.append(
        {**versions[1], "effective_from": "2027-01-01", "effective_to": None}
    )


@pytest.mark.parametrize(
    ("spoil", "location", "key", "in_message"),
    [
        pytest.param(
            lambda d: d["procedures"][0]["versions"][0].update(handling_time=True),
            "procedures[0].versions[0].handling_time",
            "handling_time",
            "decimal",
            id="wrong type",
        ),
        pytest.param(
            lambda d: d["procedures"][0]["versions"][1].update(online_level="fulll"),
            "procedures[0].versions[1].online_level",
            "online_level",
            "“fulll” is not one of: full, partial, none.",
            id="unknown choice",
        ),
        pytest.param(
            lambda d: d["procedures"][1]["versions"][0]["process"][0].update(
                role="clerk"
            ),
            "procedures[1].versions[0].process[0].role",
            "role",
            "“clerk”",
            id="unknown role",
        ),
        pytest.param(
            lambda d: d["procedures"][1]["versions"][0].update(
                effective_from="2025-02-30"
            ),
            "procedures[1].versions[0].effective_from",
            "effective_from",
            "2025-02-30",
            id="bad date",
        ),
        pytest.param(
            lambda d: d["procedures"][1]["versions"][0]["agencies"].append(
                "000.99.99.H15"
            ),
            "procedures[1].versions[0].agencies[2]",
            "agencies",
            "000.99.99.H15",
            id="unknown agency",
        ),
        pytest.param(
            lambda d: d["procedures"][1]["versions"][0].update(field="G99-XX"),
            "procedures[1].versions[0].field",
            "field",
            "G99-XX",
            id="unknown field",
        ),
        pytest.param(
            lambda d: d["procedures"][1].update(code="1.4227"),
            "procedures[1].code",
            "code",
            "A procedure code looks like 1.001193.",
            id="procedure code pattern",
        ),
        pytest.param(
            lambda d: d["procedures"][1]["versions"][0]["process"][1].update(
                agency=None
            ),
            "procedures[1].versions[0].process[1].agency",
            "agency",
            "inter-agency",
            id="inter-agency step without agency",
        ),
        pytest.param(
            lambda d: d["procedures"][0]["versions"][0].pop("name"),
            "procedures[0].versions[0].name",
            "name",
            "required",
            id="missing key",
        ),
        pytest.param(
            lambda d: d["procedures"][0]["versions"][0]["components"][0].update(
                quantity="2"
            ),
            "procedures[0].versions[0].components[0].quantity",
            "quantity",
            "whole number",
            id="quantity as text",
        ),
        pytest.param(
            lambda d: d["procedures"][0]["versions"][0].update(colour="blue"),
            "procedures[0].versions[0].colour",
            "colour",
            "Unknown key.",
            id="unknown key",
        ),
        pytest.param(
            # 01/07/2025–31/01/2026 against v2 from 01/01/2026
            lambda d: d["procedures"][0]["versions"][0].update(
                effective_to="2026-01-31"
            ),
            "procedures[0].versions[1].effective_from",
            "effective_from",
            "Procedure 1.001193: version 2 (01/01/2026 – …) overlaps version 1 (01/07/2025 – 31/01/2026).",
            id="overlapping versions",
        ),
        pytest.param(
            _repeat_version_two,
            "procedures[0].versions[2].number",
            "number",
            "Version 2 of this procedure appears more than once.",
            id="repeated version number",
        ),
    ],
)
def test_a_bad_document_imports_nothing_and_says_where(
    agencies, spoil, location, key, in_message
):
    # Given a catalogue in the database and a document with valid changes and one mistake
    import_catalogue(sample_document())
    before = catalogue_snapshot()
    document = _spoiled_with_valid_changes()
    spoil(document)

    # When it is imported
    problems = _problems(document)

    # Then the mistake is reported at its place, and nothing at all was written
    assert [(p.location, p.field) for p in problems] == [(location, key)]
    assert in_message in problems[0].message
    assert catalogue_snapshot() == before
    assert not Field.objects.filter(code="G99-MOI").exists()


def test_budgets_not_adding_up_name_the_procedure_and_the_difference(agencies):
    # Given v1 of 1.001193 (1 working day) with its middle step raised from 0.5 to 1:
    # 0.25 + 1 + 0.25 = 1.5, that is 0.5 more than the handling time
    document = sample_document()
    document["procedures"][0]["versions"][0]["process"][1]["budget"] = "1"

    # When it is imported, in Vietnamese (decimal comma) and in English
    problems = _problems(document)
    with translation.override("en"):
        problems_en = _problems(document)

    # Then the problem sits on that version's process and names procedure and difference
    assert [(p.location, p.field) for p in problems] == [
        ("procedures[0].versions[0].process", "budget")
    ]
    assert "1.001193 v1" in problems[0].message
    assert "+0.5" in problems[0].message
    assert "1.001193 v1" in problems_en[0].message
    assert (
        "add up to 1.5 working days but the handling time is 1 working days (difference +0.5)"
        in problems_en[0].message
    )
    assert not Procedure.objects.exists()


def test_every_problem_is_reported_at_once(agencies):
    # Given three independent mistakes in three places
    document = sample_document()
    document["fields"][0]["is_land_construction_investment"] = "yes"
    document["procedures"][0]["versions"][1]["process"][0]["budget"] = "abc"
    document["procedures"][1]["versions"][0]["fees"][0]["amount"] = -5

    # When it is imported
    problems = _problems(document)

    # Then all three are reported, in the order of the document
    assert [(p.location, p.field) for p in problems] == [
        (
            "fields[0].is_land_construction_investment",
            "is_land_construction_investment",
        ),
        ("procedures[0].versions[1].process[0].budget", "budget"),
        ("procedures[1].versions[0].fees[0].amount", "amount"),
    ]
    assert not Field.objects.exists()


def test_a_version_overlapping_one_already_in_the_database_is_refused(agencies):
    # Given the sample, where 1.001193 v2 is in force from 01/01/2026 with no end
    import_catalogue(sample_document())
    # When a file brings only a v3 from 01/06/2026 and leaves v2 open
    document = sample_document()
    v3 = {
        **document["procedures"][0]["versions"][1],
        "number": 3,
        "effective_from": "2026-06-01",
    }
    document["procedures"] = [{"code": "1.001193", "versions": [v3]}]
    problems = _problems(document)
    # Then the overlap with the stored v2 is reported on v3
    assert [(p.location, p.field) for p in problems] == [
        ("procedures[0].versions[0].effective_from", "effective_from")
    ]
    assert (
        "version 3 (01/06/2026 – …) overlaps version 2 (01/01/2026 – …)"
        in problems[0].message
    )
    assert not ProcedureVersion.objects.filter(number=3).exists()


def test_not_a_catalogue_at_all(db):
    problems = _problems({"format": "something-else", "fields": {}})
    assert [(p.location, p.field) for p in problems] == [
        ("format", "format"),
        ("format_version", "format_version"),
        ("fields", "fields"),
    ]
