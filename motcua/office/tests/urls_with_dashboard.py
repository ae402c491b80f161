"""The site's routes with a stand-in for the 766 dashboard (``indices:dashboard``), for
the supervision pages' link to it (test_supervision)."""

from django.http import HttpResponse
from django.urls import include, path

from motcua.urls import urlpatterns as site

dashboard = ([path("", lambda request: HttpResponse(), name="dashboard")], "indices")
urlpatterns = [
    *[p for p in site if getattr(p, "namespace", None) != "indices"],
    path("chi-so-766/", include(dashboard)),
]
