"""The calendar of an agency: database overrides over the package, most specific first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.workdays.clock import VN_TZ, AppointmentTime, DayKind, OfficeHours
from motcua.workdays.models import OverrideKind
from motcua.workdays.selectors import calendar_for
from motcua.workdays.tests.factories import CalendarOverrideFactory, OfficeHoursFactory

pytestmark = pytest.mark.django_db

WED_6_MARCH_2024 = dt.date(2024, 3, 6)
SUN_10_MARCH_2024 = dt.date(2024, 3, 10)


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def tree():
    """UBND tỉnh → Sở A → a unit of Sở A; Sở B beside Sở A."""
    province = make_province()
    department = AgencyFactory.create(name="Sở A", parent=province)
    unit = AgencyFactory.create(name="Phòng của Sở A", parent=department)
    sibling = AgencyFactory.create(name="Sở B", parent=province)
    return province, department, unit, sibling


def test_seeded_new_year_2026_swap_is_in_the_system_calendar():
    """Migration 0002 seeds VPCP 12729/VPCP-KGVX (25/12/2025): Fri 2/1/2026 off, Sat
    10/1/2026 worked. Wed 31/12/2025 09:00 + 1 working day → Mon 5/1/2026 09:00."""
    calendar = calendar_for()

    assert calendar.day_info(dt.date(2026, 1, 2)).kind is DayKind.OVERRIDE_DAY_OFF
    assert calendar.day_info(dt.date(2026, 1, 10)).kind is DayKind.OVERRIDE_WORKING_DAY
    assert calendar.add_working_days(at(2025, 12, 31), 1) == at(2026, 1, 5)


def test_an_extra_day_off_on_a_working_day():
    """Given a province-wide day off on Wed 6/3/2024, Tue 5/3 09:00 + 1 working day is
    Thu 7/3 09:00 instead of Wed 6/3."""
    CalendarOverrideFactory(date=WED_6_MARCH_2024, reason="Bầu cử")

    calendar = calendar_for()

    info = calendar.day_info(WED_6_MARCH_2024)
    assert (info.kind, info.reason) == (DayKind.OVERRIDE_DAY_OFF, "Bầu cử")
    assert calendar.add_working_days(at(2024, 3, 5), 1) == at(2024, 3, 7)


def test_an_extra_working_day_on_a_sunday():
    """Given a working Sunday 10/3/2024, Fri 8/3 10:00 + 1 working day is Sun 10/3."""
    CalendarOverrideFactory(
        date=SUN_10_MARCH_2024, kind=OverrideKind.WORKING_DAY, reason="Làm bù"
    )

    calendar = calendar_for()

    assert calendar.day_info(SUN_10_MARCH_2024).kind is DayKind.OVERRIDE_WORKING_DAY
    assert calendar.add_working_days(at(2024, 3, 8, 10), 1) == at(2024, 3, 10, 10)


def test_an_override_wins_over_a_package_holiday():
    """Given a working-day override on Quốc khánh Tue 3/9/2024 (8662/VPCP-KGVX makes it
    a day off), the system calendar counts it."""
    CalendarOverrideFactory(
        date=dt.date(2024, 9, 3), kind=OverrideKind.WORKING_DAY, reason="Trực"
    )
    assert calendar_for().is_working_day(dt.date(2024, 9, 3))


def test_an_agency_override_applies_to_its_children_not_to_siblings(tree):
    province, department, unit, sibling = tree
    CalendarOverrideFactory(date=WED_6_MARCH_2024, agency=department)

    assert not calendar_for(department).is_working_day(WED_6_MARCH_2024)
    assert not calendar_for(unit).is_working_day(WED_6_MARCH_2024)
    assert calendar_for(sibling).is_working_day(WED_6_MARCH_2024)
    assert calendar_for(province).is_working_day(WED_6_MARCH_2024)
    assert calendar_for().is_working_day(WED_6_MARCH_2024)


def test_the_most_specific_override_wins(tree):
    """System: day off; Sở A: working day; its unit: day off again."""
    province, department, unit, sibling = tree
    CalendarOverrideFactory(date=WED_6_MARCH_2024, reason="Cả tỉnh nghỉ")
    CalendarOverrideFactory(
        date=WED_6_MARCH_2024,
        agency=department,
        kind=OverrideKind.WORKING_DAY,
        reason="Sở A trực",
    )
    child = AgencyFactory.create(name="Phòng khác của Sở A", parent=department)
    CalendarOverrideFactory(date=WED_6_MARCH_2024, agency=unit, reason="Phòng nghỉ")

    assert calendar_for(province).day_info(WED_6_MARCH_2024).reason == "Cả tỉnh nghỉ"
    assert calendar_for(sibling).day_info(WED_6_MARCH_2024).reason == "Cả tỉnh nghỉ"
    assert calendar_for(department).day_info(WED_6_MARCH_2024).reason == "Sở A trực"
    assert calendar_for(child).is_working_day(WED_6_MARCH_2024)
    assert calendar_for(unit).day_info(WED_6_MARCH_2024).reason == "Phòng nghỉ"
    assert not calendar_for(unit).is_working_day(WED_6_MARCH_2024)


def test_office_hours_of_the_nearest_ancestor_then_system_then_defaults(tree):
    """Without rows: the defaults 07:00–11:30 / 13:30–17:00 (8 h, QĐ 188/1999). The
    province's morning starts 07:30 (06:30 from 1/7/2025), unlike the system's 07:00."""
    province, department, unit, sibling = tree
    assert calendar_for(unit).hours_on(WED_6_MARCH_2024) == OfficeHours()
    assert OfficeHours().morning_start == dt.time(7, 0)

    OfficeHoursFactory(afternoon_end=dt.time(17, 30))
    assert calendar_for(unit).hours_on(WED_6_MARCH_2024).afternoon_end == dt.time(
        17, 30
    )

    OfficeHoursFactory(agency=province, morning_start=dt.time(7, 30))
    OfficeHoursFactory(
        agency=province, valid_from=dt.date(2025, 7, 1), morning_start=dt.time(6, 30)
    )
    unit_calendar = calendar_for(unit)
    assert unit_calendar.hours_on(WED_6_MARCH_2024).morning_start == dt.time(7, 30)
    assert unit_calendar.hours_on(dt.date(2025, 7, 1)).morning_start == dt.time(6, 30)
    # The province's rows replace the system's: its afternoon ends at the default 17:00.
    assert unit_calendar.hours_on(WED_6_MARCH_2024).afternoon_end == dt.time(17, 0)

    OfficeHoursFactory(agency=unit, cutoff=dt.time(16, 0))
    assert calendar_for(unit).hours_on(WED_6_MARCH_2024).cutoff == dt.time(16, 0)
    assert calendar_for(sibling).hours_on(WED_6_MARCH_2024).morning_start == dt.time(
        7, 30
    )


def test_query_count_does_not_grow_with_the_overrides(tree, django_assert_num_queries):
    """Two ancestry look-ups (Sở A's parent, the province's parent), one query for the
    overrides, one for the office hours — whatever the number of rows."""
    province, department, unit, sibling = tree
    for offset in range(20):
        CalendarOverrideFactory(
            date=dt.date(2024, 3, 1) + dt.timedelta(days=offset),
            agency=(None, province, department, unit)[offset % 4],
        )
    OfficeHoursFactory(agency=province)

    with django_assert_num_queries(4):
        calendar = calendar_for(unit)
    with django_assert_num_queries(0):
        calendar.add_working_days(at(2024, 3, 1), 30)


def test_culture_day_follows_the_setting(settings):
    """24/11/2026 (NQ 80-NQ/TW; enactment UNCONFIRMED): worked by default, a day off once
    the setting stops excluding it or a day-off override is loaded."""
    culture_day = dt.date(2026, 11, 24)
    assert calendar_for().is_working_day(culture_day)

    settings.WORKDAYS_UNCOUNTED_HOLIDAYS = []
    assert not calendar_for().is_working_day(culture_day)

    del settings.WORKDAYS_UNCOUNTED_HOLIDAYS
    CalendarOverrideFactory(date=culture_day, reason="Ngày Văn hóa Việt Nam")
    assert not calendar_for().is_working_day(culture_day)


def test_appointment_time_follows_the_setting(settings):
    """Spec 06 §3 rule 5 (UNCONFIRMED): end_of_session dates Mon 4/3/2024 09:00 + 1 at
    Tue 5/3 11:30."""
    settings.WORKDAYS_APPOINTMENT_TIME = AppointmentTime.END_OF_SESSION.value
    assert calendar_for().add_working_days(at(2024, 3, 4), 1) == at(2024, 3, 5, 11, 30)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WORKDAYS_APPOINTMENT_TIME", "noon"),
        ("WORKDAYS_UNCOUNTED_HOLIDAYS", "Ngày Văn hóa Việt Nam"),
    ],
)
def test_bad_settings_name_themselves(settings, name, value):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        calendar_for()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"morning_end": dt.time(14, 0)}, "__all__"),
        ({"cutoff": dt.time(17, 30)}, "cutoff"),
    ],
)
def test_office_hours_rows_are_validated_like_the_clock(fields, error_field):
    row = OfficeHoursFactory.build(**fields)
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert error_field in caught.value.message_dict


def test_the_process_keeps_a_calendar_until_an_override_changes(
    settings, tree, django_assert_num_queries
):
    """An agency's calendar is built once (motcua/core/cache.py); a new override of an
    ancestor clears it, and the next calendar has the day off."""
    settings.REFERENCE_CACHE_SECONDS = 60
    province, department, unit, sibling = tree
    first = calendar_for(unit)
    with django_assert_num_queries(0):
        assert calendar_for(unit) is first
    assert first.is_working_day(WED_6_MARCH_2024)

    CalendarOverrideFactory(
        date=WED_6_MARCH_2024, agency=province, kind=OverrideKind.DAY_OFF
    )

    with django_assert_num_queries(4):
        rebuilt = calendar_for(unit)
    assert not rebuilt.is_working_day(WED_6_MARCH_2024)
