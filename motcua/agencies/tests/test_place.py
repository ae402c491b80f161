"""The place name (địa danh) an agency's documents are dated from (NĐ 30/2020/NĐ-CP Phụ lục
I): the administrative unit where it has its seat."""

from __future__ import annotations

import pytest

from motcua.agencies.choices import AgencyLevel
from motcua.agencies.models import Agency
from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.demo.services import load_demo_province

pytestmark = pytest.mark.django_db


def test_an_agency_without_a_place_of_its_own_takes_its_parents():
    province = make_province()
    province.place_name = "Buôn Ma Thuột"
    province.save()
    department = AgencyFactory.create(parent=province, name="Sở Tư pháp tỉnh Đắk Lắk")
    ward = AgencyFactory.create(
        parent=province, level=AgencyLevel.COMMUNE, place_name="Tân An"
    )
    unplaced = AgencyFactory.create(parent=None)

    assert department.place == "Buôn Ma Thuột"
    assert ward.place == "Tân An"
    assert unplaced.place == ""


def test_the_demo_dates_provincial_documents_from_the_seat_and_communes_from_themselves():
    load_demo_province()
    places = dict(Agency.objects.values_list("identifier", "place_name"))

    assert all(places.values())  # every demo agency names its own place
    assert places["000.00.00.H15"] == "Buôn Ma Thuột"  # UBND tỉnh Đắk Lắk
    assert places["000.00.03.H15"] == "Buôn Ma Thuột"  # Sở Tư pháp
    assert places["000.00.02.H15"] == "Buôn Ma Thuột"  # TTPVHCC tỉnh
    assert places["000.01.51.H15"] == "Buôn Ma Thuột"  # TTPVHCC phường Buôn Ma Thuột
    assert places["000.00.52.H15"] == "Tân An"  # UBND phường Tân An
    assert places["000.02.40.H15"] == "Tân An"  # Công an phường Tân An
    assert places["000.01.57.H15"] == "Hòa Xuân"  # TTPVHCC xã Hòa Xuân
    # a unit named by a number keeps its full name
    assert places["000.05.30.H45"] == "Phường 5"
