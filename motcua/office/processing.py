"""Processing in the officers' workspace (issue 10 §5): the actions an officer takes on a
dossier from its page, and the leader's approval queue.

Each action posts its form (``processing_forms``) to ``/can-bo/ho-so/<code>/xu-ly/<action>/``.
The view answers as the API does, in the same order (``dossiers.api.views``): a dossier
the officer may not see is 404; one changed since the officer read it (its
``lock_version``) is 409 and the page as it now is, saying so, so that a second click or
a colleague's change meanwhile changes nothing twice; an action the rows do not let this
officer take is 403; input the API's serializer or the service refuses is 422 with the
error beside its field and what was typed kept; otherwise the service named by the
action's line of ``ENDPOINTS`` takes the action, and the officer is sent back to the
dossier (or to the queue they acted from) with a notice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from motcua.accounts.models import User
from motcua.dossiers.api.views import Call
from motcua.dossiers.errors import Conflict, DossierError, ErrorCode, NotAllowed
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import may_act, may_see
from motcua.dossiers.selectors import dossier_by_code
from motcua.dossiers.workflow import Action
from motcua.office.processing_forms import (
    ActionForm,
    action_of_slug,
    build_form,
    typed_values,
)
from motcua.office.selectors import (
    awaiting_approval_of,
    dossier_page,
    queue_kinds,
    queue_rows,
)
from motcua.office.views import OfficerRequiredMixin, QueuePagesMixin


def _visible_dossier(user: User, code: str) -> Dossier:
    dossier = dossier_by_code(code)
    if dossier is None or not may_see(user, dossier):
        raise Http404
    return dossier


def _next_url(request: HttpRequest, dossier: Dossier) -> str:
    """Where to go after the action: the officers' page it was taken from (``next``, the
    approval queue) if it is one of ours, else the dossier's page."""
    wanted = request.POST.get("next", "")
    if (
        wanted.startswith("/can-bo/")
        and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=False
        )
        and may_see(request.user, dossier)  # type: ignore[arg-type]
    ):
        return wanted
    if may_see(request.user, dossier):  # type: ignore[arg-type]
        return reverse("office:dossier", args=[dossier.code])
    return reverse("office:home")


def render_dossier(
    request: HttpRequest,
    dossier: Dossier,
    *,
    status: int,
    bound: ActionForm | None = None,
) -> TemplateResponse:
    """The dossier's page (``office/dossier.html``) as it is now, with ``bound`` (an
    action's form as the officer filled it in) in place of that action's empty form."""
    user: User = request.user  # type: ignore[assignment]
    page = dossier_page(user, dossier, now=timezone.now())
    return TemplateResponse(
        request,
        "office/dossier.html",
        {"page": page, "bound_form": bound},
        status=status,
    )


class ActionView(OfficerRequiredMixin, View):
    """One action on one dossier, posted from its form (``processing_forms``)."""

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, code: str, action: str) -> HttpResponse:
        """The form lives on the dossier's page: go there, to the form."""
        name = action_of_slug(action)
        if name is None:
            raise Http404
        dossier = _visible_dossier(request.user, code)  # type: ignore[arg-type]
        url = reverse("office:dossier", args=[dossier.code])
        return HttpResponseRedirect(f"{url}#xu-ly-{action}")

    def post(self, request: HttpRequest, code: str, action: str) -> HttpResponse:
        name = action_of_slug(action)
        if name is None:
            raise Http404
        user: User = request.user  # type: ignore[assignment]
        dossier = _visible_dossier(user, code)
        form = build_form(
            name,
            dossier,
            user,
            holder=_holder(dossier),
            data=request.POST,
            files=request.FILES,
        )
        seen = _version_posted(request)
        if seen is None:
            return self._stale(request, dossier, form, status=400)
        if seen != dossier.lock_version:
            return self._stale(request, dossier, form)
        if not may_act(user, name, dossier, at=timezone.now()):
            return self._not_allowed(request, dossier, name)
        if not form.is_valid():
            return render_dossier(request, dossier, status=422, bound=form)
        try:
            changed = form.take(
                Call(
                    dossier=dossier,
                    data=form.validated,
                    actor=user,
                    expected_version=seen,
                )
            )
        except NotAllowed:
            return self._not_allowed(request, dossier, name)
        except Conflict as refused:
            if refused.code == ErrorCode.STALE_DOSSIER:
                return self._stale(request, _reread(dossier), form)
            form.add_error(None, refused.message)
            return render_dossier(request, _reread(dossier), status=409, bound=form)
        except DossierError as refused:
            field = form.field_of(refused.details.get("field"))
            form.add_error(field, refused.message)
            return render_dossier(request, dossier, status=422, bound=form)
        messages.success(
            request,
            _("Done: %(action)s.") % {"action": Action(name).label},
        )
        return HttpResponseRedirect(_next_url(request, changed), status=303)

    def _stale(
        self,
        request: HttpRequest,
        dossier: Dossier,
        form: ActionForm,
        *,
        status: int = 409,
    ) -> HttpResponse:
        """The dossier changed since the officer read it: nothing is done; the page shows
        it as it now is, and offers again what was typed if the action is still open."""
        messages.warning(
            request,
            _(
                "Nothing was done: the dossier was changed meanwhile (by someone else, "
                "or by an earlier click). Here it is as it is now; check it before "
                "acting again."
            ),
        )
        user: User = request.user  # type: ignore[assignment]
        again = build_form(
            form.action,
            dossier,
            user,
            holder=_holder(dossier),
            initial=typed_values(form),
        )
        return render_dossier(request, dossier, status=status, bound=again)

    def _not_allowed(
        self, request: HttpRequest, dossier: Dossier, action: str
    ) -> HttpResponse:
        return TemplateResponse(
            request,
            "office/processing/not_allowed.html",
            {"dossier": dossier, "action": Action(action).label},
            status=403,
        )


def _version_posted(request: HttpRequest) -> int | None:
    raw = request.POST.get("expected_version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _reread(dossier: Dossier) -> Dossier:
    """The dossier as it is now in the database (someone changed it)."""
    return dossier_by_code(dossier.code) or dossier


def _holder(dossier: Dossier) -> Any:
    """The agency holding the dossier's current step, if one is under way."""
    step = (
        dossier.steps.filter(started_at__isnull=False, finished_at__isnull=True)
        .select_related("agency")
        .order_by("position")
        .first()
    )
    return step.agency if step is not None else None


class ApprovalQueueView(OfficerRequiredMixin, QueuePagesMixin, ListView[Dossier]):
    """The leader's approval queue (NĐ 61/2018 Điều 17 khoản 3): the dossiers awaiting
    this leader's approval (``selectors.awaiting_approval_of``), the soonest due first,
    each with its approve button and a link to send it back with a note on its page."""

    template_name = "office/processing/approvals.html"
    paginate_by = 25
    context_object_name = "dossiers"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.now = timezone.now()
        self.awaiting = awaiting_approval_of(request.user)  # type: ignore[arg-type]
        # counted first: the paginator is told the total (``QueuePagesMixin``)
        self.counts = queue_kinds(
            self.awaiting, now=self.now, remember=("approvals", request.user.pk)
        ).counts()
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return self.awaiting

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["rows"] = queue_rows(list(page.object_list), now=self.now)
        context["counts"] = self.counts
        context["here"] = self.request.get_full_path()
        return context
