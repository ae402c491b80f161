"""``motcua load_demo``: load the demo province (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.demo.services import DEMO_PASSWORD, demo_accounts, load_demo_province
from motcua.procedures.interchange import CatalogueError


class Command(BaseCommand):
    help = _(
        "Load the demo province (Đắk Lắk after 1/7/2025) with its agencies, people and catalogue."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--quiet-accounts",
            action="store_true",
            help=_("Do not print the demo accounts."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = load_demo_province()
        except CatalogueError as error:
            for location, field_name, message in error.errors:
                self.stderr.write(f"{location} · {field_name}: {message}")
            raise CommandError(
                _("The demo catalogue is invalid; nothing was loaded."), returncode=2
            ) from error
        if summary.changed_anything:
            created = ", ".join(
                f"{table} +{n}" for table, n in sorted(summary.created.items())
            )
            updated = ", ".join(
                f"{table} ~{n}" for table, n in sorted(summary.updated.items())
            )
            self.stdout.write(
                _("Demo province loaded: %(created)s %(updated)s")
                % {"created": created, "updated": updated}
            )
            for report in summary.catalogue:
                self.stdout.write(report.summary())
        else:
            self.stdout.write(_("Demo province already loaded: nothing changed."))
        if options["quiet_accounts"]:
            return
        self.stdout.write("")
        self.stdout.write(
            _("Demo accounts (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, name, roles in demo_accounts():
            self.stdout.write(f"  {username:<28} {name:<28} {roles}")
