"""Routes of the dossier API, under ``/api/``."""

from rest_framework.routers import SimpleRouter

from motcua.dossiers.api.views import DossierViewSet

router = SimpleRouter()
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns = router.urls
