"""Downloading a dossier's slips: the applicant and the officers who may see the dossier,
signed in any way the API accepts (an API token, HTTP Basic or the session), under the
API's throttles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from motcua.accounts.models import User
from motcua.documents.slips import SLIPS, SlipUnavailable
from motcua.dossiers.permissions import dossiers_visible_to


class ErrorsAsJson(BaseContentNegotiation):
    """The answer is a PDF whatever the client accepts; an error is the API's JSON error
    body, not a negotiation failure (406) nor the browsable API."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> Any:
        return next(iter(parsers), None)


class SlipView(APIView):
    """One slip of one dossier as a PDF, e.g. ``/ho-so/<code>/giay-tiep-nhan.pdf``.

    Anonymous: 401. The dossier is looked up through ``dossiers_visible_to``: a dossier the
    user may not see, an unknown slip name and a slip the dossier does not have (no refusal,
    no apology) all answer 404 alike, so the page reveals nothing about dossiers that are
    not the user's.
    """

    renderer_classes = [JSONRenderer]
    content_negotiation_class = ErrorsAsJson
    schema = None  # a file download, not part of the JSON API's schema

    def get(self, request: Request, code: str, slip: str) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            raise NotAuthenticated()
        kind = SLIPS.get(slip)
        if kind is None:
            raise NotFound()
        dossier = dossiers_visible_to(user).filter(code=code).first()
        if dossier is None:
            raise NotFound()
        try:
            pdf = kind.render(dossier)
        except SlipUnavailable:
            raise NotFound() from None
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{code}-{slip}.pdf"'
        # Personal data: no shared cache may keep it.
        add_never_cache_headers(response)
        response["Cache-Control"] += ", private"
        return response
