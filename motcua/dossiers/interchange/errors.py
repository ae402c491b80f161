"""What a refused or doubtful dossier file reports: every problem and warning, each with
its place (docs/interchange.md, "Import")."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext as _


class DossierFileError(Exception):
    """The file as a whole cannot be read (not JSON, not an array)."""


class RecordProblem(NamedTuple):
    """One thing wrong with one record: its position in the array (counted from 0, as
    ``jq '.[N]'`` does), its dossier code when readable, the field (a JSON path inside the
    record) and what is wrong. A warning has the same shape: the record was imported as
    the file gives it, and the report says what a person should look at."""

    position: int
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = _("record %(position)s") % {"position": self.position}
        if self.code:
            where += f" (MaHoSo {self.code})"
        return (
            f"{where}: {self.field}: {self.message}"
            if self.field
            else (f"{where}: {self.message}")
        )
