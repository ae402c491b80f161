"""Read-only admin views of evaluations and petitions: they are written by the API, the
import and (later) the portals, through ``ratings.services``, never edited here."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin
from motcua.ratings.models import CRITERIA, Evaluation, Petition


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "at", "channel", "verdict", "reference", "recorded_at"]
    list_filter = ["channel", "verdict"]
    search_fields = ["dossier__code", "reference"]
    list_select_related = ["dossier"]
    date_hierarchy = "at"
    fields = [
        "dossier",
        "at",
        "channel",
        "verdict",
        *(name for name, _label in CRITERIA),
        "comment",
        "reference",
        "recorded_by",
        "recorded_at",
    ]


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "agency",
        "category",
        "submitted_at",
        "answered_at",
        "published_at",
        "likes",
        "dislikes",
    ]
    list_filter = ["category", "re_raised"]
    search_fields = ["code", "subject", "dossier__code"]
    list_select_related = ["agency", "dossier"]
    date_hierarchy = "submitted_at"
