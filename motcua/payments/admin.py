"""A read-only admin view of the fee lines of dossiers: written by intake and the
interchange import (``payments.services``), never edited here."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin
from motcua.payments.models import DossierFee


@admin.register(DossierFee)
class DossierFeeAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "position", "name", "amount", "payment", "paid_at"]
    list_filter = ["payment", "kind"]
    search_fields = ["dossier__code", "name", "code"]
    list_select_related = ["dossier"]
