"""The dashboard's picker: which unit, alone or with the units below it, and which period
(issue 9 §8; the periods of item 4: month, quarter, year, or "now")."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.indices.dashboard import (
    ALONE,
    MONTH,
    NOW,
    PERIOD_KINDS,
    QUARTER,
    WITH_SUBTREE,
    Period,
    period_of,
)
from motcua.indices.periods import FIRST_YEAR, LAST_YEAR
from motcua.office.forms import DesignSystemFormMixin


class DashboardForm(DesignSystemFormMixin, forms.Form):
    """Read from the query string (a GET form: the address can be bookmarked and
    shared). The unit is an identifier checked by the view against
    ``permissions.may_read_index`` (an agency the reader may not read is 404, not a form
    error); the list offers only the units the reader may read."""

    unit = forms.CharField(
        label=_("Unit"), required=False, max_length=40, widget=forms.Select
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        required=False,
        choices=(
            (WITH_SUBTREE, _("The unit and the units below it")),
            (ALONE, _("The unit alone")),
        ),
    )
    period = forms.ChoiceField(
        label=_("Reporting period"), required=False, choices=PERIOD_KINDS
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        required=False,
        coerce=int,
        choices=[(m, f"{m:02d}") for m in range(1, 13)],
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        required=False,
        coerce=int,
        choices=[(q, str(q)) for q in range(1, 5)],
    )

    def __init__(
        self, data: Any, *, units: list[Agency], today: dt.date, **kwargs: Any
    ) -> None:
        # a control not in the query shows its default, not an empty value
        data = data.copy()
        for name, value in self.defaults(today).items():
            if not data.get(name):
                data[name] = str(value)
        super().__init__(data, **kwargs)
        self.today = today
        # the list offers the units the reader may read; any other identifier is read
        # and answered 404 by the view, not refused here as a choice not offered
        widget = self.fields["unit"].widget
        assert isinstance(widget, forms.Select)  # noqa: S101 - declared above
        widget.choices = [(u.identifier, u.name) for u in units]
        # what the controls show before anything is chosen
        self.fields["year"].widget.attrs.update(
            {"inputmode": "numeric", "class": "govuk-input govuk-input--width-4"}
        )
        self.initial.update(self.defaults(today))
        # Django's own Vietnamese for these reads badly ("Nhập một số tổng thể."): each
        # says what to write, in the interface language of the request
        years = {"first": FIRST_YEAR, "last": LAST_YEAR}
        self.fields["year"].error_messages.update(
            {
                "invalid": _("Write the year in digits, e.g. %(year)s.")
                % {"year": today.year},
                "min_value": _("Choose a year from %(first)s to %(last)s.") % years,
                "max_value": _("Choose a year from %(first)s to %(last)s.") % years,
            }
        )
        self.fields["month"].error_messages["invalid_choice"] = _(
            "Choose a month from 1 to 12."
        )
        self.fields["quarter"].error_messages["invalid_choice"] = _(
            "Choose a quarter from 1 to 4."
        )

    def clean(self) -> dict[str, Any]:
        """A period that has not begun has nothing to measure: refused, not scored as
        empty (its figures would be the zero-denominator policy's alone)."""
        data = super().clean() or {}
        if not self.errors and self.chosen_period().start > self.today:
            # beside the control that names it: the month or the quarter if the year is
            # this one, else the year
            kind = data.get("period")
            field = (
                kind
                if kind in (MONTH, QUARTER) and data.get("year") == self.today.year
                else "year"
            )
            self.add_error(
                field,
                _("This period has not begun yet: choose one that starts by %(day)s.")
                % {"day": f"{self.today:%d/%m/%Y}"},
            )
        return data

    @staticmethod
    def defaults(today: dt.date) -> dict[str, str | int]:
        return {
            "scope": WITH_SUBTREE,
            "period": NOW,
            "year": today.year,
            "month": today.month,
            "quarter": (today.month - 1) // 3 + 1,
        }

    def show_unit(self, unit: Agency) -> None:
        """The unit the page shows is the one the list shows chosen, added to the list
        when it is not offered (a unit that has closed, asked for by its identifier)."""
        cast(QueryDict, self.data)["unit"] = unit.identifier  # copied in __init__
        widget = self.fields["unit"].widget
        assert isinstance(widget, forms.Select)  # noqa: S101 - declared above
        if all(value != unit.identifier for value, _label in widget.choices):
            widget.choices = [*widget.choices, (unit.identifier, unit.name)]

    def subtree(self) -> bool:
        return self.cleaned_data.get("scope") != ALONE

    def chosen_period(self) -> Period:
        data = self.cleaned_data
        year = data.get("year") or self.today.year
        return period_of(
            data.get("period") or NOW,
            year=year,
            month=data.get("month") or self.initial["month"],
            quarter=data.get("quarter") or self.initial["quarter"],
            today=self.today,
        )

    def report_month(self) -> Period:
        """The month of the monthly report: the chosen month, else the month that holds
        the period's last day, or today for the period under way (a month not begun is
        not reported)."""
        period = self.chosen_period()
        if period.kind != MONTH:
            end = min(period.end, self.today)
            return period_of(
                MONTH, year=end.year, month=end.month, quarter=1, today=end
            )
        return period

    @property
    def is_quarter(self) -> bool:
        return self.cleaned_data.get("period") == QUARTER
