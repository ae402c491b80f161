"""The one-stop counter in the officers' workspace (issue 10 §4; NĐ 61/2018/NĐ-CP Điều 15,
18; NĐ 45/2020/NĐ-CP Điều 11; spec 02 §2-3, §9): a paper dossier recorded from the
procedure found by search, its checklist ticked and the applicant entered or found by
number, then received (Mẫu 01), returned for completion (Mẫu 02), refused (Mẫu 03) or
settled on the spot; the online dossiers waiting for the counter's answer; a supplement
brought to the counter; a result handed over.

Thin views over the services of ``dossiers.services`` (the same calls the API makes):
the services decide, and each refusal is put beside the field it names
(``counter_forms.CounterFormMixin.place_error``); a refused form changes nothing (the
services' one transaction). A dossier the officer may not see is 404, as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from motcua.accounts.choices import AccountKind
from motcua.accounts.models import User
from motcua.agencies.models import Agency
from motcua.documents.slips import slips_of
from motcua.dossiers import events as history
from motcua.dossiers import services
from motcua.dossiers.choices import Channel, ReturnMethod
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import may_act, may_see
from motcua.dossiers.selectors import dossier_by_code, versions_for_intake
from motcua.dossiers.workflow import RULES, Action, DossierStatus
from motcua.files.services import digitise_component
from motcua.files.store import check_upload
from motcua.idempotency import once
from motcua.office.counter_forms import (
    ASK_TO_COMPLETE,
    ON_THE_SPOT,
    RECEIVE,
    REFUSE,
    AskToCompleteForm,
    CounterActionForm,
    IntakeForm,
    ProcedureSearchForm,
    ReceiveForm,
    RefuseForm,
    ReturnResultForm,
    SupplementReceivedForm,
)
from motcua.office.counter_selectors import (
    agencies_active_on,
    applicant_by_number,
    awaiting_answer,
    counters_of,
    handling_agencies,
    search_procedures,
    waiting_rows,
)
from motcua.office.selectors import Slip
from motcua.office.views import OfficerRequiredMixin
from motcua.procedures.models import ProcedureVersion, RequiredComponent

#: the applicant's inputs of the intake form, which the lookup by number fills
APPLICANT_FIELDS = (
    "applicant_kind",
    "applicant_id_number",
    "applicant_name",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
)
#: the name of the intake form's button that looks the applicant up (without JavaScript
#: the whole form comes back with it, and nothing is recorded)
LOOKUP = "tra-cuu"


def _officer(request: HttpRequest) -> User:
    return cast(User, request.user)


class CounterRequiredMixin(OfficerRequiredMixin):
    """An officer who serves a one-stop counter today (the counter officer's role,
    ``counters_of``); another officer is refused with a page that says why (403)."""

    counters: list[Agency]

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and getattr(user, "kind", None) == AccountKind.OFFICER:
            self.counters = counters_of(user, on=timezone.localdate())
            if not self.counters:
                return TemplateResponse(
                    request, "office/counter/counters_only.html", status=403
                )
        return super().dispatch(request, *args, **kwargs)


# ------------------------------------------------------------------ finding the procedure


class CounterHomeView(CounterRequiredMixin, TemplateView):
    """The counter: find the procedure the applicant asks for, accents optional, the
    results following what is typed (htmx swaps ``_procedures.html``); how many online
    dossiers wait for an answer."""

    template_name = "office/counter/home.html"

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False):
            return ["office/counter/_procedures.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = ProcedureSearchForm(self.request.GET or None)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        context["form"] = form
        context["query"] = query
        context["versions"] = search_procedures(query, on=timezone.localdate())
        if not getattr(self.request, "htmx", False):
            context["waiting"] = awaiting_answer(
                _officer(self.request), self.counters
            ).count()
        return context


# ------------------------------------------------------------------ the intake


def _version_in_force(code: str) -> ProcedureVersion:
    """The version of procedure ``code`` in force today, with its papers (kept by the
    process, ``versions_for_intake``); 404 if none."""
    today = timezone.localdate()
    for version in versions_for_intake(code):
        if version.is_in_force_on(today):
            return version
    raise Http404


def _digest(request: HttpRequest) -> str:
    """The submission as ``once`` compares it: every value but the CSRF token, and each
    file by name and size."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    fields += [
        (f"{name}:file", f"{upload.name}:{upload.size}")
        for name, uploads in request.FILES.lists()
        for upload in uploads
    ]
    return once.form_digest("POST", request.path, fields)


class IntakeView(CounterRequiredMixin, View):
    """A paper dossier recorded at the counter under the procedure version in force
    today, decided at once; the form carries a one-time key (``idempotency.once``), so
    that a second click records nothing twice."""

    template_name = "office/counter/intake.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.version: ProcedureVersion | None = None
        self.scans_dropped = False

    def _form(self, **kwargs: Any) -> IntakeForm:
        version = self._version()
        today = timezone.localdate()
        return IntakeForm(
            version=version,
            counters=self.counters,
            # a version that names no implementing agency: any agency active today
            handlers=handling_agencies(version, on=today) or agencies_active_on(today),
            **kwargs,
        )

    def _version(self) -> ProcedureVersion:
        if self.version is None:
            self.version = _version_in_force(str(self.kwargs["code"]))
        return self.version

    def _render(
        self, form: IntakeForm, *, status: int = 200, found: str = ""
    ) -> HttpResponse:
        return TemplateResponse(
            self.request,
            self.template_name,
            {"form": form, "version": self._version(), "found": found},
            status=status,
        )

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        form = self._form(initial={"form_key": once.new_key()})
        return self._render(form)

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        if LOOKUP in request.POST:
            initial, found = looked_up(_officer(request), request.POST)
            return self._render(self._form(initial=initial), found=found)
        form = self._form(data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self._render(form, status=400)
        try:
            with transaction.atomic():
                record, earlier = once.claim(
                    user=_officer(request),
                    key=form.cleaned_data["form_key"],
                    method="POST",
                    path=request.path,
                    digest=_digest(request),
                )
                if earlier is not None:
                    messages.info(
                        request,
                        _(
                            "This form had already been sent: the dossier was recorded once."
                        ),
                    )
                    return redirect("office:counter-recorded", earlier["code"])
                dossier = self._record(form)
                once.keep(record, {"code": dossier.code})
        except once.KeyReused as reused:
            return self._reused(form, str(reused.answer.get("code", "")))
        except once.KeyInvalid:
            form.add_error(None, _("This form is not one the counter gave: reload it."))
            return self._render(form, status=400)
        except DossierError as error:
            form.place_error(error)
            if form.cleaned_data["decision"] in (RECEIVE, ON_THE_SPOT):
                # the service stops at its first refusal; the papers a reception would
                # lack are said too, as the service counts them
                form.mark_lacking(
                    services.missing_components(self._version(), form.paper_list())
                )
            return self._render(form, status=error.http_status)
        if self.scans_dropped:
            messages.info(
                request,
                _(
                    "The scans were not kept: a dossier refused at reception is not digitised."
                ),
            )
        return redirect("office:counter-recorded", dossier.code)

    def _reused(self, form: IntakeForm, code: str) -> HttpResponse:
        """The key came back with other data: the form was used for another dossier. It
        is shown again with what was typed and a new key, to record a new one."""
        data = cast(QueryDict, form.data).copy()
        data["form_key"] = once.new_key()
        again = self._form(data=data)
        again.is_valid()
        again.add_error(
            None,
            _(
                "This form was already used to record dossier %(code)s. Send it again "
                "to record another dossier with what it now holds."
            )
            % {"code": code},
        )
        return self._render(again, status=409)

    def _record(self, form: IntakeForm) -> Dossier:
        """The decision through its service, as the API's intake takes it
        (``DossierViewSet.create``, ``on_the_spot``); then each paper's scan."""
        data = form.cleaned_data
        actor = _officer(self.request)
        version = self._version()
        papers = tuple(form.paper_list())
        decision = data["decision"]
        intake = services.Intake(
            procedure_version=version,
            receiving_agency=form.agency("receiving_agency"),
            handling_agency=form.agency("handling_agency"),
            # settled on the spot, the applicant is at the counter (the API's rule)
            channel=Channel.DIRECT
            if decision == ON_THE_SPOT
            else Channel(data["channel"]),
            applicant=form.applicant(),
            papers=papers,
            return_method=ReturnMethod(data["return_method"]),
            sets=data["sets"],
        )
        # every scan checked (size, type by its content) before anything is written,
        # its refusal beside its input; a refused dossier is not digitised
        scans = [] if decision == REFUSE else form.scans()
        for _component, name, upload in scans:
            check_upload(upload, field=name)
        self.scans_dropped = decision == REFUSE and form.has_scans()
        if decision == RECEIVE:
            dossier = services.receive_dossier(intake=intake, actor=actor)
        elif decision == ASK_TO_COMPLETE:
            # everything missing, once (Mẫu 02): by default the mandatory papers the
            # checklist lacks, as the service itself counts them
            missing = form.missing_items() or services.missing_components(
                version, papers
            )
            dossier = services.request_intake_supplement(
                intake=intake, missing=missing, note=data["note"], actor=actor
            )
        elif decision == REFUSE:
            dossier = services.refuse_dossier(
                intake=intake, reasons=data["reasons"], actor=actor
            )
        else:
            # digitised while it is received, before it is settled and returned
            return services.resolve_on_the_spot(
                intake=intake,
                results=form.result_names(),
                actor=actor,
                on_received=lambda received: digitise_scans(
                    received, scans, actor=actor
                ),
            )
        digitise_scans(dossier, scans, actor=actor)
        return dossier


def digitise_scans(
    dossier: Dossier,
    scans: Sequence[tuple[RequiredComponent, str, UploadedFile[bytes]]],
    *,
    actor: User,
) -> None:
    """Each paper's scan attached to that paper of the dossier just recorded, in the
    intake's transaction, at the moment of the intake (TT 01/2023/TT-VPCP Điều 7, 8;
    spec 03 §4.2: the counter digitises what it receives): a dossier received with a scan
    of every paper has every paper digitised. A scan the store refuses names its input."""
    if not scans:
        return
    moment = dossier.received_at or dossier.submitted_at
    papers = {paper.required_id: paper for paper in dossier.components.all()}
    for component, _name, upload in scans:
        paper = papers[component.pk]
        paper.dossier = dossier  # one dossier object, its version moving on each time
        digitise_component(component=paper, upload=upload, actor=actor, at=moment)


def looked_up(officer: User, data: QueryDict) -> tuple[dict[str, Any], str]:
    """The intake form's values as typed, the applicant's filled from what is known of
    the number typed (``applicant_by_number``), and what was found: "dossier",
    "account", or "none"."""
    initial: dict[str, Any] = {name: data.get(name) for name in data if name != LOOKUP}
    known = applicant_by_number(officer, data.get("applicant_id_number", ""))
    if known is None:
        return initial, "none"
    initial.update(
        applicant_kind=known.kind,
        applicant_id_number=known.id_number,
        applicant_name=known.name,
        applicant_phone=known.phone,
        applicant_email=known.email,
    )
    if known.address:
        initial["applicant_address"] = known.address
    return initial, known.source


class ApplicantLookupView(IntakeView):
    """The applicant's part of the intake form, filled from the number typed (htmx swaps
    ``_applicant.html`` in): nothing is recorded."""

    template_name = "office/counter/_applicant.html"

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        raise Http404

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        initial, found = looked_up(_officer(request), request.POST)
        return self._render(self._form(initial=initial), found=found)


def _slips(dossier: Dossier) -> list[Slip]:
    """The slips the applicant takes away: the receipt, the request to complete, the
    refusal (the control slip travels with the dossier). A dossier settled on the spot,
    returned the moment it was received, needs no receipt (spec 02 §3.5)."""
    settled_at_once = (
        dossier.returned_at is not None and dossier.returned_at == dossier.received_at
    )
    return [
        Slip(
            form=kind.form,
            name=kind.name,
            url=reverse("documents:slip", args=[dossier.code, slug]),
        )
        for slug, kind in slips_of(dossier)
        if slug != "phieu-kiem-soat"
        and not (settled_at_once and slug == "giay-tiep-nhan")
    ]


def _visible(request: HttpRequest, code: str) -> Dossier:
    dossier = dossier_by_code(code)
    if dossier is None or not may_see(_officer(request), dossier):
        raise Http404
    return dossier


class RecordedView(OfficerRequiredMixin, TemplateView):
    """What the counter just recorded: the dossier's code and status, and its slip to
    print (the receipt, Mẫu 01; the request to complete, Mẫu 02; the refusal, Mẫu 03),
    opening in a new tab."""

    template_name = "office/counter/recorded.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        dossier = _visible(self.request, str(kwargs["code"]))
        context["dossier"] = dossier
        context["status"] = DossierStatus(dossier.status).label
        context["slips"] = _slips(dossier)
        return context


# ------------------------------------------------------------------ online, waiting


class WaitingView(CounterRequiredMixin, ListView[Dossier]):
    """The online dossiers waiting for the counter's answer, the oldest first, each with
    the moment its answer is due and the working time left (NĐ 45/2020 Điều 11; the
    window is ``OneStopRules.online_response_hours``), each linking to its page."""

    template_name = "office/counter/waiting.html"
    paginate_by = 25
    context_object_name = "dossiers"

    def get_queryset(self) -> QuerySet[Dossier]:
        return awaiting_answer(_officer(self.request), self.counters)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["rows"] = waiting_rows(list(page.object_list), now=timezone.now())
        context["total"] = page.paginator.count
        return context


# ------------------------------------------------------------------ actions on a dossier


@dataclass(frozen=True)
class CounterAction:
    """An action the counter takes on a dossier that exists: its workflow row, its
    form, its service call, and whether a slip follows."""

    action: Action
    form: type[CounterActionForm]
    call: Callable[[Dossier, CounterActionForm, User], Dossier]
    slip_follows: bool


def _receive(d: Dossier, f: CounterActionForm, actor: User) -> Dossier:
    return services.receive_dossier(
        dossier=d, actor=actor, expected_version=f.cleaned_data["expected_version"]
    )


def _ask(d: Dossier, f: CounterActionForm, actor: User) -> Dossier:
    form = cast(AskToCompleteForm, f)
    return services.request_intake_supplement(
        dossier=d,
        missing=form.missing_items(),
        note=form.cleaned_data["note"],
        actor=actor,
        expected_version=form.cleaned_data["expected_version"],
    )


def _refuse(d: Dossier, f: CounterActionForm, actor: User) -> Dossier:
    return services.refuse_dossier(
        dossier=d,
        reasons=f.cleaned_data["reasons"],
        actor=actor,
        expected_version=f.cleaned_data["expected_version"],
    )


def _supplement(d: Dossier, f: CounterActionForm, actor: User) -> Dossier:
    return services.receive_supplement(
        dossier=d,
        note=f.cleaned_data["note"],
        actor=actor,
        expected_version=f.cleaned_data["expected_version"],
    )


def _return(d: Dossier, f: CounterActionForm, actor: User) -> Dossier:
    return services.return_result(
        dossier=d,
        method=ReturnMethod(f.cleaned_data["method"]),
        receiver=f.cleaned_data["receiver"],
        actor=actor,
        expected_version=f.cleaned_data["expected_version"],
    )


#: the counter's actions on a dossier, by the address of each (``/can-bo/quay/ho-so/
#: <code>/<slug>/``), in the workflow's order
COUNTER_ACTIONS: dict[str, CounterAction] = {
    "tiep-nhan": CounterAction(Action.RECEIVE, ReceiveForm, _receive, True),
    "yeu-cau-bo-sung": CounterAction(
        Action.REQUEST_INTAKE_SUPPLEMENT, AskToCompleteForm, _ask, True
    ),
    "tu-choi": CounterAction(Action.REFUSE, RefuseForm, _refuse, True),
    "nhan-bo-sung": CounterAction(
        Action.RECEIVE_SUPPLEMENT, SupplementReceivedForm, _supplement, False
    ),
    "tra-ket-qua": CounterAction(
        Action.RETURN_RESULT, ReturnResultForm, _return, False
    ),
}


def action_form(
    dossier: Dossier, counter_action: CounterAction, **kwargs: Any
) -> CounterActionForm:
    """The action's form for ``dossier`` as it is now: its version, and for a return the
    applicant and the way they asked for."""
    initial: dict[str, Any] = {"expected_version": dossier.lock_version}
    if counter_action.action == Action.RETURN_RESULT:
        initial.update(receiver=dossier.applicant_name, method=dossier.return_method)
    return counter_action.form(initial=initial, **kwargs)


def counter_actions_open(
    officer: User, dossier: Dossier
) -> list[tuple[str, CounterAction]]:
    """The counter's actions ``officer`` may take on ``dossier`` now: the row starts
    from its status and ``may_act`` lets them (``workflow.RULES``)."""
    now = timezone.now()
    return [
        (slug, counter_action)
        for slug, counter_action in COUNTER_ACTIONS.items()
        if dossier.status in RULES[counter_action.action].sources
        and may_act(officer, counter_action.action, dossier, at=now)
    ]


class CounterActionView(OfficerRequiredMixin, View):
    """One counter action on one dossier, its form alone on a page (the dossier's page
    holds the same forms): a refusal is shown beside its field; a dossier changed
    meanwhile says so and is shown as it now is."""

    template_name = "office/counter/action.html"

    def _context(
        self, dossier: Dossier, slug: str, form: CounterActionForm | None
    ) -> dict[str, Any]:
        counter_action = COUNTER_ACTIONS[slug]
        context: dict[str, Any] = {
            "dossier": dossier,
            "status": DossierStatus(dossier.status).label,
            "slug": slug,
            "label": Action(counter_action.action).label,
            "form": form,
        }
        if counter_action.action == Action.RECEIVE_SUPPLEMENT:
            context["asked"] = asked_to_supplement(dossier)
        if counter_action.action == Action.RETURN_RESULT:
            context["results"] = list(dossier.results.order_by("number"))
        return context

    def _lookup(self, code: str, slug: str) -> tuple[Dossier, CounterAction]:
        if slug not in COUNTER_ACTIONS:
            raise Http404
        return _visible(self.request, code), COUNTER_ACTIONS[slug]

    def get(self, request: HttpRequest, code: str, slug: str) -> HttpResponse:
        dossier, counter_action = self._lookup(code, slug)
        open_now = dict(counter_actions_open(_officer(request), dossier))
        if slug not in open_now:
            return TemplateResponse(
                request,
                self.template_name,
                self._context(dossier, slug, None),
                status=403,
            )
        form = action_form(dossier, counter_action)
        return TemplateResponse(
            request, self.template_name, self._context(dossier, slug, form)
        )

    def post(self, request: HttpRequest, code: str, slug: str) -> HttpResponse:
        dossier, counter_action = self._lookup(code, slug)
        form = counter_action.form(data=request.POST)
        if not form.is_valid():
            return TemplateResponse(
                request,
                self.template_name,
                self._context(dossier, slug, form),
                status=400,
            )
        try:
            changed = counter_action.call(dossier, form, _officer(request))
        except DossierError as error:
            return self._refused(dossier, slug, form, error)
        if counter_action.slip_follows:
            return redirect("office:counter-recorded", changed.code)
        messages.success(
            request,
            _("%(action)s: done.") % {"action": Action(counter_action.action).label},
        )
        return redirect("office:dossier", changed.code)

    def _refused(
        self,
        dossier: Dossier,
        slug: str,
        form: CounterActionForm,
        error: DossierError,
    ) -> HttpResponse:
        """The service said no. A form whose fields it names is shown again with the
        error beside the field; a dossier changed meanwhile, or no longer open to the
        action, is read again and shown as it now is, with the form for its new version
        only if the action is still open."""
        form.place_error(error)
        current = dossier_by_code(dossier.code) or dossier
        context = self._context(current, slug, form)
        context["refusal"] = error.message
        if current.lock_version != dossier.lock_version or error.http_status == 409:
            open_now = dict(counter_actions_open(_officer(self.request), current))
            context["form"] = (
                action_form(current, COUNTER_ACTIONS[slug])
                if slug in open_now
                else None
            )
        return TemplateResponse(
            self.request, self.template_name, context, status=error.http_status
        )


def asked_to_supplement(dossier: Dossier) -> list[str]:
    """What the latest request for a supplement asked for (Mẫu 02), for the officer to
    check the papers brought against."""
    event = (
        dossier.events.filter(action=Action.REQUEST_SUPPLEMENT)
        .order_by("-sequence")
        .first()
    )
    return history.missing_papers(event) if event is not None else []
