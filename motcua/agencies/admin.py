"""Admin screens of the organisation."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from motcua.agencies.choices import SuccessionKind
from motcua.agencies.models import Agency, AgencySuccession
from motcua.agencies.services import merge_agencies
from motcua.core.admin import action_form_page


class MergeForm(forms.Form):
    """What the reorganisation needs: where the duties go, from when, by which act."""

    successor = forms.ModelChoiceField(
        label=_("successor"), queryset=Agency.objects.filter(valid_to__isnull=True)
    )
    effective_on = forms.DateField(label=_("effective on"))
    kind = forms.ChoiceField(
        label=_("kind"), choices=SuccessionKind.choices, initial=SuccessionKind.MERGER
    )
    legal_basis = forms.CharField(label=_("legal basis"), max_length=255)


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
    actions = ["merge_action"]
    fieldsets = [
        (
            None,
            {"fields": ["identifier", "name", "short_name", "level", "kind", "parent"]},
        ),
        (
            _("Codes and address"),
            {"fields": ["admin_unit_code", "address", "place_name"]},
        ),
        (_("Validity"), {"fields": ["valid_from", "valid_to", "legal_basis"]}),
    ]

    @admin.action(description=_("Merge into a successor (reorganisation)"))
    def merge_action(
        self, request: HttpRequest, queryset: QuerySet[Agency]
    ) -> HttpResponse | None:
        """Asks for the successor, the date and the legal basis, then ends the selected
        agencies the day before and records where their duties went
        (``services.merge_agencies``); the whole merger or nothing."""
        form = MergeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            effective_on: dt.date = form.cleaned_data["effective_on"]
            try:
                merge_agencies(
                    predecessors=list(queryset),
                    successor=form.cleaned_data["successor"],
                    effective_on=effective_on,
                    kind=SuccessionKind(form.cleaned_data["kind"]),
                    legal_basis=form.cleaned_data["legal_basis"],
                    actor=request.user,
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            count = queryset.count()
            self.message_user(
                request,
                ngettext(
                    "%(count)d agency merged from %(day)s.",
                    "%(count)d agencies merged from %(day)s.",
                    count,
                )
                % {"count": count, "day": f"{effective_on:%d/%m/%Y}"},
                messages.SUCCESS,
            )
            return None
        if not form.is_bound:
            form.initial["effective_on"] = timezone.localdate()
        return action_form_page(
            self,
            request,
            title=gettext("Merge into a successor"),
            intro=gettext(
                "The selected agencies end the day before the effective date; their "
                "records, dossiers and history stay, attributed to them, and lead to the "
                "successor. Their officers' roles end with them."
            ),
            objects=queryset,
            form=form,
            action="merge_action",
            submit_label=gettext("Merge"),
        )


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(admin.ModelAdmin[AgencySuccession]):
    list_display = ["predecessor", "successor", "kind", "effective_on", "legal_basis"]
    list_filter = ["kind", "effective_on"]
    list_select_related = ["predecessor", "successor"]
    autocomplete_fields = ["predecessor", "successor"]
