"""``GET /api/index/``: the Decision 766 index of a unit for a period, the figures of
``motcua index --json`` (issue 9, item 9).

The query is read by ``IndexQuerySerializer`` through ``indices.periods``, as the command
reads its options; bad input is 400 ``invalid`` with the parameter named in ``details``.
Who may read which unit is ``permissions.may_read_index``: a unit the user may not read is
404, as a dossier they may not see.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.api import ApiError
from motcua.dossiers.api.pagination import MAX_PAGE, DossierPagination
from motcua.dossiers.api.serializers import ErrorSerializer
from motcua.dossiers.api.views import request_user
from motcua.indices.api.serializers import (
    EntryPageSerializer,
    ExplainQuerySerializer,
    IndexAnswerQuerySerializer,
    IndexQuerySerializer,
    IndexSerializer,
    OpportunitiesQuerySerializer,
    OpportunitiesSerializer,
    PortalComparisonQuerySerializer,
    PortalComparisonSerializer,
)
from motcua.indices.choices import Indicator
from motcua.indices.explain import explain, opportunities
from motcua.indices.limits import TooManyItems
from motcua.indices.periods import (
    DAY_PATTERN,
    PERIOD_PATTERN,
    as_json,
    comparison_as_json,
)
from motcua.indices.permissions import may_read_index
from motcua.indices.selectors import (
    compute_index,
    portal_comparison,
    rank_among_siblings,
)
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
    OpenApiParameter(
        "procedure",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=gettext_lazy("Only this procedure's dossiers (its code)."),
    ),
    OpenApiParameter(
        "field",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=gettext_lazy("Only the dossiers of this field (its code)."),
    ),
    OpenApiParameter(
        "officer",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=gettext_lazy(
            "Only the dossiers assigned to this officer (username)."
        ),
    ),
]
_EXPLAIN_PARAMETERS = [
    *_PARAMETERS,
    OpenApiParameter(
        "indicator",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        required=True,
        enum=list(Indicator.values),
        description=gettext_lazy("The indicator to explain, e.g. 2.1."),
    ),
    OpenApiParameter(
        "page",
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        description=gettext_lazy("The page, from 1."),
    ),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        description=gettext_lazy("Items per page, 1 to 200 (50 if not given)."),
    ),
]
_OPPORTUNITY_PARAMETERS = [
    *_PARAMETERS,
    OpenApiParameter(
        "limit",
        OpenApiTypes.INT,
        OpenApiParameter.QUERY,
        description=gettext_lazy("How many open dossiers, 1 to 200 (20)."),
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
        parameters=[
            *_PARAMETERS,
            OpenApiParameter(
                "rank",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                description=gettext_lazy(
                    "Rank the unit among its siblings (computes each sibling's index; "
                    "`rank` is null without it)."
                ),
            ),
        ],
        responses={
            200: IndexSerializer,
            400: _error(
                "invalid: a parameter is missing or malformed, an unknown unit, a "
                "period and a range at once, a range ending before it starts, or "
                "definitions in force that do not add up; details names it."
            ),
            401: _error("not_authenticated / authentication_failed."),
            404: _error("not_found: a unit whose index you may not read."),
            422: _error(
                "too_many_to_recompute: a custom range or a cut by procedure, field or "
                "officer over more dossiers than one recomputation judges "
                "(`MOTCUA_INDEX_RECOMPUTE_LIMIT`, details.limit); a calendar month, "
                "quarter or year of a whole unit is always answered."
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = _read(request, IndexAnswerQuerySerializer)
        try:
            report = compute_index(
                unit=asked["unit"],
                subtree=asked["subtree"],
                start=asked["start"],
                end=asked["end"],
                scope=asked["scope"],
            )
            rank = rank_among_siblings(report) if asked["rank"] else None
        except DefinitionError as error:
            raise ValidationError({"definitions": [error.message]}) from None
        except TooManyItems as error:
            raise _too_many(error) from None
        return Response(as_json(report, cut=asked["cut"], rank=rank))


def _too_many(error: TooManyItems) -> ApiError:
    """A cut whose dossiers are too many to judge one by one (``limits``): 422, the
    limit in the details."""
    return ApiError(
        error.code, error.message, status=422, details={"limit": error.limit}
    )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _read(request: Request, serializer: type[IndexQuerySerializer]) -> dict[str, Any]:
    user = request_user(request)
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    asked: dict[str, Any] = query.validated_data
    if not may_read_index(user, asked["unit"]):
        raise NotFound()
    return asked


class ExplainPagination(DossierPagination):
    pass


class ExplainView(APIView):
    """What an indicator's figure is made of."""

    @extend_schema(
        summary=gettext_lazy("The items behind an indicator's figure"),
        description=(
            "The dossiers (or petitions, or procedures) in the indicator's denominator for "
            "the unit, the period and the cut of `GET /api/index/`, each with whether it "
            'is in the numerator and why, in the interface language ("late: finished 3 '
            'working hours after its appointment"); those that cost points first. '
            f"Paginated (page 1 to {MAX_PAGE}). 2.2, a mean, lists the dossiers it "
            "timed, the longest first; 1.3 the published procedures; 3.2 the online "
            "services (kind `service`: a procedure at an agency); 4.x the communes "
            "(kind `agency`)."
        ),
        parameters=_EXPLAIN_PARAMETERS,
        responses={
            200: EntryPageSerializer,
            400: _error(
                "invalid: a parameter is missing or malformed, an unknown unit, "
                "procedure, field, officer or indicator; details names it."
            ),
            401: _error("not_authenticated / authentication_failed."),
            404: _error(
                "not_found: a unit whose index you may not read, or a page past the last."
            ),
            422: _error(
                "too_many_to_explain: more dossiers or petitions to examine than a "
                "drill-down judges (`MOTCUA_INDEX_EXPLAIN_LIMIT`, details.limit): "
                "narrow the cut."
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = _read(request, ExplainQuerySerializer)
        try:
            entries = explain(
                unit=asked["unit"],
                subtree=asked["subtree"],
                start=asked["start"],
                end=asked["end"],
                indicator=asked["indicator"],
                scope=asked["scope"],
            )
        except DefinitionError as error:
            raise ValidationError({"definitions": [error.message]}) from None
        except TooManyItems as error:
            raise _too_many(error) from None
        paginator = ExplainPagination()
        page = paginator.paginate_queryset(entries, request, view=self) or []
        return paginator.get_paginated_response(
            [
                {
                    "kind": entry.kind,
                    "id": entry.id,
                    "code": entry.code,
                    "in_numerator": entry.in_numerator,
                    "reason": entry.reason,
                }
                for entry in page
            ]
        )


class OpportunitiesView(APIView):
    """What would move a unit's score."""

    @extend_schema(
        summary=gettext_lazy("What would move a unit's score"),
        description=(
            "For the unit, the period (default `now`: the year to date) and the cut: the "
            "open dossiers in time, due soonest first, with the points 2.1 and 5.4 lose "
            "if each goes late; and per indicator how many more qualifying items it "
            "needs for full points and to reach the next band with that indicator alone."
        ),
        parameters=_OPPORTUNITY_PARAMETERS,
        responses={
            200: OpportunitiesSerializer,
            400: _error("invalid: as `GET /api/index/`; details names the parameter."),
            401: _error("not_authenticated / authentication_failed."),
            404: _error("not_found: a unit whose index you may not read."),
            422: _error(
                "too_many_to_explain: more open dossiers to examine than "
                "`MOTCUA_INDEX_EXPLAIN_LIMIT` (details.limit); too_many_to_recompute: "
                "as `GET /api/index/`."
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = _read(request, OpportunitiesQuerySerializer)
        try:
            found = opportunities(
                unit=asked["unit"],
                subtree=asked["subtree"],
                start=asked["start"],
                end=asked["end"],
                scope=asked["scope"],
                limit=asked["limit"],
            )
        except DefinitionError as error:
            raise ValidationError({"definitions": [error.message]}) from None
        except TooManyItems as error:
            raise _too_many(error) from None
        return Response(
            {
                "unit": asked["unit"].identifier,
                "total": float(found.report.total),
                "band": found.report.band,
                "next_band": found.next_band,
                "next_band_from": _number(found.next_band_from),
                "dossiers": [
                    {
                        "id": item.dossier,
                        "code": item.code,
                        "due_at": item.due_at.isoformat(),
                        "points": float(item.points),
                    }
                    for item in found.dossiers
                ],
                "gaps": [
                    {
                        "indicator": gap.indicator,
                        "numerator": gap.numerator,
                        "denominator": gap.denominator,
                        "points": _number(gap.points),
                        "to_target": gap.to_target,
                        "to_next_band": gap.to_next_band,
                    }
                    for gap in found.gaps
                ],
            }
        )


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
            422: _error(
                "too_many_to_recompute: as `GET /api/index/`, for a period that is not "
                "a calendar month, quarter or year."
            ),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = _read(request, PortalComparisonQuerySerializer)
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
        except TooManyItems as error:
            raise _too_many(error) from None
        if comparison is None:
            raise NotFound()
        return Response(comparison_as_json(comparison))
