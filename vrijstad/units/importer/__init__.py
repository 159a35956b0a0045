"""Bulk import and export of units, for organisations that already keep a spreadsheet.

reading.py turns an upload into rows of text, checking.py finds every problem in them,
applying.py creates the units (all or none) and exporting.py writes units in the same columns.
"""

from vrijstad.units.importer.applying import PROGRESS_CHUNK, ImportResult, import_units
from vrijstad.units.importer.exporting import export_table, export_units
from vrijstad.units.importer.reading import (
    COLUMN_OF_FIELD,
    COLUMNS,
    FIELD_OF_COLUMN,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportFileError,
    Row,
    RowError,
    read_rows,
)

__all__ = [
    "COLUMNS",
    "COLUMN_OF_FIELD",
    "FIELD_OF_COLUMN",
    "MAX_ROWS",
    "PROGRESS_CHUNK",
    "REQUIRED_COLUMNS",
    "ImportFileError",
    "ImportResult",
    "Row",
    "RowError",
    "export_table",
    "export_units",
    "import_units",
    "read_rows",
]
