"""Reads for the public street index and the street link on a unit's page."""

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from vrijstad.areas.models import Area, Street
from vrijstad.dashboard.models import StreetStory
from vrijstad.dashboard.queries import street_is
from vrijstad.units.models import PUBLIC_STATUSES, Unit


def published_streets() -> sa.Select:
    """Every street whose page staff published, by city, area and name (areas loaded)."""
    return (
        sa.select(Street)
        .join(StreetStory, StreetStory.street_id == Street.id)
        .join(Area, Area.id == Street.area_id)
        .where(StreetStory.published.is_(True))
        .order_by(Area.city, Area.name, Street.name, Street.id)
        .options(contains_eager(Street.area))
    )


def public_units_by_street(area_ids: list[int]) -> sa.Select[int | None, str, int]:
    """(area id, street name as compared, number of public units) of the areas' units."""
    key = sa.func.lower(sa.func.trim(Unit.street))
    return (
        sa.select(Unit.area_id, key, sa.func.count())
        .where(Unit.area_id.in_(area_ids), Unit.status.in_(PUBLIC_STATUSES))
        .group_by(Unit.area_id, key)
    )


def published_street_of(area_id: int, street: str) -> sa.Select:
    """The published street page of a street name in an area (none when not published)."""
    return (
        sa.select(Street)
        .join(StreetStory, StreetStory.street_id == Street.id)
        .where(
            Street.area_id == area_id,
            StreetStory.published.is_(True),
            street_is(Street.name, street),
        )
        .limit(1)
    )
