"""Reading an upload: the file's columns, and its rows as text cells (.csv or .xlsx)."""

import csv
import io
import re
import warnings
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime

import openpyxl

from vrijstad import exports
from vrijstad.core import DomainError
from vrijstad.i18n import gettext as _

#: Column in the file → the unit field it fills (owner and status are handled apart).
FIELD_OF_COLUMN = {
    "straat": "street",
    "huisnummer": "house_number",
    "huisletter": "house_letter",
    "toevoeging": "house_number_addition",
    "postcode": "postcode",
    "plaats": "city",
    "gebied": "area_id",
    "bag_id": "bag_id",
    "lat": "latitude",
    "lon": "longitude",
    "vvo_m2": "floor_area_vvo",
    "wvo_m2": "floor_area_wvo",
    "bvo_m2": "floor_area_bvo",
    "gebruik": "permitted_uses",
    "energielabel": "energy_label",
    "energielabel_geldig_tot": "energy_label_valid_until",
    "monument": "is_monument",
    "huur_per_jaar": "rent_cents_per_year",
    "servicekosten_per_jaar": "service_charges_cents_per_year",
    "btw_belast": "vat_opted",
    "beschikbaar_per": "available_from",
    "leeg_sinds": "vacant_since",
    "omschrijving": "description",
    "eigenaar_email": "owner",
    "status": "status",
}
COLUMNS = tuple(FIELD_OF_COLUMN)
REQUIRED_COLUMNS = frozenset(
    {
        "straat",
        "huisnummer",
        "postcode",
        "plaats",
        "gebied",
        "vvo_m2",
        "huur_per_jaar",
        "eigenaar_email",
    }
)
#: Where a publish problem or service error about a unit field shows up in the file.
COLUMN_OF_FIELD = {f: c for c, f in FIELD_OF_COLUMN.items()} | {"rent": "huur_per_jaar"}

MAX_ROWS = 2000  # one transaction creates them all; bigger stock goes in several files


class ImportFileError(DomainError):
    """The uploaded file cannot be read as a table of units."""


@dataclass(frozen=True)
class RowError:
    """A problem in the file: line as a spreadsheet numbers it (header = 1), column, reason."""

    line: int
    column: str
    message: str


@dataclass
class Row:
    """One data row: its line in the file and its cells by column name."""

    line: int
    values: dict[str, str]
    stray: bool = False  # a value in a column without a name


def read_rows(filename: str, data: bytes, max_rows: int | None = MAX_ROWS) -> list[Row]:
    """The data rows of a .csv (UTF-8, ';' or ',') or .xlsx (first sheet) upload; other
    tables than units (a vacancy history) pass their own limit, None for none."""
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    readers = {"csv": _csv_cells, "xlsx": _xlsx_cells}
    if kind not in readers:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    with closing(readers[kind](data)) as table:
        return _rows(table, max_rows)


def column_name(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _rows(table: Iterator[list[str]], max_rows: int | None = MAX_ROWS) -> list[Row]:
    # Line numbers count records, as a spreadsheet numbers its rows; a description spanning
    # several physical lines in a CSV file is still one row.
    header = [column_name(cell) for cell in next(table, [])]
    if not any(header):
        raise ImportFileError(_("Line 1 must hold the column names."))
    named = [name for name in header if name]
    for name in named:
        if named.count(name) > 1:
            raise ImportFileError(_("The column %(column)s appears twice.", column=name))
    rows: list[Row] = []
    for line, cells in enumerate(table, start=2):
        if not any(cells):
            continue  # spreadsheets often end in blank rows
        if len(rows) == max_rows:
            raise ImportFileError(
                _("A file may hold at most %(n)d units; split it into several files.", n=MAX_ROWS)
            )
        cells = cells + [""] * (len(header) - len(cells))
        values = {name: cells[i] for i, name in enumerate(header) if name}
        stray = any(cell for i, cell in enumerate(cells) if i >= len(header) or not header[i])
        rows.append(Row(line, values, stray))
    return rows


def _csv_cells(data: bytes) -> Generator[list[str], None, None]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Save the CSV file as UTF-8 (in Excel: 'CSV UTF-8') and upload it again.")
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield [_unescape(cell.strip()) for cell in cells]
    except csv.Error as exc:
        raise ImportFileError(
            _("This CSV file could not be read: %(problem)s", problem=exc)
        ) from exc


def _unescape(cell: str) -> str:
    """Undo the quote the export puts before text that a spreadsheet would run as a formula."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in exports.FORMULA_START else cell


def _xlsx_cells(data: bytes) -> Generator[list[str], None, None]:
    unreadable = _("This file could not be read as an Excel workbook (.xlsx).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about parts it skips (styles, …)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any failure to parse an upload means: not a usable workbook
        raise ImportFileError(unreadable) from exc
    try:
        for cells in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in cells]
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise ImportFileError(unreadable) from exc
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A typed spreadsheet cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
