"""What a unit's public page shows around the unit: units on offer nearby, and for a let
unit (its "verhuurd" page) who took it.

A let unit stays reachable at its address: the new tenant's link to her own shop works, and
a visitor who follows an old link learns the unit is let and sees what else is on offer.
Drafts and withdrawn units stay hidden from all but the people who may edit them.

The tenant's trade name is shown only while her placement runs (started, not ended): the
same rule as the "new in the street" list of the public street pages. An agreed placement
that has not started yet stays unnamed.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import selectinload

from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.units import queries
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.services import can_view

#: How many other units on offer a unit's page shows.
NEARBY = 4


def can_see_page(user: User, unit: Unit) -> bool:
    """Public and let units for everyone; drafts and withdrawn units for their editors."""
    return unit.status == UnitStatus.LET or can_view(user, unit)


def nearby(unit: Unit, limit: int = NEARBY) -> list[Unit]:
    """Other units on offer near the unit (same area, nearest or same street first)."""
    query = queries.nearby_units(unit).options(selectinload(Unit.photos)).limit(limit)
    return list(db.session.scalars(query))


@dataclass
class Letting:
    """Who took a let unit, as far as the public may know."""

    tenant_name: str | None
    is_tenant: bool


def _named(placement: Placement, today: date) -> bool:
    return (
        placement.status == PlacementStatus.ACTIVE
        and placement.start_date <= today <= placement.end_date
    )


def letting_of(user: User, unit: Unit, today: date) -> Letting:
    placement = db.session.scalar(queries.current_placement(unit.id))
    if placement is None:
        return Letting(tenant_name=None, is_tenant=False)
    return Letting(
        tenant_name=placement.starter_trade_name if _named(placement, today) else None,
        is_tenant=user.is_authenticated and placement.starter_id == user.id,
    )
