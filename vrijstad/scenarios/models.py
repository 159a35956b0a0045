"""A scenario: an area's streets zoned as core, approach or transformation, with its figures.

The figures are computed from the data of the day and stored with that day, so that a
comparison shows what each scenario said when it was computed; staff recompute on purpose.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.areas.models import Area, Street


class Zone(StrEnum):
    CORE = "core"  # kernwinkelgebied
    APPROACH = "approach"  # aanloopgebied
    TRANSFORMATION = "transformation"  # transformatiegebied


ZONE_LABELS = labels.register(
    Zone,
    {
        Zone.CORE: _l("core shopping area"),
        Zone.APPROACH: _l("approach area"),
        Zone.TRANSFORMATION: _l("transformation area"),
    },
)


class Scenario(Model):
    """A zoning of an area's streets and the figures last computed for it."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The figures as computed (see figures.py), and the day whose data they describe.
    figures: Mapped[dict | None] = mapped_column(sa.JSON)
    computed_on: Mapped[date | None]
    computed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    area: Mapped["Area"] = relationship()
    zones: Mapped[list["ScenarioZone"]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", order_by="ScenarioZone.street_id"
    )

    @property
    def zoning(self) -> dict[int, Zone]:
        """Street id → its zone."""
        return {z.street_id: z.zone for z in self.zones}

    __table_args__ = (sa.UniqueConstraint("area_id", "name", name="scenario_name_per_area"),)


class ScenarioZone(Model):
    """One street's zone in a scenario."""

    __tablename__ = "scenario_zones"

    scenario_id: Mapped[int] = mapped_column(
        sa.ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True
    )
    street_id: Mapped[int] = mapped_column(
        sa.ForeignKey("streets.id", ondelete="CASCADE"), primary_key=True
    )
    zone: Mapped[Zone] = mapped_column(enum_type(Zone))

    scenario: Mapped[Scenario] = relationship(back_populates="zones")
    street: Mapped["Street"] = relationship()
