"""``motcua register``: write an agency's dossier register (Sổ theo dõi hồ sơ, Mẫu 06) as .xlsx.

``motcua register --agency IDENTIFIER --from dd/mm/yyyy --to dd/mm/yyyy FILE.xlsx``
    Every dossier the agency received from the first date to the second (both included),
    in the order received, numbered as in the agency's yearly register.

Bad input exits with code 2 and a message naming the argument at fault; nothing is written.
Values are parsed here rather than by argparse so that the exit code and message are the same
whether the command runs from the shell or through ``call_command``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.documents.register import write_register
from motcua.workdays.clock import VN_TZ


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _parse_day(option: str, raw: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%d/%m/%Y").replace(tzinfo=VN_TZ).date()
    except ValueError:
        raise _fail(
            _("%(option)s: %(value)r is not a date; write dd/mm/yyyy, e.g. 03/11/2025.")
            % {"option": option, "value": raw}
        ) from None


def _parse_target(raw: str) -> Path:
    path = Path(raw)
    if path.suffix.lower() != ".xlsx":
        raise _fail(
            _("FILE: %(value)r must end in .xlsx (an Excel workbook).") % {"value": raw}
        )
    if not path.parent.is_dir():
        raise _fail(
            _("FILE: the folder %(folder)r does not exist.")
            % {"folder": str(path.parent)}
        )
    if path.is_dir():
        raise _fail(_("FILE: %(value)r is a folder.") % {"value": raw})
    return path


class Command(BaseCommand):
    help = (
        "Write the dossier register (Sổ theo dõi hồ sơ) of an agency for a period "
        "as an Excel workbook."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--agency",
            required=True,
            metavar="IDENTIFIER",
            help="The receiving agency (QCVN 102:2016 identifier, e.g. 000.01.51.H15).",
        )
        parser.add_argument(
            "--from",
            dest="start",
            required=True,
            metavar="DD/MM/YYYY",
            help="First reception date, included.",
        )
        parser.add_argument(
            "--to",
            dest="end",
            required=True,
            metavar="DD/MM/YYYY",
            help="Last reception date, included.",
        )
        parser.add_argument("file", metavar="FILE", help="The .xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _parse_day("--from", options["start"])
        end = _parse_day("--to", options["end"])
        if end < start:
            raise _fail(
                _("--to: %(end)s is before --from %(start)s.")
                % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"}
            )
        target = _parse_target(options["file"])
        agency = Agency.objects.filter(identifier=options["agency"]).first()
        if agency is None:
            raise _fail(
                _("--agency: no agency has the identifier %(value)r.")
                % {"value": options["agency"]}
            )
        # Built in memory first: a failure leaves no half-written workbook behind.
        buffer = io.BytesIO()
        count = write_register(agency, start, end, buffer)
        target.write_bytes(buffer.getvalue())
        self.stdout.write(
            _(
                "%(count)s dossier(s) received by %(agency)s from %(start)s to %(end)s: %(file)s"
            )
            % {
                "count": count,
                "agency": agency.name,
                "start": f"{start:%d/%m/%Y}",
                "end": f"{end:%d/%m/%Y}",
                "file": target,
            }
        )
