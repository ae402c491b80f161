"""Admin screens of accounts and roles."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = [
        "username",
        "full_name",
        "kind",
        "personal_id",
        "tax_code",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "personal_id", "tax_code", "email"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Identity"),
            {"fields": ["kind", "full_name", "personal_id", "tax_code", "phone"]},
        ),
    ]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    list_display = ["user", "role", "agency", "valid_from", "valid_to"]
    list_filter = ["role", "agency__level"]
    list_select_related = ["user", "agency"]
    search_fields = [
        "user__username",
        "user__full_name",
        "agency__name",
        "agency__identifier",
    ]
    autocomplete_fields = ["user", "agency"]
