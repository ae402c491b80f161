"""The ``motcua`` console command: Django's management commands with the settings preset.

A command that meets a database it cannot use (never migrated, unreachable) says so in one
line and exits with code 2, as every command does on bad input, instead of printing a
traceback; its transaction, if any, is rolled back.
"""

from __future__ import annotations

import os
import sys


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["motcua", *(sys.argv[1:] if argv is None else argv)])
    except DatabaseError as error:
        sys.stderr.write(
            f"motcua: the database cannot be used: {_first_line(error)}\n"
            "If it was never migrated, run “motcua migrate” first.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
