"""``GET /api/index/``: the Decision 766 index of a unit for a period, the figures of
``motcua index --json`` (issue 9, item 9).

The query is read by ``IndexQuerySerializer`` through ``indices.periods``, as the command
reads its options; bad input is 400 ``invalid`` with the parameter named in ``details``.
Who may read which unit is ``permissions.may_read_index``: a unit the user may not read is
404, as a dossier they may not see.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.dossiers.api.serializers import ErrorSerializer
from motcua.dossiers.api.views import request_user
from motcua.indices.api.serializers import (
    IndexQuerySerializer,
    IndexSerializer,
    PortalComparisonQuerySerializer,
    PortalComparisonSerializer,
)
from motcua.indices.periods import (
    DAY_PATTERN,
    PERIOD_PATTERN,
    as_json,
    comparison_as_json,
)
from motcua.indices.permissions import may_read_index
from motcua.indices.selectors import compute_index, portal_comparison
from motcua.indices.services import DefinitionError

_PARAMETERS = [
    OpenApiParameter(
        "unit",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        required=True,
        pattern=r"^[0-9A-Za-z.]+$",
        description=gettext_lazy(
            "The unit's identifier (QCVN 102:2016), e.g. 000.00.51.H15."
        ),
    ),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        pattern=PERIOD_PATTERN,
        description=gettext_lazy(
            "A year (2024), a month (2024-03) or a quarter (2024-Q1); or from and to."
        ),
    ),
    OpenApiParameter(
        "from",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        pattern=DAY_PATTERN,
        description=gettext_lazy("The first day, dd/mm/yyyy, with to."),
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        pattern=DAY_PATTERN,
        description=gettext_lazy("The last day (included), dd/mm/yyyy, with from."),
    ),
    OpenApiParameter(
        "subtree",
        OpenApiTypes.BOOL,
        OpenApiParameter.QUERY,
        description=gettext_lazy("Count the unit's whole subtree."),
    ),
]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class IndexView(APIView):
    """The Decision 766 quality index (Bộ chỉ số 766)."""

    @extend_schema(
        summary=gettext_lazy("The Decision 766 index of a unit"),
        description=(
            "For each indicator (1.1, 2.1, …) its numerator, denominator, ratio and points; "
            "each group's points, the total and the rating band; the same figures as "
            "`motcua index --json`. Dossiers count for their handling agency; with "
            "subtree, for the unit's whole subtree. The provincial supervisor reads any "
            "unit, a leader the agencies they lead; any other unit is 404."
        ),
        parameters=_PARAMETERS,
        responses={
            200: IndexSerializer,
            400: _error(
                "invalid: a parameter is missing or malformed, an unknown unit, a "
                "period and a range at once, a range ending before it starts, or "
                "definitions in force that do not add up; details names it."
            ),
            401: _error("not_authenticated / authentication_failed."),
            404: _error("not_found: a unit whose index you may not read."),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        query = IndexQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        if not may_read_index(user, asked["unit"]):
            raise NotFound()
        try:
            report = compute_index(
                unit=asked["unit"],
                subtree=asked["subtree"],
                start=asked["start"],
                end=asked["end"],
            )
        except DefinitionError as error:
            raise ValidationError({"definitions": [error.message]}) from None
        return Response(as_json(report))


class PortalComparisonView(APIView):
    """The index beside the national portal's figures (issue 9 §7)."""

    @extend_schema(
        summary=gettext_lazy("The index beside the national portal's figures"),
        description=(
            "For each indicator, motcua's figures and those the national portal "
            "published for the same unit and period (imported with `motcua index "
            "portal-import`), their difference (motcua − portal) and whether it is "
            "flagged: a count that differs, or a ratio or points beyond `tolerance`; "
            "the same for the groups and the total. The unit is counted with its "
            "subtree unless `subtree=false`. The same readers as /api/index/; a unit "
            "you may not read, or without imported figures for the period, is 404."
        ),
        parameters=[
            *[p for p in _PARAMETERS if p.name != "subtree"],
            OpenApiParameter(
                "subtree",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                description=gettext_lazy(
                    "Count the unit's whole subtree (the default, as the portal does)."
                ),
            ),
            OpenApiParameter(
                "tolerance",
                OpenApiTypes.DECIMAL,
                OpenApiParameter.QUERY,
                description=gettext_lazy(
                    "How far a ratio (percentage points) or points may differ before "
                    "it is flagged; 0.01 by default."
                ),
            ),
        ],
        responses={
            200: PortalComparisonSerializer,
            400: _error(
                "invalid: a parameter is missing or malformed; details names it."
            ),
            401: _error("not_authenticated / authentication_failed."),
            404: _error(
                "not_found: a unit whose index you may not read, or no portal figures "
                "imported for it and the period."
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        query = PortalComparisonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        if not may_read_index(user, asked["unit"]):
            raise NotFound()
        try:
            comparison = portal_comparison(
                unit=asked["unit"],
                subtree=asked["subtree"],
                start=asked["start"],
                end=asked["end"],
                tolerance=asked["tolerance"],
            )
        except DefinitionError as error:
            raise ValidationError({"definitions": [error.message]}) from None
        if comparison is None:
            raise NotFound()
        return Response(comparison_as_json(comparison))
