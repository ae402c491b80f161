"""Read-only admin screens of dossiers: a back-office view of the register and the legal
history. Dossiers change only through the services (the API and, later, the officer
workspace), never by editing rows here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, OneStopRules
from motcua.dossiers.permissions import dossiers_visible_to


class ReadOnlyInline(admin.TabularInline[Any, Dossier]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StepInline(ReadOnlyInline):
    model = DossierStep
    fields = readonly_fields = (
        "position",
        "name",
        "agency",
        "started_at",
        "due_at",
        "finished_at",
    )


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = readonly_fields = (
        "sequence",
        "at",
        "action",
        "from_status",
        "to_status",
        "national_status",
        "actor_name",
        "note",
    )
    ordering = ["sequence"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin[Dossier]):
    list_display = [
        "code",
        "applicant_name",
        "procedure_version",
        "status",
        "received_at",
        "due_at",
        "handling_agency",
    ]
    list_filter = ["status", "channel", "handling_agency"]
    list_select_related = ["procedure_version__procedure", "handling_agency"]
    search_fields = ["=code", "applicant_name", "applicant_id_number"]
    date_hierarchy = "submitted_at"
    inlines = [StepInline, EventInline]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dossier]:
        # the same chokepoint as every page: an officer sees their agencies' dossiers
        return dossiers_visible_to(request.user).select_related(  # type: ignore[arg-type]
            "procedure_version__procedure", "handling_agency"
        )

    def get_readonly_fields(
        self, request: HttpRequest, obj: Dossier | None = None
    ) -> list[str]:
        return [field.name for field in Dossier._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Dossier | None = None
    ) -> bool:
        return False


@admin.register(OneStopRules)
class OneStopRulesAdmin(admin.ModelAdmin[OneStopRules]):
    list_display = [
        "effective_from",
        "legal_basis",
        "online_response_hours",
        "max_reschedules",
        "due_soon_working_hours",
    ]
