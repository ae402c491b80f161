"""URL map of the whole site."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("thu-tuc/", include("motcua.portal.urls")),
    path("", include("motcua.core.urls")),
]
