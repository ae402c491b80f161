"""The action forms of the dossier's page (``office/processing/_actions.html``): the
actions the rows let the officer take now (``DossierPage.action_names``), each with its
form (``processing_forms``) carrying the dossier's version; the one the officer just sent
back with errors (``bound_form``) in place of its empty form."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.office.counter import COUNTER_ACTIONS
from motcua.office.processing_forms import ActionForm, build_form, form_class
from motcua.office.selectors import DossierPage

register = template.Library()

#: the actions the counter's forms take (``office.counter``): their richer forms are shown
#: on the dossier page instead (what was handed in, to whom the result went)
COUNTER_HANDLED = frozenset(str(entry.action) for entry in COUNTER_ACTIONS.values())


@register.inclusion_tag("office/processing/_actions.html", takes_context=True)
def action_forms(context: template.Context, page: DossierPage) -> dict[str, Any]:
    request = context["request"]
    bound: ActionForm | None = context.get("bound_form")
    dossier = page.dossier
    # the agency holding the step under way, from the steps the page has read
    holder = next(
        (
            view.agency
            for view in page.detail.steps
            if view.step.started_at is not None and view.step.finished_at is None
        ),
        None,
    )
    forms: list[ActionForm] = []
    for action in page.action_names:
        if action in COUNTER_HANDLED:
            continue  # the counter's own form, below (``counter_tags.counter_actions``)
        if bound is not None and bound.action == action:
            forms.append(bound)
        elif form_class(action) is not None:
            forms.append(build_form(action, dossier, request.user, holder=holder))
    return {
        "page": page,
        "forms": forms,
        "links": [
            (name.replace("_", "-"), label)
            for name, label in zip(page.action_names, page.actions, strict=True)
        ],
        "opened": bound.action if bound is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
