"""URL map of the whole site."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("motcua · administration")
admin.site.site_title = _("motcua administration")
admin.site.index_title = _("Administrative procedures information system")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("thu-tuc/", include("motcua.portal.urls")),
    path("", include("motcua.core.urls")),
]
