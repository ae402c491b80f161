"""The dossier API: reads through a viewset, every change an explicit POST action.

Every view starts from ``permissions.dossiers_visible_to(request.user)``: a dossier the user
may not see is "not found" (404) whatever they try. Every change goes through a function of
``services``, which checks the role (``may_act``), the transition table and the action's own
guard and writes the event; the views only translate HTTP into those calls. There is no
writable ``status``.

Optimistic concurrency: a transition may name the ``lock_version`` the client saw
(``expected_version`` in the body, or an ``If-Match`` header, as returned in ``ETag``); the
service then refuses with 409 ``stale_dossier`` if anyone changed the dossier since.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.accounts.choices import AccountKind
from motcua.accounts.models import User
from motcua.core.serializers import represent
from motcua.dossiers import services
from motcua.dossiers.api.filtersets import DossierFilterSet
from motcua.dossiers.api.pagination import DossierPagination
from motcua.dossiers.api.serializers import (
    MAX_INTEGER,
    ApologiseSerializer,
    AssignSerializer,
    CounterIntakeSerializer,
    Decision,
    DossierDetailSerializer,
    DossierSerializer,
    ErrorSerializer,
    FinancialObligationSerializer,
    HandOverSerializer,
    IssueResultSerializer,
    MissingSerializer,
    NoteSerializer,
    OnlineSubmissionSerializer,
    OnTheSpotSerializer,
    ReasonsSerializer,
    RequiredNoteSerializer,
    ResubmitSerializer,
    ReturnResultSerializer,
    TransitionSerializer,
    resolve_papers,
)
from motcua.dossiers.choices import Channel, ReturnMethod
from motcua.dossiers.errors import ErrorCode, NotAllowed
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.dossiers.permissions import dossiers_visible_to, may_see
from motcua.dossiers.selectors import dossier_by_code, dossier_detail, dossier_rows
from motcua.dossiers.workflow import RULES, Action, describe
from motcua.idempotency.views import idempotent

#: Dossier codes (``000.01.51.H15-260325-0001``) and result codes (``...-KQ(1)``) carry
#: dots, dashes and brackets.
CODE_PATTERN = r"[0-9A-Z.\-()]+"
#: An entity tag as ``If-Match`` carries it: ``"7"``, ``W/"7"``, ``7``, or ``*`` for any.
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"[0-9]{1,10}"|[0-9]{1,10})\s*$'

Method = TypeVar("Method", bound=Callable[..., Any])
Row = TypeVar("Row")


def request_user(request: Request) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


#: The answers a change may bring besides success.
CHANGE_ERRORS: dict[int, OpenApiResponse] = {
    400: _error("invalid: the request is malformed; details per field."),
    401: _error("not_authenticated / authentication_failed."),
    403: _error("not_allowed: you may see this dossier but not do this to it."),
    404: _error("not_found: no such dossier, or not one you may see."),
    409: _error(
        "transition_not_allowed, stale_dossier, apology_already_made, ...: "
        "the dossier's state or version does not allow it."
    ),
    422: _error(
        "Well-formed but unacceptable: dossier_incomplete, procedure_not_in_force, "
        "agency_not_active, reasons_required, ..."
    ),
}
READ_ERRORS = {code: CHANGE_ERRORS[code] for code in (400, 401, 404)}
INTAKE_ERRORS = {code: CHANGE_ERRORS[code] for code in (400, 401, 403, 409, 422)}

CODE = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{CODE_PATTERN}$",
    description=gettext_lazy("Dossier code, e.g. 000.01.51.H15-260325-0001."),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    pattern=IF_MATCH_PATTERN,
    description=gettext_lazy(
        'The dossier\'s lock_version as an entity tag ("7"), instead of expected_version.'
    ),
)


def _expected_version(request: Request, data: dict[str, Any]) -> int | None:
    """The version the client acts on: ``expected_version`` or ``If-Match`` (``"7"``,
    ``W/"7"`` or ``7``; ``*`` names none), which must agree when both are given."""
    in_body: int | None = data.get("expected_version")
    header = request.headers.get("If-Match", "")
    in_header: int | None = None
    if header.strip() and header.strip() != "*":
        tag = header.strip().removeprefix("W/").strip('"')
        if not re.match(IF_MATCH_PATTERN, header) or int(tag) > MAX_INTEGER:
            raise ValidationError(
                {"If-Match": [_("An entity tag is the dossier's lock_version.")]}
            )
        in_header = int(tag)
    if in_body is not None and in_header is not None and in_body != in_header:
        raise ValidationError(
            {"expected_version": [_("expected_version and If-Match disagree.")]}
        )
    return in_body if in_body is not None else in_header


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Dossiers you may see"),
        description=(
            "The dossiers visible to you: your own as a citizen or business; those your "
            "agencies receive, handle or hold a step of as an officer. Newest first."
        ),
        responses={200: DossierSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One dossier with its history"),
        description=(
            "A dossier with its applicant, papers, process steps (each with its deadline "
            "state), results and events (its legal history), and its own deadline state. "
            "The ETag header carries its lock_version."
        ),
        responses={200: DossierDetailSerializer, **READ_ERRORS},
        parameters=[CODE],
    ),
)
class DossierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Dossier]
):
    """Dossiers (hồ sơ thủ tục hành chính)."""

    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN
    pagination_class = DossierPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = DossierFilterSet
    serializer_class = DossierSerializer
    queryset = Dossier.objects.none()  # the model, for the schema; see get_queryset
    #: set once a change targets an existing dossier, so that the exception handler can
    #: tell "not allowed" from "not yours"
    dossier_acted_on: Dossier | None = None

    def get_queryset(self) -> DossierQuerySet:
        """The list: the dossiers the user may see, newest first. Agencies, procedure
        versions and rules come from the process's caches (``selectors.dossier_rows``), not
        from joins. One dossier is looked up by ``get_object`` instead."""
        visible = dossiers_visible_to(request_user(self.request))
        assert isinstance(visible, DossierQuerySet)  # noqa: S101 - Dossier's manager
        return visible.with_assignee_username().order_by("-submitted_at", "-pk")

    def get_object(self) -> Dossier:
        """The dossier named by the code in the URL, if the user may see it, else 404
        (``permissions.may_see``, the test of ``dossiers_visible_to`` on one dossier).
        Read by ``selectors.dossier_by_code``: one query, the same for every user."""
        dossier = dossier_by_code(self.kwargs[self.lookup_field])
        if dossier is None or not may_see(request_user(self.request), dossier):
            raise NotFound()
        self.check_object_permissions(self.request, dossier)
        return dossier

    def paginate_queryset(
        self, queryset: QuerySet[Dossier, Row] | Sequence[Row]
    ) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        if page is None:
            return None
        return dossier_rows(cast(Sequence[Dossier], page), now=timezone.now())

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    # -------------------------------------------------------------- helpers

    def _hides_internal(self) -> bool:
        """Applicants see the history of their dossier without the administration's
        working notes (``ActionRule.internal``)."""
        user = self.request.user
        return not (
            user.is_superuser or getattr(user, "kind", "") == AccountKind.OFFICER
        )

    def _detail(self, dossier: Dossier, *, status_code: int = 200) -> Response:
        """The dossier, as it is in memory now (just read, or just changed by a service),
        with its children read once (``selectors.dossier_detail``)."""
        detail = dossier_detail(
            dossier, now=timezone.now(), hide_internal=self._hides_internal()
        )
        body = represent(DossierDetailSerializer, detail, context={})
        return Response(
            body, status=status_code, headers={"ETag": f'"{dossier.lock_version}"'}
        )

    def _transition(self, request: Request, endpoint: Endpoint) -> Response:
        """Find the dossier among those the user may see (else 404), check the request's
        shape (400), then let the service decide (403, 409, 422 or the change) on the row
        just read and the version the client names."""
        dossier = self.get_object()
        serializer = endpoint.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.dossier_acted_on = dossier
        changed = endpoint.call(
            Call(
                dossier=dossier,
                data=serializer.validated_data,
                actor=request_user(request),
                expected_version=_expected_version(request, serializer.validated_data),
            )
        )
        return self._detail(changed)

    # -------------------------------------------------------------- intake

    @idempotent
    @extend_schema(
        summary=gettext_lazy("Record a dossier handed in at the counter or by post"),
        request=CounterIntakeSerializer,
        responses={201: DossierDetailSerializer, **INTAKE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The counter officer records the dossier and decides at once: receive it (it gets
        its code and appointment, Mẫu 01), ask to complete it (Mẫu 02), or refuse it with
        reasons (Mẫu 03). NĐ 61/2018 Điều 15; NĐ 118/2025."""
        serializer = CounterIntakeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = request_user(request)
        intake = serializer.intake(
            channel=Channel(data["channel"]), applicant=serializer.given_applicant()
        )
        if data["decision"] == Decision.RECEIVE:
            dossier = services.receive_dossier(intake=intake, actor=actor)
        elif data["decision"] == Decision.REQUEST_SUPPLEMENT:
            dossier = services.request_intake_supplement(
                intake=intake, missing=data["missing"], note=data["note"], actor=actor
            )
        else:
            dossier = services.refuse_dossier(
                intake=intake, reasons=data["reasons"], actor=actor
            )
        return self._detail(dossier, status_code=status.HTTP_201_CREATED)

    @idempotent
    @extend_schema(
        summary=gettext_lazy("Submit a dossier online"),
        request=OnlineSubmissionSerializer,
        responses={201: DossierDetailSerializer, **INTAKE_ERRORS},
    )
    @action(detail=False, methods=["post"], serializer_class=OnlineSubmissionSerializer)
    def online(self, request: Request) -> Response:
        """A citizen or business submits under their own account (status 1 "Mới đăng ký");
        the applicant defaults to the account's holder. The one-stop unit then receives,
        asks to complete, or refuses it (NĐ 45/2020 Điều 11)."""
        user = request_user(request)
        if user.kind == AccountKind.OFFICER:
            raise NotAllowed(
                ErrorCode.NOT_ALLOWED,
                _(
                    "Online dossiers are submitted from a citizen's or business account."
                ),
            )
        serializer = OnlineSubmissionSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        intake = serializer.intake(
            channel=Channel.ONLINE, applicant=serializer.applicant_for(user)
        )
        dossier = services.submit_online(intake=intake, actor=user)
        return self._detail(dossier, status_code=status.HTTP_201_CREATED)

    @idempotent
    @extend_schema(
        summary=gettext_lazy("Settle a procedure on the spot"),
        request=OnTheSpotSerializer,
        responses={201: DossierDetailSerializer, **INTAKE_ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="on-the-spot",
        serializer_class=OnTheSpotSerializer,
    )
    def on_the_spot(self, request: Request) -> Response:
        """Settled at the counter while the applicant waits (giải quyết ngay): no receipt,
        but the dossier and its whole history are recorded, ending with the result returned
        (spec 02 §3.5)."""
        serializer = OnTheSpotSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        intake = serializer.intake(
            channel=Channel.DIRECT, applicant=serializer.given_applicant()
        )
        dossier = services.resolve_on_the_spot(
            intake=intake,
            results=serializer.validated_data["results"],
            actor=request_user(request),
        )
        return self._detail(dossier, status_code=status.HTTP_201_CREATED)


# ------------------------------------------------------------------ transitions


@dataclass(frozen=True)
class Call:
    """One transition request, checked for its shape."""

    dossier: Dossier
    data: dict[str, Any]
    actor: User
    expected_version: int | None

    @property
    def common(self) -> dict[str, Any]:
        return {
            "dossier": self.dossier,
            "actor": self.actor,
            "expected_version": self.expected_version,
        }

    def note(self) -> str:
        return str(self.data.get("note", ""))


@dataclass(frozen=True)
class Endpoint:
    """``POST /dossiers/{code}/<action>/``: the shape of its body, and the service call."""

    serializer: type[TransitionSerializer]
    call: Callable[[Call], Dossier]


def _resubmit(c: Call) -> Dossier:
    papers = resolve_papers(c.dossier.procedure_version, c.data["papers"])
    return services.resubmit_dossier(**c.common, papers=papers)


def _return_result(c: Call) -> Dossier:
    method = c.data.get("method")
    return services.return_result(
        **c.common,
        method=ReturnMethod(method) if method else None,
        receiver=c.data["receiver"],
    )


S = services
#: One line per action a person takes on an existing dossier (``workflow.TRANSITION_ACTIONS``;
#: a test checks that none is missing): its body and its service.
ENDPOINTS: dict[str, Endpoint] = {
    Action.RECEIVE: Endpoint(TransitionSerializer, lambda c: S.receive_dossier(**c.common)),
    Action.REQUEST_INTAKE_SUPPLEMENT: Endpoint(MissingSerializer, lambda c: S.request_intake_supplement(**c.common, missing=c.data["missing"], note=c.note())),
    Action.REFUSE: Endpoint(ReasonsSerializer, lambda c: S.refuse_dossier(**c.common, reasons=c.data["reasons"])),
    Action.RESUBMIT: Endpoint(ResubmitSerializer, _resubmit),
    Action.TRANSFER: Endpoint(TransitionSerializer, lambda c: S.transfer_dossier(**c.common)),
    Action.ASSIGN: Endpoint(AssignSerializer, lambda c: S.assign_dossier(**c.common, assignee=c.data["assignee"])),
    Action.HAND_OVER: Endpoint(HandOverSerializer, lambda c: S.hand_over_dossier(**c.common, to_agency=c.data["to_agency"], note=c.note())),
    Action.RETURN_FROM_AGENCY: Endpoint(NoteSerializer, lambda c: S.return_from_agency(**c.common, note=c.note())),
    Action.REQUEST_SUPPLEMENT: Endpoint(MissingSerializer, lambda c: S.request_supplement(**c.common, missing=c.data["missing"], note=c.note())),
    Action.RECEIVE_SUPPLEMENT: Endpoint(NoteSerializer, lambda c: S.receive_supplement(**c.common, note=c.note())),
    Action.REQUEST_FINANCIAL_OBLIGATION: Endpoint(FinancialObligationSerializer, lambda c: S.request_financial_obligation(**c.common, amount=c.data.get("amount"), note=c.note())),
    Action.CONFIRM_FINANCIAL_OBLIGATION: Endpoint(NoteSerializer, lambda c: S.confirm_financial_obligation(**c.common, note=c.note())),
    Action.SUBMIT_FOR_APPROVAL: Endpoint(NoteSerializer, lambda c: S.submit_for_approval(**c.common, note=c.note())),
    Action.SEND_BACK: Endpoint(RequiredNoteSerializer, lambda c: S.send_back_dossier(**c.common, note=c.note())),
    Action.APPROVE: Endpoint(NoteSerializer, lambda c: S.approve_dossier(**c.common, note=c.note())),
    Action.ISSUE_RESULT: Endpoint(IssueResultSerializer, lambda c: S.issue_result(**c.common, results=c.data["results"])),
    Action.RETURN_RESULT: Endpoint(ReturnResultSerializer, _return_result),
    Action.APOLOGISE: Endpoint(ApologiseSerializer, lambda c: S.apologise(**c.common, new_due_at=c.data["new_due_at"], reason=c.data["reason"])),
    Action.WITHDRAW: Endpoint(NoteSerializer, lambda c: S.withdraw_dossier(**c.common, note=c.note())),
    Action.STOP: Endpoint(ReasonsSerializer, lambda c: S.stop_dossier(**c.common, reasons=c.data["reasons"])),
}  # fmt: skip


def url_path(action_name: str) -> str:
    """``request_supplement`` → ``request-supplement``."""
    return action_name.replace("_", "-")


def _route(action_name: str, endpoint: Endpoint) -> None:
    """Add ``POST /dossiers/{code}/<action>/`` to the viewset, described from the action's
    row (who may take it, what it does to the clock and the steps, its legal basis)."""
    rule = RULES[action_name]

    def view(self: DossierViewSet, request: Request, code: str) -> Response:
        return self._transition(request, endpoint)

    view.__name__ = action_name
    view.__doc__ = describe(rule)
    routed = action(
        detail=True,
        methods=["post"],
        url_path=url_path(action_name),
        url_name=url_path(action_name),
        serializer_class=endpoint.serializer,
    )(view)
    # extend_schema must wrap action(): action() resets the kwargs it annotates
    documented = extend_schema(
        # lazy: rendered in the language the schema is generated in
        summary=cast(str, Action(action_name).label),
        description=describe(rule),
        request=endpoint.serializer,
        responses={200: DossierDetailSerializer, **CHANGE_ERRORS},
        parameters=[CODE, IF_MATCH],
    )(routed)
    setattr(DossierViewSet, action_name, documented)


for _name, _endpoint in ENDPOINTS.items():
    _route(_name, _endpoint)
