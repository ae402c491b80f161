"""The evaluation and petition API (issue 9 §1: evaluations and petitions "recorded through
the API and the import").

- ``/api/dossiers/{code}/evaluations/``: a dossier's evaluations, read and recorded by
  whoever may see the dossier (``dossiers.permissions.may_see``; otherwise 404, as the
  dossier itself);
- ``/api/petitions/`` and ``/api/petitions/{code}/``: petitions addressed to the agencies
  the user holds a role in (``ratings.permissions.petitions_visible_to``; otherwise 404).

Creates honour ``Idempotency-Key`` (``idempotency.views.idempotent``); every write is a
function of ``ratings.services``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.choices import AccountKind
from motcua.dossiers.api.pagination import DossierPagination
from motcua.dossiers.api.views import CHANGE_ERRORS, CODE, READ_ERRORS, request_user
from motcua.dossiers.errors import ErrorCode, NotAllowed
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import may_see
from motcua.dossiers.selectors import dossier_by_code
from motcua.idempotency.views import idempotent
from motcua.ratings import services
from motcua.ratings.api.serializers import (
    EvaluationCreateSerializer,
    EvaluationSerializer,
    PetitionChangeSerializer,
    PetitionCreateSerializer,
    PetitionSerializer,
)
from motcua.ratings.models import Evaluation, Petition
from motcua.ratings.permissions import petitions_visible_to

CREATE_ERRORS = {code: CHANGE_ERRORS[code] for code in (400, 401, 403, 404, 409, 422)}
PETITION_CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=gettext_lazy("The petition's code."),
)


def _visible_dossier(request: Request, code: str) -> Dossier:
    dossier = dossier_by_code(code)
    if dossier is None or not may_see(request_user(request), dossier):
        raise NotFound()
    return dossier


class EvaluationsView(APIView):
    """Evaluations of a dossier (đánh giá mức độ hài lòng)."""

    @extend_schema(
        summary=gettext_lazy("The evaluations of a dossier"),
        parameters=[CODE],
        responses={200: EvaluationSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = _visible_dossier(request, code)
        rows = Evaluation.objects.filter(dossier=dossier).order_by("at", "pk")
        for row in rows:
            row.dossier = dossier
        return Response(EvaluationSerializer(rows, many=True).data)

    @idempotent
    @extend_schema(
        summary=gettext_lazy("Record an evaluation of a dossier"),
        description=(
            "The like or dislike that Decision 766 indicator 5.4 reads, and the nine "
            "criteria of TT 01/2018 (2, 1 or 0 points each). The applicant evaluates on "
            "the provincial portal; an officer records an evaluation given on paper or on "
            "another portal."
        ),
        parameters=[CODE],
        request=EvaluationCreateSerializer,
        responses={201: EvaluationSerializer, **CREATE_ERRORS},
    )
    def post(self, request: Request, code: str) -> Response:
        dossier = _visible_dossier(request, code)
        body = EvaluationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request_user(request)
        if data.get("at") is not None and user.kind != AccountKind.OFFICER:
            # an applicant's evaluation is dated when it arrives: a dislike dated into an
            # earlier period would move a closed period's 5.4 (spec 01b §7)
            raise NotAllowed(
                ErrorCode.NOT_ALLOWED,
                _("An applicant's evaluation is dated when it arrives; leave out at."),
            )
        evaluation = services.record_evaluation(
            dossier=dossier,
            at=data.get("at") or timezone.now(),
            channel=data["channel"],
            verdict=data["verdict"],
            criteria=data.get("criteria") or {},
            comment=data["comment"],
            reference=data["reference"],
            actor=request_user(request),
        )
        return Response(
            EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED
        )


class PetitionsView(GenericAPIView[Petition]):
    """Petitions (phản ánh, kiến nghị) addressed to your agencies."""

    pagination_class = DossierPagination
    serializer_class = PetitionSerializer
    queryset = Petition.objects.none()

    @extend_schema(
        summary=gettext_lazy("Petitions addressed to your agencies"),
        responses={200: PetitionSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request: Request) -> Response:
        rows = (
            petitions_visible_to(request_user(request))
            .select_related("agency", "dossier")
            .order_by("-submitted_at", "pk")
        )
        page = self.paginate_queryset(rows)
        assert page is not None  # noqa: S101 - the view always paginates
        return self.get_paginated_response(PetitionSerializer(page, many=True).data)

    @idempotent
    @extend_schema(
        summary=gettext_lazy("Record a petition"),
        request=PetitionCreateSerializer,
        responses={201: PetitionSerializer, **CREATE_ERRORS},
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        body = PetitionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        dossier = None
        if data.get("dossier"):
            dossier = dossier_by_code(data["dossier"])
            if dossier is None or not may_see(user, dossier):
                raise ValidationError(
                    {"dossier": [_("No dossier you may see has this code.")]}
                )
        data["dossier"] = dossier
        petition = services.record_petition(actor=user, **data)
        return Response(
            PetitionSerializer(petition).data, status=status.HTTP_201_CREATED
        )


class PetitionView(APIView):
    """One petition."""

    def _petition(self, request: Request, code: str) -> Petition:
        found = (
            petitions_visible_to(request_user(request))
            .select_related("agency", "dossier")
            .filter(code=code)
            .first()
        )
        if found is None:
            raise NotFound()
        return found

    @extend_schema(
        summary=gettext_lazy("One petition"),
        parameters=[PETITION_CODE],
        responses={200: PetitionSerializer, **READ_ERRORS},
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(PetitionSerializer(self._petition(request, code)).data)

    @extend_schema(
        summary=gettext_lazy("Record what happened to a petition"),
        description=(
            "A moment not recorded yet (a recorded moment is never rewritten: 409), the "
            "reactions to the answer, whether it was raised again; the moments stay in "
            "their order (422 petition_moments_out_of_order)."
        ),
        parameters=[PETITION_CODE],
        request=PetitionChangeSerializer,
        responses={200: PetitionSerializer, **CREATE_ERRORS},
    )
    def patch(self, request: Request, code: str, *args: Any) -> Response:
        petition = self._petition(request, code)
        body = PetitionChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = services.update_petition(
            petition=petition, actor=request_user(request), **body.validated_data
        )
        changed.agency = petition.agency
        changed.dossier = petition.dossier
        return Response(PetitionSerializer(changed).data)
