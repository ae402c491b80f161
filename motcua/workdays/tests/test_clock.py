"""The working-day clock against the official schedules of 2024–2026 and spec 06 §3.

No database here: the clock is pure. Every expected moment is worked by hand from the
notice cited in the test's docstring; weekdays are written out to make the count checkable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.workdays.clock import (
    MAX_YEAR,
    MIN_YEAR,
    UNCONFIRMED_PACKAGE_HOLIDAYS,
    VN_TZ,
    AppointmentTime,
    CalendarError,
    DayKind,
    DayOverride,
    OfficeHours,
    OutOfCalendarRange,
    WorkCalendar,
)

#: The New Year 2026 swap the package (0.109) does not know: VPCP 12729/VPCP-KGVX
#: (25/12/2025). The database seeds the same rows (migration 0002).
NEW_YEAR_2026 = [
    DayOverride(dt.date(2026, 1, 2), is_working=False, reason="Tết Dương lịch 2026"),
    DayOverride(dt.date(2026, 1, 10), is_working=True, reason="Làm bù 02/01/2026"),
]


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def cal():
    """The national calendar as the system uses it: 24/11 not counted (spec 06 §1)."""
    return WorkCalendar(
        overrides=NEW_YEAR_2026, uncounted_holidays=UNCONFIRMED_PACKAGE_HOLIDAYS
    )


def _exceptions(calendar, year):
    days_off = {
        d.day
        for d in calendar.days_of_year(year)
        if d.day.weekday() < 5 and not d.is_working
    }
    weekend_work = {
        d.day
        for d in calendar.days_of_year(year)
        if d.day.weekday() >= 5 and d.is_working
    }
    return days_off, weekend_work


# ------------------------------------------------------------- whole-year schedules


def test_2024_schedule_matches_the_official_notices(cal):
    """2024: Tết Dương lịch Mon 1/1 (BLLĐ Điều 112); Tết Thu 8/2 – Wed 14/2
    (VPCP 8662/VPCP-KGVX, 03/11/2023); Giỗ Tổ Thu 18/4; 27/4–1/5 with Mon 29/4 swapped
    for Sat 4/5 (VPCP 2450/VPCP-KGVX, 12/4/2024); Quốc khánh Sat 31/8 – Tue 3/9 (8662)."""
    days_off, weekend_work = _exceptions(cal, 2024)

    assert days_off == {
        dt.date(2024, 1, 1),
        *(dt.date(2024, 2, d) for d in (8, 9, 12, 13, 14)),
        dt.date(2024, 4, 18),
        dt.date(2024, 4, 29),
        dt.date(2024, 4, 30),
        dt.date(2024, 5, 1),
        dt.date(2024, 9, 2),
        dt.date(2024, 9, 3),
    }
    assert weekend_work == {dt.date(2024, 5, 4)}


def test_2025_schedule_matches_the_official_notices(cal):
    """2025 (VPCP 8726/VPCP-KGVX, 26/11/2024; Thông báo 6150/TB-BLĐTBXH): Tết Dương lịch
    Wed 1/1; Tết Sat 25/1 – Sun 2/2, i.e. Mon 27/1 – Fri 31/1 off; Giỗ Tổ Mon 7/4;
    30/4–4/5 with Fri 2/5 swapped for Sat 26/4; Quốc khánh Sat 30/8 – Tue 2/9."""
    days_off, weekend_work = _exceptions(cal, 2025)

    assert days_off == {
        dt.date(2025, 1, 1),
        *(dt.date(2025, 1, d) for d in (27, 28, 29, 30, 31)),
        dt.date(2025, 4, 7),
        dt.date(2025, 4, 30),
        dt.date(2025, 5, 1),
        dt.date(2025, 5, 2),
        dt.date(2025, 9, 1),
        dt.date(2025, 9, 2),
    }
    assert weekend_work == {dt.date(2025, 4, 26)}


def test_2026_schedule_matches_the_official_notices(cal):
    """2026: Tết Dương lịch Thu 1/1 – Sun 4/1 with Fri 2/1 swapped for Sat 10/1
    (VPCP 12729/VPCP-KGVX, 25/12/2025 — the override); Tết Sat 14/2 – Sun 22/2 and
    Quốc khánh Sat 29/8 – Wed 2/9 with Mon 31/8 swapped for Sat 22/8 (Thông báo
    9441/TB-BNV, 16/10/2025); Giỗ Tổ Sun 26/4 in lieu Mon 27/4 (BLLĐ Điều 111 khoản 3);
    30/4–1/5 Thu–Fri. Tue 24/11 stays a working day (enactment UNCONFIRMED)."""
    days_off, weekend_work = _exceptions(cal, 2026)

    assert days_off == {
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 2),
        *(dt.date(2026, 2, d) for d in (16, 17, 18, 19, 20)),
        dt.date(2026, 4, 27),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 1),
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 2),
    }
    assert weekend_work == {dt.date(2026, 1, 10), dt.date(2026, 8, 22)}


# --------------------------------------------------------------------- day_info


def test_day_info_names_the_holiday_the_make_up_day_and_the_override(cal):
    """VPCP 2450/VPCP-KGVX (2024): Sat 4/5/2024 is worked instead of Mon 29/4/2024."""
    assert cal.day_info(dt.date(2024, 2, 10)).kind is DayKind.HOLIDAY
    assert cal.day_info(dt.date(2024, 2, 10)).reason == "Tết Nguyên Đán"

    makeup = cal.day_info(dt.date(2024, 5, 4))
    assert makeup.kind is DayKind.MAKEUP_WORKING_DAY
    assert makeup.counterpart == dt.date(2024, 4, 29)
    assert makeup.is_working

    assert cal.day_info(dt.date(2026, 1, 2)).kind is DayKind.OVERRIDE_DAY_OFF
    assert cal.day_info(dt.date(2026, 1, 10)).kind is DayKind.OVERRIDE_WORKING_DAY
    assert cal.day_info(dt.date(2024, 3, 9)).kind is DayKind.WEEKEND
    assert cal.day_info(dt.date(2024, 3, 8)).kind is DayKind.WORKING


def test_culture_day_is_counted_only_when_configured_or_overridden():
    """Ngày Văn hóa Việt Nam, Tue 24/11/2026 (NQ 80-NQ/TW; BLLĐ amendment UNCONFIRMED,
    spec 06 §1): not a day off by default, a day off once switched on."""
    culture_day = dt.date(2026, 11, 24)
    by_default = WorkCalendar(uncounted_holidays=UNCONFIRMED_PACKAGE_HOLIDAYS)
    enacted = WorkCalendar(uncounted_holidays=())
    by_notice = WorkCalendar(
        uncounted_holidays=UNCONFIRMED_PACKAGE_HOLIDAYS,
        overrides=[DayOverride(culture_day, is_working=False, reason="Ngày Văn hóa")],
    )

    info = by_default.day_info(culture_day)
    assert info.kind is DayKind.WORKING
    assert info.uncounted_holiday == "Ngày Văn hóa Việt Nam"
    assert enacted.day_info(culture_day).kind is DayKind.HOLIDAY
    assert by_notice.day_info(culture_day).kind is DayKind.OVERRIDE_DAY_OFF


def test_overrides_win_over_the_package():
    """Overrides win (spec 06 §2): a working day on Quốc khánh Tue 3/9/2024, a day off
    on the make-up Saturday 4/5/2024."""
    calendar = WorkCalendar(
        overrides=[
            DayOverride(dt.date(2024, 9, 3), is_working=True, reason="Trực"),
            DayOverride(dt.date(2024, 5, 4), is_working=False, reason="Nghỉ"),
        ]
    )
    assert calendar.is_working_day(dt.date(2024, 9, 3))
    assert not calendar.is_working_day(dt.date(2024, 5, 4))


# ------------------------------------------------------------- add_working_days


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Tết 2024 (VPCP 8662/VPCP-KGVX): Wed 7/2 + Thu 15/2 (1), Fri 16/2 (2), Mon 19/2 (3)
        pytest.param(at(2024, 2, 7), 3, at(2024, 2, 19), id="tet-2024"),
        # 30/4 2024 (VPCP 2450): Fri 26/4 → Thu 2/5 (1), Fri 3/5 (2), Sat 4/5 make-up (3)
        pytest.param(at(2024, 4, 26, 10), 3, at(2024, 5, 4, 10), id="makeup-sat-2024"),
        # Quốc khánh 2024 (8662): Fri 30/8 → Mon 2/9, Tue 3/9 off → Wed 4/9 (1)
        pytest.param(
            at(2024, 8, 30, 14), 1, at(2024, 9, 4, 14), id="national-day-2024"
        ),
        # Tết Dương lịch 2024: Fri 29/12/2023 → Mon 1/1 off → Tue 2/1/2024 (1)
        pytest.param(at(2023, 12, 29), 1, at(2024, 1, 2), id="new-year-2024"),
        # Giỗ Tổ 2024 Thu 18/4: Wed 17/4 → Fri 19/4 (1)
        pytest.param(at(2024, 4, 17), 1, at(2024, 4, 19), id="hung-kings-2024"),
        # Tết 2025 (6150/TB-BLĐTBXH): Fri 24/1 → 27–31/1 off → Mon 3/2 (1)
        pytest.param(at(2025, 1, 24, 8), 1, at(2025, 2, 3, 8), id="tet-2025"),
        # 30/4 2025 (6150): Fri 25/4 → Sat 26/4 make-up (1)
        pytest.param(at(2025, 4, 25), 1, at(2025, 4, 26), id="makeup-sat-2025"),
        # 30/4 2025: Tue 29/4 → 30/4, 1/5, 2/5 off, 3–4/5 weekend → Mon 5/5 (1)
        pytest.param(at(2025, 4, 29), 1, at(2025, 5, 5), id="reunification-2025"),
        # Quốc khánh 2025 (6150): Fri 29/8 → Mon 1/9, Tue 2/9 off → Wed 3/9 (1)
        pytest.param(
            at(2025, 8, 29, 16), 1, at(2025, 9, 3, 16), id="national-day-2025"
        ),
        # Tết Dương lịch 2025: Tue 31/12/2024 → Wed 1/1 off → Thu 2/1/2025 (1)
        pytest.param(at(2024, 12, 31, 10), 1, at(2025, 1, 2, 10), id="new-year-2025"),
        # Tết 2026 (9441/TB-BNV): Fri 13/2 → 16–20/2 off → Mon 23/2 (1)
        pytest.param(at(2026, 2, 13, 10), 1, at(2026, 2, 23, 10), id="tet-2026"),
        # Giỗ Tổ in lieu Mon 27/4/2026, 30/4–1/5 Thu–Fri: Fri 24/4 → Tue 28/4 (1),
        # Wed 29/4 (2), Mon 4/5 (3)
        pytest.param(at(2026, 4, 24), 3, at(2026, 5, 4), id="april-2026"),
        # Quốc khánh 2026 (9441/TB-BNV): Fri 21/8 → Sat 22/8 make-up (1)
        pytest.param(at(2026, 8, 21, 10), 1, at(2026, 8, 22, 10), id="makeup-sat-2026"),
        # Fri 28/8/2026 → Mon 31/8 swapped, 1–2/9 off → Thu 3/9 (1)
        pytest.param(
            at(2026, 8, 28, 10), 1, at(2026, 9, 3, 10), id="national-day-2026"
        ),
        # New Year 2026 (12729/VPCP-KGVX): Wed 31/12/2025 → 1/1, 2/1 off → Mon 5/1 (1)
        pytest.param(at(2025, 12, 31), 1, at(2026, 1, 5), id="new-year-2026"),
        # Fri 9/1/2026 → Sat 10/1 make-up (1)
        pytest.param(at(2026, 1, 9), 1, at(2026, 1, 10), id="new-year-makeup-2026"),
    ],
)
def test_add_working_days_across_the_official_schedules(cal, received, days, due):
    assert cal.add_working_days(received, days) == due


def test_reception_outside_office_hours_counts_from_the_next_session(cal):
    """Spec 06 §3 rule 3: received online Sat 3/2/2024 10:00 or Fri 2/2/2024 18:00 is
    received Mon 5/2 07:00 (the default morning start); + 1 working day = Tue 6/2 07:00.
    At lunch (Mon 5/2 12:00) it is received at 13:30."""
    assert cal.add_working_days(at(2024, 2, 3, 10), 1) == at(2024, 2, 6, 7, 0)
    assert cal.add_working_days(at(2024, 2, 2, 18), 1) == at(2024, 2, 6, 7, 0)
    assert cal.add_working_days(at(2024, 2, 5, 12), 1) == at(2024, 2, 6, 13, 30)


def test_end_of_session_policy_dates_the_appointment_at_the_session_end(cal):
    """Spec 06 §3 rule 5 (UNCONFIRMED) as ``end_of_session``: Wed 7/2/2024 09:00 + 3 →
    Mon 19/2 at 11:30; 14:00 + 3 → Mon 19/2 at 17:00."""
    policy = AppointmentTime.END_OF_SESSION
    assert cal.add_working_days(at(2024, 2, 7, 9), 3, appointment_time=policy) == at(
        2024, 2, 19, 11, 30
    )
    assert cal.add_working_days(at(2024, 2, 7, 14), 3, appointment_time=policy) == at(
        2024, 2, 19, 17, 0
    )


def test_calendar_default_policy_applies_when_none_is_given():
    calendar = WorkCalendar(appointment_time=AppointmentTime.END_OF_SESSION)
    assert calendar.add_working_days(at(2024, 3, 4, 9), 1) == at(2024, 3, 5, 11, 30)


def test_moments_in_another_zone_are_read_in_vietnam(cal):
    """02:00 UTC is 09:00 in Asia/Ho_Chi_Minh: Wed 7/2/2024 + 3 = Mon 19/2 09:00+07."""
    received = dt.datetime(2024, 2, 7, 2, 0, tzinfo=dt.UTC)
    due = cal.add_working_days(received, 3)
    assert due.isoformat() == "2024-02-19T09:00:00+07:00"


@pytest.mark.parametrize("days", [-1, 1.5, True, "3"])
def test_add_working_days_refuses_what_is_not_a_whole_number(cal, days):
    with pytest.raises(CalendarError):
        cal.add_working_days(at(2024, 3, 4), days)


def test_naive_moments_are_refused(cal):
    with pytest.raises(CalendarError, match="no time zone"):
        cal.add_working_days(dt.datetime(2024, 3, 4, 9, 0), 1)  # noqa: DTZ001


# ---------------------------------------------------------- next_working_moment


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(at(2024, 3, 4, 6), at(2024, 3, 4, 7, 0), id="before-opening"),
        pytest.param(at(2024, 3, 4, 7, 0), at(2024, 3, 4, 7, 0), id="at-opening"),
        pytest.param(at(2024, 3, 4, 7, 15), at(2024, 3, 4, 7, 15), id="early-morning"),
        pytest.param(at(2024, 3, 4, 10), at(2024, 3, 4, 10), id="inside-morning"),
        pytest.param(at(2024, 3, 4, 11, 30), at(2024, 3, 4, 13, 30), id="morning-end"),
        pytest.param(at(2024, 3, 4, 12), at(2024, 3, 4, 13, 30), id="lunch"),
        pytest.param(at(2024, 3, 4, 17), at(2024, 3, 5, 7, 0), id="closing"),
        pytest.param(at(2024, 3, 8, 18), at(2024, 3, 11, 7, 0), id="friday-evening"),
        pytest.param(at(2024, 2, 7, 17), at(2024, 2, 15, 7, 0), id="eve-of-tet-2024"),
    ],
)
def test_next_working_moment(cal, moment, expected):
    """Default sessions 07:00–11:30 and 13:30–17:00: Mon 4/3/2024 07:15 is already inside
    the morning session; 17:00 (Mon) and Fri 8/3 18:00 move to the next working day's
    07:00; Wed 7/2/2024 17:00 skips Tết 8–14/2 (VPCP 8662/VPCP-KGVX) to Thu 15/2 07:00."""
    assert cal.next_working_moment(moment) == expected


# ------------------------------------------------------------ add_working_hours


def test_working_hours_skip_the_lunch_break(cal):
    """Mon 4/3/2024 10:30 + 2 h: 10:30–11:30 (1 h), 13:30–14:30 (1 h) → 14:30."""
    assert cal.add_working_hours(at(2024, 3, 4, 10, 30), 2) == at(2024, 3, 4, 14, 30)


def test_working_hours_skip_the_weekend(cal):
    """Fri 1/3/2024 16:00 + 8 h: Fri 16:00–17:00 (1 h), Mon 4/3 07:00–11:30 (4.5 h),
    13:30–16:00 (2.5 h) → Mon 16:00 (1 + 4.5 + 2.5 = 8: the default sessions hold one
    8-hour day, so 8 h from 16:00 end at 16:00 on the next working day)."""
    assert cal.add_working_hours(at(2024, 3, 1, 16), 8) == at(2024, 3, 4, 16, 0)


def test_a_limit_ending_with_the_session_is_due_at_its_end(cal):
    """Mon 4/3/2024 07:30 + 7.5 h: 07:30–11:30 (4 h), 13:30–17:00 (3.5 h) → due Mon
    17:00, not Tue 07:00. Mon 07:00 + 4.5 h fills the morning: due 11:30, not 13:30."""
    assert cal.add_working_hours(at(2024, 3, 4, 7, 30), Decimal("7.5")) == at(
        2024, 3, 4, 17
    )
    assert cal.add_working_hours(at(2024, 3, 4, 7, 0), Decimal("4.5")) == at(
        2024, 3, 4, 11, 30
    )


def test_eight_hours_are_one_working_day_with_the_default_sessions(cal):
    """QĐ 188/1999/QĐ-TTg: 8 hours a day. Default sessions 07:00–11:30 (4.5 h) and
    13:30–17:00 (3.5 h) = 8 h. Mon 4/3/2024 07:00 + 8 h = Mon 17:00 (the whole day, not
    Tue 07:00), and Mon 07:00 → Mon 17:00 is 8 h of working time. Mon 09:00 + 8 h:
    09:00–11:30 (2.5 h), 13:30–17:00 (3.5 h), Tue 5/3 07:00–09:00 (2 h) → Tue 09:00."""
    assert OfficeHours().day_length == dt.timedelta(hours=8)
    assert cal.add_working_hours(at(2024, 3, 4, 7, 0), 8) == at(2024, 3, 4, 17, 0)
    assert cal.working_time_between(at(2024, 3, 4, 7, 0), at(2024, 3, 4, 17, 0)) == (
        dt.timedelta(hours=8)
    )
    assert cal.add_working_hours(at(2024, 3, 4, 9), 8) == at(2024, 3, 5, 9)


def test_eight_hours_are_one_day_with_other_eight_hour_sessions():
    """A province with sessions 07:30–11:30 (4 h) and 13:00–17:00 (4 h) also works 8 h
    (QĐ 188/1999): Mon 4/3/2024 09:00 + 8 h = 09:00–11:30 (2.5 h), 13:00–17:00 (4 h),
    Tue 5/3 07:30–09:00 (1.5 h) → Tue 09:00; Mon 07:30 + 8 h = Mon 17:00."""
    hours = OfficeHours(
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(17, 0),
    )
    calendar = WorkCalendar(office_hours=hours)
    assert hours.day_length == dt.timedelta(hours=8)
    assert calendar.add_working_hours(at(2024, 3, 4, 9), 8) == at(2024, 3, 5, 9)
    assert calendar.add_working_hours(at(2024, 3, 4, 7, 30), 8) == at(2024, 3, 4, 17)
    assert calendar.next_working_moment(at(2024, 3, 4, 7, 15)) == at(2024, 3, 4, 7, 30)


def test_half_an_hour_across_lunch_with_float_hours(cal):
    """Mon 4/3/2024 11:15 + 0.5 h: 15 min before lunch, 15 min after → 13:45."""
    assert cal.add_working_hours(at(2024, 3, 4, 11, 15), 0.5) == at(2024, 3, 4, 13, 45)


def test_working_hours_from_a_holiday_start_after_it(cal):
    """Received during Tết 2024 (VPCP 8662/VPCP-KGVX), Sat 10/2 10:00: counted from
    Thu 15/2 07:00; + 1 h → Thu 15/2 08:00."""
    assert cal.add_working_hours(at(2024, 2, 10, 10), 1) == at(2024, 2, 15, 8, 0)


@pytest.mark.parametrize("hours", [-1, Decimal("NaN"), float("inf"), "abc"])
def test_add_working_hours_refuses_bad_numbers(cal, hours):
    with pytest.raises(CalendarError):
        cal.add_working_hours(at(2024, 3, 4), hours)


# --------------------------------------------------------- working_time_between


def test_working_time_between_two_days(cal):
    """Mon 4/3/2024 09:00 → Tue 5/3 10:00: 09:00–11:30 (2 h 30) + 13:30–17:00 (3 h 30)
    on Monday, 07:00–10:00 (3 h) on Tuesday = 9 h."""
    assert cal.working_time_between(at(2024, 3, 4, 9), at(2024, 3, 5, 10)) == (
        dt.timedelta(hours=9)
    )


def test_working_time_excludes_one_pause(cal):
    """Same span (9 h), paused Mon 14:00 → Tue 08:00 (supplementation): minus Mon
    14:00–17:00 (3 h) and Tue 07:00–08:00 (1 h) = 5 h."""
    pause = (at(2024, 3, 4, 14), at(2024, 3, 5, 8))
    assert cal.working_time_between(
        at(2024, 3, 4, 9), at(2024, 3, 5, 10), pauses=[pause]
    ) == dt.timedelta(hours=5)


def test_overlapping_pauses_are_counted_once(cal):
    """Pauses Mon 10:00–14:00 and 13:00–15:00 cover 10:00–15:00: the working part is
    10:00–11:30 and 13:30–15:00 = 3 h; 9 h − 3 h = 6 h (not 5 h 30, which double
    counting 13:30–14:00 would give)."""
    pauses = [
        (at(2024, 3, 4, 13), at(2024, 3, 4, 15)),
        (at(2024, 3, 4, 10), at(2024, 3, 4, 14)),
    ]
    assert cal.working_time_between(
        at(2024, 3, 4, 9), at(2024, 3, 5, 10), pauses=pauses
    ) == dt.timedelta(hours=6)


def test_working_time_across_tet_counts_only_working_sessions(cal):
    """Wed 7/2/2024 16:00 → Thu 15/2 08:00 across Tết (VPCP 8662/VPCP-KGVX): 16:00–17:00
    (1 h) on Wednesday + 07:00–08:00 (1 h) on Thursday = 2 h."""
    assert cal.working_time_between(at(2024, 2, 7, 16), at(2024, 2, 15, 8)) == (
        dt.timedelta(hours=2)
    )


def test_working_time_of_a_reversed_span_is_zero_and_a_reversed_pause_an_error(cal):
    assert cal.working_time_between(at(2024, 3, 5), at(2024, 3, 4)) == dt.timedelta()
    with pytest.raises(CalendarError, match="before it starts"):
        cal.working_time_between(
            at(2024, 3, 4, 9),
            at(2024, 3, 5, 10),
            pauses=[(at(2024, 3, 4, 12), at(2024, 3, 4, 11))],
        )


# ------------------------------------------------------------------ apply_cutoff


@pytest.mark.parametrize(
    ("received", "transferred"),
    [
        pytest.param(at(2024, 3, 6, 14, 59), at(2024, 3, 6, 14, 59), id="before-15"),
        pytest.param(at(2024, 3, 6, 15, 0), at(2024, 3, 6, 15, 0), id="at-15"),
        pytest.param(at(2024, 3, 6, 15, 1), at(2024, 3, 7, 7, 0), id="after-15"),
        pytest.param(at(2024, 3, 8, 16), at(2024, 3, 11, 7, 0), id="friday"),
        # Wed 7/2/2024 before Tết (VPCP 8662/VPCP-KGVX) → Thu 15/2
        pytest.param(at(2024, 2, 7, 15, 30), at(2024, 2, 15, 7, 0), id="before-tet"),
        # Fri 25/4/2025 → Sat 26/4/2025, the make-up day (6150/TB-BLĐTBXH)
        pytest.param(at(2025, 4, 25, 15, 30), at(2025, 4, 26, 7, 0), id="to-makeup"),
        pytest.param(at(2024, 3, 10, 9), at(2024, 3, 11, 7, 0), id="sunday"),
    ],
)
def test_apply_cutoff(cal, received, transferred):
    """NĐ 61/2018 Điều 16: received after 15:00 → transferred at the start of the next
    working day (07:00 with the default sessions); up to 15:00 → the same moment."""
    assert cal.apply_cutoff(received) == transferred


def test_cutoff_follows_the_office_hours():
    calendar = WorkCalendar(office_hours=OfficeHours(cutoff=dt.time(16, 0)))
    assert calendar.apply_cutoff(at(2024, 3, 6, 15, 30)) == at(2024, 3, 6, 15, 30)


# ------------------------------------------------------------------ office hours


def test_office_hours_change_on_their_valid_from_date():
    """Hours valid from 1/7/2025 (06:30–11:00, 13:30–17:00) apply from that day on; the
    day before keeps the defaults (07:00–11:30). Mon 30/6/2025 06:15 → 07:00 and 11:15
    stays 11:15; Tue 1/7/2025 06:15 → 06:30 and 11:15 → 13:30 (morning over at 11:00)."""
    summer = OfficeHours(morning_start=dt.time(6, 30), morning_end=dt.time(11, 0))
    calendar = WorkCalendar(office_hours=[(dt.date(2025, 7, 1), summer)])
    assert calendar.hours_on(dt.date(2025, 7, 1)) == summer
    assert calendar.hours_on(dt.date(2025, 6, 30)) == OfficeHours()
    assert calendar.next_working_moment(at(2025, 6, 30, 6, 15)) == at(2025, 6, 30, 7, 0)
    assert calendar.next_working_moment(at(2025, 7, 1, 6, 15)) == at(2025, 7, 1, 6, 30)
    assert calendar.next_working_moment(at(2025, 6, 30, 11, 15)) == at(
        2025, 6, 30, 11, 15
    )
    assert calendar.next_working_moment(at(2025, 7, 1, 11, 15)) == at(
        2025, 7, 1, 13, 30
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"morning_start": dt.time(12, 0)},
        {"afternoon_start": dt.time(11, 0)},
        {"cutoff": dt.time(18, 0)},
    ],
)
def test_office_hours_out_of_order_are_refused(kwargs):
    with pytest.raises(CalendarError):
        OfficeHours(**kwargs)


# ------------------------------------------------------ calendar days and months


def test_calendar_days_skip_nothing_unless_rolled_forward(cal):
    """Fri 26/4/2024 10:00 + 3 days = Mon 29/4 10:00, a swapped day off (VPCP 2450);
    rolled forward (BLDS 2015 Điều 148 khoản 5) past 29/4, 30/4, 1/5 to the end of
    Thu 2/5."""
    assert cal.add_calendar_days(at(2024, 4, 26, 10), 3) == at(2024, 4, 29, 10)
    assert cal.add_calendar_days(at(2024, 4, 26, 10), 3, roll_forward=True) == at(
        2024, 5, 2, 17
    )
    assert cal.add_calendar_days(at(2024, 3, 4, 10), 0) == at(2024, 3, 4, 10)


def test_months_roll_forward_past_the_days_off(cal):
    """Fri 29/3/2024 + 1 month = Mon 29/4/2024, swapped day off (VPCP 2450/VPCP-KGVX);
    rolled forward to the end of Thu 2/5/2024."""
    assert cal.add_months(at(2024, 3, 29), 1) == at(2024, 4, 29)
    assert cal.add_months(at(2024, 3, 29), 1, roll_forward=True) == at(2024, 5, 2, 17)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        pytest.param(at(2024, 1, 31), 1, at(2024, 2, 29), id="leap-february"),
        pytest.param(at(2025, 1, 31), 1, at(2025, 2, 28), id="february"),
        pytest.param(at(2024, 11, 30), 2, at(2025, 1, 30), id="over-new-year"),
        pytest.param(at(2024, 3, 15), 12, at(2025, 3, 15), id="a-year"),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_one(cal, start, months, due):
    """BLDS 2015 Điều 147: the same day of the last month, or its last day."""
    assert cal.add_months(start, months) == due


# ------------------------------------------------------------ the covered years


@pytest.mark.parametrize(
    "compute",
    [
        lambda c: c.add_working_days(at(2024, 2, 7), 99_999_999),
        lambda c: c.add_working_days(at(2100, 12, 31), 1),  # Mon 3/1/2101
        lambda c: c.add_working_hours(at(2024, 2, 7), Decimal("1e12")),
        lambda c: c.add_working_hours(at(2100, 12, 31, 16), 2),
        lambda c: c.add_calendar_days(at(2024, 2, 7), 10**9),
        lambda c: c.add_calendar_days(at(2100, 12, 31), 1),
        lambda c: c.add_months(at(2024, 2, 7), 10**9),
        lambda c: c.add_months(at(2100, 12, 1), 1),
        lambda c: c.working_time_between(at(2024, 2, 7), at(9999, 12, 30)),
        lambda c: c.working_time_between(at(1900, 1, 1), at(2024, 2, 7)),
        lambda c: c.next_working_moment(at(9999, 12, 30)),
        lambda c: c.day_info(dt.date(1994, 12, 31)),
        lambda c: list(c.days_of_year(2101)),
        lambda c: c.is_working_moment(
            dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC)  # local time overflows
        ),
    ],
)
def test_outside_the_covered_years_is_refused(cal, compute):
    with pytest.raises(OutOfCalendarRange, match="1995–2100"):
        compute(cal)


def test_out_of_range_is_a_calendar_error_and_a_value_error():
    assert issubclass(OutOfCalendarRange, CalendarError)
    assert issubclass(OutOfCalendarRange, ValueError)
    assert (MIN_YEAR, MAX_YEAR) == (1995, 2100)


def test_the_bounds_themselves_are_covered(cal):
    # 1/1/1995 is a Sunday and its day off in lieu Mon 2/1 (BLLĐ 2019 Điều 111 khoản 3),
    # so Tue 3/1 is the first working day covered; Fri 31/12/2100 the last.
    assert cal.next_working_moment(at(1995, 1, 1)) == at(1995, 1, 3, 7)
    assert cal.is_working_day(dt.date(2100, 12, 31))
    assert cal.working_time_between(at(2100, 12, 31, 7), at(2100, 12, 31, 17)) == (
        dt.timedelta(hours=8)
    )
