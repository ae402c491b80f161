"""Admin plumbing shared by the apps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpRequest
from django.template.response import TemplateResponse


def action_form_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    *,
    title: str,
    intro: str,
    objects: Iterable[Any],
    form: forms.Form,
    action: str,
    submit_label: str,
) -> TemplateResponse:
    """The intermediate page of an admin action that needs a few values (a date, a
    successor) before it runs; posting it back runs the action with them."""
    return TemplateResponse(
        request,
        "admin/action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": model_admin.opts,
            "form": form,
            "objects": list(objects),
            "action": action,
            "submit_label": submit_label,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """An admin screen that shows rows written elsewhere (by services, imports) and lets
    no one add, change or delete them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Any | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Any | None = None
    ) -> bool:
        return False
