from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from motcua.core import cache

        # Every cache of reference data declares the models it is built from
        # (``depends_on=``); one watch on every connection clears them (core/cache.py).
        cache.connect()
