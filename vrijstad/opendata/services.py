"""Importing the national registers for an organisation, and linking them to its units.

Rules:
* Which rows belong to the organisation: those whose woonplaats is the city of one of its
  areas and whose street is one of that area's streets or of its units' streets (an area
  with neither takes the whole city). Other rows are passed over, and counted.
* An import is all or nothing: any bad line refuses the whole file with every bad line's
  number and reason (BatchError); nothing is written then.
* Importing a register again replaces the organisation's rows of that register (one DELETE,
  then the file's rows), in the caller's transaction: no row is held twice.
* Linking units to BAG objects: a unit with a BAG id is linked by it; a unit without one by its
  address (postcode, house number, letter and addition), and then gets the object's BAG id
  (an audit event names the units filled).
* Each import is recorded (who, when, what file, rows kept, passed over and matched).
"""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.core import DomainError
from vrijstad.database import copy_rows
from vrijstad.extensions import db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.opendata.models import BagObject, Establishment, Register, RegisterImport
from vrijstad.opendata.reading import (
    BagRow,
    KvkRow,
    LineError,
    Parsed,
    address_key,
    decode,
    read_bag,
    read_kvk,
)
from vrijstad.opendata.sbi import branch_of
from vrijstad.organisations.models import Organisation
from vrijstad.units.models import Unit

BAG_COLUMNS = (
    "organisation_id",
    "bag_id",
    "street",
    "house_number",
    "house_letter",
    "house_number_addition",
    "postcode",
    "city",
    "address_key",
    "floor_area",
    "latitude",
    "longitude",
    "status",
)
KVK_COLUMNS = (
    "organisation_id",
    "establishment_number",
    "trade_name",
    "street",
    "house_number",
    "house_letter",
    "house_number_addition",
    "postcode",
    "city",
    "address_key",
    "sbi_code",
    "branch_group",
)


class OpenDataError(DomainError):
    """An import of a register was refused."""


class BatchError(OpenDataError):
    """Lines of the file are bad; nothing of it was imported."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(
            _l("%(count)s lines are not right; nothing was imported.", count=len(errors))
        )
        self.errors = errors


@dataclass(frozen=True)
class Imported:
    kept: int
    passed_over: int
    matched: int


def organisation_units(organisation_id: int) -> list[Unit]:
    return list(
        db.session.scalars(
            sa.select(Unit)
            .join(Area, Area.id == Unit.area_id)
            .where(Area.organisation_id == organisation_id)
            .order_by(Unit.id)
        )
    )


def unit_key(unit: Unit) -> str:
    return address_key(
        unit.postcode, unit.house_number, unit.house_letter, unit.house_number_addition
    )


def scope_of(organisation: Organisation) -> Callable[[str, str], bool]:
    """Whether a register's row (city, street) lies in the organisation's areas."""
    streets: dict[str, set[str] | None] = {}
    units = organisation_units(organisation.id)
    for area in organisation.areas:
        city = area.city.strip().casefold()
        names = {s.name.strip().casefold() for s in area.streets}
        names |= {u.street.strip().casefold() for u in units if u.area_id == area.id}
        if not names or streets.get(city, set()) is None:
            streets[city] = None
        else:
            streets[city] = (streets.get(city) or set()) | names

    def keep(city: str, street: str) -> bool:
        city = city.strip().casefold()
        if city not in streets:
            return False
        names = streets[city]
        return names is None or street.strip().casefold() in names

    return keep


def _refuse_bad_lines(parsed: Parsed) -> None:
    if parsed.errors:
        raise BatchError(parsed.errors)
    if not parsed.rows:
        raise OpenDataError(
            _l(
                "No line of the file lies in your organisation's areas (%(count)s lines "
                "passed over): check the city and street names.",
                count=parsed.passed_over,
            )
        )


def _record(
    actor,
    organisation: Organisation,
    register: Register,
    filename: str,
    parsed: Parsed,
    matched: int,
) -> Imported:
    imported = Imported(len(parsed.rows), parsed.passed_over, matched)
    db.session.add(
        RegisterImport(
            organisation_id=organisation.id,
            register=register,
            by_id=getattr(actor, "id", None),
            filename=filename[:200],
            kept=imported.kept,
            passed_over=imported.passed_over,
            matched=imported.matched,
        )
    )
    record_event(
        actor,
        f"opendata.{register.value}_imported",
        organisation,
        organisation.id,
        kept=imported.kept,
        passed_over=imported.passed_over,
        matched=imported.matched,
    )
    return imported


def import_bag(actor, organisation: Organisation, data: bytes, filename: str = "") -> Imported:
    """Import the shop objects of a BAG extract in the organisation's areas, replacing those
    it had, and link its units to them; BatchError (nothing written) for any bad line."""
    parsed = read_bag(decode(data), scope_of(organisation))
    _refuse_bad_lines(parsed)
    rows: list[BagRow] = parsed.rows
    db.session.execute(sa.delete(BagObject).where(BagObject.organisation_id == organisation.id))
    copy_rows(
        BagObject.__table__,
        BAG_COLUMNS,
        (
            (
                organisation.id,
                r.bag_id,
                *r.address,
                r.address.key,
                r.floor_area,
                r.latitude,
                r.longitude,
                r.status,
            )
            for r in rows
        ),
    )
    matched = link_units(actor, organisation, rows)
    return _record(actor, organisation, Register.BAG, filename, parsed, matched)


def link_units(actor, organisation: Organisation, rows: list[BagRow]) -> int:
    """Link the organisation's units to the shop objects: by BAG id, else by address (and
    fill the unit's BAG id). The number of units linked."""
    by_id = {r.bag_id for r in rows}
    by_address = {r.address.key: r.bag_id for r in rows}
    linked, filled = 0, []
    for unit in organisation_units(organisation.id):
        if unit.bag_id:
            linked += unit.bag_id in by_id
            continue
        found = by_address.get(unit_key(unit))
        if found is not None:
            unit.bag_id = found
            filled.append(unit.id)
            linked += 1
    if filled:
        db.session.flush()
        record_event(actor, "opendata.bag_ids_filled", organisation, organisation.id, units=filled)
    return linked


def import_kvk(actor, organisation: Organisation, data: bytes, filename: str = "") -> Imported:
    """Import the active establishments of a KvK register in the organisation's areas,
    replacing those it had; BatchError (nothing written) for any bad line."""
    parsed = read_kvk(decode(data), scope_of(organisation))
    _refuse_bad_lines(parsed)
    rows: list[KvkRow] = parsed.rows
    db.session.execute(
        sa.delete(Establishment).where(Establishment.organisation_id == organisation.id)
    )
    copy_rows(
        Establishment.__table__,
        KVK_COLUMNS,
        (
            (
                organisation.id,
                r.establishment_number,
                r.trade_name,
                *r.address,
                r.address.key,
                r.sbi_code,
                _branch_value(r.sbi_code),
            )
            for r in rows
        ),
    )
    shops = set(
        db.session.scalars(
            sa.select(BagObject.address_key).where(BagObject.organisation_id == organisation.id)
        )
    )
    matched = sum(r.address.key in shops for r in rows)
    return _record(actor, organisation, Register.KVK, filename, parsed, matched)


def _branch_value(sbi_code: str) -> str | None:
    branch = branch_of(sbi_code)
    return None if branch is None else branch.value


def last_imports(organisation_id: int, register: Register) -> sa.Select:
    return (
        sa.select(RegisterImport)
        .where(
            RegisterImport.organisation_id == organisation_id,
            RegisterImport.register == register,
        )
        .order_by(RegisterImport.created_at.desc(), RegisterImport.id.desc())
        .limit(5)
    )
