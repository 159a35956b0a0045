"""Areas (city centres, districts) and their streets with a retail grade."""

from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad.core import enum_type
from vrijstad.extensions import Model

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.organisations.models import Organisation


class AreaKind(StrEnum):
    CITY_CENTRE = "city_centre"
    APPROACH_STREETS = "approach_streets"
    DISTRICT = "district"


class StreetGrade(StrEnum):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C = "C"


class Area(Model):
    """A part of a city an organisation looks after; everything it owns is scoped to it."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    city: Mapped[str] = mapped_column(sa.String(80), index=True)
    kind: Mapped[AreaKind] = mapped_column(enum_type(AreaKind))
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: A closed pilot takes applications only from starters based in the area's own city.
    closed_pilot: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    organisation: Mapped["Organisation"] = relationship(back_populates="areas")
    streets: Mapped[list["Street"]] = relationship(
        back_populates="area", order_by="Street.name", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("organisation_id", "name", name="name_per_org"),)


class Street(Model):
    """A street within an area, with its retail grade (A1 strongest … C weakest)."""

    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    grade: Mapped[StreetGrade] = mapped_column(enum_type(StreetGrade))

    area: Mapped[Area] = relationship(back_populates="streets")

    __table_args__ = (sa.UniqueConstraint("area_id", "name", name="name_per_area"),)
