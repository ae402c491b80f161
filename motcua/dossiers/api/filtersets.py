"""Filters of dossier lists (django-filter), applied to what the user may see."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from motcua.agencies.models import Agency
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.dossiers.workflow import DossierStatus


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
    overdue = filters.BooleanFilter(
        method="filter_overdue",
        help_text=_(
            "true: open dossiers past their appointment whose clock is running; "
            "false: all the others."
        ),
    )

    class Meta:
        model = Dossier
        fields = ["status", "agency", "procedure", "overdue"]

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
