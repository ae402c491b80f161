"""Widgets that keep their HTML, for the widgets whose rendering costs most.

A select is rendered through the template engine option by option: the three selects of
the officers' queue filter, about fifteen options in all, cost 1.5 ms of the page's
12 ms of CPU on every request (docs/benchmarks.md, "The queue page in one statement,
prepared, its selects kept"; docs/decisions/0020), and they come out the same for most
requests. A plain widget's HTML is a function of what it is rendered from: its class, its
own state (``vars(widget)``: its attributes, its choices, whether it is required), the
name, value and attributes it is rendered with, the language its lazy labels are spoken
in, and the template the renderer gives for its ``template_name``. ``KeptHtml`` keeps the
HTML under that key and answers the same inputs with it, without building the context
(``Widget.get_context``, an option's dictionary for each choice) or rendering it again.
A widget whose state holds a value ``_frozen`` cannot read as a plain value (an object it
does not know) is rendered each time.

The key was first the built context (a form renderer, decision 0020); building and
freezing that context cost more than half of what keeping saved (docs/decisions/0022).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from django.core.signals import setting_changed
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.forms.widgets import Widget
from django.utils.choices import CallableChoiceIterator
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

#: the values a key may hold as they are, each with its type in the key (``True`` and
#: ``1`` are equal in Python and render differently; a ``SafeString`` is written as it
#: is, a ``str`` escaped)
_PLAIN = (str, int, float, bool, type(None))
#: the commonest of them, told by their type alone (a float is keyed by its ``repr``:
#: ``0.0 == -0.0``, which are written apart)
_PLAIN_TYPES = frozenset({str, SafeString, int, bool, type(None)})

#: the functions whose lazy result's text is a function of its arguments and the language
_TRANSLATIONS = frozenset({gettext, pgettext})


class _NotPlain(Exception):
    """A value ``_frozen`` cannot read as a plain value."""


def _frozen(value: Any) -> Any:
    """``value`` as a hashable key that is equal only for values that render alike:
    mappings, sequences (choices that are built when read among them) and plain values,
    each tagged with its type; a lazy translation by its message, any other lazy value
    as the text it is now (the key also holds the language)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return (kind, value)
    if kind is tuple or kind is list:
        return (kind, tuple(map(_frozen, value)))
    if isinstance(value, float):
        return (kind, repr(value))
    if kind is dict:
        return (Mapping, tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, Promise):
        # a lazy translation (``gettext_lazy``, ``pgettext_lazy``) by its message: its
        # text is a function of that and the language, which the key holds; read from
        # how it pickles (``__reduce__``: the function, its arguments, the result's
        # types), where the text would be looked up in the catalogue each time
        reduced = value.__reduce__()[1]
        if len(reduced) >= 3 and reduced[0] in _TRANSLATIONS:
            function, args, kwargs, *types = reduced
            return (Promise, function, _frozen(args), _frozen(kwargs), tuple(types))
        # any other: the text it is now, with its type (a lazy safe string gives a
        # ``SafeString``)
        return (Promise, _frozen(str(value)))
    if isinstance(value, _PLAIN):
        return (kind, value)
    if isinstance(value, Mapping):
        return (Mapping, tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple, CallableChoiceIterator)):
        # choices a function gives, called here as the rendering would call it; a
        # model's choices (``ModelChoiceIterator``) are not read twice, but rendered
        return (kind, tuple(map(_frozen, value)))
    raise _NotPlain(kind.__name__)


#: HTML kept by its key: (the compiled template it came from, the HTML)
_kept: dict[Any, tuple[Any, SafeString]] = {}
_kept_lock = threading.Lock()


def forget_kept_html(**_: Any) -> None:
    """Forget every HTML kept: the tests, and any setting changed (how a number is
    written, ``USE_THOUSAND_SEPARATOR``, is not in the key; in production settings do
    not change)."""
    with _kept_lock:
        _kept.clear()


setting_changed.connect(forget_kept_html, dispatch_uid="motcua.core.renderers")


class KeptHtml(Widget):
    """A widget (put it before the widget class it keeps, ``class KeptSelect(KeptHtml,
    forms.Select)``) that keeps its HTML by what it is rendered from: at most ``kept_size``
    of all such widgets' HTML in a process, forgotten all at once when full. The HTML is
    kept with the compiled template it came from and served only while the renderer gives
    that same template: a template reloaded in development, or another renderer's engine,
    renders again."""

    kept_size = 1024

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        renderer = renderer or get_default_renderer()
        if self.template_name is None:
            return super().render(name, value, attrs, renderer)
        try:
            key = (
                type(self),
                type(renderer),
                get_language(),
                _frozen(name),
                _frozen(value),
                _frozen(attrs),
                _frozen(vars(self)),
            )
        except _NotPlain:
            return super().render(name, value, attrs, renderer)
        template = renderer.get_template(self.template_name)
        # the engine's compiled template, the same object until the engine reloads it
        # (the backend's wrapper around it is new at each call)
        compiled = getattr(template, "template", template)
        kept = _kept.get(key)
        if kept is not None and kept[0] is compiled:
            return kept[1]
        html = mark_safe(super().render(name, value, attrs, renderer))  # noqa: S308 - the widget's own rendering
        with _kept_lock:
            if len(_kept) >= self.kept_size:
                _kept.clear()
            _kept[key] = (compiled, html)
        return html
