"""Pages of dossier lists, with ``page`` and ``page_size`` checked rather than guessed.

DRF's ``PageNumberPagination`` reads a ``page_size`` it cannot use (``null``, ``0``,
``-1``, ``abc``) as "the default" and one above the maximum as the maximum, so a client
never learns its request was not followed; and it accepts ``page=last``. Here each is 400
``invalid`` naming the parameter, and the schema states the bounds. A page past the last is
404 ``not_found``, as in DRF.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

_DIGITS = re.compile(r"[0-9]{1,10}\Z")
#: No list has more pages than this (a page of one at 2^31-1 dossiers).
MAX_PAGE = 2**31 - 1


def _bounded(request: Request, name: str, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = int(raw) if _DIGITS.match(raw) else 0
    if not 1 <= value <= maximum:
        raise ValidationError(
            {name: [_("A whole number from 1 to %(maximum)s.") % {"maximum": maximum}]},
            code="invalid",
        )
    return value


class DossierPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()

    def get_page_size(self, request: Request) -> int:
        size = _bounded(request, self.page_size_query_param, self.max_page_size)
        return self.page_size if size is None else size

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        _bounded(request, self.page_query_param, MAX_PAGE)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {
            self.page_query_param: MAX_PAGE,
            self.page_size_query_param: self.max_page_size,
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(minimum=1, maximum=bounds[parameter["name"]])
        return parameters
