"""Widgets that keep their HTML (``core.renderers.KeptHtml``, the office's ``KeptSelect``):
each HTML a kept select answers is the one Django writes for a plain select of the same
state, whatever it kept."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import Template
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy, pgettext_lazy

from motcua.core import renderers
from motcua.office.forms import _SELECT_TEMPLATE, KeptSelect, QueueFilterForm


@pytest.fixture(autouse=True)
def _nothing_kept() -> Iterator[None]:
    renderers.forget_kept_html()
    yield
    renderers.forget_kept_html()


def _kept(choices, **attrs) -> KeptSelect:
    return KeptSelect(attrs=attrs, choices=choices)


def _plain(widget: KeptSelect, value) -> str:
    """What Django writes for a plain select in the state of ``widget``, by the same
    template, through a renderer of its own."""
    select = forms.Select(attrs=widget.attrs, choices=widget.choices)
    select.template_name = _SELECT_TEMPLATE
    select.is_required = widget.is_required
    return select.render("kind", value, renderer=DjangoTemplates())


def _both(widget: KeptSelect, value) -> tuple[str, str]:
    return widget.render("kind", value), _plain(widget, value)


@pytest.fixture
def rendered() -> Iterator[list[str]]:
    """The names of the templates rendered while the test runs."""
    names: list[str] = []
    render = Template.render

    def counted(self, *args, **kwargs):
        names.append(self.template.name)
        return render(self, *args, **kwargs)

    with mock.patch.object(Template, "render", counted):
        yield names


def test_the_officers_forms_write_their_plain_selects_with_it():
    form = QueueFilterForm({}, procedures=[("1.000001", "Khai sinh")])
    for name in ("status", "procedure", "channel"):
        widget = form.fields[name].widget
        assert type(widget) is KeptSelect, name
        assert widget.attrs["class"] == "govuk-select"
    # the choices the form sets after its fields are made reach the select it renders
    assert '<option value="1.000001">Khai sinh (1.000001)</option>' in str(
        form["procedure"]
    )


def test_a_select_is_rendered_once_and_answered_again_as_django_writes_it(rendered):
    widget = _kept([("", "Tất cả"), ("a", "Một"), ("b", "Hai")])
    first = widget.render("kind", "a")
    again = widget.render("kind", "a")
    assert rendered == [_SELECT_TEMPLATE]
    assert again == first == _plain(widget, "a")
    assert '<option value="a" selected>Một</option>' in first
    # another value chosen is another HTML, with that option selected
    kept, plain = _both(widget, "b")
    assert kept == plain
    assert '<option value="b" selected>Hai</option>' in kept
    assert '<option value="a">Một</option>' in kept
    # so is another name, and another select of other choices
    assert 'name="other"' in widget.render("other", "a")
    kept, plain = _both(_kept([("", "Tất cả"), ("c", "Ba")]), "c")
    assert kept == plain
    assert '<option value="c" selected>Ba</option>' in kept
    # each kept HTML rendered once (a, b, other, c), each plain one every time (3)
    assert len(rendered) == 7


def test_the_widgets_own_state_is_in_the_key():
    """The same name and value, the widget's attributes or choices changed after the
    first rendering: the HTML follows them."""
    widget = _kept([("a", "Một")])
    widget.render("kind", "a")
    widget.attrs["aria-invalid"] = "true"
    kept, plain = _both(widget, "a")
    assert kept == plain
    assert 'aria-invalid="true"' in kept
    widget.choices = [("a", "Một"), ("b", "Hai")]
    kept, plain = _both(widget, "a")
    assert kept == plain
    assert '<option value="b">Hai</option>' in kept
    # attributes given at rendering (a bound field's id) are in it too
    assert 'id="id_kind"' in widget.render("kind", "a", attrs={"id": "id_kind"})
    assert 'id="id_kind"' not in widget.render("kind", "a")


def test_a_lazy_label_is_kept_in_each_language(rendered):
    widget = _kept([("", gettext_lazy("All channels"))])
    written = {}
    for language in ("vi", "en", "vi", "en"):
        with translation.override(language):
            kept, plain = _both(widget, "")
            assert kept == plain, language
            written[language] = kept
    assert "Tất cả hình thức" in written["vi"]
    assert "All channels" in written["en"]
    # kept ones rendered once per language, the plain ones each time
    assert rendered.count(_SELECT_TEMPLATE) == 2 + 4


def test_lazy_translations_are_told_apart_by_their_message_and_context():
    """Two messages, and one message with and without a context, are different keys:
    "Status" is "Trạng thái", and a label of another context another text."""
    with translation.override("vi"):
        for label in (
            gettext_lazy("Status"),
            gettext_lazy("Channel"),
            pgettext_lazy("a test's own context", "Status"),
        ):
            kept, plain = _both(_kept([("a", label)]), "a")
            assert kept == plain
            assert f">{label}</option>" in kept
        assert (
            ">Trạng thái</option>"
            in _both(_kept([("a", gettext_lazy("Status"))]), "a")[0]
        )


def test_a_lazy_translations_key_holds_its_whole_message():
    """Keyed by the function and all its arguments: the same message in two contexts
    (which a catalogue may translate apart) and two messages are different keys; the
    same message twice, made apart, is one."""
    frozen = renderers._frozen
    assert frozen(pgettext_lazy("tháng", "May")) != frozen(
        pgettext_lazy("động từ", "May")
    )
    assert frozen(pgettext_lazy("tháng", "May")) != frozen(gettext_lazy("May"))
    assert frozen(gettext_lazy("Status")) != frozen(gettext_lazy("Channel"))
    assert frozen(gettext_lazy("Status")) == frozen(gettext_lazy("Status"))


def test_another_lazy_value_is_kept_by_the_text_it_is_now():
    """A lazy value that is not a translation may give another text later for the same
    arguments: it is read each time, and the HTML follows it."""
    said = ["một"]
    current = lazy(lambda: said[0], str)()
    widget = _kept([("a", current), ("b", format_lazy("{}!", current))])
    kept, plain = _both(widget, "a")
    assert kept == plain
    assert ">một</option>" in kept
    assert ">một!</option>" in kept
    said[0] = "hai"
    kept, plain = _both(widget, "a")
    assert kept == plain
    assert ">hai</option>" in kept
    assert ">hai!</option>" in kept


def test_a_value_each_language_writes_its_own_way_is_kept_per_language():
    """A number is written with the reader's decimal mark: 1,5 in Vietnamese, 1.5 in
    English, from one widget."""
    widget = _kept([(1.5, 1.5)])
    for language, written in (("vi", "1,5"), ("en", "1.5"), ("vi", "1,5")):
        with translation.override(language):
            kept, plain = _both(widget, "")
        assert kept == plain, language
        assert f">{written}</option>" in kept, language


def test_values_equal_in_python_that_render_differently_are_kept_apart():
    """``True == 1`` and a safe string equals the same plain string: both are kept apart
    by their types."""
    for widget in (
        _kept([("a", "A")], **{"data-x": True}),
        _kept([("a", "A")], **{"data-x": 1}),
        _kept([("a", "<b>A</b>")]),
        _kept([("a", mark_safe("<b>A</b>"))]),  # noqa: S308 - a fixed string
        _kept([("a", gettext_lazy("<b>A</b>"))]),
        _kept([("a", mark_safe(gettext_lazy("<b>A</b>")))]),  # noqa: S308
    ):
        kept, plain = _both(widget, "a")
        assert kept == plain
    assert 'data-x="1"' in _kept([("a", "A")], **{"data-x": 1}).render("kind", "a")
    assert "data-x>" in _kept([("a", "A")], **{"data-x": True}).render("kind", "a")
    assert "&lt;b&gt;" in _kept([("a", "<b>A</b>")]).render("kind", "a")
    assert "<b>A</b>" in _kept([("a", mark_safe("<b>A</b>"))]).render("kind", "a")  # noqa: S308
    assert "&lt;b&gt;" in _kept([("a", gettext_lazy("<b>A</b>"))]).render("kind", "a")


def test_values_that_python_confuses_are_kept_apart():
    """``0.0 == -0.0`` (and hash alike), and a name given as a safe string is written
    unescaped: each is its own key, written as Django writes it."""
    for value in (0.0, -0.0, 0.0):
        widget = _kept([(0.0, "không"), (-0.0, "âm không")])
        kept, plain = _both(widget, value)
        assert kept == plain, value
    assert 'value="-0.0" selected' in _kept([(-0.0, "âm")]).render("kind", -0.0)
    # the plain name first, then the same as a safe string: not answered with the first
    assert 'name="x&amp;y"' in _kept([("a", "A")]).render("x&y", "a")
    assert 'name="x&y"' in _kept([("a", "A")]).render(mark_safe("x&y"), "a")  # noqa: S308


def test_a_setting_changed_renders_again():
    """How a number is written follows ``USE_THOUSAND_SEPARATOR``, which the key does
    not hold: kept HTML is forgotten when a setting changes."""
    widget = _kept([(1, 1234567)])
    with translation.override("vi"):
        assert ">1234567</option>" in widget.render("kind", 1)
        with override_settings(USE_THOUSAND_SEPARATOR=True):
            kept, plain = _both(widget, 1)
            assert kept == plain
            assert ">1.234.567</option>" in kept
        assert ">1234567</option>" in widget.render("kind", 1)


@pytest.mark.django_db
def test_a_model_choice_select_reads_its_choices_once():
    """A model's choices (``ModelChoiceIterator``) are not frozen, which would run its
    query before the rendering runs it again: rendered as Django renders it, one query."""
    from motcua.agencies.models import Agency
    from motcua.agencies.tests.factories import AgencyFactory
    from motcua.office.forms import DesignSystemFormMixin

    AgencyFactory.create(identifier="000.00.01.H15", name="Sở Tư pháp")

    class Picked(DesignSystemFormMixin, forms.Form):
        agency = forms.ModelChoiceField(queryset=Agency.objects.order_by("pk"))

    form = Picked()
    assert type(form.fields["agency"].widget) is KeptSelect
    with CaptureQueriesContext(connection) as queries:
        html = str(form["agency"])
    assert len(queries) == 1
    assert ">Sở Tư pháp" in html


def test_a_template_reloaded_is_rendered_again():
    widget = _kept([("a", "A")])
    widget.render("kind", "a")
    [key] = renderers._kept
    renderers._kept[key] = (object(), mark_safe("stale"))  # kept from another template
    assert widget.render("kind", "a") == _plain(widget, "a")
    # another renderer's engine gives its own template: rendered by it, not answered
    # with what the first kept
    assert widget.render("kind", "a", renderer=DjangoTemplates()) == _plain(widget, "a")


def test_a_state_it_cannot_read_is_rendered_each_time_and_kept_never(rendered):
    class Label:
        def __str__(self) -> str:
            return "Nhãn"

    widget = _kept([("a", Label())])
    assert (
        widget.render("kind", "a") == widget.render("kind", "a") == _plain(widget, "a")
    )
    assert "Nhãn" in widget.render("kind", "a")
    assert renderers._kept == {}
    assert rendered.count(_SELECT_TEMPLATE) == 4


def test_the_kept_are_bounded():
    with mock.patch.object(KeptSelect, "kept_size", 2):
        for value in ("a", "b", "c"):
            _kept([("a", "A"), ("b", "B"), ("c", "C")]).render("kind", value)
            assert len(renderers._kept) <= 2
    assert len(renderers._kept) == 1  # forgotten all at once when full, then the third
