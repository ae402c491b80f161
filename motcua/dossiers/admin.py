"""Read-only admin screens of dossiers: a back-office view of the register and the legal
history. Dossiers change only through the services (the API and, later, the officer
workspace), never by editing rows here: nobody holds the change permission on this page, so
Django shows it without a save button and refuses a POST (403) before it could write a
change-log entry for a change that did not happen."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import display_for_field
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, OneStopRules
from motcua.dossiers.permissions import dossiers_visible_to
from motcua.dossiers.workflow import Action, DossierStatus


def _label(choices: type[Action] | type[DossierStatus], value: str) -> str:
    """The translated label of a recorded code; the code itself if the workflow no longer
    knows it (the legal history outlives renamed actions)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a relation, not a field.")
    return field


def _history_cells(event: DossierEvent, empty: str) -> list[str]:
    """One row of the legal history, as the admin shows values: moments in the province's
    time, an empty value as ``empty``."""
    at = _field(DossierEvent, "at")
    return [
        str(event.sequence),
        display_for_field(event.at, at, empty),
        _label(Action, event.action),
        _label(DossierStatus, event.from_status) if event.from_status else empty,
        _label(DossierStatus, event.to_status),
        str(event.national_status),
        event.actor_name or empty,
        linebreaksbr(event.note) if event.note else empty,
    ]


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


#: The columns of the legal history, by the event's fields.
HISTORY_COLUMNS = (
    "sequence",
    "at",
    "action",
    "from_status",
    "to_status",
    "national_status",
    "actor_name",
    "note",
)


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
    inlines = [StepInline]
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {"fields": ["code", "procedure_version", "status", "channel", "rules"]},
        ),
        (
            _("Applicant"),
            {
                "fields": [
                    "applicant_name",
                    "applicant_kind",
                    "applicant_id_number",
                    "applicant_phone",
                    "applicant_email",
                    "applicant_address",
                    "applicant",
                    "sets",
                    "return_method",
                ]
            },
        ),
        (
            _("Agencies and specialist"),
            {"fields": ["receiving_agency", "handling_agency", "assignee"]},
        ),
        (
            _("Moments and deadlines"),
            {
                "fields": [
                    "submitted_at",
                    "received_at",
                    "legal_due_at",
                    "original_due_at",
                    "due_at",
                    "paused_at",
                    "finished_at",
                    "returned_at",
                    "closed_at",
                    "supplement_rounds",
                    "reschedules",
                    "due_soon_warning",
                    "overdue_warning",
                ]
            },
        ),
        (_("Record"), {"fields": ["record_created", "record_version"]}),
        (None, {"fields": ["history"]}),
    ]
    readonly_fields = [
        "history",
        "due_soon_warning",
        "overdue_warning",
        "record_created",
        "record_version",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dossier]:
        # the same chokepoint as every page: an officer sees their agencies' dossiers
        return dossiers_visible_to(request.user).select_related(  # type: ignore[arg-type]
            "procedure_version__procedure", "handling_agency"
        )

    # Fields the model leaves without a verbose name, shown under translated labels and
    # formatted as the admin formats the fields themselves.
    def _shown(self, dossier: Dossier, name: str) -> str:
        return display_for_field(
            getattr(dossier, name),
            _field(Dossier, name),
            self.get_empty_value_display(),
        )

    @admin.display(description=_("due-soon warning at"))
    def due_soon_warning(self, dossier: Dossier) -> str:
        return self._shown(dossier, "due_soon_flagged_at")

    @admin.display(description=_("overdue warning at"))
    def overdue_warning(self, dossier: Dossier) -> str:
        return self._shown(dossier, "overdue_flagged_at")

    @admin.display(description=_("record created at"))
    def record_created(self, dossier: Dossier) -> str:
        return self._shown(dossier, "created_at")

    @admin.display(description=_("record version"))
    def record_version(self, dossier: Dossier) -> str:
        return self._shown(dossier, "lock_version")

    @admin.display(description=_("dossier events"))
    def history(self, dossier: Dossier) -> str:
        """The legal history as a table in the words of the workflow: the action's and
        the statuses' labels, not their codes. A table rather than an inline, which would
        caption each row with the event's code (its ``__str__``)."""
        empty = self.get_empty_value_display()
        head = format_html_join(
            "",
            '<th scope="col">{}</th>',
            (
                (capfirst(_field(DossierEvent, name).verbose_name),)
                for name in HISTORY_COLUMNS
            ),
        )
        rows = format_html_join(
            "",
            "<tr>{}</tr>",
            (
                (
                    format_html_join(
                        "",
                        '<td class="column-{}">{}</td>',
                        zip(HISTORY_COLUMNS, _history_cells(event, empty), strict=True),
                    ),
                )
                for event in dossier.events.order_by("sequence")
            ),
        )
        return format_html(
            '<table class="history"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            head,
            rows,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Dossier | None = None
    ) -> bool:
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
