"""The site's routes without any ``indices`` namespace: no 766 dashboard (test_supervision)."""

from motcua.urls import urlpatterns as site

urlpatterns = [p for p in site if getattr(p, "namespace", None) != "indices"]
