"""Admin screens of the organisation."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency, AgencySuccession


class SuccessionInline(admin.TabularInline[AgencySuccession, Agency]):
    model = AgencySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("successor")
    verbose_name_plural = _("successors (reorganisation)")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = [
        "identifier",
        "name",
        "level",
        "kind",
        "parent",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["level", "kind", ("valid_to", admin.EmptyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["identifier", "name", "short_name", "admin_unit_code"]
    autocomplete_fields = ["parent"]
    inlines = [SuccessionInline]
    fieldsets = [
        (
            None,
            {"fields": ["identifier", "name", "short_name", "level", "kind", "parent"]},
        ),
        (_("Codes and address"), {"fields": ["admin_unit_code", "address"]}),
        (_("Validity"), {"fields": ["valid_from", "valid_to", "legal_basis"]}),
    ]


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(admin.ModelAdmin[AgencySuccession]):
    list_display = ["predecessor", "successor", "kind", "effective_on", "legal_basis"]
    list_filter = ["kind", "effective_on"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]
