"""The dashboard leaders use (issue 9 §8), under the officers' workspace at
``/can-bo/chi-so-766/``: the overview, the ranking of units, the monthly trends, the
provincial directive's targets and the overdue and due-soon dossiers, each table
downloadable as .xlsx, and the monthly report of a unit as a PDF.

Thin views over :mod:`motcua.indices.dashboard`. Who may read a unit is
``permissions.may_read_index``: the supervisor any unit, a leader the agencies they lead,
anyone else (a specialist included) 404, as an unknown unit is; a signed-in account that
is not an officer's gets the officers-only page (``OfficerRequiredMixin``)."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from motcua.agencies.choices import AgencyLevel
from motcua.agencies.models import Agency
from motcua.indices import exports
from motcua.indices.choices import Indicator
from motcua.indices.dashboard import (
    EXPLANATION,
    PAGES,
    PAGES_BY_NAME,
    PAGES_BY_SLUG,
    Page,
    Selection,
    band_label,
)
from motcua.indices.forms import DashboardForm
from motcua.indices.limits import TooManyItems, TooManyToExplain
from motcua.indices.permissions import may_read_index, units_readable_by
from motcua.indices.report import render_monthly_report
from motcua.indices.services import DefinitionError
from motcua.office.views import OfficerRequiredMixin


def _default_unit(units: list[Agency]) -> Agency:
    """The unit a reader sees first: the province for the supervisor, else the first
    agency they lead."""
    provinces = [u for u in units if u.parent_id is None]
    for unit in provinces:
        if unit.level == AgencyLevel.PROVINCE:
            return unit
    return (provinces or units)[0]


def _definitions_refused(error: DefinitionError) -> HttpResponse:
    """The definitions in force do not add up (``services.check_definitions``): 409, the
    group named, as the page says it."""
    return HttpResponse(
        str(error), status=409, content_type="text/plain; charset=utf-8"
    )


def _too_many_text(error: TooManyItems) -> tuple[str, str]:
    """The title and the text the dashboard gives a cut too wide to judge (``limits``),
    naming what its own picker narrows (it has no procedure, field or officer)."""
    if isinstance(error, TooManyToExplain):
        return _("Too many items to list"), _(
            "More than %(limit)s dossiers or petitions would have to be examined to "
            "list the items behind this figure: choose a unit below or a shorter period."
        ) % {"limit": error.grouped_limit}
    return _("Too many dossiers to recompute"), error.message


def _selection_refused(form: DashboardForm | None) -> HttpResponse:
    """A download whose picker values cannot be read: 400, each error with its field's
    label, as the page shows them beside the controls (plain text: a download has no
    page to show them on)."""
    lines = [str(_("The chosen values cannot be read:"))]
    if form is not None and form.errors:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else name
            lines += [f"- {label}: {error}" for error in errors]
    else:
        lines.append(
            f"- {_('Which indicator?')} "
            + _("Choose an indicator from the overview's table of every indicator.")
        )
    return HttpResponse(
        "\n".join(lines), status=400, content_type="text/plain; charset=utf-8"
    )


def _too_many_refused(error: TooManyItems) -> HttpResponse:
    """A download of a cut too wide to judge: 422, as the page says it."""
    _title, text = _too_many_text(error)
    return HttpResponse(text, status=422, content_type="text/plain; charset=utf-8")


class SelectionMixin(OfficerRequiredMixin):
    """Reads the picker (``self.form``) and the unit into a ``Selection``; ``None`` when
    the picker's values cannot be read (400, with the errors beside the controls); 404
    for a unit the reader may not read or that does not exist."""

    request: HttpRequest

    def read_selection(self, *, monthly: bool = False) -> Selection | None:
        now = timezone.now()
        user = self.request.user
        units = list(
            units_readable_by(user, on=timezone.localdate(now))  # type: ignore[arg-type]
            .active_on(timezone.localdate(now))
            .order_by("level", "name")
        )
        self.form = DashboardForm(
            self.request.GET, units=units, today=timezone.localdate(now)
        )
        if not self.form.is_valid():
            # the list shows the unit the page would show, not its first entry
            if units and not self.form.data.get("unit"):
                self.form.show_unit(_default_unit(units))
            return None
        identifier = self.form.cleaned_data["unit"]
        if identifier:
            unit = Agency.objects.filter(identifier=identifier).first()
        elif units:
            unit = _default_unit(units)
        else:
            unit = None
        if unit is None or not may_read_index(user, unit):  # type: ignore[arg-type]
            raise Http404
        self.form.show_unit(unit)
        period = self.form.report_month() if monthly else self.form.chosen_period()
        return Selection(
            user=user,  # type: ignore[arg-type]
            unit=unit,
            subtree=self.form.subtree(),
            period=period,
            now=now,
            indicator=self.request.GET.get("indicator", "")[:8],
        )

    def query(self, selection: Selection | None) -> str:
        """The picker's values, for the links to the other pages and the downloads."""
        if selection is None:
            return self.request.GET.urlencode()
        data = self.form.cleaned_data
        values = {
            "unit": selection.unit.identifier,
            "scope": data.get("scope") or "all",
            "period": data.get("period") or "now",
            "year": data.get("year") or selection.period.end.year,
            "month": data.get("month") or self.form.initial["month"],
            "quarter": data.get("quarter") or self.form.initial["quarter"],
        }
        if selection.indicator:
            values["indicator"] = selection.indicator
        return urlencode(values)


class DashboardPageView(SelectionMixin, TemplateView):
    """One page of the dashboard (``dashboard.PAGES``), named by ``page``."""

    page: str = "dashboard"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        selection = self.read_selection()
        page = PAGES_BY_NAME[self.page]
        query = self.query(selection)
        context = self.get_context_data(
            page=page,
            nav=[
                {
                    "title": item.title,
                    "url": f"{reverse(f'indices:{item.name}')}?{query}",
                    "current": item.name == page.name,
                }
                for item in PAGES
            ],
            form=self.form,
            selection=selection,
            query=query,
        )
        if selection is None:
            return self.render_to_response(context, status=400)
        if page is EXPLANATION and selection.indicator not in Indicator.values:
            context["indicator_error"] = True
            return self.render_to_response(context, status=400)
        try:
            context["sections"] = page.build(selection)
        except DefinitionError as error:
            context["definition_error"] = str(error)
            return self.render_to_response(context, status=409)
        except TooManyItems as error:
            # a cut too wide to judge: 422, the page says how to narrow it
            context["too_many_title"], context["too_many"] = _too_many_text(error)
            return self.render_to_response(context, status=422)
        if page is EXPLANATION:
            [section] = context["sections"]
            context["page_obj"] = Paginator(
                section.table.rows, EXPLANATION_ROWS
            ).get_page(request.GET.get("page"))
            context["sections"] = [
                dataclasses.replace(
                    section,
                    table=dataclasses.replace(
                        section.table, rows=tuple(context["page_obj"])
                    ),
                )
            ]
        if page.name == "dashboard":
            context["report"] = selection.report
            context["band"] = band_label(selection.report.band)
        return self.render_to_response(context)

    def get_template_names(self) -> list[str]:
        return [f"indices/{self.page}.html"]


#: the items of a figure shown a page at a time (the download holds them all)
EXPLANATION_ROWS = 50


class ExportView(SelectionMixin, View):
    """One table of one page as .xlsx (``exports.workbook``): the same selection as the
    page, so the file holds what the page shows."""

    def get(self, request: HttpRequest, page: str, table: str) -> HttpResponse:
        found: Page | None = PAGES_BY_SLUG.get(page)
        if found is None:
            raise Http404
        selection = self.read_selection()
        if selection is None:
            return _selection_refused(self.form)
        if found is EXPLANATION and selection.indicator not in Indicator.values:
            return _selection_refused(None)
        try:
            sections = found.build(selection)
        except DefinitionError as error:
            return _definitions_refused(error)
        except TooManyItems as error:
            return _too_many_refused(error)
        for section in sections:
            if section.table.slug == table:
                content = exports.workbook(
                    section.table, unit=selection.unit, period=selection.period
                )
                break
        else:
            raise Http404
        response = HttpResponse(
            content,
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        name = f"chi-so-766-{page}-{table}-{selection.unit.identifier}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class MonthlyReportView(SelectionMixin, View):
    """The monthly report of the chosen unit as a PDF: the chosen month, or the month
    that holds the chosen period's last day."""

    def get(self, request: HttpRequest) -> HttpResponse:
        selection = self.read_selection(monthly=True)
        if selection is None:
            return _selection_refused(self.form)
        try:
            pdf = render_monthly_report(selection)
        except DefinitionError as error:
            return _definitions_refused(error)
        except TooManyItems as error:
            return _too_many_refused(error)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = (
            f"bao-cao-chi-so-766-{selection.unit.identifier}-"
            f"{selection.period.start:%Y-%m}.pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
