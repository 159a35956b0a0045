"""Every CSV and XLSX download of the app: its columns are declared once (header, how to get the
value from a row, and the kind of value), and this module writes them the way a Dutch
spreadsheet reads them.

CSV, for Excel with Dutch regional settings (double-click opens it without an import wizard):
- ';' between fields (Dutch Excel's list separator, since ',' is the decimal sign), CRLF lines;
- UTF-8 with a byte-order mark, without which Excel reads the file as Windows-1252 ("Ã©");
- numbers with a decimal comma and no grouping: amounts in euros with two decimals ("1234,56",
  never cents), percentages as percent points ("36,0");
- dates as DD-MM-YYYY ("28-11-2026"): the order of the Dutch locale, which Dutch Excel turns
  into a real date cell, and what the app shows on its pages. ISO dates are also recognised,
  but then appear in a different form than on screen; a reader with US settings would misread
  DD-MM, but that reader does not split on ';' either: these files are for Dutch settings.
  Months stay text as YYYY-MM (sortable, and the form the app's URLs use).

XLSX (openpyxl): amounts and percentages are real numbers with a euro and a percent number
format, dates are date cells, the header row is bold and frozen, columns are as wide as their
content (within bounds).

Formula injection (OWASP "CSV Injection"): a text cell that starts with = + - @, a tab or a
carriage return would be run as a formula by a spreadsheet. In the CSV such a cell gets a
leading apostrophe, which Excel shows as text; in the XLSX it is a string cell with Excel's
quote prefix set (it stays text even when edited). Numbers and dates are never text, so a
negative amount stays a number.
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from vrijstad import clock

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)
#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EURO_FORMAT = '"€" #,##0.00;"€" -#,##0.00'
DATE_FORMAT = "dd-mm-yyyy"
MIN_WIDTH, MAX_WIDTH = 8, 60


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"  # counts, m², days, scores
    DECIMAL = "decimal"  # a plain number with a fraction (coordinates)
    PERCENT = "percent"  # percent points: Decimal("36.0") is 36 %
    EUR = "eur"  # integer cents, written as euros
    DATE = "date"
    MONTH = "month"  # a date standing for its month, written as text YYYY-MM


@dataclass(frozen=True)
class Column:
    """One column: its header (a lazy gettext string, or a fixed key of a file format), how to
    read its value from a row, its kind and, for a percent or decimal, the places to show."""

    header: Any
    value: Callable[[Any], object]
    kind: Kind = Kind.TEXT
    places: int | None = None


@dataclass
class Table:
    """Rows under columns; a sheet of the workbook (its title) or the whole CSV."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]

    def values(self) -> Iterable[list[object]]:
        for row in self.rows:
            yield [column.value(row) for column in self.columns]


def neutralise(text: str) -> str:
    """Text that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _places(column_kind: Kind, places: int | None) -> int | None:
    return 1 if places is None and column_kind == Kind.PERCENT else places


def _whole(value: object) -> int:
    """A whole number (cents, a count) from the value a column read."""
    if isinstance(value, int | float | Decimal | str):
        return int(value)
    raise TypeError(f"not a number: {value!r}")


def _day(value: object) -> date:
    """A date (or a datetime) from the value a column read."""
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")


def csv_cell(value: object, kind: Kind, places: int | None = None) -> str:
    """A value as the CSV holds it (see the module's rules)."""
    if value is None:
        return ""
    places = _places(kind, places)
    if kind == Kind.EUR:
        amount = _whole(value)
        whole, cents = divmod(abs(amount), 100)
        return f"{'-' if amount < 0 else ''}{whole},{cents:02d}"
    if kind in (Kind.PERCENT, Kind.DECIMAL) or isinstance(value, float | Decimal):
        text = str(value) if places is None else f"{Decimal(str(value)):.{places}f}"
        return text.replace(".", ",")
    if kind == Kind.INT:
        return str(_whole(value))
    if kind == Kind.MONTH:
        return _day(value).strftime("%Y-%m")
    if kind == Kind.DATE or isinstance(value, date):
        return _day(value).strftime("%d-%m-%Y")
    return neutralise(str(value))


def to_csv(table: Table) -> bytes:
    """The table as a Dutch CSV file (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(str(column.header)) for column in table.columns])
    kinds = [(column.kind, column.places) for column in table.columns]
    for values in table.values():
        writer.writerow([csv_cell(v, k, p) for v, (k, p) in zip(values, kinds, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def _sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _write_text(cell, text: str) -> None:
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"  # a string, never a formula
    if cell.value.startswith(FORMULA_START):
        cell.quotePrefix = True  # and it stays text when someone edits it


def _write(cell, value: object, column: Column) -> int:
    """Fill a cell; returns about how many characters it shows (for the column width)."""
    if value is None:
        return 0
    kind, places = column.kind, _places(column.kind, column.places)
    if kind == Kind.EUR:
        cell.value = Decimal(_whole(value)).scaleb(-2)
        cell.number_format = EURO_FORMAT
        return len(csv_cell(value, kind)) + 4
    if kind == Kind.PERCENT:
        cell.value = Decimal(str(value)) / 100
        cell.number_format = "0" + ("." + "0" * places if places else "") + "%"
        return len(csv_cell(value, kind, places)) + 2
    if kind == Kind.MONTH:
        _write_text(cell, _day(value).strftime("%Y-%m"))
        return 7
    if isinstance(value, date) and kind in (Kind.DATE, Kind.TEXT):
        cell.value = value.date() if isinstance(value, datetime) else value
        cell.number_format = DATE_FORMAT
        return 10
    if kind in (Kind.INT, Kind.DECIMAL) or isinstance(value, int | float | Decimal):
        cell.value = value
        if places is not None:
            cell.number_format = "0." + "0" * places if places else "0"
        return len(str(value))
    _write_text(cell, str(value))
    return max(len(line) for line in cell.value.splitlines() or [""])


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with a sheet per table: a bold, frozen header row, then the typed rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        widths = []
        for position, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=1, column=position)
            _write_text(cell, str(column.header))
            cell.font = bold
            widths.append(len(cell.value))
        for line, values in enumerate(table.values(), start=2):
            for position, (value, column) in enumerate(
                zip(values, table.columns, strict=True), start=1
            ):
                shown = _write(sheet.cell(row=line, column=position), value, column)
                widths[position - 1] = max(widths[position - 1], shown)
        sheet.freeze_panes = "A2"
        for position, width in enumerate(widths, start=1):
            letter = get_column_letter(position)
            sheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(tables: Sequence[Table], fmt: str) -> bytes:
    """The file in a format: a CSV holds the first table only."""
    if fmt == "csv":
        return to_csv(tables[0])
    if fmt == "xlsx":
        return to_xlsx(tables)
    raise ValueError(f"unknown export format {fmt!r}")


def filename(stem: str, fmt: str) -> str:
    """'receivables-open' → 'receivables-open-2026-12-03.csv' (today in Amsterdam)."""
    return f"{stem}-{clock.today().isoformat()}.{fmt}"


def download(tables: Table | Sequence[Table], fmt: str, stem: str) -> Response:
    """The response that downloads the tables as a file named after stem and today."""
    if isinstance(tables, Table):
        tables = [tables]
    response = Response(render(tables, fmt), content_type=CONTENT_TYPES[fmt])
    response.headers.set("Content-Disposition", "attachment", filename=filename(stem, fmt))
    response.headers["Cache-Control"] = "private, no-store"
    return response
