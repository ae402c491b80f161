"""Admin screens of accounts and roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken as KnoxToken

from motcua.accounts.models import ApiToken, RoleAssignment, User
from motcua.accounts.services import TokenError, create_api_token, token_expiry

# knox registers its own token model, which motcua replaces by ApiToken (KNOX_TOKEN_MODEL)
if admin.site.is_registered(KnoxToken):
    admin.site.unregister(KnoxToken)


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


class ApiTokenCreationForm(forms.ModelForm[ApiToken]):
    """Make a token: its key is made by the service and shown once, after saving."""

    expires_on = forms.DateField(
        label=_("expires on"),
        required=False,
        help_text=_("The last day the token works; empty: until revoked."),
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    key = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user")
        try:
            token_expiry(data.get("expires_on"))
            if user is not None and not user.is_active:
                raise TokenError("user", gettext("The account is not active."))
        except TokenError as error:
            field = "expires_on" if error.field == "expires" else error.field
            raise ValidationError({field: error.message}) from None
        return data

    def save(self, commit: bool = True) -> ApiToken:
        token, self.key = create_api_token(
            user=self.cleaned_data["user"],
            name=self.cleaned_data.get("name", ""),
            expires_on=self.cleaned_data.get("expires_on"),
            actor=None,
        )
        self.instance = token
        self.save_m2m = lambda: None  # type: ignore[method-assign]  # no many-to-many fields
        return token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are made here or with ``motcua tokens create``, revoked by deleting them;
    the key itself is never shown again after it is made."""

    list_display = ["token_key", "user", "name", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["token_key", "name", "user__username"]
    autocomplete_fields = ["user"]
    readonly_fields = ["token_key", "user", "created", "expiry"]
    fields = ["token_key", "user", "name", "created", "expiry"]

    def get_form(
        self,
        request: HttpRequest,
        obj: ApiToken | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenCreationForm
            kwargs["fields"] = ["user", "name", "expires_on"]
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["user", "name", "expires_on"]
        return self.fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> Any:
        return [] if obj is None else self.readonly_fields

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # already made by the form's save(), through the service
        self.message_user(
            request,
            gettext("The token's key, shown only this once: %(key)s")
            % {"key": form.key},
            messages.WARNING,
        )
