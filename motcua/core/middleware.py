"""Request plumbing that belongs to no domain."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class VietnameseFirstLocaleMiddleware:
    """Serve Vietnamese unless the visitor chose another language.

    Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``, so a citizen
    whose phone is set to English would get an English site. A provincial one-stop system
    speaks Vietnamese first (brief, rule 7): only the language picked in the site's own
    switcher (the ``django_language`` cookie set by ``set_language``) changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
