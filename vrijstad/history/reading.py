"""Reading a historic vacancy file: one line per month and street (or the whole area).

The layout (documented on the upload page), a .csv (UTF-8, ';' or ',') or .xlsx (first
sheet) with the column names on line 1; Dutch or English names::

    maand;straat;panden_totaal;panden_leeg;m2_totaal;m2_leeg;frictioneel_panden;
    langdurig_panden;structureel_panden;frictioneel_m2;langdurig_m2;structureel_m2

``maand`` is 2024-03, or any date in the month (2024-03-01, 01-03-2024, a spreadsheet date);
an empty ``straat`` is the whole area. The six class columns split the vacant units and the
vacant floor area by how long the units had been vacant: frictional (< 1 year), long-term
(1–3 years), structural (> 3 years). They are required: Vrijstad keeps every month with that
split, and a guess (all "frictional", say) would show a history that did not happen. An
empty class cell counts as 0.

Every bad line is reported with its number (as a spreadsheet numbers it) and its reason; the
service checks what needs the database (months, streets) and refuses the file if any line
is bad.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_decimal

from vrijstad.core import DomainError
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.units.importer.reading import Row, read_rows

#: The figures of a line, in the snapshot's own names.
COUNT_FIELDS = (
    "units_total",
    "units_vacant",
    "floor_area_total_m2",
    "floor_area_vacant_m2",
    "frictional_units",
    "long_term_units",
    "structural_units",
    "frictional_m2",
    "long_term_m2",
    "structural_m2",
)
#: Column name in a file (Dutch, and its English alias) → the field it fills.
FIELD_OF_COLUMN = {
    "maand": "month",
    "month": "month",
    "straat": "street",
    "street": "street",
    "panden_totaal": "units_total",
    "units_total": "units_total",
    "panden_leeg": "units_vacant",
    "units_vacant": "units_vacant",
    "m2_totaal": "floor_area_total_m2",
    "floor_area_m2": "floor_area_total_m2",
    "m2_leeg": "floor_area_vacant_m2",
    "vacant_m2": "floor_area_vacant_m2",
    "frictioneel_panden": "frictional_units",
    "frictional_units": "frictional_units",
    "langdurig_panden": "long_term_units",
    "long_term_units": "long_term_units",
    "structureel_panden": "structural_units",
    "structural_units": "structural_units",
    "frictioneel_m2": "frictional_m2",
    "frictional_m2": "frictional_m2",
    "langdurig_m2": "long_term_m2",
    "long_term_m2": "long_term_m2",
    "structureel_m2": "structural_m2",
    "structural_m2": "structural_m2",
}
#: The Dutch column of each field, as errors name it.
COLUMN_OF_FIELD = {field: column for column, field in reversed(FIELD_OF_COLUMN.items())}
#: The columns of the split by duration, where an empty cell counts as 0.
CLASS_COLUMNS = frozenset(COLUMN_OF_FIELD[f] for f in COUNT_FIELDS[4:])
#: A whole number: plain digits, or grouped by dots as in Dutch (1.234).
_NUMBER = re.compile(r"^(\d+|\d{1,3}(\.\d{3})+)$")
#: No street has more units or square metres than these: a larger figure is a typing error
#: (and a month's streets, each named once, add up to what the database's columns hold).
MAX_UNITS = 100_000
MAX_M2 = 100_000_000


class HistoryFileError(DomainError):
    """The file as a whole cannot be read as a vacancy history."""


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class HistoryLine:
    """A line that reads well: its number, month (first day), street ('' for the whole area)
    and figures."""

    line: int
    month: date
    street: str
    counts: dict[str, int]


@dataclass
class Parsed:
    lines: list[HistoryLine]
    errors: list[LineError]


class BadValue(ValueError):
    pass


def parse_month(text: str) -> date:
    """2024-03, or a date in the month: 2024-03-15, 15-03-2024 (also with slashes)."""
    cleaned = text.strip().replace("/", "-")
    for pattern in ("%Y-%m", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(cleaned, pattern).date().replace(day=1)
        except ValueError:
            continue
    raise BadValue(
        _l("The month %(value)s is not a month (jjjj-mm, or a date).", value=repr(text.strip()))
    )


def parse_figure(text: str, column: str) -> int:
    """A whole number from 0; an empty class cell is 0, an empty total is an error."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned and column in CLASS_COLUMNS:
        return 0
    most = MAX_M2 if FIELD_OF_COLUMN.get(column, column).endswith("_m2") else MAX_UNITS
    if not _NUMBER.match(cleaned) or int(cleaned.replace(".", "")) > most:
        raise BadValue(
            _l(
                "%(column)s: %(value)s is not a whole number from 0 to %(most)s.",
                column=column,
                value=repr(text.strip()),
                most=format_decimal(most, "#,##0"),
            )
        )
    return int(cleaned.replace(".", ""))


def check_figures(counts: dict[str, int]) -> list[str]:
    """What does not add up in a line's figures (empty: all well)."""
    problems = []
    if counts["units_vacant"] > counts["units_total"]:
        problems.append(
            _l(
                "%(vacant)s vacant units is more than the %(total)s units in total.",
                vacant=counts["units_vacant"],
                total=counts["units_total"],
            )
        )
    if counts["floor_area_vacant_m2"] > counts["floor_area_total_m2"]:
        problems.append(
            _l(
                "%(vacant)s m² vacant is more than the %(total)s m² in total.",
                vacant=counts["floor_area_vacant_m2"],
                total=counts["floor_area_total_m2"],
            )
        )
    units = counts["frictional_units"] + counts["long_term_units"] + counts["structural_units"]
    if units != counts["units_vacant"]:
        problems.append(
            _l(
                "The vacant units by duration add up to %(sum)s, not to the %(vacant)s vacant "
                "units.",
                sum=units,
                vacant=counts["units_vacant"],
            )
        )
    area = counts["frictional_m2"] + counts["long_term_m2"] + counts["structural_m2"]
    if area != counts["floor_area_vacant_m2"]:
        problems.append(
            _l(
                "The vacant m² by duration add up to %(sum)s, not to the %(vacant)s m² vacant.",
                sum=area,
                vacant=counts["floor_area_vacant_m2"],
            )
        )
    return [str(problem) for problem in problems]


def _header_fields(row: Row) -> dict[str, str]:
    """The file's column (as read) for each field; HistoryFileError when one is missing."""
    found: dict[str, str] = {}
    for column in row.values:
        field = FIELD_OF_COLUMN.get(column.replace("²", "2"))
        if field is not None:
            found.setdefault(field, column)
    missing = [COLUMN_OF_FIELD[f] for f in ("month", "street", *COUNT_FIELDS) if f not in found]
    if missing:
        raise HistoryFileError(
            _l(
                "The file lacks the columns %(columns)s. The vacant units and m² must be split "
                "by how long the units had been vacant: the dashboard shows every month with "
                "that split.",
                columns=", ".join(missing),
            )
        )
    return found


def _line(row: Row, columns: dict[str, str]) -> HistoryLine:
    """One line's month, street and figures; BadValue with every problem of the line."""
    problems: list[str] = []
    month = date.min
    try:
        month = parse_month(row.values[columns["month"]])
    except BadValue as exc:
        problems.append(str(exc))
    counts: dict[str, int] = {}
    for field in COUNT_FIELDS:
        try:
            counts[field] = parse_figure(row.values[columns[field]], COLUMN_OF_FIELD[field])
        except BadValue as exc:
            problems.append(str(exc))
    if not problems:
        problems = check_figures(counts)
    if problems:
        raise BadValue(" ".join(problems))
    return HistoryLine(row.line, month, " ".join(row.values[columns["street"]].split()), counts)


def parse(filename: str, data: bytes, max_lines: int | None = None) -> Parsed:
    """Every line that reads well and every bad line's reason (HistoryFileError when the file
    is not a table with the columns, or has more than ``max_lines`` lines)."""
    rows = read_rows(filename, data, max_rows=None)
    if not rows:
        raise HistoryFileError(_l("The file has no lines below the column names."))
    if max_lines is not None and len(rows) > max_lines:
        raise HistoryFileError(
            _l(
                "The file has more than %(n)s lines: import it with the command line "
                "(flask history import).",
                n=max_lines,
            )
        )
    columns = _header_fields(rows[0])
    parsed = Parsed([], [])
    for row in rows:
        try:
            parsed.lines.append(_line(row, columns))
        except BadValue as exc:
            parsed.errors.append(LineError(row.line, str(exc)))
    return parsed
