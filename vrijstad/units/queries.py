"""Unit reads: a landlord's units, an organisation's units, the units near a unit and the
current placement of a let unit (the public search: search.py)."""

import math

import sqlalchemy as sa

from vrijstad.areas.models import Area
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.units.models import PUBLIC_STATUSES, Unit


def units_of_owner(owner_id: int) -> sa.Select:
    return sa.select(Unit).where(Unit.owner_id == owner_id).order_by(Unit.created_at.desc())


def units_of_organisation(organisation_id: int) -> sa.Select:
    return (
        sa.select(Unit)
        .join(Area, Unit.area_id == Area.id)
        .where(Area.organisation_id == organisation_id)
        .order_by(Unit.vacant_since.is_(None), Unit.vacant_since, Unit.id)
    )


def nearby_units(unit: Unit) -> sa.Select:
    """Other units on offer in the unit's area (its city, without an area): nearest first when
    the unit has a pin (units without one last), else those in the same street first."""
    near = (
        Unit.area_id == unit.area_id
        if unit.area_id is not None
        else sa.func.lower(Unit.city) == unit.city.strip().lower()
    )
    query = sa.select(Unit).where(near, Unit.id != unit.id, Unit.status.in_(PUBLIC_STATUSES))
    if unit.latitude is not None and unit.longitude is not None:
        # Degrees of longitude shrink with the latitude; at city scale the plane is exact enough.
        east = (Unit.longitude - unit.longitude) * math.cos(math.radians(unit.latitude))
        north = Unit.latitude - unit.latitude
        return query.order_by(
            Unit.latitude.is_(None), east * east + north * north, Unit.listed_at.desc(), Unit.id
        )
    same_street = sa.func.lower(sa.func.trim(Unit.street)) == unit.street.strip().lower()
    return query.order_by(sa.not_(same_street), Unit.listed_at.desc(), Unit.id)


def current_placement(unit_id: int) -> sa.Select:
    """The unit's placement that runs now or is agreed to start (the latest, if several)."""
    return (
        sa.select(Placement)
        .where(
            Placement.unit_id == unit_id,
            Placement.status.in_((PlacementStatus.AGREED, PlacementStatus.ACTIVE)),
        )
        .order_by(Placement.start_date.desc(), Placement.id.desc())
        .limit(1)
    )
