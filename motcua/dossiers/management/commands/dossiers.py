"""``motcua dossiers export|import|generate``: dossiers in the national sync payload as JSON.

- ``export [--agency ID] [--from dd/mm/yyyy] [--to dd/mm/yyyy] FILE.json|-`` streams the
  dossiers (received or handled by the agency, submitted in the period) as a JSON array;
- ``import FILE.json|- [--batch-size N] [--progress]`` brings them in batch by batch; every
  problem is printed on standard error with the record's position and the field, and the
  exit status is 2; warnings (records imported as the file gives them that a person should
  look at) are printed there too, prefixed ``warning:``, and leave the exit status 0;
- ``generate --count N FILE.json|-`` writes synthetic dossiers built on the catalogue, for
  measuring an import (docs/interchange.md).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.dossiers.interchange import (
    BATCH_SIZE,
    DossierFileError,
    ImportReport,
    RecordStream,
    dossiers_for_export,
    generate_records,
    import_dossiers,
    write_dossiers,
    write_records,
)

STDIO = "-"


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007 - a date
    except ValueError:
        raise CommandError(
            _("%(option)s: %(value)s is not a date dd/mm/yyyy.")
            % {"option": option, "value": value},
            returncode=2,
        ) from None


class Command(BaseCommand):
    help = "Export or import dossiers as JSON in the national sync payload (docs/interchange.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write dossiers to FILE as JSON.")
        export.add_argument("file", help="Where to write; '-' is standard output.")
        export.add_argument(
            "--agency", help="Only dossiers this agency received or handles."
        )
        export.add_argument(
            "--from", dest="date_from", help="Submitted on or after dd/mm/yyyy."
        )
        export.add_argument(
            "--to", dest="date_to", help="Submitted on or before dd/mm/yyyy."
        )
        load = actions.add_parser(
            "import", help="Import dossiers from FILE, batch by batch."
        )
        load.add_argument("file", help="What to read; '-' is standard input.")
        load.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help="Dossiers per transaction (default %(default)s).",
        )
        load.add_argument(
            "--progress",
            action="store_true",
            help="Show progress on standard error even when it is not a terminal.",
        )
        generate = actions.add_parser(
            "generate",
            help="Write COUNT synthetic dossiers built on the catalogue (for benchmarks).",
        )
        generate.add_argument("file", help="Where to write; '-' is standard output.")
        generate.add_argument("--count", type=int, required=True)
        generate.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options)
        elif options["action"] == "import":
            self.load(options)
        else:
            self.generate(options)

    # ------------------------------------------------------------------ export

    def export(self, options: dict[str, Any]) -> None:
        agency = options["agency"]
        if agency and not Agency.objects.filter(identifier=agency).exists():
            raise CommandError(
                _("--agency: unknown agency %(id)s.") % {"id": agency}, returncode=2
            )
        start = _day(options["date_from"], "--from") if options["date_from"] else None
        end = _day(options["date_to"], "--to") if options["date_to"] else None
        if start and end and end < start:
            raise CommandError(_("--to: before --from."), returncode=2)
        dossiers = dossiers_for_export(
            agency=agency, submitted_from=start, submitted_to=end
        )
        count = self._write(options["file"], lambda out: write_dossiers(dossiers, out))
        if options["file"] != STDIO:
            self.stderr.write(
                _("%(count)s dossier(s) written to %(file)s.")
                % {"count": count, "file": options["file"]}
            )

    def _write(self, file: str, writer: Any) -> int:
        if file == STDIO:
            count: int = writer(self.stdout)
            return count
        # written beside the file and moved into place once complete, so that a failure
        # half-way (a full disk, a database that cannot be read) leaves no partial file
        target = Path(file)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                count = writer(out)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": file, "error": error},
                returncode=2,
            ) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return count

    # ------------------------------------------------------------------ generate

    def generate(self, options: dict[str, Any]) -> None:
        if options["count"] < 1:
            raise CommandError(_("--count: at least 1."), returncode=2)
        records = generate_records(options["count"], seed=options["seed"])
        count = self._write(options["file"], lambda out: write_records(records, out))
        if count < options["count"]:
            raise CommandError(
                _("The catalogue has no procedure in force to build dossiers on."),
                returncode=2,
            )

    # ------------------------------------------------------------------ import

    def load(self, options: dict[str, Any]) -> None:
        file: str = options["file"]
        if options["batch_size"] < 1:
            raise CommandError(_("--batch-size: at least 1."), returncode=2)
        try:
            stream: IO[bytes] = (
                sys.stdin.buffer if file == STDIO else Path(file).open("rb")  # noqa: SIM115 - closed below
            )
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error},
                returncode=2,
            ) from None
        try:
            report = self._import(stream, options)
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        for warning in report.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if report.warnings_not_shown:
            self.stderr.write(
                _("... and %(count)s more warning(s).")
                % {"count": report.warnings_not_shown}
            )
        for problem in report.problems:
            self.stderr.write(str(problem))
        if report.problems_not_shown:
            self.stderr.write(
                _("... and %(count)s more problem(s).")
                % {"count": report.problems_not_shown}
            )
        if report.file_error:
            self.stderr.write(report.file_error)
        self.stdout.write(report.summary())
        if not report.succeeded:
            raise CommandError(
                _("%(file)s has problems; see above.") % {"file": file}, returncode=2
            )

    def _import(self, stream: IO[bytes], options: dict[str, Any]) -> ImportReport:
        size = None
        try:
            status = os.fstat(stream.fileno())
            if stat.S_ISREG(status.st_mode):
                size = status.st_size
        except (OSError, ValueError, io.UnsupportedOperation):
            size = None  # not a file on disk: progress counts dossiers only
        try:
            records = RecordStream(stream)
        except DossierFileError as error:
            raise CommandError(str(error), returncode=2) from None
        show = options["progress"] or self.stderr.isatty()
        progress = self._progress(records, size) if show else None
        report = import_dossiers(
            records, batch_size=options["batch_size"], progress=progress
        )
        if show:
            self.stderr.write("")
        return report

    def _progress(self, records: RecordStream, size: int | None) -> Any:
        def show(count: int) -> None:
            text = "\r  " + _("%(count)s dossiers") % {"count": count}
            if size:
                text += f" ({min(100, records.consumed * 100 // size)}%)"
            self.stderr.write(text, ending="")
            self.stderr.flush()

        return show
