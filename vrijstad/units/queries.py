"""Unit reads: public search, a landlord's units, an organisation's units."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Load, load_only

from vrijstad.areas.models import Area
from vrijstad.popups.queries import free_between
from vrijstad.units.models import PUBLIC_STATUSES, EnergyLabel, PermittedUse, Unit, UnitPhoto


@dataclass
class UnitFilters:
    """Validated search filters (None means: no filter)."""

    city: str | None = None
    area: int | None = None
    street: str | None = None
    min_area: int | None = None
    max_area: int | None = None
    max_rent_month_euros: int | None = None
    use: PermittedUse | None = None
    available_by: date | None = None
    label: EnergyLabel | None = None
    sort: str = "newest"
    free_from: date | None = None  # open for short lets with these days free (one date: that day)
    free_until: date | None = None


# Built once, shared by every search: SQLAlchemy expressions are immutable and slow to build.
_PUBLIC = Unit.status.in_(PUBLIC_STATUSES)
_ORDERS = {
    "newest": (Unit.listed_at.desc(), Unit.id.desc()),
    "rent": (Unit.rent_cents_per_year, Unit.id),
    "rent_desc": (Unit.rent_cents_per_year.desc(), Unit.id.desc()),
    "size": (Unit.floor_area_vvo.desc(), Unit.id.desc()),
    "rent_m2": (Unit.rent_per_m2_cents_per_year, Unit.id),
}


def search_units(filters: UnitFilters) -> sa.Select:
    """Publicly visible units matching the filters, in a stable order."""
    conditions = [_PUBLIC]
    if filters.city:
        conditions.append(Unit.city == filters.city)
    if filters.area:
        conditions.append(Unit.area_id == filters.area)
    if filters.street:
        conditions.append(sa.func.lower(Unit.street) == filters.street.strip().lower())
    if filters.min_area is not None:
        conditions.append(Unit.floor_area_vvo >= filters.min_area)
    if filters.max_area is not None:
        conditions.append(Unit.floor_area_vvo <= filters.max_area)
    if filters.max_rent_month_euros is not None:
        conditions.append(Unit.rent_cents_per_year <= filters.max_rent_month_euros * 100 * 12)
    if filters.use is not None:
        conditions.append(Unit.uses_mask.op("&")(filters.use.bit) != 0)
    if filters.available_by is not None:
        conditions.append(Unit.available_from <= filters.available_by)
    if filters.label is not None:
        better = [lbl.value for lbl in EnergyLabel if lbl.rank <= filters.label.rank]
        conditions.append(Unit.energy_label.in_(better))
    if filters.free_from or filters.free_until:
        conditions.append(free_between(filters.free_from or filters.free_until,
                                       filters.free_until or filters.free_from))  # fmt: skip
    order = _ORDERS.get(filters.sort, _ORDERS["newest"])
    return sa.select(Unit).where(*conditions).order_by(*order)


@cache  # after the mappers are configured, which a loader option needs
def _card_columns() -> Load:
    return load_only(
        Unit.street, Unit.house_number, Unit.house_letter, Unit.house_number_addition,
        Unit.postcode, Unit.city, Unit.rent_cents_per_year, Unit.floor_area_vvo, Unit.status,
        raiseload=True,
    )  # fmt: skip


def result_cards(filters: UnitFilters) -> sa.Select:
    """The search with only the columns a result card shows; any other raises, not loads."""
    return search_units(filters).options(_card_columns())


def cover_thumbnails(unit_ids: Collection[int]) -> sa.Select:
    """(unit id, thumbnail) of every photo of the units, each unit's first photo last.

    A dict of the rows keeps the first photo's thumbnail, the only one a result card shows.
    """
    return (
        sa.select(UnitPhoto.unit_id, UnitPhoto.thumbnail)
        .where(UnitPhoto.unit_id.in_(unit_ids))
        .order_by(UnitPhoto.position.desc(), UnitPhoto.id.desc())
    )


def units_of_owner(owner_id: int) -> sa.Select:
    return sa.select(Unit).where(Unit.owner_id == owner_id).order_by(Unit.created_at.desc())


def units_of_organisation(organisation_id: int) -> sa.Select:
    return (
        sa.select(Unit)
        .join(Area, Unit.area_id == Area.id)
        .where(Area.organisation_id == organisation_id)
        .order_by(Unit.vacant_since.is_(None), Unit.vacant_since, Unit.id)
    )


@cache  # one statement for every request: SQLAlchemy takes a while to build it
def public_cities() -> sa.Select:
    """Cities with public units, A to Z: one index lookup per city, not a scan of every unit."""
    # The statuses go into the SQL as values: only then may the planner use the partial index
    # ix_units_public_city, whose condition it must see in the query.
    public = Unit.status.in_(
        sa.bindparam("public", [s.value for s in PUBLIC_STATUSES], literal_execute=True)
    )
    cities = (
        sa.select(sa.func.min(Unit.city).label("city")).where(public).cte("cities", recursive=True)
    )
    following = (
        sa.select(Unit.city)
        .where(public, Unit.city > cities.c.city)
        .order_by(Unit.city)
        .limit(1)
        .scalar_subquery()
    )
    cities = cities.union_all(sa.select(following).where(cities.c.city.is_not(None)))
    return sa.select(cities.c.city).where(cities.c.city.is_not(None)).order_by(cities.c.city)
