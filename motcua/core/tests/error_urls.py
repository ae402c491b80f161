"""A URLconf for ``test_error_pages``: the site's, with a page that fails, under the
officers' prefix and outside it."""

from django.urls import path

from motcua.urls import (  # noqa: F401 - the handlers are read from the URLconf
    handler400,
    handler403,
    handler404,
    handler500,
)
from motcua.urls import urlpatterns as site


def _fails(_request):
    raise RuntimeError("a fault the page did not expect")


def broken_context(_request):
    """A context processor that fails: the 500 page must not need one."""
    raise RuntimeError("a context processor's fault")


urlpatterns = [
    path("hong/", _fails),
    path("can-bo/hong/", _fails),
    *site,
]
