"""Admin screens of the procedure catalogue: fields, procedures and their versions.

A version is edited on one page with its components, fees, results and internal process;
the process is refused when its step budgets do not add up to the handling time. The list
of versions searches without accents ("dang ky khai sinh" finds "Đăng ký khai sinh") and
shows which publication components each version lacks (QĐ 766 indicator 1.3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import action_form_page
from motcua.procedures.choices import ImplementingLevel
from motcua.procedures.models import (
    FeeLine,
    Field,
    Procedure,
    ProcedureVersion,
    ProcedureVersionQuerySet,
    ProcessStep,
    RequiredComponent,
    ResultDocument,
)
from motcua.procedures.selectors import with_publication_parts
from motcua.procedures.services import create_next_version
from motcua.procedures.validation import (
    PUBLICATION_COMPONENT_LABELS,
    check_handling_time,
    check_process_budget,
    publication_gaps,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin[Field]):
    list_display = ["code", "name", "ministry_code", "is_land_construction_investment"]
    list_filter = ["is_land_construction_investment"]
    search_fields = ["code", "name"]
    ordering = ["code"]


class VersionLinkInline(admin.TabularInline[ProcedureVersion, Procedure]):
    """The procedure's versions, each a link to its own page."""

    model = ProcedureVersion
    fields = ["number", "name", "effective_from", "effective_to"]
    readonly_fields = ["number", "name", "effective_from", "effective_to"]
    ordering = ["number"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["code", "version_links"]
    search_fields = ["code"]
    inlines = [VersionLinkInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Procedure]:
        return super().get_queryset(request).prefetch_related("versions")

    @admin.display(description=_("versions"))
    def version_links(self, procedure: Procedure) -> SafeString:
        return format_html_join(
            ", ",
            '<a href="{}">v{}</a>',
            (
                (
                    reverse(
                        "admin:procedures_procedureversion_change", args=[version.pk]
                    ),
                    version.number,
                )
                for version in procedure.versions.all()
            ),
        )


class ProcessStepFormSet(
    BaseInlineFormSet[ProcessStep, ProcedureVersion, forms.ModelForm[ProcessStep]]
):
    """Refuses a process whose budgets do not add up to the version's handling time.

    The admin validates the version's own form before its inlines, and validating a model
    form copies its cleaned values onto the instance; so ``self.instance`` carries the
    handling time and unit just entered on the same page, not the stored ones.
    """

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        version = self.instance
        if version.handling_time is None or not version.handling_time_unit:
            return  # the version's own form reports the missing handling time
        budgets = [
            form.cleaned_data["budget"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("budget") is not None
        ]
        check_process_budget(
            procedure_code=version.procedure.code if version.procedure_id else "?",
            version_number=version.number,
            handling_time=version.handling_time,
            unit=version.handling_time_unit,
            budgets=budgets,
        )


def _in_use(version: ProcedureVersion | None) -> bool:
    """A version dossiers were received under is frozen: the law's change becomes the next
    version (``create_next_version``), never an edit of this one (brief, rule 4)."""
    return version is not None and version.pk is not None and version.dossiers.exists()


class FrozenWhenInUse:
    """Inlines of a version: read-only once dossiers use the version."""

    def has_add_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return not _in_use(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return not _in_use(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return not _in_use(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class ProcessStepInline(
    FrozenWhenInUse, admin.TabularInline[ProcessStep, ProcedureVersion]
):
    model = ProcessStep
    formset = ProcessStepFormSet
    fields = ["position", "name", "role", "agency", "is_inter_agency", "budget"]
    autocomplete_fields = ["agency"]
    ordering = ["position"]
    extra = 0


class RequiredComponentInline(
    FrozenWhenInUse, admin.TabularInline[RequiredComponent, ProcedureVersion]
):
    model = RequiredComponent
    fields = ["position", "name", "form", "quantity", "template", "is_mandatory"]
    ordering = ["position"]
    extra = 0


class FeeLineInline(FrozenWhenInUse, admin.TabularInline[FeeLine, ProcedureVersion]):
    model = FeeLine
    fields = ["position", "description", "amount", "per", "channel", "note"]
    ordering = ["position"]
    extra = 0


class ResultDocumentInline(
    FrozenWhenInUse, admin.TabularInline[ResultDocument, ProcedureVersion]
):
    model = ResultDocument
    fields = ["position", "name", "code"]
    ordering = ["position"]
    extra = 0


class ProcedureVersionForm(forms.ModelForm[ProcedureVersion]):
    """Implementing levels as check boxes instead of raw JSON. The admin builds the form's
    ``Meta`` (model and fields) from ``ProcedureVersionAdmin.fieldsets``."""

    levels = forms.MultipleChoiceField(
        label=_("implementing levels"),
        choices=ImplementingLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        """A same-day procedure's handling time is its one day (``check_handling_time``)."""
        cleaned = super().clean() or {}
        handling_time = cleaned.get("handling_time")
        unit = cleaned.get("handling_time_unit")
        if handling_time is not None and unit:
            try:
                check_handling_time(handling_time=handling_time, unit=unit)
            except ValidationError as error:
                self.add_error("handling_time", error)
        return cleaned


class InForceFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "in_force"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [
            ("yes", gettext("In force today")),
            ("no", gettext("Not in force today")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> QuerySet[Any] | None:
        in_force = ProcedureVersion.objects.in_force_on(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(pk__in=in_force.values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=in_force.values("pk"))
        return None


class NextVersionForm(forms.Form):
    effective_from = forms.DateField(
        label=_("New version in force from"),
        help_text=_("The selected version ends the day before."),
    )


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
    form = ProcedureVersionForm

    def has_change_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return not _in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: ProcedureVersion | None = None
    ) -> bool:
        return not _in_use(obj) and super().has_delete_permission(request, obj)

    list_display = [
        "procedure",
        "number",
        "name",
        "field",
        "online_level",
        "handling_time_display",
        "effective_from",
        "effective_to",
        "publication_gaps_display",
    ]
    list_display_links = ["procedure", "number", "name"]
    list_filter = ["field", "online_level", "handling_time_unit", InForceFilter]
    list_select_related = ["procedure", "field"]
    # Searched through the folded ``search_text`` (get_search_results); listing it here
    # makes the admin show its search box.
    search_fields = ["search_text"]
    search_help_text = _("Code or name; accents may be left out.")
    autocomplete_fields = ["procedure", "field", "agencies"]
    readonly_fields = ["publication_gaps_display"]

    class Media:
        css = {"all": ["procedures/admin.css"]}

    inlines = [
        RequiredComponentInline,
        FeeLineInline,
        ResultDocumentInline,
        ProcessStepInline,
    ]
    actions = ["create_next_version_action"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "procedure",
                    "number",
                    "name",
                    "field",
                    "levels",
                    "agencies",
                    "decision_authority",
                ]
            },
        ),
        (
            _("Handling time"),
            {
                "fields": [
                    ("handling_time", "handling_time_unit"),
                    "handling_time_note",
                    "pauses_for_financial_obligation",
                    "online_level",
                ]
            },
        ),
        (
            _("Published content"),
            {
                "fields": [
                    "sequence_of_steps",
                    "methods",
                    "subjects",
                    "requirements",
                    "legal_basis",
                    "publication_gaps_display",
                ]
            },
        ),
        (
            _("Announcement and validity"),
            {
                "fields": [
                    ("announcement_number", "announcement_date"),
                    "legal_basis_effective_on",
                    "published_on",
                    ("effective_from", "effective_to"),
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProcedureVersion]:
        return with_publication_parts(super().get_queryset(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[ProcedureVersion], bool]:
        """Every word must appear in the folded code and name, accents or not."""
        # The admin's queryset comes from get_queryset, so it is the model's own QuerySet.
        versions = cast(ProcedureVersionQuerySet, queryset)
        for word in search_term.split():
            versions = versions.search(word)
        return versions, False

    @admin.display(description=_("handling time"))
    def handling_time_display(self, version: ProcedureVersion) -> str:
        return f"{number_format(version.handling_time.normalize())} {version.get_handling_time_unit_display()}"

    @admin.display(description=_("publication gaps"))
    def publication_gaps_display(self, version: ProcedureVersion) -> str:
        if version.pk is None:
            return "-"
        gaps = publication_gaps(version)
        if not gaps:
            return gettext("None")
        return ", ".join(str(PUBLICATION_COMPONENT_LABELS[gap]) for gap in gaps)

    @admin.action(description=_("Create next version"), permissions=["add"])
    def create_next_version_action(
        self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]
    ) -> HttpResponse | None:
        """Asks for the start date, then opens the next version of each selected one."""
        form = NextVersionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            effective_from: dt.date = form.cleaned_data["effective_from"]
            for version in queryset.select_related("procedure"):
                try:
                    new = create_next_version(
                        version=version,
                        effective_from=effective_from,
                        actor=request.user if request.user.is_authenticated else None,
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    continue
                self.message_user(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        gettext("Created"),
                        reverse(
                            "admin:procedures_procedureversion_change", args=[new.pk]
                        ),
                        str(new),
                    ),
                    messages.SUCCESS,
                )
            return None
        return action_form_page(
            self,
            request,
            title=gettext("Create next version"),
            intro=gettext(
                "Each selected version is copied, with its components, fees, results, "
                "process and agencies, as the next version of its procedure. The selected "
                "version ends the day before the new one starts. The announcement and "
                "publication dates of the new version start empty."
            ),
            objects=queryset.select_related("procedure"),
            form=form,
            action="create_next_version_action",
            submit_label=gettext("Create next version"),
        )
