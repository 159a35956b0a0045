"""Reads for the public home page: its figures, featured units, street stories and contest."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from vrijstad.areas.models import Area, Street
from vrijstad.contests.models import Contest, ContestStatus
from vrijstad.dashboard.models import StreetStory
from vrijstad.letting.models import Placement
from vrijstad.matching.models import StreetProfile
from vrijstad.units.models import PUBLIC_STATUSES, Unit, UnitPhoto, UnitStatus


def home_figures(first: date, last: date) -> sa.Select[int, int]:
    """One row: the units on offer now, and the starters whose placement starts between the
    two days (each starter once, however many places she took)."""
    on_offer = sa.select(sa.func.count()).where(Unit.status.in_(PUBLIC_STATUSES))
    placed = sa.select(sa.func.count(sa.distinct(Placement.starter_id))).where(
        Placement.start_date.between(first, last)
    )
    return sa.select(
        on_offer.scalar_subquery().label("on_offer"), placed.scalar_subquery().label("placed")
    )


def busiest_area() -> sa.Select:
    """The area with the most units (the stock its vacancy is a share of); the oldest on a tie."""
    return (
        sa.select(Area)
        .join(Unit, Unit.area_id == Area.id)
        .group_by(Area.id)
        .order_by(sa.func.count(Unit.id).desc(), Area.id)
        .limit(1)
    )


def featured_units() -> sa.Select:
    """Listed units, those with a photo first, the newest first (photos loaded)."""
    has_photo = sa.exists().where(UnitPhoto.unit_id == Unit.id)
    return (
        sa.select(Unit)
        .where(Unit.status == UnitStatus.LISTED)
        .order_by(has_photo.desc(), Unit.listed_at.desc(), Unit.id.desc())
        .options(selectinload(Unit.photos))
    )


def street_stories() -> sa.Select[Street, StreetProfile]:
    """(street, profile) of published street pages whose profile says anything (a wish, an
    exclusion or a note), last updated first (areas loaded)."""
    return (
        sa.select(Street, StreetProfile)
        .join(StreetStory, StreetStory.street_id == Street.id)
        .join(StreetProfile, StreetProfile.street_id == Street.id)
        .join(Area, Area.id == Street.area_id)
        .where(
            StreetStory.published.is_(True),
            sa.or_(
                StreetProfile.wanted_mask != 0,
                StreetProfile.excluded_mask != 0,
                sa.func.coalesce(StreetProfile.note, "") != "",
            ),
        )
        .order_by(StreetStory.updated_at.desc(), Street.id)
        .options(contains_eager(Street.area))
    )


def open_contest(today: date) -> sa.Select:
    """The Win een winkel contest taking entries today whose deadline comes first."""
    return (
        sa.select(Contest)
        .where(
            Contest.status == ContestStatus.OPEN,
            Contest.entries_open_on <= today,
            Contest.entries_close_on >= today,
        )
        .order_by(Contest.entries_close_on, Contest.id)
        .limit(1)
    )
