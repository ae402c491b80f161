"""The counter's forms on the dossier's page: ``{% counter_actions page.dossier %}``
(``office.counter.COUNTER_ACTIONS``, those open to the officer now)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import Action
from motcua.office.counter import action_form, counter_actions_open

register = template.Library()


@register.inclusion_tag("office/counter/_on_dossier.html", takes_context=True)
def counter_actions(context: template.Context, dossier: Dossier) -> dict[str, Any]:
    user = context["request"].user
    return {
        "dossier": dossier,
        "csrf_token": context.get("csrf_token"),
        "forms": [
            (
                slug,
                Action(counter_action.action).label,
                action_form(dossier, counter_action, auto_id=f"{slug}-%s"),
            )
            for slug, counter_action in counter_actions_open(user, dossier)
        ],
    }
