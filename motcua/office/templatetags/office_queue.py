"""The rows of the home queue's table (``office/_queue.html``), written in one tag.

The queue is the page an officer opens most, and its 25 rows were its dearest part: 16
template nodes a row (a variable for each cell's label and value, two ``if``), 1.4 ms of
CPU of the request's 7 (0.17 ms written here), which the measure of issue 10 waits on.
Like the rows of Django admin's change list (``items_for_result``), each row is written in
Python: every value escaped as the template's ``{{ }}`` escapes it, what is safe already
kept as it is (the deadline's tag, rendered from ``office/_deadline.html`` once a page per
state). The labels come translated from the template (docs/decisions/0021)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString, mark_safe

from motcua.office.selectors import QueueRow

register = template.Library()

#: one row; its cells in the order of the table's header (``office/_queue.html``)
_ROW = (
    '<tr class="govuk-table__row{highlight}">'
    '<th scope="row" class="govuk-table__header office-code">'
    '<a class="govuk-link" href="{url}">{code}</a></th>'
    '<td data-label="{procedure_label}" class="govuk-table__cell">{procedure}</td>'
    '<td data-label="{applicant_label}" class="govuk-table__cell">{applicant}</td>'
    '<td data-label="{status_label}" class="govuk-table__cell">{status}</td>'
    '<td data-label="{appointment_label}" class="govuk-table__cell office-nowrap">'
    "{appointment}</td>"
    '<td data-label="{deadline_label}" class="govuk-table__cell">{tag}</td>'
    "</tr>"
)


@register.simple_tag
def queue_rows(
    rows: Sequence[QueueRow],
    *,
    procedure: str,
    applicant: str,
    status: str,
    appointment: str,
    deadline: str,
    none_yet: str,
) -> SafeString:
    """The ``<tr>`` of each of ``rows`` (``office.selectors.queue_rows``), the cells
    labelled with the columns' names for a phone's narrow screen (``data-label``);
    ``none_yet`` stands, muted, for an appointment not set yet."""
    labels = {
        "procedure_label": _escaped(procedure),
        "applicant_label": _escaped(applicant),
        "status_label": _escaped(status),
        "appointment_label": _escaped(appointment),
        "deadline_label": _escaped(deadline),
    }
    missing = f'<span class="office-muted">{_escaped(none_yet)}</span>'
    return mark_safe(  # noqa: S308 - every value escaped (``_escaped``)
        "\n".join(
            _ROW.format(
                **labels,
                highlight=f" {_escaped(item.highlight)}" if item.highlight else "",
                url=_escaped(item.url),
                code=_escaped(item.dossier.code),
                procedure=_escaped(item.dossier.procedure_version.name),
                applicant=_escaped(item.dossier.applicant_name),
                status=_escaped(item.status),
                appointment=_escaped(item.appointment) if item.appointment else missing,
                tag=_escaped(item.tag_html),
            )
            for item in rows
        )
    )


def _escaped(value: object) -> str:
    """``value`` as the template's ``{{ }}`` writes it (``conditional_escape``): what is
    safe already as it is, anything else escaped; without ``conditional_escape``'s
    wrapper for lazy text, which cost as much as the escaping (a row has eight values)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
