"""Public pages for citizens and businesses: the published procedure catalogue."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.views.generic import DetailView, ListView

from motcua.procedures.models import Field, ProcedureVersion, ProcedureVersionQuerySet
from motcua.procedures.selectors import with_contents


def _in_force_today() -> ProcedureVersionQuerySet:
    return ProcedureVersion.objects.in_force_on(timezone.localdate())


class ProcedureListView(ListView[ProcedureVersion]):
    """The catalogue as a citizen sees it: procedures in force today, searchable without
    accents ("dang ky khai sinh" finds "Đăng ký khai sinh"), filtered by field."""

    template_name = "portal/procedure_list.html"
    paginate_by = 25
    context_object_name = "versions"

    def get_queryset(self) -> QuerySet[ProcedureVersion]:
        versions = _in_force_today().select_related("procedure", "field")
        query = self.request.GET.get("q", "").strip()
        if query:
            versions = versions.search(query)
        field = self.request.GET.get("field", "")
        if field:
            versions = versions.filter(field__code=field)
        return versions.order_by("field__name", "procedure__code")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["fields"] = Field.objects.order_by("name")
        context["query"] = self.request.GET.get("q", "")
        context["selected_field"] = self.request.GET.get("field", "")
        return context


class ProcedureDetailView(DetailView[ProcedureVersion]):
    """One procedure as published today: the seven components of NĐ 63/2010 Điều 8 and fees."""

    template_name = "portal/procedure_detail.html"
    context_object_name = "version"

    def get_object(
        self, queryset: QuerySet[ProcedureVersion] | None = None
    ) -> ProcedureVersion:
        version = with_contents(
            _in_force_today().filter(procedure__code=self.kwargs["code"])
        ).first()
        if version is None:
            raise Http404
        return version
