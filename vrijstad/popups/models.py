"""Pop-up short lets: a unit's short-let terms, blocked periods and date bookings.

Every period here is half-open: ``start_date`` is the first day, ``end_date`` the day after the
last day (``[start_date, end_date)``, as PostgreSQL's ``daterange`` and iCalendar's all-day
DTEND count). A weekend of Saturday and Sunday is stored as Saturday → Monday; forms and pages
show the last day (``last_day``).
"""

import secrets
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.popups import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.workflow import Workflow

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.auth.models import User
    from vrijstad.letting.models import Placement
    from vrijstad.units.models import Unit


#: A pop-up is at most two years (art. 7:290 BW protection starts beyond that).
MAX_STAY_DAYS = 730
#: Every day of the week (bit 0 is Monday, as date.weekday() counts).
ALL_WEEKDAYS = 0b1111111


def new_feed_token() -> str:
    """A fresh secret for a unit's iCalendar link (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class BookingStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


#: The booking workflow; only an accepted booking holds its days.
BOOKING_TRANSITIONS: dict[BookingStatus, frozenset[BookingStatus]] = {
    BookingStatus.REQUESTED: frozenset(
        {BookingStatus.ACCEPTED, BookingStatus.DECLINED, BookingStatus.CANCELLED}
    ),
    BookingStatus.ACCEPTED: frozenset({BookingStatus.CANCELLED}),
    BookingStatus.DECLINED: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
}
BOOKING_FLOW: Workflow[BookingStatus] = Workflow("booking", BOOKING_TRANSITIONS)
BOOKING_LABELS = labels.register(
    BookingStatus,
    {
        BookingStatus.REQUESTED: _l("requested"),
        BookingStatus.ACCEPTED: _l("accepted"),
        BookingStatus.DECLINED: _l("declined"),
        BookingStatus.CANCELLED: _l("cancelled"),
    },
)


class ShortLetTerms(Model):
    """A unit's terms for short lets: prices excl. VAT, stay limits, lead time, weekdays."""

    __tablename__ = "short_let_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    price_cents_per_day: Mapped[int | None]
    price_cents_per_week: Mapped[int | None]
    min_stay_days: Mapped[int] = mapped_column(default=1)
    max_stay_days: Mapped[int] = mapped_column(default=90)
    lead_time_days: Mapped[int] = mapped_column(default=2)
    weekdays_mask: Mapped[int] = mapped_column(default=ALL_WEEKDAYS)
    #: The secret in the iCalendar feed's link; a new one makes the old link stop working.
    ical_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    unit: Mapped["Unit"] = relationship()

    __table_args__ = (
        sa.CheckConstraint("price_cents_per_day >= 0", name="day_price_not_negative"),
        sa.CheckConstraint("price_cents_per_week >= 0", name="week_price_not_negative"),
        sa.CheckConstraint(
            "NOT enabled OR price_cents_per_day IS NOT NULL OR price_cents_per_week IS NOT NULL",
            name="enabled_has_a_price",
        ),
        sa.CheckConstraint(
            f"min_stay_days >= 1 AND max_stay_days >= min_stay_days "
            f"AND max_stay_days <= {MAX_STAY_DAYS}",
            name="stay_limits",
        ),
        sa.CheckConstraint("lead_time_days BETWEEN 0 AND 365", name="lead_time_range"),
        sa.CheckConstraint(f"weekdays_mask BETWEEN 1 AND {ALL_WEEKDAYS}", name="weekdays_range"),
    )

    def bookable_on(self, day: date) -> bool:
        return bool(self.weekdays_mask & (1 << day.weekday()))


class BlockedPeriod(Model):
    """Days the landlord keeps free of bookings (own use, works): [start_date, end_date)."""

    __tablename__ = "blocked_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (
        sa.CheckConstraint("end_date > start_date", name="blocked_ends_after_start"),
        sa.Index("ix_blocked_periods_unit_dates", "unit_id", "start_date", "end_date"),
    )

    @property
    def last_day(self) -> date:
        return self.end_date - timedelta(days=1)


class Booking(Model):
    """A starter's request for days in a unit, [start_date, end_date), at a price excl. VAT.

    Two accepted bookings of one unit never share a day: the services check it, and the
    database refuses it (an exclusion constraint on PostgreSQL, a trigger on SQLite; both in
    the migration).
    """

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    starter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[BookingStatus] = mapped_column(
        enum_type(BookingStatus), default=BookingStatus.REQUESTED
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: The price quoted when the request was sent, excl. VAT; what the starter agreed to.
    price_cents: Mapped[int]
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    placement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="SET NULL"), unique=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    unit: Mapped["Unit"] = relationship()
    starter: Mapped["User"] = relationship(foreign_keys=[starter_id])
    placement: Mapped["Placement | None"] = relationship()

    __table_args__ = (
        sa.CheckConstraint("end_date > start_date", name="booking_ends_after_start"),
        sa.CheckConstraint("price_cents >= 0", name="booking_price_not_negative"),
        sa.Index("ix_bookings_unit_status_dates", "unit_id", "status", "start_date", "end_date"),
    )

    @property
    def last_day(self) -> date:
        return self.end_date - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days
