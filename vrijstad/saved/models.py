"""A starter's saved searches (a unit search's query string, mailed as a digest daily or
weekly), the units each digest has sent, and favourite units."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.saved import notice_texts  # noqa: F401 - registers the notices' sentences

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.units.models import Unit


class DigestFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def interval(self) -> timedelta:
        return timedelta(days=1 if self is DigestFrequency.DAILY else 7)


FREQUENCY_LABELS = labels.register(
    DigestFrequency,
    {DigestFrequency.DAILY: _l("daily"), DigestFrequency.WEEKLY: _l("weekly")},
)


class SavedSearch(Model):
    """A unit search a user keeps: its normalised query string and how often it is mailed."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    query: Mapped[str] = mapped_column(sa.String(1000), server_default="")
    frequency: Mapped[DigestFrequency] = mapped_column(
        enum_type(DigestFrequency), default=DigestFrequency.WEEKLY
    )
    #: False once unsubscribed: the search stays in the list, no digest is mailed.
    mailing: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    #: The day of the last digest run for this search (mail or not), at first the day it was
    #: saved: the next is due one interval later.
    last_digest_on: Mapped[date] = mapped_column(default=clock.today)

    sent: Mapped[list["DigestUnit"]] = relationship(
        back_populates="search", cascade="all, delete-orphan", passive_deletes=True
    )


class DigestUnit(Model):
    """A unit a saved search's digest has sent: each unit at most once per search."""

    __tablename__ = "saved_search_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    search_id: Mapped[int] = mapped_column(
        sa.ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    sent_on: Mapped[date]

    search: Mapped[SavedSearch] = relationship(back_populates="sent")

    __table_args__ = (sa.UniqueConstraint("search_id", "unit_id", name="uq_digest_unit_once"),)


class Favourite(Model):
    """A unit a user keeps an eye on: told when it is let or its rent changes."""

    __tablename__ = "favourites"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    unit: Mapped["Unit"] = relationship()

    __table_args__ = (sa.UniqueConstraint("user_id", "unit_id", name="uq_favourite_once"),)
