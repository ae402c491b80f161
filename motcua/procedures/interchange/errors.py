"""What a refused catalogue file reports: every problem, each with its place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class CatalogueProblem(NamedTuple):
    """One thing wrong with a catalogue file.

    ``location`` is a JSON path (``procedures[3].versions[0].process[2].budget``) or, for a
    workbook, the sheet, the row as Excel numbers it and the column
    (``sheet process, row 12, column budget``); ``field`` is the key at fault.
    """

    location: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.message}"


class CatalogueError(Exception):
    """The file cannot be imported; ``errors`` lists every problem found: first each
    object's own problems in file order, then unknown fields and agencies, then overlapping
    periods."""

    def __init__(self, errors: Iterable[CatalogueProblem]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))
