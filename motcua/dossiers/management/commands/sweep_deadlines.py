"""``motcua sweep_deadlines``: record due-soon and overdue dossiers once (run it every few
minutes from cron or a worker; running it twice at once is harmless)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.dossiers.tasks import sweep_deadlines_task


class Command(BaseCommand):
    help = _("Record dossiers that are due soon or overdue, once each.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = sweep_deadlines_task()
        self.stdout.write(
            _("Due soon: %(due_soon)s; overdue: %(overdue)s.")
            % {"due_soon": report.due_soon, "overdue": report.overdue}
        )
