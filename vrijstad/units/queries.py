"""Unit reads: public search, a landlord's units, an organisation's units."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad.areas.models import Area
from vrijstad.units.models import PUBLIC_STATUSES, EnergyLabel, PermittedUse, Unit


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


def search_units(filters: UnitFilters) -> sa.Select:
    """Publicly visible units matching the filters, in a stable order."""
    query = sa.select(Unit).where(Unit.status.in_(PUBLIC_STATUSES))
    if filters.city:
        query = query.where(Unit.city == filters.city)
    if filters.area:
        query = query.where(Unit.area_id == filters.area)
    if filters.street:
        query = query.where(sa.func.lower(Unit.street) == filters.street.strip().lower())
    if filters.min_area is not None:
        query = query.where(Unit.floor_area_vvo >= filters.min_area)
    if filters.max_area is not None:
        query = query.where(Unit.floor_area_vvo <= filters.max_area)
    if filters.max_rent_month_euros is not None:
        query = query.where(Unit.rent_cents_per_year <= filters.max_rent_month_euros * 100 * 12)
    if filters.use is not None:
        query = query.where(Unit.uses_mask.op("&")(filters.use.bit) != 0)
    if filters.available_by is not None:
        query = query.where(Unit.available_from <= filters.available_by)
    if filters.label is not None:
        better = [lbl.value for lbl in EnergyLabel if lbl.rank <= filters.label.rank]
        query = query.where(Unit.energy_label.in_(better))
    order = {
        "newest": [Unit.listed_at.desc(), Unit.id.desc()],
        "rent": [Unit.rent_cents_per_year, Unit.id],
        "rent_desc": [Unit.rent_cents_per_year.desc(), Unit.id.desc()],
        "size": [Unit.floor_area_vvo.desc(), Unit.id.desc()],
        "rent_m2": [Unit.rent_per_m2_cents_per_year, Unit.id],
    }.get(filters.sort, [Unit.listed_at.desc(), Unit.id.desc()])
    return query.order_by(*order)


def units_of_owner(owner_id: int) -> sa.Select:
    return sa.select(Unit).where(Unit.owner_id == owner_id).order_by(Unit.created_at.desc())


def units_of_organisation(organisation_id: int) -> sa.Select:
    return (
        sa.select(Unit)
        .join(Area, Unit.area_id == Area.id)
        .where(Area.organisation_id == organisation_id)
        .order_by(Unit.vacant_since.is_(None), Unit.vacant_since, Unit.id)
    )


def public_cities() -> sa.Select:
    return (
        sa.select(Unit.city)
        .where(Unit.status.in_(PUBLIC_STATUSES))
        .group_by(Unit.city)
        .order_by(Unit.city)
    )
