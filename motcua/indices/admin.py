"""Admin screens of the index's definitions (versioned rows; spec 01 §2, §6)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.indices.models import GroupDefinition, IndicatorDefinition, RatingBand
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
