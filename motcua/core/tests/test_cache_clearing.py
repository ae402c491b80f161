"""The process's caches see every write to the tables they depend on, however it is made:
``save()``, ``QuerySet.update()``, ``bulk_create``, a queryset's ``delete()``, SQL through
Django's connection, and the services that write so (the catalogue import, the merger of
agencies). The caches are kept an hour here, so a stale value cannot expire meanwhile.

``django_capture_on_commit_callbacks(execute=True)`` stands for the commit of the
transaction that wrote (the test's own transaction is rolled back, never committed).
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.db import connection

from motcua.agencies.models import Agency
from motcua.agencies.services import merge_agencies
from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.dossiers.models import OneStopRules
from motcua.dossiers.selectors import (
    agency_by_identifier,
    agency_rows,
    rules_on,
    version_rows,
    versions_for_intake,
)
from motcua.procedures.models import ProcedureVersion, RequiredComponent
from motcua.procedures.services import import_catalogue
from motcua.procedures.tests.catalogue_sample import COMMUNE, sample_document
from motcua.procedures.tests.factories import ProcedureVersionFactory
from motcua.workdays.models import CalendarOverride, OfficeHours, OverrideKind
from motcua.workdays.selectors import calendar_for
from motcua.workdays.tests.factories import OfficeHoursFactory

pytestmark = pytest.mark.django_db

WED_6_MARCH_2024 = dt.date(2024, 3, 6)


@pytest.fixture(autouse=True)
def _kept_for_an_hour(settings):
    settings.REFERENCE_CACHE_SECONDS = 3600


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` — the writes inside, then their transaction's commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _papers(code: str) -> list[tuple[int, str, bool]]:
    """(position, name, mandatory) of the papers intake asks for, as the process keeps
    them, of the first version of the procedure ``code``."""
    return [
        (c.position, c.name, c.is_mandatory)
        for c in versions_for_intake(code)[0].components.all()
    ]


# ------------------------------------------------------------------ the intake catalogue


@pytest.fixture
def version() -> ProcedureVersion:
    return ProcedureVersionFactory.create(components=["Tờ khai", "Giấy chứng sinh"])


def test_intake_sees_a_paper_changed_by_update(version, committed):
    code = version.procedure.code
    assert _papers(code) == [(1, "Tờ khai", True), (2, "Giấy chứng sinh", True)]

    with committed():
        RequiredComponent.objects.filter(version=version, position=2).update(
            is_mandatory=False
        )

    assert _papers(code) == [(1, "Tờ khai", True), (2, "Giấy chứng sinh", False)]


def test_intake_sees_a_paper_added_by_bulk_create(version, committed):
    code = version.procedure.code
    assert len(_papers(code)) == 2

    with committed():
        RequiredComponent.objects.bulk_create(
            [RequiredComponent(version=version, position=3, name="Giấy ủy quyền")]
        )

    assert _papers(code)[2] == (3, "Giấy ủy quyền", True)


def test_intake_sees_papers_deleted_by_a_queryset(version, committed):
    code = version.procedure.code
    assert len(_papers(code)) == 2

    with committed():
        RequiredComponent.objects.filter(version=version, position=2).delete()

    assert _papers(code) == [(1, "Tờ khai", True)]


def test_intake_sees_a_paper_renamed_by_sql(version, committed):
    code = version.procedure.code
    assert _papers(code)[0] == (1, "Tờ khai", True)
    first = version.components.get(position=1)

    with committed(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procedures_requiredcomponent SET name = %s WHERE id = %s",
            ["Tờ khai đăng ký khai sinh", first.pk],
        )

    assert _papers(code)[0] == (1, "Tờ khai đăng ký khai sinh", True)


def test_the_catalogue_import_reaches_intake_at_once(committed):
    """The import replaces a changed version's papers with ``bulk_create``: intake asks
    for the papers of the file just imported."""
    AgencyFactory.create(identifier=COMMUNE, parent=make_province())
    document = sample_document()
    with committed():
        import_catalogue(document)
    assert _papers("1.001193") == [
        (1, "Tờ khai đăng ký khai sinh", True),
        (2, "Giấy chứng sinh", False),
    ]

    changed = copy.deepcopy(document)
    birth_v1 = changed["procedures"][0]["versions"][0]
    birth_v1["components"][1]["name"] = "Giấy chứng sinh (bản chính)"
    birth_v1["components"][1]["is_mandatory"] = True
    with committed():
        report = import_catalogue(changed)

    assert report.versions.updated == 1
    assert _papers("1.001193") == [
        (1, "Tờ khai đăng ký khai sinh", True),
        (2, "Giấy chứng sinh (bản chính)", True),
    ]


def test_a_version_renamed_by_update_is_shown_renamed(version, committed):
    assert version_rows.in_bulk([version.pk])[version.pk].name == version.name

    with committed():
        ProcedureVersion.objects.filter(pk=version.pk).update(name="Tên mới")

    assert version_rows.in_bulk([version.pk])[version.pk].name == "Tên mới"
    assert versions_for_intake(version.procedure.code)[0].name == "Tên mới"


# ------------------------------------------------------------------ agencies


def test_an_agency_ended_by_update_is_seen_ended(committed):
    commune = AgencyFactory.create(
        identifier=COMMUNE, parent=make_province(), valid_from=dt.date(2000, 1, 1)
    )
    found = agency_by_identifier(COMMUNE)
    assert found is not None
    assert found.valid_to is None
    assert agency_rows.in_bulk([commune.pk])[commune.pk].valid_to is None

    with committed():
        Agency.objects.filter(pk=commune.pk).update(valid_to=dt.date(2025, 6, 30))

    found = agency_by_identifier(COMMUNE)
    assert found is not None
    assert found.valid_to == dt.date(2025, 6, 30)
    assert agency_rows.in_bulk([commune.pk])[commune.pk].valid_to == dt.date(
        2025, 6, 30
    )


def test_a_merger_reaches_intake_at_once(committed):
    """``merge_agencies`` ends the predecessor (NQ 202/2025/QH15): intake must see it
    ended from the moment the merger commits."""
    dak_lak = AgencyFactory.create(
        identifier="000.00.00.H15",
        name="Ủy ban nhân dân tỉnh Đắk Lắk",
        valid_from=dt.date(2004, 1, 1),
    )
    phu_yen = AgencyFactory.create(
        identifier="000.00.00.H45",
        name="Ủy ban nhân dân tỉnh Phú Yên",
        valid_from=dt.date(1989, 7, 1),
    )
    found = agency_by_identifier("000.00.00.H45")
    assert found is not None
    assert found.valid_to is None

    with committed():
        merge_agencies(
            predecessors=[phu_yen],
            successor=dak_lak,
            effective_on=dt.date(2025, 7, 1),
            legal_basis="NQ 202/2025/QH15",
        )

    found = agency_by_identifier("000.00.00.H45")
    assert found is not None
    assert found.valid_to == dt.date(2025, 6, 30)


# ------------------------------------------------------------------ calendars and rules


def test_a_day_off_added_by_bulk_create_is_in_the_calendar(committed):
    assert calendar_for().is_working_day(WED_6_MARCH_2024)

    with committed():
        CalendarOverride.objects.bulk_create(
            [
                CalendarOverride(
                    date=WED_6_MARCH_2024,
                    kind=OverrideKind.DAY_OFF,
                    reason="Nghỉ theo quyết định của tỉnh",
                )
            ]
        )

    assert not calendar_for().is_working_day(WED_6_MARCH_2024)


def test_office_hours_changed_by_update_are_in_the_calendar(committed):
    OfficeHoursFactory.create()
    assert calendar_for().hours_on(WED_6_MARCH_2024).cutoff == dt.time(15, 0)

    with committed():
        OfficeHours.objects.update(cutoff=dt.time(16, 0))

    assert calendar_for().hours_on(WED_6_MARCH_2024).cutoff == dt.time(16, 0)


def test_rules_changed_by_update_are_the_rules_in_force(committed):
    day = dt.date(2026, 3, 2)
    before = rules_on(day)

    with committed():
        OneStopRules.objects.filter(pk=before.pk).update(max_reschedules=7)

    assert rules_on(day).max_reschedules == 7
