"""``motcua workflow [--write FILE]``: the workflow's rows as docs/workflow.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.workflow import render_markdown


class Command(BaseCommand):
    help = "Print the dossier workflow (docs/workflow.md), or write it to FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", metavar="FILE", help="write to FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        text = render_markdown() + "\n"
        if options["write"]:
            Path(options["write"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
