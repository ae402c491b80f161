"""``{% path %}`` and ``{% asset %}``: Django's ``{% url %}`` of a view that takes no
argument and ``{% static %}``, each worked out once per process.

Every officer's page writes the same links (the home page, the counter, supervision,
password change, sign-out, the language switch) and the same stylesheets and scripts in
its header. Django reverses each link and joins each static file's URL at every
rendering: about 30 µs a link and 17 µs a file on this machine, 0.4 ms of the queue
page's 7 ms of CPU (docs/benchmarks.md, "Instances without ``__init__``, selects kept
by their inputs"). What they give depends on nothing a request changes but what the key
of each holds:

- a view's path without arguments: the URLconf (its resolver, a new one when Django
  clears its URL caches, as ``override_settings`` does), the script prefix, the current
  application namespace (as ``{% url %}`` reads it from the request) and the language
  (a translated pattern);
- a static file's URL: the static files storage (a new one when ``STORAGES``,
  ``STATIC_URL`` or ``STATIC_ROOT`` changes) and the file's path.

Each key holds the resolver and the storage themselves, so one replaced (the tests'
``override_settings`` of ``ROOT_URLCONF``, ``STATIC_URL`` or ``STORAGES``) is never
mistaken for its successor. At most ``SIZE`` paths and URLs are kept, forgotten all at
once when full. A view that takes arguments is written with ``{% url %}``;
``{% path %}`` refuses arguments.
"""

from __future__ import annotations

import threading
from typing import Any

from django import template
from django.core.files.storage import storages
from django.templatetags.static import StaticNode
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

#: the most paths and static URLs kept
SIZE = 1024

_kept: dict[tuple[Any, ...], str] = {}
_lock = threading.Lock()


def _keep(key: tuple[Any, ...], value: str) -> str:
    with _lock:
        if len(_kept) >= SIZE:
            _kept.clear()
        _kept[key] = value
    return value


def forget() -> None:
    """Forget every path and URL kept (the tests)."""
    with _lock:
        _kept.clear()


def _current_app(context: template.Context) -> str | None:
    """The application namespace ``{% url %}`` reverses in, read as it reads it: the
    request's ``current_app`` when it has one (``None`` included), else the namespace
    of the view that answers it."""
    try:
        return context.request.current_app  # type: ignore[attr-defined, no-any-return]
    except AttributeError:
        try:
            return context.request.resolver_match.namespace  # type: ignore[attr-defined, no-any-return]
        except AttributeError:
            return None


def view_path(viewname: str, *, current_app: str | None = None) -> str:
    """``reverse(viewname)`` of a view without arguments, kept by what decides it."""
    urlconf = get_urlconf()
    key = (
        "path",
        get_resolver(urlconf),
        viewname,
        get_script_prefix(),
        current_app,
        get_language(),
    )
    found = _kept.get(key)
    if found is None:
        found = _keep(key, reverse(viewname, urlconf=urlconf, current_app=current_app))
    return found


def static_url(path: str) -> str:
    """``{% static path %}``'s URL, kept by the storage and the path."""
    key = ("asset", storages["staticfiles"], path)
    found = _kept.get(key)
    if found is None:
        found = _keep(key, StaticNode.handle_simple(path))
    return found


@register.simple_tag(takes_context=True)
def path(context: template.Context, viewname: str) -> str:
    """``{% path 'office:home' %}``: ``{% url 'office:home' %}``, reversed once."""
    # escaped as ``{% url %}`` escapes, by the simple tag when the page autoescapes
    return view_path(viewname, current_app=_current_app(context))


@register.simple_tag(takes_context=True)
def asset(context: template.Context, file: str) -> str:
    """``{% asset 'office/office.css' %}``: ``{% static 'office/office.css' %}``,
    joined once."""
    return static_url(file)
