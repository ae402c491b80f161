"""How a cell of a dashboard table is written on a page and in the monthly PDF: numbers
the Vietnamese way (1.000, 10,00), days dd/mm/yyyy, moments in Asia/Ho_Chi_Minh, a link
as a link, no figure as a dash read out as "no figure"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from motcua.indices.dashboard import Cell, Link
from motcua.workdays.clock import local

register = template.Library()


@register.filter
def cell(value: Cell, links: bool = True) -> SafeString | str:
    if value is None:
        if not links:  # printed: a dash
            return "—"
        return format_html(
            '<span aria-hidden="true">—</span><span class="govuk-visually-hidden">{}</span>',
            _("no figure"),
        )
    if isinstance(value, Link):
        if not links:
            return value.text
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', value.url, value.text
        )
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, Decimal):
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    if isinstance(value, dt.datetime):
        return f"{local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


@register.filter
def numeric(kind: str) -> bool:
    return kind == "number"


@register.filter
def numeric_at(columns: Any, position: int) -> bool:
    """Whether the column at ``position`` holds numbers (they are aligned right)."""
    return bool(columns[position].kind == "number")
