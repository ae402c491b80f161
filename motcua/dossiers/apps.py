from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from motcua.dossiers.models import OneStopRules
        from motcua.dossiers.selectors import agency_rows, rule_sets, version_rows

        rule_sets.clear_on_change(OneStopRules)
        agency_rows.connect()
        version_rows.connect()
