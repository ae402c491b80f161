"""Admin screens of the index's definitions (versioned rows; spec 01 §2, §6)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.admin import ReadOnlyAdmin
from motcua.indices.models import (
    GroupDefinition,
    IndicatorDefinition,
    PortalFigures,
    PortalIndicatorFigure,
    RatingBand,
)
from motcua.indices.services import DefinitionError, check_definitions


@admin.action(description=_("Check that the definitions in force today add up"))
def check_today(
    modeladmin: admin.ModelAdmin[IndicatorDefinition],
    request: HttpRequest,
    queryset: QuerySet[IndicatorDefinition],
) -> None:
    today = timezone.localdate()
    try:
        check_definitions(on=today)
    except DefinitionError as error:
        modeladmin.message_user(request, error.message, level=messages.ERROR)
        return
    modeladmin.message_user(
        request,
        gettext("The definitions in force on %(day)s add up.")
        % {"day": f"{today:%d/%m/%Y}"},
    )


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin[IndicatorDefinition]):
    list_display = [
        "indicator",
        "group",
        "max_points",
        "target",
        "zero_policy",
        "formula_version",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["group", "zero_policy", "formula_version"]
    actions = [check_today]


@admin.register(GroupDefinition)
class GroupDefinitionAdmin(admin.ModelAdmin[GroupDefinition]):
    list_display = ["group", "max_points", "effective_from", "effective_to"]


@admin.register(RatingBand)
class RatingBandAdmin(admin.ModelAdmin[RatingBand]):
    list_display = [
        "band",
        "lower_bound",
        "provisional",
        "effective_from",
        "effective_to",
    ]


class PortalIndicatorFigureInline(admin.TabularInline[PortalIndicatorFigure, Any]):
    model = PortalIndicatorFigure
    extra = 0
    can_delete = False
    fields = ["indicator", "numerator", "denominator", "ratio", "points"]
    readonly_fields = ["indicator", "numerator", "denominator", "ratio", "points"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PortalFigures)
class PortalFiguresAdmin(ReadOnlyAdmin):
    """What ``motcua index portal-import`` kept: read here, compared through
    ``GET /api/index/portal-comparison/``."""

    list_display = ["unit", "start", "end", "total", "source", "imported_at"]
    list_select_related = ["unit"]
    search_fields = ["unit__identifier", "unit__name", "source"]
    date_hierarchy = "start"
    inlines = [PortalIndicatorFigureInline]
