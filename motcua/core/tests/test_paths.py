"""``{% path %}`` and ``{% asset %}`` (``core.templatetags.paths``): what ``{% url %}``
and ``{% static %}`` write, worked out once, and worked out again when what decides
them changes."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from django.template import Context, RequestContext, Template, TemplateSyntaxError
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.urls import (
    NoReverseMatch,
    clear_url_caches,
    resolve,
    reverse,
    set_script_prefix,
    set_urlconf,
)
from django.utils import translation

from motcua.core.templatetags import paths


@pytest.fixture(autouse=True)
def _nothing_kept() -> Iterator[None]:
    paths.forget()
    yield
    paths.forget()
    set_script_prefix("/")
    set_urlconf(None)


def _render(source: str, context: Context | None = None) -> str:
    return Template("{% load paths %}" + source).render(context or Context())


@pytest.fixture
def reversed_() -> Iterator[list[str]]:
    """The view names ``reverse`` is asked for while the test runs."""
    asked: list[str] = []
    real = paths.reverse  # type: ignore[attr-defined]  # the module's own import

    def counted(viewname, *args, **kwargs):
        asked.append(viewname)
        return real(viewname, *args, **kwargs)

    with mock.patch.object(paths, "reverse", counted):
        yield asked


def test_a_path_is_what_url_writes_and_is_reversed_once(reversed_):
    source = "{% path 'office:home' %} {% path 'set_language' %}"
    expected = Template("{% url 'office:home' %} {% url 'set_language' %}").render(
        Context()
    )
    assert expected == f"{reverse('office:home')} {reverse('set_language')}"
    assert _render(source) == expected
    assert _render(source) == expected
    assert reversed_ == ["office:home", "set_language"]


def test_a_path_follows_the_script_prefix_the_urlconf_and_the_app_namespace(reversed_):
    assert _render("{% path 'office:home' %}") == "/can-bo/"
    set_script_prefix("/motcua/")
    assert _render("{% path 'office:home' %}") == "/motcua/can-bo/"
    set_script_prefix("/")
    # a request's own URLconf (``request.urlconf``, set by a middleware)
    set_urlconf("motcua.core.tests.other_urls")
    assert _render("{% path 'set_language' %}") == "/doi-ngon-ngu/"
    assert _render("{% path 'office:home' %}") == "/can-bo-khac/noi-khac/"
    set_urlconf(None)
    assert _render("{% path 'set_language' %}") == reverse("set_language")
    # the settings' URLconf changed
    with override_settings(ROOT_URLCONF="motcua.core.tests.other_urls"):
        assert _render("{% path 'set_language' %}") == "/doi-ngon-ngu/"
    clear_url_caches()
    assert _render("{% path 'set_language' %}") == reverse("set_language")
    # the request's current application, read as {% url %} reads it: another key
    assert _render("{% path 'office:home' %}") == reverse("office:home")
    request = RequestFactory().get("/")
    request.current_app = "office"
    context = RequestContext(request)
    assert _render("{% path 'office:home' %}", context) == Template(
        "{% url 'office:home' %}"
    ).render(RequestContext(request))
    # each key once: the prefixes (2), the other URLconf (2), the settings' again, the
    # other URLconf of the settings, the settings' after it (3), the home page without
    # and with a current application (2)
    assert reversed_ == [
        "office:home",
        "office:home",
        "set_language",
        "office:home",
        "set_language",
        "set_language",
        "set_language",
        "office:home",
        "office:home",
    ]


def test_a_path_is_kept_per_language(reversed_):
    for language in ("vi", "en", "vi"):
        with translation.override(language):
            assert _render("{% path 'office:home' %}") == reverse("office:home")
    assert reversed_ == ["office:home", "office:home"]


def test_a_view_with_arguments_is_refused_and_an_unknown_one_as_url_refuses_it():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load paths %}{% path 'office:dossier' 'X' %}")
    with pytest.raises(NoReverseMatch):
        _render("{% path 'khong-co' %}")
    assert paths._kept == {}


def test_an_asset_is_what_static_writes_and_follows_the_static_url():
    assert _render("{% asset 'office/office.css' %}") == static("office/office.css")
    with override_settings(STATIC_URL="/tinh/"):
        assert _render("{% asset 'office/office.css' %}") == "/tinh/office/office.css"
    assert _render("{% asset 'office/office.css' %}") == static("office/office.css")
    # a path {% static %} quotes is quoted alike
    assert _render("{% asset 'a&b c.css' %}") == Template(
        "{% load static %}{% static 'a&b c.css' %}"
    ).render(Context())
    assert _render("{% asset 'a&b c.css' %}").endswith("a%26b%20c.css")


def test_the_kept_are_bounded():
    with mock.patch.object(paths, "SIZE", 2):
        for file in ("a.css", "b.css", "c.css"):
            _render(f"{{% asset '{file}' %}}")
            assert len(paths._kept) <= 2
    assert len(paths._kept) == 1


def test_the_current_application_is_read_as_url_reads_it(monkeypatch):
    """The request's ``current_app`` when it has the attribute, ``None`` included; else
    the namespace of the view that answers."""
    asked: list[str | None] = []
    real = paths.reverse  # type: ignore[attr-defined]  # the module's own import

    def noted(viewname, **kwargs):
        asked.append(kwargs.get("current_app"))
        return real(viewname, **kwargs)

    monkeypatch.setattr(paths, "reverse", noted)
    request = RequestFactory().get("/can-bo/")
    request.resolver_match = resolve("/can-bo/")
    _render("{% path 'office:home' %}", RequestContext(request))
    request.current_app = None  # type: ignore[assignment]  # as a view may set it
    _render("{% path 'office:home' %}", RequestContext(request))
    assert asked == ["office", None]
