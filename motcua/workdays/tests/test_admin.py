"""The admin lists of overrides and office hours open and filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.agencies.tests.factories import make_province
from motcua.workdays.tests.factories import CalendarOverrideFactory, OfficeHoursFactory

pytestmark = pytest.mark.django_db


def test_override_list_filters_by_kind_and_searches_reasons(admin_client):
    province = make_province()
    CalendarOverrideFactory(date=dt.date(2024, 3, 6), agency=province, reason="Bầu cử")
    url = reverse("admin:workdays_calendaroverride_changelist")

    found = admin_client.get(url, {"q": "Bầu", "kind__exact": "day_off"})
    missed = admin_client.get(url, {"q": "Bầu", "kind__exact": "working_day"})

    assert found.status_code == 200
    assert "Bầu cử" in found.content.decode()
    assert "Bầu cử" not in missed.content.decode()


def test_office_hours_list_opens(admin_client):
    OfficeHoursFactory(agency=make_province())
    response = admin_client.get(reverse("admin:workdays_officehours_changelist"))
    assert response.status_code == 200
    assert "000.00.00.H15" in response.content.decode()
