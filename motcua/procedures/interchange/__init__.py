"""Moving the procedure catalogue in and out as JSON or Excel (docs/catalogue-format.md).

- ``export_catalogue()`` → the JSON document; ``export_catalogue_xlsx(path_or_stream)``
  → the same as a workbook;
- ``read_catalogue_xlsx(path_or_stream)`` → the JSON-shaped document of a workbook, whose
  problems are reported by sheet, row and column;
- ``parse_catalogue(document)`` checks a document without writing;
- writing is ``motcua.procedures.services.import_catalogue(document, actor=...)``, which
  checks first and writes all or nothing.
"""

from motcua.procedures.interchange.errors import CatalogueError, CatalogueProblem
from motcua.procedures.interchange.format import FORMAT_NAME, FORMAT_VERSION
from motcua.procedures.interchange.reading import ParsedCatalogue, parse_catalogue
from motcua.procedures.interchange.workbook import (
    WorkbookDocument,
    export_catalogue_xlsx,
    read_catalogue_xlsx,
)
from motcua.procedures.interchange.writing import export_catalogue, export_version

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "CatalogueError",
    "CatalogueProblem",
    "ParsedCatalogue",
    "WorkbookDocument",
    "export_catalogue",
    "export_catalogue_xlsx",
    "export_version",
    "parse_catalogue",
    "read_catalogue_xlsx",
]
