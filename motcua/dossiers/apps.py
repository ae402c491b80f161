from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from motcua.agencies.models import Agency
        from motcua.dossiers.models import OneStopRules
        from motcua.dossiers.selectors import (
            agency_identifiers,
            agency_rows,
            intake_catalogue,
            rule_sets,
            version_rows,
        )
        from motcua.procedures.models import (
            Procedure,
            ProcedureVersion,
            ProcessStep,
            RequiredComponent,
        )

        rule_sets.clear_on_change(OneStopRules)
        agency_rows.connect()
        version_rows.connect()
        agency_identifiers.clear_on_change(Agency)
        intake_catalogue.clear_on_change(
            Procedure, ProcedureVersion, RequiredComponent, ProcessStep
        )
