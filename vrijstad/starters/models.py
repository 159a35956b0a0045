"""Starters (new entrepreneurs) and the profile they apply with."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Model, db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.units.models import PermittedUse

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.areas.models import Area, Street
    from vrijstad.auth.models import User


class BranchGroup(StrEnum):
    """Locatus branch groups, used for the branch mix of a street."""

    DAILY_GOODS = "daily_goods"
    FASHION_LUXURY = "fashion_luxury"
    LEISURE_GOODS = "leisure_goods"
    HOME_GARDEN = "home_garden"
    OTHER_RETAIL = "other_retail"
    LEISURE_HORECA = "leisure_horeca"
    SERVICES = "services"


class SpaceKind(StrEnum):
    WHOLE_UNIT = "whole_unit"
    SHOP_IN_SHOP = "shop_in_shop"
    POPUP = "popup"  # a let of at most two years (outside art. 7:290 BW protection)


BRANCH_LABELS = labels.register(
    BranchGroup,
    {
        BranchGroup.DAILY_GOODS: _l("Daily goods"),
        BranchGroup.FASHION_LUXURY: _l("Fashion & luxury"),
        BranchGroup.LEISURE_GOODS: _l("Leisure goods"),
        BranchGroup.HOME_GARDEN: _l("Home & garden"),
        BranchGroup.OTHER_RETAIL: _l("Other retail"),
        BranchGroup.LEISURE_HORECA: _l("Leisure & horeca"),
        BranchGroup.SERVICES: _l("Services"),
    },
)
SPACE_LABELS = labels.register(
    SpaceKind,
    {
        SpaceKind.WHOLE_UNIT: _l("A whole unit"),
        SpaceKind.SHOP_IN_SHOP: _l("A share of a shop (shop-in-shop)"),
        SpaceKind.POPUP: _l("A pop-up (at most two years)"),
    },
)


starter_profile_areas = sa.Table(
    "starter_profile_areas",
    db.metadata,
    sa.Column(
        "profile_id", sa.ForeignKey("starter_profiles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("area_id", sa.ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True),
)

starter_profile_streets = sa.Table(
    "starter_profile_streets",
    db.metadata,
    sa.Column(
        "profile_id", sa.ForeignKey("starter_profiles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("street_id", sa.ForeignKey("streets.id", ondelete="CASCADE"), primary_key=True),
)


class StarterProfile(Model):
    """What a starter wants and offers: concept, identifiers, space, budget, plan."""

    __tablename__ = "starter_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    trade_name: Mapped[str | None] = mapped_column(sa.String(120))
    concept: Mapped[str | None] = mapped_column(sa.Text)
    branch_group: Mapped[BranchGroup | None] = mapped_column(enum_type(BranchGroup))
    required_use: Mapped[PermittedUse | None] = mapped_column(enum_type(PermittedUse))
    city: Mapped[str | None] = mapped_column(sa.String(80))
    kvk_number: Mapped[str | None] = mapped_column(sa.String(8))
    btw_id: Mapped[str | None] = mapped_column(sa.String(14))
    iban: Mapped[str | None] = mapped_column(sa.String(34))
    min_area_m2: Mapped[int | None]
    max_area_m2: Mapped[int | None]
    budget_cents_per_month: Mapped[int | None]
    earliest_start: Mapped[date | None]
    space_kind: Mapped[SpaceKind | None] = mapped_column(enum_type(SpaceKind))
    #: The starter does not want to be invited to apply (they still see their matches).
    invitations_opt_out: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    plan_key: Mapped[str | None] = mapped_column(sa.String(200))
    plan_filename: Mapped[str | None] = mapped_column(sa.String(200))
    plan_size: Mapped[int | None]
    plan_uploaded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    user: Mapped["User"] = relationship()
    areas: Mapped[list["Area"]] = relationship(
        secondary=starter_profile_areas, order_by="Area.name"
    )
    streets: Mapped[list["Street"]] = relationship(
        secondary=starter_profile_streets, order_by="Street.name"
    )

    __table_args__ = (
        sa.CheckConstraint("budget_cents_per_month >= 0", name="budget_not_negative"),
        sa.CheckConstraint("min_area_m2 >= 1", name="min_area_positive"),
        sa.CheckConstraint("max_area_m2 >= min_area_m2", name="area_range_ordered"),
    )
