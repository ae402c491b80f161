"""Routes of the index API, under ``/api/``."""

from django.urls import path

from motcua.indices.api.views import IndexView

urlpatterns = [path("index/", IndexView.as_view(), name="api-index")]
