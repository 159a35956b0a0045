"""Monthly vacancy snapshots, street stories and an organisation's dashboard settings."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.applications.models import Application, Offer
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.models import Placement
from vrijstad.units.models import Unit, VacancyClass

if TYPE_CHECKING:
    from vrijstad.areas.models import Street

#: The street value of a snapshot row that covers the whole area.
WHOLE_AREA = ""


def street_key(name: str) -> str:
    """How a street name is compared: trimmed, in lower case."""
    return name.strip().lower()


#: How long a unit has been vacant, in the dashboard's words.
VACANCY_CLASS_LABELS = labels.register(
    VacancyClass,
    {
        VacancyClass.FRICTIONAL: _l("frictional (< 1 year)"),
        VacancyClass.LONG_TERM: _l("long-term (1–3 years)"),
        VacancyClass.STRUCTURAL: _l("structural (> 3 years)"),
    },
)


class SnapshotSource(StrEnum):
    """Where a snapshot row comes from: Vrijstad counted its own units (the monthly run, or
    staff by hand), or staff imported it from a historic vacancy file (a backfill)."""

    RECORDED = "recorded"
    IMPORTED = "imported"


class VacancySnapshot(Model):
    """An area's (street '') or one street's vacancy figures as recorded for a month."""

    __tablename__ = "vacancy_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id", ondelete="CASCADE"))
    #: The street name as the units give it; '' for the whole area.
    street: Mapped[str] = mapped_column(sa.String(120), default=WHOLE_AREA)
    #: The name trimmed and in lower case: how a street is looked up, whatever its spelling.
    street_key: Mapped[str] = mapped_column(sa.String(120), default=WHOLE_AREA)
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("streets.id", ondelete="SET NULL"))
    period: Mapped[date]  # the first day of the month
    #: The day the vacancy durations were counted to (the period's last day, or the run's day).
    reference_date: Mapped[date]
    units_total: Mapped[int]
    units_vacant: Mapped[int]
    floor_area_total_m2: Mapped[int] = mapped_column(sa.BigInteger)
    floor_area_vacant_m2: Mapped[int] = mapped_column(sa.BigInteger)
    frictional_units: Mapped[int]
    long_term_units: Mapped[int]
    structural_units: Mapped[int]
    frictional_m2: Mapped[int] = mapped_column(sa.BigInteger)
    long_term_m2: Mapped[int] = mapped_column(sa.BigInteger)
    structural_m2: Mapped[int] = mapped_column(sa.BigInteger)
    taken_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    #: Recorded rows are never replaced by an import; imported rows by a later import of the
    #: same month, and by a recording of that month.
    source: Mapped[SnapshotSource] = mapped_column(
        enum_type(SnapshotSource),
        default=SnapshotSource.RECORDED,
        server_default=SnapshotSource.RECORDED.value,
    )

    __table_args__ = (
        # One row per area, street and month; the trend reads (area, street) over a month range.
        sa.UniqueConstraint("area_id", "street_key", "period", name="one_per_area_street_month"),
        sa.CheckConstraint(
            "units_vacant >= 0 AND units_vacant <= units_total", name="vacant_within_total"
        ),
        sa.CheckConstraint(
            "floor_area_vacant_m2 >= 0 AND floor_area_vacant_m2 <= floor_area_total_m2",
            name="vacant_area_within_total",
        ),
        sa.CheckConstraint(
            "frictional_units + long_term_units + structural_units = units_vacant",
            name="classes_add_up",
        ),
        sa.CheckConstraint(
            "frictional_m2 + long_term_m2 + structural_m2 = floor_area_vacant_m2",
            name="class_areas_add_up",
        ),
    )


class StreetStory(Model):
    """A street's public page text (placemaking): its story, shown once published."""

    __tablename__ = "street_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(
        sa.ForeignKey("streets.id", ondelete="CASCADE"), unique=True
    )
    story: Mapped[str] = mapped_column(sa.Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    street: Mapped["Street"] = relationship()


class DashboardSettings(Model):
    """An organisation's own reference figures (basis points); empty means the configured one."""

    __tablename__ = "dashboard_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    national_count_bp: Mapped[int | None]
    national_area_bp: Mapped[int | None]
    healthy_max_bp: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    __table_args__ = (
        sa.CheckConstraint("national_count_bp BETWEEN 0 AND 10000", name="national_count_range"),
        sa.CheckConstraint("national_area_bp BETWEEN 0 AND 10000", name="national_area_range"),
        sa.CheckConstraint("healthy_max_bp BETWEEN 0 AND 10000", name="healthy_max_range"),
    )


# Indexes the dashboard's reads need on other features' tables (declared here, with the
# dashboard's migration, so that those features' models stay as they are).
sa.Index("ix_units_area_vacant_since", Unit.area_id, Unit.vacant_since)
sa.Index("ix_units_area_listed_at", Unit.area_id, Unit.listed_at)
sa.Index("ix_applications_created_at", Application.created_at)
sa.Index("ix_offers_created_at", Offer.created_at)
sa.Index("ix_placements_created_at", Placement.created_at)
