"""Filters and orderings of dossier lists (django-filter), applied to what the user may see.

A value a filter cannot read is 400 ``invalid`` naming the parameter, never ignored: a work
list that silently shows everything when ``overdue=yes`` was meant is worse than an error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F, OrderBy, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from motcua.agencies.models import Agency
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.dossiers.workflow import DossierStatus


class StrictBooleanWidget(BooleanWidget):
    """``true``/``false`` (or ``1``/``0``) as django-filter reads them; anything else is
    passed on as it is, for the field to refuse (django-filter's widget turns it into
    "no filter")."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        known = super().value_from_datadict(data, files, name)
        return value if known is None and value not in (None, "") else known


class StrictBooleanField(forms.NullBooleanField):
    widget = StrictBooleanWidget

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override] # None: no filter
        if value in (None, "", True, False):
            return value if value != "" else None
        raise forms.ValidationError(
            _("Give true or false."), code="invalid", params={"value": value}
        )


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", StrictBooleanWidget)
        super().__init__(*args, **kwargs)


#: The orders a list may come in (``?ordering=due_at``, ``-due_at``, ...): by due moment
#: for work lists, by reception or submission moment, by code. Dossiers without the
#: moment (not yet received, no appointment) come last either way; ties go by newest row.
#: Ascending ``due_at`` with NULLS LAST is PostgreSQL's own index order, so the indexes
#: on ``(status, due_at)`` and ``(handling_agency, status, due_at)`` serve a work list
#: filtered by status.
ORDERINGS = ("due_at", "received_at", "submitted_at", "code")


class DossierOrderingFilter(filters.OrderingFilter):
    def filter(self, qs: Any, value: Any) -> Any:
        if not value:
            return qs
        ordering: list[OrderBy] = []
        for param in value:
            descending = param.startswith("-")
            expression = F(param.removeprefix("-"))
            ordering.append(
                expression.desc(nulls_last=True)
                if descending
                else expression.asc(nulls_last=True)
            )
        return qs.order_by(*ordering, "-pk")


class DossierFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(
        choices=DossierStatus.choices,
        help_text=_("One or more statuses (repeat the parameter)."),
    )
    agency = filters.ModelChoiceFilter(
        queryset=Agency.objects.all(),
        to_field_name="identifier",
        method="filter_agency",
        help_text=_("Identifier of the receiving or the handling agency."),
    )
    procedure = filters.CharFilter(
        field_name="procedure_version__procedure__code",
        help_text=_("National procedure code."),
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text=_(
            "true: open dossiers past their appointment whose clock is running; "
            "false: all the others."
        ),
    )

    ordering = DossierOrderingFilter(
        fields=ORDERINGS,
        # the columns' own names, translated
        field_labels={
            name: Dossier._meta.get_field(name).verbose_name  # type: ignore[union-attr]
            for name in ORDERINGS
        },
        help_text=_(
            "Order of the list: due_at, received_at, submitted_at or code, with - for "
            "descending; dossiers without the moment come last. Default: -submitted_at."
        ),
    )

    class Meta:
        model = Dossier
        fields = ["status", "agency", "procedure", "overdue", "ordering"]

    def filter_agency(
        self, queryset: DossierQuerySet, name: str, value: Agency | None
    ) -> DossierQuerySet:
        if value is None:
            return queryset
        return queryset.filter(Q(receiving_agency=value) | Q(handling_agency=value))

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_overdue(
        self, queryset: DossierQuerySet, name: str, value: bool | None
    ) -> DossierQuerySet:
        if value is None:
            return queryset
        overdue = Dossier.objects.overdue(now=timezone.now()).values("pk")
        if value:
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)
