"""Same-day procedures ("trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp
theo", NĐ 23/2015/NĐ-CP Điều 7): a unit of their own in JSON, Excel and the admin, a handling
time of 1 and step budgets that share that one day (docs/decisions/0006)."""

from __future__ import annotations

import importlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from motcua.procedures.choices import TimeUnit
from motcua.procedures.interchange import (
    CatalogueError,
    export_catalogue,
    export_catalogue_xlsx,
    read_catalogue_xlsx,
)
from motcua.procedures.models import ProcedureVersion, ProcessStep
from motcua.procedures.services import import_catalogue
from motcua.procedures.tests.catalogue_sample import empty_catalogue, sample_document
from motcua.procedures.tests.factories import (
    FieldFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    ProcessStepFactory,
)
from motcua.procedures.tests.test_admin import _change_form, _change_url
from motcua.procedures.validation import check_handling_time, check_process_budget

pytestmark = pytest.mark.django_db


def same_day_document():
    """The sample with 1.001193 v1 (1 working day, steps 0.25 + 0.5 + 0.25) as 1 same day."""
    document = sample_document()
    document["procedures"][0]["versions"][0]["handling_time_unit"] = "same_day"
    return document


def test_the_unit_is_stored_as_same_day():
    # its Vietnamese label, "trong ngày", arrives with the lead's merge of the translations
    assert TimeUnit.SAME_DAY.value == "same_day"
    assert TimeUnit.SAME_DAY in TimeUnit.values


def test_json_round_trip_of_the_unit(agencies):
    import_catalogue(same_day_document())
    version = ProcedureVersion.objects.get(procedure__code="1.001193", number=1)
    assert version.handling_time_unit == TimeUnit.SAME_DAY
    exported = export_catalogue()
    assert exported == same_day_document()
    empty_catalogue()
    import_catalogue(exported)
    assert export_catalogue() == same_day_document()


def test_excel_round_trip_of_the_unit(agencies):
    import_catalogue(same_day_document())
    stream = io.BytesIO()
    export_catalogue_xlsx(stream)
    stream.seek(0)
    empty_catalogue()
    import_catalogue(read_catalogue_xlsx(stream))
    version = ProcedureVersion.objects.get(procedure__code="1.001193", number=1)
    assert version.handling_time_unit == TimeUnit.SAME_DAY
    assert export_catalogue() == same_day_document()


def test_a_same_day_handling_time_other_than_one_is_refused(agencies):
    document = same_day_document()
    document["procedures"][0]["versions"][0]["handling_time"] = "2"
    with translation.override("en"), pytest.raises(CatalogueError) as refused:
        import_catalogue(document)
    [problem] = refused.value.errors
    assert problem.location == "procedures[0].versions[0].handling_time"
    assert "its handling time is 1, not 2" in problem.message
    assert not ProcedureVersion.objects.exists()


def test_same_day_budgets_must_share_the_one_day(agencies):
    document = same_day_document()
    document["procedures"][0]["versions"][0]["process"][1]["budget"] = "0.25"
    with translation.override("en"), pytest.raises(CatalogueError) as refused:
        import_catalogue(document)
    [problem] = refused.value.errors
    assert problem.location == "procedures[0].versions[0].process"
    assert "add up to 1; they add up to 0.75 (difference -0.25)" in problem.message


def test_the_checks_directly():
    check_handling_time(handling_time=Decimal(1), unit=TimeUnit.SAME_DAY)
    check_handling_time(handling_time=Decimal(3), unit=TimeUnit.WORKING_DAYS)
    check_process_budget(
        procedure_code="1.001193",
        version_number=1,
        handling_time=Decimal(1),
        unit=TimeUnit.SAME_DAY,
        budgets=[Decimal("0.25")] * 4,
    )


@pytest.fixture
def same_day_version():
    return ProcedureVersionFactory.create(
        procedure=ProcedureFactory.create(code="1.001193"),
        name="Thủ tục đăng ký khai sinh",
        field=FieldFactory.create(code="G15-HT", name="Hộ tịch"),
        levels=["commune"],
        handling_time=Decimal(1),
    )


def test_the_admin_accepts_a_same_day_procedure(admin_client, same_day_version):
    response = admin_client.post(
        _change_url(same_day_version),
        _change_form(
            same_day_version,
            budgets=["0.25", "0.25", "0.25", "0.25"],
            handling_time_unit="same_day",
        ),
    )
    assert response.status_code == 302
    same_day_version.refresh_from_db()
    assert same_day_version.handling_time_unit == TimeUnit.SAME_DAY
    assert same_day_version.steps.count() == 4


def test_the_admin_offers_the_unit(admin_client, same_day_version):
    with translation.override("vi"):
        page = admin_client.get(_change_url(same_day_version)).content.decode()
    assert '<option value="same_day">' in page


def test_the_admin_refuses_a_same_day_handling_time_of_two(
    admin_client, same_day_version
):
    response = admin_client.post(
        _change_url(same_day_version),
        _change_form(
            same_day_version,
            budgets=["1", "1"],
            handling_time_unit="same_day",
            handling_time="2",
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["handling_time"]
    assert "its handling time is 1, not 2" in errors[0]
    assert not ProcessStep.objects.exists()
    assert reverse("admin:procedures_procedureversion_changelist")


def test_the_migration_writes_zero_working_days_as_one_same_day():
    """Migration 0002: a version written the old way (0 working days, which the dossier
    services read as same-day) becomes 1 same day, its steps sharing the day."""
    from django.apps import apps

    migration = importlib.import_module(
        "motcua.procedures.migrations.0002_same_day_unit"
    )
    old = ProcedureVersionFactory.create(
        handling_time=Decimal(0), handling_time_unit=TimeUnit.WORKING_DAYS
    )
    for position in (1, 2, 3):
        ProcessStepFactory.create(version=old, position=position, budget=Decimal(0))
    untouched = ProcedureVersionFactory.create(
        procedure=ProcedureFactory.create(code="1.000001"), handling_time=Decimal(3)
    )

    migration.zero_working_days_to_same_day(apps, None)

    old.refresh_from_db()
    untouched.refresh_from_db()
    assert (old.handling_time, old.handling_time_unit) == (Decimal(1), "same_day")
    # 1/3 to hundredths is 0.33; the last step takes what is left, 0.34
    assert [s.budget for s in old.steps.order_by("position")] == [
        Decimal("0.33"),
        Decimal("0.33"),
        Decimal("0.34"),
    ]
    assert (untouched.handling_time, untouched.handling_time_unit) == (
        Decimal(3),
        "working_days",
    )


@pytest.mark.django_db
def test_the_legal_time_in_words_never_says_one_same_day():
    """A slip or a page writes "Trong ngày" for a same-day procedure, not "1 trong ngày",
    and "3 ngày làm việc" or "0,5 ngày làm việc" otherwise (Vietnamese decimal comma)."""
    from motcua.procedures.tests.factories import ProcedureVersionFactory

    same_day = ProcedureVersionFactory.build(
        handling_time=Decimal(1), handling_time_unit=TimeUnit.SAME_DAY
    )
    three = ProcedureVersionFactory.build(handling_time=Decimal("3.00"))
    half = ProcedureVersionFactory.build(handling_time=Decimal("0.50"))
    with translation.override("vi"):
        assert same_day.handling_time_text == "Trong ngày"
        assert three.handling_time_text == "3 ngày làm việc"
        assert half.handling_time_text == "0,5 ngày làm việc"
