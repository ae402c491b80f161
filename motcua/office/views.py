"""The officers' workspace (issue 10): sign-in, sign-out, password change, the home page
with the officer's queue and the page of one dossier. Thin class-based views over Django's authentication views and the
selectors of :mod:`motcua.office.selectors`; only officer accounts may enter."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    redirect_to_login,
)
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView
from django.views.generic.list import MultipleObjectMixin

from motcua.accounts.choices import AccountKind
from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, DossierQuerySet
from motcua.dossiers.permissions import may_see, roles_read_once, visibility_shape
from motcua.dossiers.selectors import dossier_by_code
from motcua.files.forms import paper_uploads
from motcua.office.forms import (
    OfficerLoginForm,
    OfficerPasswordChangeForm,
    QueueFilterForm,
)
from motcua.office.selectors import (
    IdsFirst,
    QueueCounts,
    dossier_page,
    narrow_queue,
    open_queue,
    open_queue_parts,
    queue_kinds,
    queue_procedures,
    queue_rows,
)

#: the query parameter that tells the login page the officer's session had ended
EXPIRED = "het-phien"
#: a cookie set at sign-in and removed at sign-out: a browser that sends it without a
#: session behind it was signed in and the session ended without signing out
SIGNED_IN_COOKIE = "motcua_can_bo"


class OfficerRequiredMixin(AccessMixin):
    """Only a signed-in officer passes. Anyone else signed in (a citizen, a business) is
    refused: 403, a page that says why, with the header's sign-out. Someone not signed in
    goes to the login page; if their browser still sends the cookie of a sign-in
    (``SIGNED_IN_COOKIE``), the session has ended without signing out (expired, or closed
    elsewhere), and the login page says so rather than just asking again; the cookie
    goes, so that the notice is said once."""

    login_url = reverse_lazy("office:login")

    def dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return self._to_login(request)
        if getattr(user, "kind", None) != AccountKind.OFFICER:
            return TemplateResponse(request, "office/officers_only.html", status=403)
        if request.method not in ("GET", "HEAD"):
            response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            return response
        # a page only reads: the officer's roles are read once for all its checks
        with roles_read_once():
            response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if isinstance(response, TemplateResponse):
                response.render()  # the template's checks (the actions open) too
        return response

    def _to_login(self, request: HttpRequest) -> HttpResponse:
        login_url = str(self.login_url)
        expired = request.COOKIES.get(SIGNED_IN_COOKIE) == "1"
        if expired:
            login_url = f"{login_url}?{urlencode({EXPIRED: 1})}"
        response = redirect_to_login(request.get_full_path(), login_url)
        if expired:
            response.delete_cookie(SIGNED_IN_COOKIE)
        return response


class OfficerLoginView(LoginView):
    """Django's login with the officers' form and page; a locked-out username is answered
    by django-axes' middleware with the lockout page (``accounts.lockout``)."""

    template_name = "office/login.html"
    authentication_form = OfficerLoginForm

    def get_default_redirect_url(self) -> str:
        return reverse("office:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        response.set_cookie(
            SIGNED_IN_COOKIE,
            "1",
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["session_expired"] = EXPIRED in self.request.GET
        return context


class OfficerLogoutView(LogoutView):
    """Sign-out by POST only (Django 5), then the login page with a notice."""

    def get_success_url(self) -> str:
        messages.info(self.request, _("You have signed out."))
        return reverse("office:login")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response.delete_cookie(SIGNED_IN_COOKIE)
        return response


class OfficerPasswordChangeView(OfficerRequiredMixin, PasswordChangeView):
    """Django's password change (the old password, the new one twice, the validators of
    ``AUTH_PASSWORD_VALIDATORS``); the session stays signed in."""

    template_name = "office/password_change.html"
    form_class = OfficerPasswordChangeForm
    success_url = reverse_lazy("office:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


class QueuePagesMixin(MultipleObjectMixin[Dossier]):
    """A queue's pages read ids first (``selectors.IdsFirst``), the paginator told the
    total the queue's counts (``self.counts``, read before) have already read."""

    counts: QueueCounts | None = None

    def queue_parts(self) -> Sequence[DossierQuerySet]:
        """The queue in parts that share no dossier (``selectors.open_queue_parts``),
        narrowed as the page's queryset is; none: read as one query."""
        return ()

    def queue_shape(self) -> Hashable | None:
        """What decides the SQL of the page's queryset and parts besides the page
        (``IdsFirst``); None: built at each reading."""
        return None

    def get_paginator(
        self, queryset: Any, *args: Any, **kwargs: Any
    ) -> Paginator[Dossier]:
        paginator = super().get_paginator(
            IdsFirst(
                cast(DossierQuerySet, queryset),
                parts=self.queue_parts(),
                shape=self.queue_shape(),
                page_size=self.get_paginate_by(queryset),
            ),
            *args,
            **kwargs,
        )
        if self.counts is not None:
            paginator.count = self.counts.total
        return paginator


class HomeView(OfficerRequiredMixin, QueuePagesMixin, ListView[Dossier]):
    """My work: the open dossiers the officer may see, the soonest due first, counted at
    the top with how many are overdue and due soon, filtered by status, procedure and
    channel. A filter it cannot read is 400 with the error beside it, never an
    unfiltered list."""

    template_name = "office/home.html"
    paginate_by = 25
    context_object_name = "dossiers"

    def get_template_names(self) -> list[str]:
        # htmx swaps the queue alone in when the filter changes (django-htmx)
        if getattr(self.request, "htmx", False):
            return ["office/_queue.html"]
        return [self.template_name]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.now = timezone.now()
        # counted and paged ids first: the rows' assignees are read with the page's rows
        user = cast(User, request.user)
        # one day for the page: the shape and the querysets built later must read the
        # officer's roles of the same day, or a page that crosses midnight would keep
        # one day's statement under the other day's shape
        on = timezone.localdate(self.now)
        # the queue's querysets are built only when a statement of their shape is
        # compiled (``ByShape``): on the next readings of the same shape, never
        self.queue = cast(
            DossierQuerySet,
            SimpleLazyObject(lambda: open_queue(user, with_assignee=False, on=on)),
        )
        self.parts = cast(
            Sequence[DossierQuerySet],
            SimpleLazyObject(lambda: open_queue_parts(user, on=on)),
        )
        self.shape = ("open queue", visibility_shape(user, on=on))
        # the filter's choices, the due-soon horizons and the counts, in one query
        kinds = queue_kinds(
            self.queue,
            now=self.now,
            remember=("queue", request.user.pk),
            parts=self.parts,
            shape=self.shape,
        )
        self.filters = QueueFilterForm(
            request.GET, procedures=queue_procedures(self.queue, kinds=kinds)
        )
        self.counts = None
        if not self.filters.is_valid():
            self.object_list = Dossier.objects.none()
            context = self.get_context_data()
            return self.render_to_response(context, status=400)
        self.counts = kinds.counts(**self.narrowing())
        return super().get(request, *args, **kwargs)

    def narrowing(self) -> dict[str, Any]:
        """The filters chosen, as ``narrow_queue`` narrows the rows and
        ``QueueKinds.counts`` the counts: one reading of the form for both."""
        chosen = self.filters.cleaned_data if self.filters.is_valid() else {}
        return {
            "status": chosen.get("status", ""),
            "procedure": chosen.get("procedure", ""),
            "channel": chosen.get("channel"),
        }

    def get_queryset(self) -> QuerySet[Dossier]:
        narrowing = self.narrowing()
        return cast(
            DossierQuerySet,
            SimpleLazyObject(
                lambda: narrow_queue(self.queue, with_assignee=False, **narrowing)
            ),
        )

    def queue_parts(self) -> Sequence[DossierQuerySet]:
        narrowing = self.narrowing()
        return cast(
            Sequence[DossierQuerySet],
            SimpleLazyObject(
                lambda: [
                    narrow_queue(part, with_assignee=False, **narrowing)
                    for part in self.parts
                ]
            ),
        )

    def queue_shape(self) -> Hashable | None:
        if not self.filters.is_valid():  # the page lists nothing: no statement to keep
            return None
        return (*self.shape, tuple(sorted(self.narrowing().items())))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["filters"] = self.filters
        context["rows"] = queue_rows(list(page.object_list), now=self.now)
        context["total"] = page.paginator.count
        counts = self.counts
        context["overdue"] = counts.overdue if counts else 0
        context["due_soon"] = counts.due_soon if counts else 0
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


class DossierView(OfficerRequiredMixin, TemplateView):
    """One dossier as the officer sees it: its header, papers, process steps, results,
    legal history, slips and the actions open to the officer now. A dossier the officer
    may not see is 404, as an unknown code is and as the API answers (``may_see``): the
    page says nothing of dossiers that are not the officer's."""

    template_name = "office/dossier.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        dossier = dossier_by_code(str(kwargs["code"]))
        if dossier is None or not may_see(user, dossier):  # type: ignore[arg-type]
            raise Http404
        context["page"] = dossier_page(
            user,  # type: ignore[arg-type]
            dossier,
            now=timezone.now(),
        )
        context["paper_uploads"] = paper_uploads(context["page"])
        return context
