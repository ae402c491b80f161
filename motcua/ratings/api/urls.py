"""Routes of the evaluation and petition API, under ``/api/``."""

from django.urls import path, re_path

from motcua.dossiers.api.views import CODE_PATTERN
from motcua.ratings.api.views import EvaluationsView, PetitionsView, PetitionView

urlpatterns = [
    re_path(
        rf"^dossiers/(?P<code>{CODE_PATTERN})/evaluations/$",
        EvaluationsView.as_view(),
        name="api-dossier-evaluations",
    ),
    path("petitions/", PetitionsView.as_view(), name="api-petitions"),
    re_path(
        r"^petitions/(?P<code>[^/]{1,100})/$",
        PetitionView.as_view(),
        name="api-petition",
    ),
]
