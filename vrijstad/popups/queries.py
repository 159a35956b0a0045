"""Short-let reads: bookings and blocked periods touching a period, lists, the search filter.

Periods are half-open, [start, end): two periods share a day when each starts before the
other ends.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from vrijstad.popups.models import BlockedPeriod, Booking, BookingStatus, ShortLetTerms
from vrijstad.units.models import Unit
from vrijstad.units.search import register_free_days, register_short_lets


def _overlaps(model, start: date, end: date):
    return sa.and_(model.start_date < end, start < model.end_date)


def bookings_overlapping(
    unit_id: int, start: date, end: date, status: BookingStatus = BookingStatus.ACCEPTED
) -> sa.Select:
    """The unit's bookings in a status that share a day with [start, end)."""
    return (
        sa.select(Booking)
        .where(Booking.unit_id == unit_id, Booking.status == status, _overlaps(Booking, start, end))
        .order_by(Booking.start_date, Booking.id)
    )


def blocked_overlapping(unit_id: int, start: date, end: date) -> sa.Select:
    """The unit's blocked periods that share a day with [start, end)."""
    return (
        sa.select(BlockedPeriod)
        .where(BlockedPeriod.unit_id == unit_id, _overlaps(BlockedPeriod, start, end))
        .order_by(BlockedPeriod.start_date, BlockedPeriod.id)
    )


def blocked_periods_of(unit_id: int, since: date) -> sa.Select:
    """The unit's blocked periods that have not ended before the given day."""
    return (
        sa.select(BlockedPeriod)
        .where(BlockedPeriod.unit_id == unit_id, BlockedPeriod.end_date > since)
        .order_by(BlockedPeriod.start_date, BlockedPeriod.id)
    )


def bookings_of_unit(unit_id: int) -> sa.Select:
    """Every booking of a unit: open requests first, then by first day, latest first."""
    return (
        sa.select(Booking)
        .where(Booking.unit_id == unit_id)
        .order_by(
            (Booking.status != BookingStatus.REQUESTED), Booking.start_date.desc(), Booking.id
        )
    )


def count_requests(unit_id: int) -> sa.Select:
    """How many requests of a unit wait for an answer."""
    return sa.select(sa.func.count(Booking.id)).where(
        Booking.unit_id == unit_id, Booking.status == BookingStatus.REQUESTED
    )


def bookings_of_starter(starter_id: int) -> sa.Select:
    return (
        sa.select(Booking)
        .where(Booking.starter_id == starter_id)
        .order_by(Booking.start_date.desc(), Booking.id.desc())
    )


def feed_bookings(unit_id: int, since: date) -> sa.Select:
    """Accepted bookings for the iCalendar feed: those ending after the given day."""
    return (
        sa.select(Booking)
        .where(
            Booking.unit_id == unit_id,
            Booking.status == BookingStatus.ACCEPTED,
            Booking.end_date > since,
        )
        .order_by(Booking.start_date)
    )


@register_short_lets
def open_for_short_lets(
    unit_id: sa.ColumnElement[int] | QueryableAttribute[int],
) -> sa.ColumnElement[bool]:
    """A condition on a unit's id: its landlord lets it for short stays (pop-ups)."""
    return (
        sa.select(ShortLetTerms.id)
        .where(ShortLetTerms.unit_id == unit_id, ShortLetTerms.enabled.is_(True))
        .exists()
    )


@register_free_days
def free_between(first_day: date, last_day: date) -> sa.ColumnElement[bool]:
    """A condition on Unit: open for short lets, and no booking or blocked period touches any
    day from first_day to last_day (both included)."""
    start, end = first_day, last_day + timedelta(days=1)
    booked = sa.select(Booking.id).where(
        Booking.unit_id == Unit.id,
        Booking.status == BookingStatus.ACCEPTED,
        _overlaps(Booking, start, end),
    )
    blocked = sa.select(BlockedPeriod.id).where(
        BlockedPeriod.unit_id == Unit.id, _overlaps(BlockedPeriod, start, end)
    )
    return sa.and_(open_for_short_lets(Unit.id), ~booked.exists(), ~blocked.exists())
