"""Admin screens of the working-day calendar."""

from __future__ import annotations

from django.contrib import admin

from motcua.workdays.models import CalendarOverride, OfficeHours


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["date", "kind", "agency", "reason", "legal_basis"]
    list_filter = ["kind", ("agency", admin.RelatedOnlyFieldListFilter), "date"]
    list_select_related = ["agency"]
    search_fields = ["reason", "legal_basis"]
    date_hierarchy = "date"
    ordering = ["-date"]
    autocomplete_fields = ["agency"]


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin[OfficeHours]):
    list_display = [
        "agency",
        "valid_from",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "cutoff",
        "legal_basis",
    ]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter), "valid_from"]
    list_select_related = ["agency"]
    search_fields = ["agency__name", "agency__identifier", "legal_basis"]
    ordering = ["agency", "-valid_from"]
    autocomplete_fields = ["agency"]
