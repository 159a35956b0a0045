"""Bulk import and export of units, for organisations that already keep a spreadsheet."""

import csv
import io
import re
import warnings
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import sqlalchemy as sa
from flask_babel import LazyString

from vrijstad import clock, exports, jobs
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.services import find_user_by_email, normalise_email
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.forms import normalise_postcode, valid_postcode
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.money import AmountError, parse_eur
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.units import services
from vrijstad.units.forms import MAX_RENT_CENTS_PER_YEAR
from vrijstad.units.models import EnergyLabel, PermittedUse, Unit, UnitStatus

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
MAX_AREA_M2 = 100_000
PROGRESS_CHUNK = 100  # rows between two progress reports of an import job

_STATUSES = {
    "": UnitStatus.DRAFT,
    "draft": UnitStatus.DRAFT,
    "concept": UnitStatus.DRAFT,
    "listed": UnitStatus.LISTED,
    "aangeboden": UnitStatus.LISTED,
}
_YES = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
_NO = {"nee", "n", "no", "false", "onwaar", "0"}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


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


@dataclass
class ImportResult:
    units: list[Unit] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# Reading ------------------------------------------------------------------------------------


def read_rows(filename: str, data: bytes) -> list[Row]:
    """The data rows of a .csv (UTF-8, ';' or ',') or .xlsx (first sheet) upload."""
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    readers = {"csv": _csv_cells, "xlsx": _xlsx_cells}
    if kind not in readers:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    with closing(readers[kind](data)) as table:
        return _rows(table)


def _column_name(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _rows(table: Iterator[list[str]]) -> list[Row]:
    # Line numbers count records, as a spreadsheet numbers its rows; a description spanning
    # several physical lines in a CSV file is still one row.
    header = [_column_name(cell) for cell in next(table, [])]
    if not any(header):
        raise ImportFileError(_("Line 1 must hold the column names."))
    named = [name for name in header if name]
    for name in named:
        if named.count(name) > 1:
            raise ImportFileError(_("The column %(column)s appears twice.", column=name))
    rows = []
    for line, cells in enumerate(table, start=2):
        if not any(cells):
            continue  # spreadsheets often end in blank rows
        if len(rows) == MAX_ROWS:
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


# Checking -----------------------------------------------------------------------------------


@dataclass
class _Planned:
    """A checked row: what create_unit gets, and what happens after."""

    owner: User
    data: dict
    status: UnitStatus


class _Context:
    """Lookups shared by all rows of one import, each done once."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.areas = {area.name.strip().lower(): area for area in organisation.areas}
        self.owners: dict[str, User | None] = {}
        self.seen: dict[tuple, int] = {}
        self.existing = {
            _address_key(*address)
            for address in db.session.execute(
                sa.select(
                    Unit.postcode, Unit.house_number, Unit.house_letter, Unit.house_number_addition
                )
                .join(Area, Unit.area_id == Area.id)
                .where(Area.organisation_id == organisation.id)
            )
        }

    def owner(self, email: str) -> User | None:
        key = normalise_email(email)
        if key not in self.owners:
            self.owners[key] = find_user_by_email(key)
        return self.owners[key]


def _address_key(postcode, number, letter, addition) -> tuple:
    return (postcode, number, (letter or "").upper(), (addition or "").upper())


class _RowCheck:
    """Parse one row column by column, collecting every problem instead of stopping."""

    def __init__(self, row: Row, context: _Context) -> None:
        self.row = row
        self.context = context
        self.errors: list[RowError] = []

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row.line, column, message))

    def failed(self, column: str) -> bool:
        return any(e.column == column for e in self.errors)

    def raw(self, column: str, required: bool = False) -> str:
        value = self.row.values.get(column, "").strip()
        if not value and required:
            self.fail(column, _("This column is required."))
        return value

    def text(self, column: str, max_length: int, required: bool = False) -> str | None:
        value = self.raw(column, required)
        if len(value) > max_length:
            self.fail(column, _("At most %(n)d characters.", n=max_length))
            return None
        return value or None

    def integer(self, column: str, high: int, required: bool = False) -> int | None:
        value = self.raw(column, required)
        if not value:
            return None
        if not re.fullmatch(r"\d+", value) or not 1 <= int(value) <= high:
            self.fail(column, _("Enter a whole number from 1 to %(high)d.", high=high))
            return None
        return int(value)

    def coordinate(self, column: str, low: float, high: float) -> float | None:
        value = self.raw(column).replace(",", ".")
        if not value:
            return None
        if not re.fullmatch(r"-?\d+(\.\d+)?", value) or not low <= float(value) <= high:
            self.fail(column, _("Enter a number from %(low)s to %(high)s.", low=low, high=high))
            return None
        return float(value)

    def amount(self, column: str, required: bool = False) -> int | None:
        value = self.raw(column, required)
        if not value:
            return None
        try:
            cents = parse_eur(value)
        except AmountError:
            self.fail(column, _("Enter an amount in euros, e.g. 1.250,00."))
            return None
        if not 0 <= cents <= MAX_RENT_CENTS_PER_YEAR:
            self.fail(column, _("Enter an amount between € 0 and € 5.000.000 per year."))
            return None
        return cents

    def day(self, column: str) -> date | None:
        value = self.raw(column)
        if not value:
            return None
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(value, pattern).date()
            except ValueError:
                continue
        self.fail(column, _("Enter a date like 2026-12-31 or 31-12-2026."))
        return None

    def flag(self, column: str, default: bool) -> bool:
        value = self.raw(column).lower()
        if not value:
            return default
        if value not in _YES | _NO:
            self.fail(column, _("Enter ja or nee."))
        return value in _YES

    def uses(self) -> list[PermittedUse]:
        uses = []
        for part in re.split(r"[,;]", self.raw("gebruik")):
            name = _column_name(part)
            if not name:
                continue
            try:
                uses.append(PermittedUse(name))
            except ValueError:
                choices = ", ".join(use.value for use in PermittedUse)
                self.fail(
                    "gebruik",
                    _("Unknown use %(use)s; use %(choices)s.", use=part.strip(), choices=choices),
                )
        return uses

    def energy_label(self) -> EnergyLabel | None:
        value = self.raw("energielabel").replace(" ", "").upper()
        if not value:
            return None
        try:
            return EnergyLabel(value)
        except ValueError:
            self.fail("energielabel", _("Unknown energy label; use A++++ to G."))
            return None

    def check(self) -> _Planned | None:
        """The row as create_unit data, or None when it has problems (see errors)."""
        if self.row.stray:
            self.fail("", _("This row has a value in a column without a name."))
        data = {
            "street": self.text("straat", 120, required=True),
            "house_number": self.integer("huisnummer", 99_999, required=True),
            "house_letter": self.text("huisletter", 1),
            "house_number_addition": self.text("toevoeging", 4),
            "postcode": self.postcode(),
            "city": self.text("plaats", 80, required=True),
            "area_id": self.area_id(),
            "bag_id": self.bag_id(),
            "latitude": self.coordinate("lat", 50.7, 53.6),
            "longitude": self.coordinate("lon", 3.3, 7.3),
            "floor_area_vvo": self.integer("vvo_m2", MAX_AREA_M2, required=True),
            "floor_area_wvo": self.integer("wvo_m2", MAX_AREA_M2),
            "floor_area_bvo": self.integer("bvo_m2", MAX_AREA_M2),
            "permitted_uses": self.uses(),
            "energy_label": self.energy_label(),
            "energy_label_valid_until": self.day("energielabel_geldig_tot"),
            "is_monument": self.flag("monument", default=False),
            "rent_cents_per_year": self.amount("huur_per_jaar", required=True),
            "service_charges_cents_per_year": self.amount("servicekosten_per_jaar") or 0,
            "vat_opted": self.flag("btw_belast", default=True),
            "available_from": self.day("beschikbaar_per"),
            "vacant_since": self.day("leeg_sinds"),
            "description": self.text("omschrijving", 5000),
        }
        owner = self.owner()
        status = _STATUSES.get(self.raw("status").lower())
        if status is None:
            self.fail("status", _("The status must be draft or listed."))
        self.check_rules(data)
        if status == UnitStatus.LISTED:
            self.check_publishable(data)
        if self.errors:
            return None
        return _Planned(owner, data, status)

    def postcode(self) -> str | None:
        value = self.raw("postcode", required=True)
        if value and not valid_postcode(value):
            self.fail("postcode", _("Enter a Dutch postcode like 1234 AB."))
            return None
        return normalise_postcode(value) or None

    def bag_id(self) -> str | None:
        value = self.raw("bag_id")
        if value and not re.fullmatch(r"\d{16}", value):
            self.fail("bag_id", _("A BAG id has exactly 16 digits."))
            return None
        return value or None

    def area_id(self) -> int | None:
        name = self.raw("gebied", required=True)
        if not name:
            return None
        area = self.context.areas.get(name.lower())
        if area is None:
            self.fail(
                "gebied",
                _(
                    "%(org)s has no area called %(name)s.",
                    org=self.context.organisation.name,
                    name=name,
                ),
            )
            return None
        return area.id

    def owner(self) -> User | None:
        email = self.raw("eigenaar_email", required=True)
        if not email:
            return None
        owner = self.context.owner(email)
        if owner is None:
            self.fail("eigenaar_email", _("No landlord account with this e-mail."))
        elif not owner.is_landlord:
            self.fail("eigenaar_email", _("The owner must have a landlord account."))
        return owner

    def check_rules(self, data: dict) -> None:
        """The rules the unit form checks across fields, and duplicates."""
        vvo, wvo, bvo = data["floor_area_vvo"], data["floor_area_wvo"], data["floor_area_bvo"]
        if vvo and wvo and wvo > vvo:
            self.fail("wvo_m2", _("The sales floor cannot be larger than the lettable area."))
        if vvo and bvo and bvo < vvo:
            self.fail("bvo_m2", _("The gross area cannot be smaller than the lettable area."))
        if data["vacant_since"] and data["vacant_since"] > clock.today():
            self.fail("leeg_sinds", _("This date cannot be in the future."))
        for column in ("lat", "lon"):
            if not self.raw(column) and self.raw("lon" if column == "lat" else "lat"):
                self.fail(column, _("Give both lat and lon, or neither."))
        if data["postcode"] and data["house_number"]:
            key = _address_key(
                data["postcode"],
                data["house_number"],
                data["house_letter"],
                data["house_number_addition"],
            )
            if key in self.context.existing:
                self.fail(
                    "huisnummer",
                    _(
                        "%(org)s already has a unit at this address.",
                        org=self.context.organisation.name,
                    ),
                )
            elif key in self.context.seen:
                self.fail(
                    "huisnummer",
                    _("This address is also on line %(line)d.", line=self.context.seen[key]),
                )
            else:
                self.context.seen[key] = self.row.line

    def check_publishable(self, data: dict) -> None:
        """A listed row must have what publishing asks (services.publish_problems)."""
        probe = Unit(**{k: v for k, v in data.items() if k != "permitted_uses"})
        probe.permitted_uses = data["permitted_uses"]
        for problem in services.publish_problems(probe):
            column = COLUMN_OF_FIELD[problem.field]
            if not self.failed(column):
                self.fail(column, problem.message)


def _check_columns(rows: list[Row]) -> list[RowError]:
    if not rows:
        return [RowError(1, "", _("The file holds no units: add one row per unit."))]
    present = rows[0].values.keys()
    errors = [
        RowError(1, column, _("Unknown column; use the column names of the export."))
        for column in present
        if column not in FIELD_OF_COLUMN
    ]
    errors += [
        RowError(1, column, _("This column is missing."))
        for column in COLUMNS
        if column in REQUIRED_COLUMNS and column not in present
    ]
    return errors


# Importing ----------------------------------------------------------------------------------


def import_units(actor: User, organisation: Organisation, rows: list[Row]) -> ImportResult:
    """Create a unit per row, or none: every row is checked before the first is created."""
    if not can_manage(actor, organisation.id):
        raise services.UnitError(_("You do not work for this organisation."))
    errors = _check_columns(rows)
    if errors:
        return ImportResult(errors=errors)
    context = _Context(organisation)
    planned = []
    for done, row in enumerate(rows, start=1):
        check = _RowCheck(row, context)
        planned.append(check.check())
        errors += check.errors
        _progress(
            done, len(rows), 0, _l("Checking row %(done)d of %(total)d", done=done, total=len(rows))
        )
    if errors:
        return ImportResult(errors=errors)
    units = []
    for done, plan in enumerate(planned, start=1):
        units.append(_create(actor, plan))
        _progress(
            done,
            len(planned),
            50,
            _l("Creating unit %(done)d of %(total)d", done=done, total=len(planned)),
        )
    record_event(actor, "units.imported", organisation, organisation.id, count=len(units))
    db.session.flush()
    return ImportResult(units=units)


def _progress(done: int, total: int, start: int, message: LazyString) -> None:
    """Report each chunk of rows to a background job (checking: 0–50 %, creating: 50–100 %)."""
    if done % PROGRESS_CHUNK == 0 or done == total:
        jobs.set_progress(start + 50 * done / total, message)


def _create(actor: User, plan: _Planned) -> Unit:
    data = dict(plan.data)
    available_from = data.pop("available_from")
    unit = services.create_unit(actor, plan.owner, data)
    # create_unit refuses an availability date in the past for a new listing, but an import
    # brings in existing stock that may have been free for a while: keep the date as given.
    unit.available_from = available_from
    if plan.status == UnitStatus.LISTED:
        services.change_status(actor, unit, UnitStatus.LISTED)
    return unit


# Exporting ----------------------------------------------------------------------------------


def export_table(units: Iterable[Unit]) -> exports.Table:
    """The units under COLUMNS, so that the file can be imported again."""
    columns = [exports.Column(name, getter, kind) for name, (getter, kind) in _EXPORTED.items()]
    return exports.Table("panden", columns, units)


def export_units(units: Iterable[Unit], fmt: str = "csv") -> bytes:
    """The units as a .csv or .xlsx file (see export_table)."""
    return exports.render([export_table(units)], fmt)


def _coordinate(value: float | None) -> float | None:
    """Six decimals (about 10 cm), as the unit form keeps them."""
    return None if value is None else round(value, 6)


_TEXT, _INT, _DEC = exports.Kind.TEXT, exports.Kind.INT, exports.Kind.DECIMAL
_EUR, _DATE = exports.Kind.EUR, exports.Kind.DATE
#: Per column of the file: how its value is read from a unit and what kind it is.
_EXPORTED = {
    "straat": (lambda u: u.street, _TEXT),
    "huisnummer": (lambda u: u.house_number, _INT),
    "huisletter": (lambda u: u.house_letter, _TEXT),
    "toevoeging": (lambda u: u.house_number_addition, _TEXT),
    "postcode": (lambda u: u.postcode, _TEXT),
    "plaats": (lambda u: u.city, _TEXT),
    "gebied": (lambda u: u.area.name if u.area else None, _TEXT),
    "bag_id": (lambda u: u.bag_id, _TEXT),
    "lat": (lambda u: _coordinate(u.latitude), _DEC),
    "lon": (lambda u: _coordinate(u.longitude), _DEC),
    "vvo_m2": (lambda u: u.floor_area_vvo, _INT),
    "wvo_m2": (lambda u: u.floor_area_wvo, _INT),
    "bvo_m2": (lambda u: u.floor_area_bvo, _INT),
    "gebruik": (lambda u: ",".join(use.value for use in u.permitted_uses), _TEXT),
    "energielabel": (lambda u: u.energy_label.value if u.energy_label else None, _TEXT),
    "energielabel_geldig_tot": (lambda u: u.energy_label_valid_until, _DATE),
    "monument": (lambda u: "ja" if u.is_monument else "nee", _TEXT),
    "huur_per_jaar": (lambda u: u.rent_cents_per_year, _EUR),
    "servicekosten_per_jaar": (lambda u: u.service_charges_cents_per_year, _EUR),
    "btw_belast": (lambda u: "ja" if u.vat_opted else "nee", _TEXT),
    "beschikbaar_per": (lambda u: u.available_from, _DATE),
    "leeg_sinds": (lambda u: u.vacant_since, _DATE),
    "omschrijving": (lambda u: u.description, _TEXT),
    "eigenaar_email": (lambda u: u.owner.email, _TEXT),
    "status": (lambda u: UnitStatus(u.status).value, _TEXT),
}
