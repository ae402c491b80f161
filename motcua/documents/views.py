"""Downloading a dossier's slips: the applicant and the officers who may see the dossier."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views import View

from motcua.accounts.models import User
from motcua.documents.slips import SLIPS, SlipUnavailable
from motcua.dossiers.permissions import dossiers_visible_to


class SlipView(LoginRequiredMixin, View):
    """One slip of one dossier as a PDF, e.g. ``/ho-so/<code>/giay-tiep-nhan.pdf``.

    The dossier is looked up through ``dossiers_visible_to``: a dossier the user may not see,
    an unknown slip name and a slip the dossier does not have (no refusal, no apology) all
    answer 404 alike, so the page reveals nothing about dossiers that are not the user's.
    """

    def get(self, request: HttpRequest, code: str, slip: str) -> HttpResponse:
        user = request.user
        kind = SLIPS.get(slip)
        if not isinstance(user, User) or kind is None:
            raise Http404
        dossier = get_object_or_404(dossiers_visible_to(user), code=code)
        try:
            pdf = kind.render(dossier)
        except SlipUnavailable:
            raise Http404 from None
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{code}-{slip}.pdf"'
        # Personal data: no shared cache may keep it.
        add_never_cache_headers(response)
        response["Cache-Control"] += ", private"
        return response
