"""Exporting units as a file the import reads again (the same columns)."""

from collections.abc import Iterable

from vrijstad import exports
from vrijstad.units.models import Unit, UnitStatus


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
    "eigenaar_email": (lambda u: u.owner.email if u.owner else None, _TEXT),
    "status": (lambda u: UnitStatus(u.status).value, _TEXT),
}
