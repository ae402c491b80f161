from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicesConfig(AppConfig):
    name = "motcua.indices"
    verbose_name = _("Decision 766 quality index")

    def ready(self) -> None:
        # the receiver that marks changed dossiers for the maintained figures
        from motcua.indices import live  # noqa: F401
