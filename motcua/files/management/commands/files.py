"""``motcua files prune [--hours N]``: remove stored bytes that no row names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from motcua.files.store import prune_unreferenced


class Command(BaseCommand):
    help = (
        "prune: delete the document store's bytes that no stored content names, "
        "written more than --hours ago (left by uploads whose transaction rolled back)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["prune"])
        parser.add_argument(
            "--hours",
            type=int,
            default=24,
            help="leave bytes younger than this many hours (default 24)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hours"] < 1:
            self.stderr.write("--hours: at least 1")
            raise SystemExit(2)
        deleted = prune_unreferenced(
            older_than=dt.timedelta(hours=options["hours"]), now=timezone.now()
        )
        for name in deleted:
            self.stdout.write(f"deleted {name}")
        self.stdout.write(f"{len(deleted)} unreferenced file(s) deleted")
