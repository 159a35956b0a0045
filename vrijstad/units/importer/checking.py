"""Checking the rows of an upload: every problem of every row, before anything is created."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.areas.models import Area
from vrijstad.auth.models import User
from vrijstad.auth.services import find_user_by_email, normalise_email
from vrijstad.extensions import db
from vrijstad.forms import normalise_postcode, valid_postcode
from vrijstad.i18n import gettext as _
from vrijstad.money import AmountError, parse_eur
from vrijstad.organisations.models import Organisation
from vrijstad.units import services
from vrijstad.units.forms import MAX_RENT_CENTS_PER_YEAR
from vrijstad.units.importer.reading import (
    COLUMN_OF_FIELD,
    COLUMNS,
    FIELD_OF_COLUMN,
    REQUIRED_COLUMNS,
    Row,
    RowError,
    column_name,
)
from vrijstad.units.models import EnergyLabel, PermittedUse, Unit, UnitStatus

MAX_AREA_M2 = 100_000

_STATUSES = {
    "": UnitStatus.DRAFT,
    "draft": UnitStatus.DRAFT,
    "concept": UnitStatus.DRAFT,
    "listed": UnitStatus.LISTED,
    "aangeboden": UnitStatus.LISTED,
}
_YES = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
_NO = {"nee", "n", "no", "false", "onwaar", "0"}
#: An address as far as an import can tell (the invitation mail proves it).
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


@dataclass
class Planned:
    """A checked row: what create_unit gets, and what happens after."""

    #: None for an owner without an account: the unit is held for the organisation.
    owner: User | None
    owner_email: str
    data: dict[str, Any]
    status: UnitStatus


class RowContext:
    """Lookups shared by all rows of one import, each done once."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.areas = {area.name.strip().lower(): area for area in organisation.areas}
        self.owners: dict[str, User | None] = {}
        self.seen: dict[AddressKey, int] = {}
        self.existing = {
            address_key(*address)
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


#: A unit's address as duplicates are found: postcode, number, letter, addition.
AddressKey = tuple[str | None, int | None, str, str]


def address_key(
    postcode: str | None, number: int | None, letter: str | None, addition: str | None
) -> AddressKey:
    return (postcode, number, (letter or "").upper(), (addition or "").upper())


class RowCheck:
    """Parse one row column by column, collecting every problem instead of stopping."""

    def __init__(self, row: Row, context: RowContext) -> None:
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
            name = column_name(part)
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

    def check(self) -> Planned | None:
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
        email, owner = self.owner()
        status = _STATUSES.get(self.raw("status").lower())
        if status is None:
            self.fail("status", _("The status must be draft or listed."))
        elif status == UnitStatus.LISTED and email and owner is None:
            self.fail(
                "status",
                _(
                    "This owner has no account yet: import the unit as draft; it can be "
                    "listed once the owner has claimed it."
                ),
            )
        self.check_rules(data)
        if status == UnitStatus.LISTED:
            self.check_publishable(data)
        if self.errors or not email or status is None:
            return None  # a missing owner or status has been reported as an error
        return Planned(owner, email, data, status)

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

    def owner(self) -> tuple[str, User | None]:
        """The owner's address and account; an address without one is an owner to invite."""
        email = self.raw("eigenaar_email", required=True)
        if not email:
            return "", None
        if not EMAIL_RE.fullmatch(email):
            self.fail("eigenaar_email", _("Enter a valid e-mail address."))
            return "", None
        owner = self.context.owner(email)
        if owner is not None and not owner.is_landlord:
            self.fail("eigenaar_email", _("The owner must have a landlord account."))
        return normalise_email(email), owner

    def check_rules(self, data: dict[str, Any]) -> None:
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
            key = address_key(
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

    def check_publishable(self, data: dict[str, Any]) -> None:
        """A listed row must have what publishing asks (services.publish_problems)."""
        probe = Unit(**{k: v for k, v in data.items() if k != "permitted_uses"})
        probe.permitted_uses = data["permitted_uses"]
        for problem in services.publish_problems(probe):
            if problem.field == "owner":  # the owner's column is checked on its own
                continue
            column = COLUMN_OF_FIELD[problem.field]
            if not self.failed(column):
                self.fail(column, problem.message)


def check_columns(rows: list[Row]) -> list[RowError]:
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
