"""Reads for matching: units and starters to score, streets, occupants, weights."""

from collections.abc import Collection
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from vrijstad.applications.models import OPEN_STATUSES, Application, Offer, OfferStatus
from vrijstad.areas.models import Area, Street
from vrijstad.auth.models import User
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseStatus,
    Placement,
    PlacementStatus,
)
from vrijstad.matching.models import (
    AllocationRun,
    BranchLimit,
    MatchInvitation,
    MatchWeights,
    StreetProfile,
)
from vrijstad.starters.models import (
    BranchGroup,
    StarterProfile,
    starter_profile_areas,
    starter_profile_streets,
)
from vrijstad.units.models import Unit, UnitStatus

#: Units that take applications, and so can be recommended or allocated.
OPEN_UNIT_STATUSES = (UnitStatus.LISTED, UnitStatus.IN_TALKS)
#: Placements whose starter occupies the unit now or soon.
CURRENT_PLACEMENTS = (PlacementStatus.AGREED, PlacementStatus.ACTIVE)
#: Units an allocation may show: the open ones, and the reserved ones (held, see Held).
ALLOCATION_UNIT_STATUSES = (*OPEN_UNIT_STATUSES, UnitStatus.RESERVED)


def _same_city(column: QueryableAttribute[Any], city: str | None) -> sa.ColumnElement[bool]:
    return sa.func.lower(sa.func.trim(column)) == (city or "").strip().lower()


def units_for_starter(starter: User, profile: StarterProfile) -> sa.Select[Unit]:
    """Open units a starter could apply for: not their own, not applied for, pilots allowing."""
    applied = sa.select(Application.unit_id).where(
        Application.starter_id == starter.id, Application.status.in_(OPEN_STATUSES)
    )
    return (
        sa.select(Unit)
        .outerjoin(Area, Area.id == Unit.area_id)
        .where(
            Unit.status.in_(OPEN_UNIT_STATUSES),
            Unit.owner_id != starter.id,
            Unit.id.not_in(applied),
            sa.or_(
                Area.id.is_(None), Area.closed_pilot.is_(False), _same_city(Area.city, profile.city)
            ),
        )
        .order_by(Unit.id)
    )


def starter_profiles() -> sa.Select[StarterProfile]:
    """Profiles of active starter accounts."""
    return (
        sa.select(StarterProfile)
        .join(User, User.id == StarterProfile.user_id)
        .where(User.is_starter.is_(True), User.active.is_(True))
        .order_by(StarterProfile.user_id)
    )


def candidates_for_unit(unit: Unit) -> sa.Select[StarterProfile]:
    """Starters who have not applied for the unit (ever) and may apply for it."""
    applied = sa.select(Application.starter_id).where(Application.unit_id == unit.id)
    query = starter_profiles().where(
        StarterProfile.user_id != unit.owner_id, StarterProfile.user_id.not_in(applied)
    )
    if unit.area is not None and unit.area.closed_pilot:
        query = query.where(_same_city(StarterProfile.city, unit.area.city))
    return query


def candidates_for_area(area: Area) -> sa.Select[StarterProfile]:
    """Starters interested in an area: it or one of its streets preferred, based in its city,
    or an open application for one of its units."""
    by_area = sa.select(starter_profile_areas.c.profile_id).where(
        starter_profile_areas.c.area_id == area.id
    )
    by_street = (
        sa.select(starter_profile_streets.c.profile_id)
        .join(Street, Street.id == starter_profile_streets.c.street_id)
        .where(Street.area_id == area.id)
    )
    applied = (
        sa.select(Application.starter_id)
        .join(Unit, Unit.id == Application.unit_id)
        .where(Unit.area_id == area.id, Application.status.in_(OPEN_STATUSES))
    )
    query = starter_profiles().where(
        sa.or_(
            StarterProfile.id.in_(by_area),
            StarterProfile.id.in_(by_street),
            StarterProfile.user_id.in_(applied),
            _same_city(StarterProfile.city, area.city),
        )
    )
    if area.closed_pilot:
        query = query.where(_same_city(StarterProfile.city, area.city))
    return query


def placed_starters(starter_ids: Collection[int], today: date) -> sa.Select[int]:
    """Those of the starters with a placement that runs now or is agreed to come."""
    return (
        sa.select(Placement.starter_id)
        .where(
            Placement.starter_id.in_(starter_ids),
            Placement.status.in_(CURRENT_PLACEMENTS),
            Placement.end_date >= today,
        )
        .distinct()
    )


def units_with_open_offer(unit_ids: Collection[int]) -> sa.Select[int]:
    """Those of the units with an open offer to a starter."""
    return (
        sa.select(Application.unit_id)
        .join(Offer, Offer.application_id == Application.id)
        .where(Application.unit_id.in_(unit_ids), Offer.status == OfferStatus.OPEN)
        .distinct()
    )


def open_units_of_area(area_id: int) -> sa.Select[Unit]:
    """The area's units an allocation may show (reserved ones are held back later)."""
    return (
        sa.select(Unit)
        .where(Unit.area_id == area_id, Unit.status.in_(ALLOCATION_UNIT_STATUSES))
        .order_by(Unit.street, Unit.house_number, Unit.id)
    )


def free_units_of_collective(collective_id: int, today: date) -> sa.Select[Unit]:
    """Open units the collective lets now (signed or active head lease) that no one occupies
    as a whole, now or later."""
    leased = sa.select(HeadLease.unit_id).where(
        HeadLease.collective_id == collective_id,
        HeadLease.status.in_((HeadLeaseStatus.SIGNED, HeadLeaseStatus.ACTIVE)),
    )
    taken = sa.select(Placement.unit_id).where(
        Placement.space_id.is_(None),
        Placement.status != PlacementStatus.ENDED,
        Placement.end_date >= today,
    )
    return (
        sa.select(Unit)
        .where(
            Unit.id.in_(leased),
            Unit.id.not_in(taken),
            Unit.status.in_(ALLOCATION_UNIT_STATUSES),
        )
        .order_by(Unit.street, Unit.house_number, Unit.id)
    )


def collectives_of_organisation(organisation_id: int) -> sa.Select[Collective]:
    return (
        sa.select(Collective)
        .where(Collective.organisation_id == organisation_id)
        .order_by(Collective.name)
    )


def allocation_runs_of(organisation_id: int) -> sa.Select[AllocationRun]:
    """The organisation's allocations, newest first."""
    return (
        sa.select(AllocationRun)
        .where(AllocationRun.organisation_id == organisation_id)
        .order_by(AllocationRun.id.desc())
    )


def area_of_units(area_ids: Collection[int]) -> sa.Select[int, int]:
    """(area id, organisation id) of the areas."""
    return sa.select(Area.id, Area.organisation_id).where(Area.id.in_(area_ids))


def streets_of_areas(area_ids: Collection[int]) -> sa.Select[Street, StreetProfile]:
    """(street, its profile or None) of the areas' streets."""
    return (
        sa.select(Street, StreetProfile)
        .outerjoin(StreetProfile, StreetProfile.street_id == Street.id)
        .where(Street.area_id.in_(area_ids))
        .order_by(Street.area_id, Street.name)
    )


def current_occupants(
    area_ids: Collection[int], today: date
) -> sa.Select[int | None, str, BranchGroup | None, int]:
    """(area id, street name, branch group, count) of the starters placed in the areas now."""
    return (
        sa.select(Unit.area_id, Unit.street, StarterProfile.branch_group, sa.func.count())
        .select_from(Placement)
        .join(Unit, Unit.id == Placement.unit_id)
        .join(StarterProfile, StarterProfile.user_id == Placement.starter_id)
        .where(
            Unit.area_id.in_(area_ids),
            Placement.status.in_(CURRENT_PLACEMENTS),
            Placement.end_date >= today,
            StarterProfile.branch_group.is_not(None),
        )
        .group_by(Unit.area_id, Unit.street, StarterProfile.branch_group)
    )


def branch_limits_of_streets(street_ids: Collection[int]) -> sa.Select[BranchLimit]:
    return (
        sa.select(BranchLimit)
        .where(BranchLimit.street_id.in_(street_ids))
        .order_by(BranchLimit.street_id, BranchLimit.branch_group)
    )


def weights_of_organisations(organisation_ids: Collection[int]) -> sa.Select[MatchWeights]:
    return sa.select(MatchWeights).where(MatchWeights.organisation_id.in_(organisation_ids))


def invited_starters(unit_id: int) -> sa.Select[int]:
    return sa.select(MatchInvitation.starter_id).where(MatchInvitation.unit_id == unit_id)


def invitations_for_units(unit_ids: Collection[int]) -> sa.Select[int, int]:
    """(unit id, starter id) of the invitations for the units."""
    return sa.select(MatchInvitation.unit_id, MatchInvitation.starter_id).where(
        MatchInvitation.unit_id.in_(unit_ids)
    )
