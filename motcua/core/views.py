"""Pages that belong to no domain: the home page, and the site's error pages.

The error pages speak the interface language and keep the site's header, so that a
person who meets one (an address mistyped, a dossier or a unit that is not theirs,
which answers 404 as an unknown one does) knows where they are and has a way back. An
officer's page (under ``/can-bo/``) gets the officers' header, with their name and
sign-out; anything else the public one. ``/api/`` answers JSON of its own
(``core.api``), never these. The 500 page is drawn from a template alone, without the
request's context, so that a fault of the database or of a context processor cannot
break it too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import TemplateView

StrOrPromise = str | Promise

#: the officers' pages, whose errors keep the officers' header (the path below the
#: site's prefix, ``path_info``)
OFFICE_PREFIX = "/can-bo/"

_TITLES = {
    400: (
        _("The request cannot be read"),
        _("Check the address, or go back and try again."),
    ),
    403: (_("Not allowed"), _("This page is not open to your account.")),
    404: (
        _("Page not found"),
        _(
            "No page has this address, or the page is not open to your account. "
            "Check the address, or start again from the home page."
        ),
    ),
}


class HomeView(TemplateView):
    template_name = "core/home.html"


def _error_page(request: HttpRequest, status: int) -> HttpResponse:
    title, advice = _TITLES[status]
    return _page(request, status, title, advice)


def _page(
    request: HttpRequest, status: int, title: StrOrPromise, advice: StrOrPromise
) -> HttpResponse:
    officers = request.path_info.startswith(OFFICE_PREFIX)
    response = TemplateResponse(
        request,
        "core/error.html",
        {
            "base_template": "office/base.html" if officers else "base.html",
            "home": reverse("office:home" if officers else "core:home"),
            "status": status,
            "title": title,
            "advice": advice,
        },
        status=status,
    )
    response.render()
    return response


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, 404)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token, or with one of an ended session (``CSRF_FAILURE_VIEW``):
    mostly a page left open past sign-out, or a sign-in on another tab."""
    return _page(
        request,
        403,
        _("The form could not be sent"),
        _(
            "The page was open too long, or you signed in or out on another tab. "
            "Load the page again and send the form once more."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("core/500.html").render(), status=500)
