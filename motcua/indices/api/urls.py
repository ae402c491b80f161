"""Routes of the index API, under ``/api/``."""

from django.urls import path

from motcua.indices.api.views import (
    ExplainView,
    IndexView,
    OpportunitiesView,
    PortalComparisonView,
)

urlpatterns = [
    path("index/", IndexView.as_view(), name="api-index"),
    path("index/explain/", ExplainView.as_view(), name="api-index-explain"),
    path(
        "index/opportunities/",
        OpportunitiesView.as_view(),
        name="api-index-opportunities",
    ),
    path(
        "index/portal-comparison/",
        PortalComparisonView.as_view(),
        name="api-index-portal-comparison",
    ),
]
