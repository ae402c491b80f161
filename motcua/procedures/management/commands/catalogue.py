"""``motcua catalogue export FILE`` and ``motcua catalogue import FILE``.

The format (docs/catalogue-format.md) is taken from the extension, ``.json`` or ``.xlsx``,
or from ``--format``; ``-`` is JSON on standard output (export) or input (import). A file
that cannot be imported prints every problem (place, key, message) on standard error, exits
with status 2 and imports nothing.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.procedures.interchange import (
    CatalogueError,
    export_catalogue,
    export_catalogue_xlsx,
    read_catalogue_xlsx,
)
from motcua.procedures.services import import_catalogue

FORMATS = ("json", "xlsx")
STDIO = "-"


class Command(BaseCommand):
    help = "Export or import the procedure catalogue as JSON or Excel (docs/catalogue-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser(
            "export", help="Write the whole catalogue to FILE (.json or .xlsx)."
        )
        export.add_argument("file", help="Where to write; '-' writes JSON to stdout.")
        export.add_argument("--format", dest="file_format", choices=FORMATS)
        load = actions.add_parser(
            "import",
            help="Create and update the catalogue from FILE; all or nothing.",
        )
        load.add_argument("file", help="What to read; '-' reads JSON from stdin.")
        load.add_argument("--format", dest="file_format", choices=FORMATS)

    def handle(self, *args: Any, **options: Any) -> None:
        file: str = options["file"]
        file_format = self.format_of(file, options["file_format"])
        if options["action"] == "export":
            self.export(file, file_format)
        else:
            self.load(file, file_format)

    def format_of(self, file: str, requested: str | None) -> str:
        if requested:
            return requested
        if file == STDIO:
            return "json"
        suffix = Path(file).suffix.lower().lstrip(".")
        if suffix in FORMATS:
            return suffix
        raise CommandError(
            _(
                "Cannot tell the format of %(file)s from its extension; use --format json or --format xlsx."
            )
            % {"file": file},
            returncode=2,
        )

    def export(self, file: str, file_format: str) -> None:
        if file_format == "xlsx":
            if file == STDIO:
                raise CommandError(
                    _("An Excel workbook cannot be written to standard output."),
                    returncode=2,
                )
            export_catalogue_xlsx(file)
            return
        text = json.dumps(export_catalogue(), ensure_ascii=False, indent=2) + "\n"
        if file == STDIO:
            self.stdout.write(text, ending="")
        else:
            Path(file).write_text(text, encoding="utf-8")

    def load(self, file: str, file_format: str) -> None:
        try:
            if file_format == "xlsx":
                document: Any = read_catalogue_xlsx(
                    sys.stdin.buffer if file == STDIO else file
                )
            else:
                document = self.read_json(file)
            report = import_catalogue(document)
        except CatalogueError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)s problem(s) in %(file)s; nothing was imported.")
                % {"count": len(error.errors), "file": file},
                returncode=2,
            ) from None
        self.stdout.write(report.summary())

    def read_json(self, file: str) -> Any:
        try:
            text = (
                sys.stdin.read()
                if file == STDIO
                else Path(file).read_text(encoding="utf-8")
            )
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error},
                returncode=2,
            ) from None
        try:
            # Decimals stay decimal: "handling_time": 0.1 means 0.1, not a binary float.
            return json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise CommandError(
                _(
                    "%(file)s is not valid JSON: line %(line)s, column %(column)s: %(error)s"
                )
                % {
                    "file": file,
                    "line": error.lineno,
                    "column": error.colno,
                    "error": error.msg,
                },
                returncode=2,
            ) from None
