"""The monthly report of a unit as a PDF a leader signs off (issue 9 §8): the index of the
month (total, band, groups, every indicator), the provincial directive's targets against
the figures, and the overdue and due-soon dossiers per handling agency, under the national
heading and above a signature block (name, title, date), laid out as the slips are
(``documents.slips``: WeasyPrint, Liberation Serif, NĐ 30/2020/NĐ-CP Phụ lục I; docs/
decisions/0004). Printed in Vietnamese whatever language the reader uses the site in, as
the slips are: a report to be signed is an administrative document.
"""

from __future__ import annotations

from typing import Any

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone, translation

from motcua.accounts.choices import Role
from motcua.accounts.selectors import active_roles
from motcua.documents.slips import _issuer, _place_and_date, written_date
from motcua.indices import dashboard
from motcua.indices.dashboard import Selection
from motcua.workdays.clock import VN_TZ, local

#: the signer's title, printed above the signature, by the role they hold
_TITLES = {
    Role.LEADER: "THỦ TRƯỞNG ĐƠN VỊ",
    Role.PROVINCIAL_SUPERVISOR: "VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH",
}


def _signer_title(selection: Selection) -> str:
    """The leader of the unit signs as its head; the provincial supervisor as the
    provincial office; anyone else (a superuser) under a title left to fill in."""
    held = {(r.role, r.agency_id) for r in active_roles(selection.user)}
    if (Role.LEADER, selection.unit.pk) in held:
        return _TITLES[Role.LEADER]
    if any(role == Role.PROVINCIAL_SUPERVISOR for role, _agency in held):
        return _TITLES[Role.PROVINCIAL_SUPERVISOR]
    if any(role == Role.LEADER for role, _agency in held):
        return _TITLES[Role.LEADER]
    return "NGƯỜI DUYỆT BÁO CÁO"


def report_context(selection: Selection) -> dict[str, Any]:
    """What the report prints, built in Vietnamese."""
    with translation.override("vi"), timezone.override(VN_TZ):
        report = selection.report
        sections = dashboard.overview(report)
        targets = dashboard.targets_table(
            dashboard.directive_targets(selection, report)
        )
        deadlines = dashboard.deadlines(selection)[0].table
        user = selection.user
        return {
            "unit": selection.unit,
            "subtree": selection.subtree,
            "period": selection.period,
            "issuer": _issuer(selection.unit),
            "place_and_date": _place_and_date(selection.unit, selection.now),
            "computed_at": f"{local(selection.now):%H:%M %d/%m/%Y}",
            "report": report,
            "band": dashboard.band_label(report.band),
            "groups": sections[0].table,
            "indicators": sections[1].table,
            "targets": targets,
            "deadlines": deadlines,
            "signer_name": user.full_name or user.username,
            "signer_title": _signer_title(selection),
            "written_date": written_date(selection.now),
        }


def render_monthly_report(selection: Selection) -> bytes:
    """The PDF of ``selection`` (a month of one unit)."""
    context = report_context(selection)
    with translation.override("vi"), timezone.override(VN_TZ):
        html = render_to_string("indices/report.html", context)
    pdf = weasyprint.HTML(string=html).write_pdf()
    if not isinstance(pdf, bytes):  # write_pdf returns bytes when given no target
        raise TypeError("WeasyPrint returned no PDF.")
    return pdf
