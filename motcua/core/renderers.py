"""The form renderer of every page: Django's, keeping the HTML of the widgets whose
rendering costs most.

A select is rendered through the template engine option by option: the three selects of
the officers' queue filter, about fifteen options in all, cost 1.5 ms of the page's
12 ms of CPU on every request (docs/benchmarks.md, "The queue page in one statement,
prepared, its selects kept"; docs/decisions/0020), and
they come out the same for most requests. A widget's template reads nothing but the
context it is given (``Widget.get_context``: its name, value, attributes and options),
so the HTML of a kept template is a function of that context and the language its lazy
labels are spoken in: ``KeepingRenderer`` keeps the HTML under that key and answers the
same context with it. A context it cannot read as plain values (an object it does not
know) is rendered each time.

``settings.FORM_RENDERER`` points here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.translation import get_language

#: the widget templates whose HTML is kept (``office.forms._SELECT_TEMPLATE``)
KEPT_TEMPLATES = frozenset({"office/widgets/select.html"})

#: the values a kept context may hold as they are, each with its type in the key
#: (``True`` and ``1`` are equal in Python and render differently; a ``SafeString`` is
#: written as it is, a ``str`` escaped)
_PLAIN = (str, int, float, bool, type(None))


class _NotPlain(Exception):
    """A context holds a value ``_frozen`` cannot read as a plain value."""


def _frozen(value: Any) -> Any:
    """``value`` as a hashable key that is equal only for values that render alike:
    mappings, sequences and plain values, each tagged with its type; a lazy
    translation as the text it is now (the key also holds the language)."""
    if isinstance(value, _PLAIN):
        return (type(value), value)
    if isinstance(value, Promise):
        # the text it is now, with its type (a lazy safe string gives a ``SafeString``)
        return (Promise, _frozen(str(value)))
    if isinstance(value, Mapping):
        return (Mapping, tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_frozen(item) for item in value))
    raise _NotPlain(type(value).__name__)


class KeepingRenderer(DjangoTemplates):
    """Django's form renderer (``django.forms.renderers.DjangoTemplates``) that keeps the
    HTML of the templates in ``kept`` by their context and language: at most ``size``
    of them, forgotten all at once when full. The HTML is kept with the template it came
    from and served only while the engine gives that same template (a template reloaded
    in development renders again)."""

    kept: frozenset[str] = KEPT_TEMPLATES
    size = 1024

    def __init__(self) -> None:
        super().__init__()
        self._html: dict[Any, tuple[Any, str]] = {}
        self._lock = threading.Lock()

    def render(
        self, template_name: str, context: dict[str, Any], request: Any = None
    ) -> str:
        if template_name not in self.kept or request is not None:
            return str(super().render(template_name, context, request=request))
        try:
            key = (template_name, get_language(), _frozen(context))
        except _NotPlain:
            return str(super().render(template_name, context))
        template = self.get_template(template_name)
        # the engine's compiled template, the same object until the engine reloads it
        # (the backend's wrapper around it is new at each call)
        compiled = getattr(template, "template", template)
        kept = self._html.get(key)
        if kept is not None and kept[0] is compiled:
            return kept[1]
        html = str(template.render(context).strip())
        with self._lock:
            if len(self._html) >= self.size:
                self._html.clear()
            self._html[key] = (compiled, html)
        return html
