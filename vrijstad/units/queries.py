"""Unit reads: a landlord's units, an organisation's units (the public search: search.py)."""

import sqlalchemy as sa

from vrijstad.areas.models import Area
from vrijstad.units.models import Unit


def units_of_owner(owner_id: int) -> sa.Select:
    return sa.select(Unit).where(Unit.owner_id == owner_id).order_by(Unit.created_at.desc())


def units_of_organisation(organisation_id: int) -> sa.Select:
    return (
        sa.select(Unit)
        .join(Area, Unit.area_id == Area.id)
        .where(Area.organisation_id == organisation_id)
        .order_by(Unit.vacant_since.is_(None), Unit.vacant_since, Unit.id)
    )
