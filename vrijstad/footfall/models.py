"""Footfall counters (one per counting point in a street) and what they counted.

A count covers an hour or a local day from ``period_start`` (UTC). ``FootfallDay`` holds each
counter's total per local (Amsterdam) day, kept by every import: the dashboard, the unit and
street pages and the open data read days, never the millions of hourly rows."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock
from vrijstad.core import enum_type
from vrijstad.extensions import Model

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.areas.models import Street
    from vrijstad.organisations.models import Organisation


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"


SPAN = {Interval.HOUR: timedelta(hours=1), Interval.DAY: timedelta(days=1)}


class Counter(Model):
    """A counting point of an organisation in one of its streets, known by its own code."""

    __tablename__ = "footfall_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    street_id: Mapped[int] = mapped_column(
        sa.ForeignKey("streets.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    organisation: Mapped["Organisation"] = relationship()
    street: Mapped["Street"] = relationship()

    __table_args__ = (sa.UniqueConstraint("organisation_id", "code", name="code_per_org"),)


class FootfallCount(Model):
    """What a counter counted in one hour or one day from ``period_start`` (UTC)."""

    __tablename__ = "footfall_counts"

    counter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("footfall_counters.id", ondelete="CASCADE"), primary_key=True
    )
    # The key's order makes it the index a counter's range is read and replaced by.
    period_start: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), primary_key=True)
    interval: Mapped[Interval] = mapped_column(enum_type(Interval), primary_key=True)
    count: Mapped[int]

    __table_args__ = (sa.CheckConstraint("count >= 0", name="count_not_negative"),)


class FootfallDay(Model):
    """A counter's total of one local day: the aggregate every figure is read from."""

    __tablename__ = "footfall_days"

    counter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("footfall_counters.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    #: The Monday of the day's week: figures add up weeks in SQL, on any database.
    week: Mapped[date]
    total: Mapped[int]

    __table_args__ = (sa.CheckConstraint("total >= 0", name="total_not_negative"),)
