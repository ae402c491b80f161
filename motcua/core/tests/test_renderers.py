"""The form renderer that keeps the HTML of the selects (``core.renderers``): each HTML it
answers is the one Django's own renderer writes for the same widget, whatever it kept."""

from __future__ import annotations

from unittest import mock

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.django import Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from motcua.core.renderers import KeepingRenderer
from motcua.office.forms import _SELECT_TEMPLATE


def _select(choices, **attrs) -> forms.Select:
    widget = forms.Select(attrs=attrs, choices=choices)
    widget.template_name = _SELECT_TEMPLATE
    return widget


def _both(widget: forms.Select, value, renderer: KeepingRenderer) -> tuple[str, str]:
    """What the keeping renderer writes, and what Django's own writes."""
    return (
        widget.render("kind", value, renderer=renderer),
        widget.render("kind", value, renderer=DjangoTemplates()),
    )


def test_the_pages_render_their_forms_with_it():
    assert isinstance(get_default_renderer(), KeepingRenderer)


def test_a_select_is_rendered_once_and_answered_again_as_django_renders_it():
    renderer = KeepingRenderer()
    widget = _select([("", "Tất cả"), ("a", "Một"), ("b", "Hai")])
    rendered = []
    render = Template.render

    def counted(self, *args, **kwargs):
        rendered.append(self.template.name)
        return render(self, *args, **kwargs)

    with mock.patch.object(Template, "render", counted):
        first = widget.render("kind", "a", renderer=renderer)
        again = widget.render("kind", "a", renderer=renderer)
    assert rendered == [_SELECT_TEMPLATE]
    assert again == first == widget.render("kind", "a", renderer=DjangoTemplates())
    assert '<option value="a" selected>Một</option>' in first
    # another value chosen is another HTML, with that option selected
    kept, plain = _both(widget, "b", renderer)
    assert kept == plain
    assert '<option value="b" selected>Hai</option>' in kept
    assert '<option value="a">Một</option>' in kept


def test_a_lazy_label_is_kept_in_each_language():
    renderer = KeepingRenderer()
    widget = _select([("", gettext_lazy("All channels"))])
    written = {}
    for language in ("vi", "en", "vi"):
        with translation.override(language):
            kept, plain = _both(widget, "", renderer)
            assert kept == plain, language
            written[language] = kept
    assert "Tất cả hình thức" in written["vi"]
    assert "All channels" in written["en"]


def test_a_value_each_language_writes_its_own_way_is_kept_per_language():
    """A number is written with the reader's decimal mark: 1,5 in Vietnamese, 1.5 in
    English, from one context."""
    renderer = KeepingRenderer()
    widget = _select([(1.5, 1.5)])
    for language, written in (("vi", "1,5"), ("en", "1.5"), ("vi", "1,5")):
        with translation.override(language):
            kept, plain = _both(widget, "", renderer)
        assert kept == plain, language
        assert f">{written}</option>" in kept, language


def test_values_equal_in_python_that_render_differently_are_kept_apart():
    """``True == 1`` and a safe string equals the same plain string: both are kept apart
    by their types."""
    renderer = KeepingRenderer()
    for widget in (
        _select([("a", "A")], **{"data-x": True}),
        _select([("a", "A")], **{"data-x": 1}),
        _select([("a", "<b>A</b>")]),
        _select([("a", mark_safe("<b>A</b>"))]),  # noqa: S308 - a fixed string
        _select([("a", gettext_lazy("<b>A</b>"))]),
        _select([("a", mark_safe(gettext_lazy("<b>A</b>")))]),  # noqa: S308
    ):
        kept, plain = _both(widget, "a", renderer)
        assert kept == plain
    assert (
        'data-x="1"' in _both(_select([("a", "A")], **{"data-x": 1}), "a", renderer)[0]
    )
    assert "&lt;b&gt;" in _both(_select([("a", "<b>A</b>")]), "a", renderer)[0]
    lazy = _select([("a", gettext_lazy("<b>A</b>"))])
    assert "&lt;b&gt;" in _both(lazy, "a", renderer)[0]


def test_a_template_reloaded_is_rendered_again():
    renderer = KeepingRenderer()
    widget = _select([("a", "A")])
    widget.render("kind", "a", renderer=renderer)
    [key] = renderer._html
    renderer._html[key] = (object(), "stale")  # kept from another template
    assert widget.render("kind", "a", renderer=renderer) == widget.render(
        "kind", "a", renderer=DjangoTemplates()
    )


def test_a_context_it_cannot_read_is_rendered_each_time_and_kept_never():
    class Label:
        def __str__(self) -> str:
            return "Nhãn"

    renderer = KeepingRenderer()
    widget = _select([("a", Label())])
    kept, plain = _both(widget, "a", renderer)
    assert kept == plain
    assert "Nhãn" in kept
    assert renderer._html == {}


def test_other_templates_are_not_kept_and_the_kept_are_bounded():
    renderer = KeepingRenderer()
    forms.TextInput().render("name", "x", renderer=renderer)
    assert renderer._html == {}
    renderer.size = 2
    for value in ("a", "b", "c"):
        _select([("a", "A"), ("b", "B"), ("c", "C")]).render(
            "kind", value, renderer=renderer
        )
        assert len(renderer._html) <= 2
