"""The public catalogue: procedures in force today, searchable without accents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from motcua.procedures.choices import OnlineLevel, TimeUnit
from motcua.procedures.models import Field, Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db


def _version(code: str, name: str, field: Field, **kwargs) -> ProcedureVersion:
    procedure, _ = Procedure.objects.get_or_create(code=code)
    defaults = {
        "number": 1,
        "handling_time": Decimal(3),
        "handling_time_unit": TimeUnit.WORKING_DAYS,
        "online_level": OnlineLevel.FULL,
        "effective_from": dt.date(2025, 7, 1),
    }
    defaults.update(kwargs)
    return ProcedureVersion.objects.create(
        procedure=procedure, name=name, field=field, **defaults
    )


@pytest.fixture
def catalogue():
    civil = Field.objects.create(code="G15-HT", name="Hộ tịch")
    land = Field.objects.create(code="G10-DD", name="Đất đai")
    _version("1.001193", "Thủ tục đăng ký khai sinh", civil)
    _version("1.000894", "Thủ tục đăng ký kết hôn", civil)
    _version("1.115271", "Cấp lại Giấy chứng nhận đã cấp do bị mất.", land)
    # an expired version must not be listed
    _version(
        "1.004884",
        "Thủ tục đăng ký lại khai sinh (cũ)",
        civil,
        effective_from=dt.date(2020, 1, 1),
        effective_to=dt.date(2025, 6, 30),
    )
    return civil, land


def test_search_without_accents_finds_the_accented_name(client, catalogue):
    response = client.get(reverse("portal:procedure-list"), {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    names = [v.name for v in response.context["versions"]]
    assert names == ["Thủ tục đăng ký khai sinh"]


def test_search_by_code_and_by_field(client, catalogue):
    _, land = catalogue
    by_code = client.get(reverse("portal:procedure-list"), {"q": "1.000894"})
    assert [v.procedure.code for v in by_code.context["versions"]] == ["1.000894"]
    by_field = client.get(reverse("portal:procedure-list"), {"field": land.code})
    assert [v.procedure.code for v in by_field.context["versions"]] == ["1.115271"]


def test_list_shows_only_versions_in_force_and_does_not_query_per_row(
    client, catalogue, django_assert_max_num_queries
):
    civil, _ = catalogue
    for n in range(20):
        _version(f"2.{n:06d}", f"Thủ tục thử nghiệm {n}", civil)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portal:procedure-list"))
    codes = {v.procedure.code for v in response.context["versions"]}
    assert "1.004884" not in codes
    assert response.context["paginator"].count == 23
    assert "Thủ tục đăng ký khai sinh" in response.content.decode()


def test_detail_shows_the_version_in_force_and_404_for_unknown_code(client, catalogue):
    response = client.get(reverse("portal:procedure-detail", args=["1.001193"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thủ tục đăng ký khai sinh" in body
    assert "01/07/2025" in body  # effective date written dd/mm/yyyy
    assert (
        client.get(reverse("portal:procedure-detail", args=["9.999999"])).status_code
        == 404
    )
    assert (
        client.get(reverse("portal:procedure-detail", args=["1.004884"])).status_code
        == 404
    )
