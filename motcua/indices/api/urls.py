"""Routes of the index API, under ``/api/``."""

from django.urls import path

from motcua.indices.api.views import IndexView, PortalComparisonView

urlpatterns = [
    path("index/", IndexView.as_view(), name="api-index"),
    path(
        "index/portal-comparison/",
        PortalComparisonView.as_view(),
        name="api-index-portal-comparison",
    ),
]
