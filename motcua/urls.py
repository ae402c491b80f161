"""URL map of the whole site."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from motcua.core.api import not_found

admin.site.site_header = _("motcua · administration")
admin.site.site_title = _("motcua administration")
admin.site.index_title = _("Administrative procedures information system")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("motcua.dossiers.api.urls")),
    path("api/", include("motcua.indices.api.urls")),
    path("api/", include("motcua.ratings.api.urls")),
    # last of /api/: any other path there gets the API's JSON 404, not the site's page
    re_path(r"^api/", not_found),
    path("thu-tuc/", include("motcua.portal.urls")),
    path("ho-so/", include("motcua.documents.urls")),
    path("can-bo/chi-so-766/", include("motcua.indices.urls")),
    path("can-bo/", include("motcua.office.urls")),
    path("", include("motcua.core.urls")),
]

# the site's error pages, in the interface language, with the site's header (core.views)
handler400 = "motcua.core.views.bad_request"
handler403 = "motcua.core.views.permission_denied"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"

if settings.BENCH_ENDPOINTS:
    # the benchmark's baseline (docs/benchmarks.md); absent unless asked for
    urlpatterns.insert(0, path("bench/", include("motcua.core.bench")))
