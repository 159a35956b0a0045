"""Reads for the open-data API, each in a stable order (by id, or by month and street)."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from vrijstad.api.models import ApiToken
from vrijstad.areas.models import Area
from vrijstad.dashboard.models import WHOLE_AREA, VacancySnapshot, street_key
from vrijstad.dashboard.queries import street_is
from vrijstad.units.models import PUBLIC_STATUSES, Unit


def areas(city: str | None) -> sa.Select:
    query = sa.select(Area).options(selectinload(Area.organisation), selectinload(Area.streets))
    if city:
        query = query.where(sa.func.lower(Area.city) == city.strip().lower())
    return query.order_by(Area.id)


def listed_units(area_id: int | None, city: str | None, street: str | None) -> sa.Select:
    """Publicly listed units, oldest id first."""
    query = sa.select(Unit).where(Unit.status.in_(PUBLIC_STATUSES))
    if area_id is not None:
        query = query.where(Unit.area_id == area_id)
    if city:
        query = query.where(sa.func.lower(Unit.city) == city.strip().lower())
    if street:
        query = query.where(street_is(Unit.street, street))
    return query.order_by(Unit.id)


def vacancy_stats(
    area_id: int, street: str | None, first: date | None, last: date | None
) -> sa.Select:
    """An area's (or one street's) recorded months, oldest first."""
    key = WHOLE_AREA if street is None else street_key(street)
    query = sa.select(VacancySnapshot).where(
        VacancySnapshot.area_id == area_id, VacancySnapshot.street_key == key
    )
    if first is not None:
        query = query.where(VacancySnapshot.period >= first)
    if last is not None:
        query = query.where(VacancySnapshot.period <= last)
    return query.order_by(VacancySnapshot.period, VacancySnapshot.id)


def organisation_area_ids(organisation_id: int) -> sa.Select:
    return sa.select(Area.id).where(Area.organisation_id == organisation_id)


def token_by_hash(token_hash: str) -> sa.Select:
    return sa.select(ApiToken).where(ApiToken.token_hash == token_hash)


def tokens_of(organisation_id: int) -> sa.Select:
    return (
        sa.select(ApiToken)
        .where(ApiToken.organisation_id == organisation_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
    )
