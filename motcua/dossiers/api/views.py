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

import datetime as dt
from collections.abc import Callable, Sequence
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
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from motcua.accounts.choices import AccountKind
from motcua.accounts.models import User
from motcua.core.serializers import represent
from motcua.dossiers import services
from motcua.dossiers.api.filtersets import DossierFilterSet
from motcua.dossiers.api.serializers import (
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
from motcua.dossiers.errors import NotAllowed
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.dossiers.permissions import dossiers_visible_to, may_see
from motcua.dossiers.selectors import (
    attach_reference_rows,
    dossier_by_code,
    load_details,
    show_written,
)
from motcua.dossiers.workflow import Action
from motcua.idempotency.views import idempotent
from motcua.workdays.selectors import calendar_for

#: Dossier codes (``000.01.51.H15-260325-0001``) and result codes (``...-KQ(1)``) carry
#: dots, dashes and brackets.
CODE_PATTERN = r"[0-9A-Z.\-()]+"

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
    description=gettext_lazy(
        'The dossier\'s lock_version as an entity tag ("7"), instead of expected_version.'
    ),
)


def transition(
    url_path: str, serializer: type[TransitionSerializer], act: str
) -> Callable[[Method], Any]:
    """A POST action on one dossier: ``/dossiers/{code}/<url_path>/``."""

    def decorate(method: Method) -> Any:
        # extend_schema must wrap action(): action() resets the kwargs it annotates
        routed = action(
            detail=True,
            methods=["post"],
            url_path=url_path,
            serializer_class=serializer,
        )(method)
        return extend_schema(
            # lazy: rendered in the language the schema is generated in
            summary=cast(str, Action(act).label),
            request=serializer,
            responses={200: DossierDetailSerializer, **CHANGE_ERRORS},
            parameters=[CODE, IF_MATCH],
        )(routed)

    return decorate


def _expected_version(request: Request, data: dict[str, Any]) -> int | None:
    """The version the client acts on: ``expected_version`` or ``If-Match`` (``"7"``,
    ``W/"7"`` or ``7``; ``*`` names none), which must agree when both are given."""
    in_body: int | None = data.get("expected_version")
    header = request.headers.get("If-Match", "").strip()
    in_header: int | None = None
    if header and header != "*":
        tag = header.removeprefix("W/").strip().strip('"')
        if not tag.isdigit():
            raise ValidationError(
                {"If-Match": [_("An entity tag is the dossier's lock_version.")]}
            )
        in_header = int(tag)
    if in_body is not None and in_header is not None and in_body != in_header:
        raise ValidationError(
            {"expected_version": [_("expected_version and If-Match disagree.")]}
        )
    return in_body if in_body is not None else in_header


class DossierPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
    parser_classes = [JSONParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DossierFilterSet
    serializer_class = DossierSerializer
    queryset = Dossier.objects.none()  # the model, for the schema; see get_queryset
    #: set once a change targets an existing dossier, so that the exception handler can
    #: tell "not allowed" from "not yours"
    dossier_acted_on: Dossier | None = None

    def get_queryset(self) -> DossierQuerySet:
        """The list: the dossiers the user may see, newest first. Agencies, procedure
        versions and rules come from the process's caches (``attach_reference_rows``), not
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
    ) -> list[Row] | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            attach_reference_rows(cast(Sequence[Dossier], page))
        return page

    def get_serializer_context(self) -> dict[str, Any]:
        user = self.request.user
        # applicants see the history of their dossier without the administration's working
        # notes (workflow.INTERNAL_ACTIONS)
        applicant_view = not (
            user.is_superuser or getattr(user, "kind", "") == AccountKind.OFFICER
        )
        return {
            **super().get_serializer_context(),
            "now": timezone.now(),
            "applicant_view": applicant_view,
        }

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    # -------------------------------------------------------------- helpers

    def _detail(self, dossier: Dossier, *, status_code: int = 200) -> Response:
        """The dossier as ``DossierDetailSerializer`` shows it, judged under its handling
        agency's calendar. A dossier this request created is shown from the rows it wrote
        (``show_written``); after another change it is read again with everything the
        detail shows, whether or not the user still may see it (they have just acted on
        it)."""
        if self.action == "retrieve":
            load_details(dossier)
        elif dossier.details is not None:
            show_written(dossier)
        else:
            changed = dossier_by_code(dossier.code)
            assert changed is not None  # noqa: S101 - a change never deletes a dossier
            dossier = load_details(changed)
        context = {
            **self.get_serializer_context(),
            "calendar": calendar_for(dossier.handling_agency),
        }
        body = represent(DossierDetailSerializer, dossier, context=context)
        return Response(
            body, status=status_code, headers={"ETag": f'"{dossier.lock_version}"'}
        )

    def _transition(
        self,
        request: Request,
        act: Callable[[Dossier, dict[str, Any], User], Dossier],
    ) -> Response:
        """Find the dossier among those the user may see (else 404), check the request's
        shape (400), then let the service decide (403, 409, 422 or the change)."""
        dossier = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = _expected_version(request, serializer.validated_data)
        if version is not None:
            # The services compare the stored dossier with the version of the object they
            # are given: the client's, when it names one.
            dossier.lock_version = version
        self.dossier_acted_on = dossier
        return self._detail(
            act(dossier, serializer.validated_data, request_user(request))
        )

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
                "not_allowed",
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

    # -------------------------------------------------------------- transitions

    @transition("receive", TransitionSerializer, Action.RECEIVE)
    def receive(self, request: Request, code: str) -> Response:
        """Receive an online dossier: it gets its appointment (Mẫu 01)."""
        return self._transition(
            request,
            lambda d, data, actor: services.receive_dossier(dossier=d, actor=actor),
        )

    @transition(
        "request-intake-supplement", MissingSerializer, Action.REQUEST_INTAKE_SUPPLEMENT
    )
    def request_intake_supplement(self, request: Request, code: str) -> Response:
        """Ask, once and in full, to complete an online dossier before reception (Mẫu 02)."""
        return self._transition(
            request,
            lambda d, data, actor: services.request_intake_supplement(
                dossier=d, missing=data["missing"], note=data["note"], actor=actor
            ),
        )

    @transition("refuse", ReasonsSerializer, Action.REFUSE)
    def refuse(self, request: Request, code: str) -> Response:
        """Refuse an online dossier, with reasons in writing (Mẫu 03)."""
        return self._transition(
            request,
            lambda d, data, actor: services.refuse_dossier(
                dossier=d, reasons=data["reasons"], actor=actor
            ),
        )

    @transition("resubmit", ResubmitSerializer, Action.RESUBMIT)
    def resubmit(self, request: Request, code: str) -> Response:
        """The applicant sends the papers asked for; the dossier is submitted again."""

        def act(d: Dossier, data: dict[str, Any], actor: User) -> Dossier:
            papers = resolve_papers(d.procedure_version, data["papers"])
            return services.resubmit_dossier(dossier=d, papers=papers, actor=actor)

        return self._transition(request, act)

    @transition("transfer", TransitionSerializer, Action.TRANSFER)
    def transfer(self, request: Request, code: str) -> Response:
        """The counter hands the dossier to the competent body (NĐ 61/2018 Điều 16)."""
        return self._transition(
            request,
            lambda d, data, actor: services.transfer_dossier(dossier=d, actor=actor),
        )

    @transition("assign", AssignSerializer, Action.ASSIGN)
    def assign(self, request: Request, code: str) -> Response:
        """The head of the competent body assigns a specialist (NĐ 61/2018 Điều 17)."""
        return self._transition(
            request,
            lambda d, data, actor: services.assign_dossier(
                dossier=d, assignee=data["assignee"], actor=actor
            ),
        )

    @transition("hand-over", HandOverSerializer, Action.HAND_OVER)
    def hand_over(self, request: Request, code: str) -> Response:
        """Hand the dossier to a co-ordinating agency of an inter-agency process."""
        return self._transition(
            request,
            lambda d, data, actor: services.hand_over_dossier(
                dossier=d, to_agency=data["to_agency"], note=data["note"], actor=actor
            ),
        )

    @transition("return-from-agency", NoteSerializer, Action.RETURN_FROM_AGENCY)
    def return_from_agency(self, request: Request, code: str) -> Response:
        """The co-ordinating agency returns the dossier with its part done."""
        return self._transition(
            request,
            lambda d, data, actor: services.return_from_agency(
                dossier=d, note=data["note"], actor=actor
            ),
        )

    @transition("request-supplement", MissingSerializer, Action.REQUEST_SUPPLEMENT)
    def request_supplement(self, request: Request, code: str) -> Response:
        """Ask the applicant to supplement the dossier; its clock stops (Mẫu 02)."""
        return self._transition(
            request,
            lambda d, data, actor: services.request_supplement(
                dossier=d, missing=data["missing"], note=data["note"], actor=actor
            ),
        )

    @transition("receive-supplement", NoteSerializer, Action.RECEIVE_SUPPLEMENT)
    def receive_supplement(self, request: Request, code: str) -> Response:
        """The supplement arrives; the clock runs again and the appointment moves."""
        return self._transition(
            request,
            lambda d, data, actor: services.receive_supplement(
                dossier=d, note=data["note"], actor=actor
            ),
        )

    @transition(
        "request-financial-obligation",
        FinancialObligationSerializer,
        Action.REQUEST_FINANCIAL_OBLIGATION,
    )
    def request_financial_obligation(self, request: Request, code: str) -> Response:
        """Ask the applicant to pay a fee, charge or tax (status 6)."""
        return self._transition(
            request,
            lambda d, data, actor: services.request_financial_obligation(
                dossier=d, amount=data.get("amount"), note=data["note"], actor=actor
            ),
        )

    @transition(
        "confirm-financial-obligation",
        NoteSerializer,
        Action.CONFIRM_FINANCIAL_OBLIGATION,
    )
    def confirm_financial_obligation(self, request: Request, code: str) -> Response:
        """The obligation is paid; processing resumes."""
        return self._transition(
            request,
            lambda d, data, actor: services.confirm_financial_obligation(
                dossier=d, note=data["note"], actor=actor
            ),
        )

    @transition("submit-for-approval", NoteSerializer, Action.SUBMIT_FOR_APPROVAL)
    def submit_for_approval(self, request: Request, code: str) -> Response:
        """The specialist submits the appraised dossier and draft result to the leader."""
        return self._transition(
            request,
            lambda d, data, actor: services.submit_for_approval(
                dossier=d, note=data["note"], actor=actor
            ),
        )

    @transition("send-back", RequiredNoteSerializer, Action.SEND_BACK)
    def send_back(self, request: Request, code: str) -> Response:
        """The leader sends the draft back for rework."""
        return self._transition(
            request,
            lambda d, data, actor: services.send_back_dossier(
                dossier=d, note=data["note"], actor=actor
            ),
        )

    @transition("approve", NoteSerializer, Action.APPROVE)
    def approve(self, request: Request, code: str) -> Response:
        """The leader approves and signs the result."""
        return self._transition(
            request,
            lambda d, data, actor: services.approve_dossier(
                dossier=d, note=data["note"], actor=actor
            ),
        )

    @transition("issue-result", IssueResultSerializer, Action.ISSUE_RESULT)
    def issue_result(self, request: Request, code: str) -> Response:
        """The result is issued; processing ends (status 9)."""
        return self._transition(
            request,
            lambda d, data, actor: services.issue_result(
                dossier=d, results=data["results"], actor=actor
            ),
        )

    @transition("return-result", ReturnResultSerializer, Action.RETURN_RESULT)
    def return_result(self, request: Request, code: str) -> Response:
        """The result reaches the applicant (status 10; NĐ 61/2018 Điều 18)."""

        def act(d: Dossier, data: dict[str, Any], actor: User) -> Dossier:
            method = data.get("method")
            return services.return_result(
                dossier=d,
                method=ReturnMethod(method) if method else None,
                receiver=data["receiver"],
                actor=actor,
            )

        return self._transition(request, act)

    @transition("apologise", ApologiseSerializer, Action.APOLOGISE)
    def apologise(self, request: Request, code: str) -> Response:
        """Apologise in writing and set a new appointment, once (Mẫu 04)."""

        def act(d: Dossier, data: dict[str, Any], actor: User) -> Dossier:
            new_due_at: dt.datetime = data["new_due_at"]
            return services.apologise(
                dossier=d, new_due_at=new_due_at, reason=data["reason"], actor=actor
            )

        return self._transition(request, act)

    @transition("withdraw", NoteSerializer, Action.WITHDRAW)
    def withdraw(self, request: Request, code: str) -> Response:
        """The applicant withdraws the dossier (status 7)."""
        return self._transition(
            request,
            lambda d, data, actor: services.withdraw_dossier(
                dossier=d, note=data["note"], actor=actor
            ),
        )

    @transition("stop", ReasonsSerializer, Action.STOP)
    def stop(self, request: Request, code: str) -> Response:
        """Stop processing, with written reasons (status 8)."""
        return self._transition(
            request,
            lambda d, data, actor: services.stop_dossier(
                dossier=d, reasons=data["reasons"], actor=actor
            ),
        )
