"""Moving dossiers in and out as JSON in the national sync payload (docs/interchange.md).

- ``dossiers_for_export(...)`` and ``write_dossiers(queryset, out)`` stream the JSON array;
  ``dossier_record(dossier)`` is one record;
- ``RecordStream(binary_file)`` reads the records of a file one at a time;
  ``import_dossiers(records, batch_size=...)`` checks and writes them batch by batch
  (``DossierImporter`` for one batch at a time);
- ``generate_records(count)`` makes synthetic records from the catalogue, for benchmarks.
"""

from motcua.dossiers.interchange.errors import DossierFileError, RecordProblem
from motcua.dossiers.interchange.generating import generate_records
from motcua.dossiers.interchange.importing import (
    BATCH_SIZE,
    DossierImporter,
    ImportReport,
    import_dossiers,
)
from motcua.dossiers.interchange.reading import RecordStream
from motcua.dossiers.interchange.writing import (
    dossier_record,
    dossiers_for_export,
    write_dossiers,
    write_records,
)

__all__ = [
    "BATCH_SIZE",
    "DossierFileError",
    "DossierImporter",
    "ImportReport",
    "RecordProblem",
    "RecordStream",
    "dossier_record",
    "dossiers_for_export",
    "generate_records",
    "import_dossiers",
    "write_dossiers",
    "write_records",
]
