"""A second URLconf for ``test_paths``: the language switch and the officers' home at
other paths."""

from django.http import HttpResponse
from django.urls import include, path


def _answer(_request):
    return HttpResponse("")


_office = (
    [path("noi-khac/", _answer, name="home")],
    "office",
)

urlpatterns = [
    path("doi-ngon-ngu/", _answer, name="set_language"),
    path("can-bo-khac/", include(_office)),
]
