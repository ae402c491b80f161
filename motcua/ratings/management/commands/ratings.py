"""``motcua ratings import FILE|-``: evaluations and petitions from a JSON array or JSON lines
(``ratings.importing``). All or nothing: a file with a bad record imports nothing, every
problem is printed on standard error naming the record and the field, and the exit status
is 2; a file that cannot be read exits 2 too."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.ratings.importing import (
    RatingsFileError,
    import_ratings,
    iter_problems,
    read_records,
)


class Command(BaseCommand):
    help = "Import evaluations and petitions (JSON array or JSON lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="Import the records of FILE.")
        load.add_argument("file", help="What to read; '-' is standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            if name == "-":
                records = read_records(sys.stdin)
            else:
                with Path(name).open(encoding="utf-8") as stream:
                    records = read_records(stream)
        except OSError as error:
            raise CommandError(
                _("%(file)s: %(error)s") % {"file": name, "error": error.strerror},
                returncode=2,
            ) from None
        except (RatingsFileError, UnicodeDecodeError) as error:
            raise CommandError(
                _("%(file)s: %(error)s") % {"file": name, "error": error}, returncode=2
            ) from None
        report = import_ratings(records)
        for line in iter_problems(report):
            self.stderr.write(line)
        self.stdout.write(report.summary())
        if not report.succeeded:
            raise CommandError(report.summary(), returncode=2)
