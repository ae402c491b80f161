"""Factories for calendar overrides and office hours."""

from __future__ import annotations

import datetime as dt

import factory

from motcua.workdays.models import CalendarOverride, OfficeHours, OverrideKind


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    date = dt.date(2024, 3, 6)
    agency = None
    kind = OverrideKind.DAY_OFF
    reason = "Nghỉ theo quyết định của tỉnh"
    legal_basis = ""


class OfficeHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficeHours

    agency = None
    valid_from = dt.date(2020, 1, 1)
    # The defaults of motcua.workdays.clock.OfficeHours (8 h a day, QĐ 188/1999).
    morning_start = dt.time(7, 0)
    morning_end = dt.time(11, 30)
    afternoon_start = dt.time(13, 30)
    afternoon_end = dt.time(17, 0)
    cutoff = dt.time(15, 0)
