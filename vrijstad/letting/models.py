"""Placements: a starter in a unit for a period on agreed terms."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.clock import add_months
from vrijstad.core import enum_type
from vrijstad.extensions import Model, db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.starters.models import SpaceKind
from vrijstad.workflow import Workflow

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.areas.models import Area
    from vrijstad.auth.models import User
    from vrijstad.organisations.models import Organisation
    from vrijstad.units.models import Unit


class PlacementStatus(StrEnum):
    AGREED = "agreed"  # the offer was accepted; the agreement is drafted
    ACTIVE = "active"  # the start date has come (the daily run moves it on)
    ENDED = "ended"


#: The placement workflow. The agreement is signed on paper and the app does not record it:
#: an agreed placement becomes active on its start date.
PLACEMENT_TRANSITIONS: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    PlacementStatus.AGREED: frozenset({PlacementStatus.ACTIVE, PlacementStatus.ENDED}),
    PlacementStatus.ACTIVE: frozenset({PlacementStatus.ENDED}),
    PlacementStatus.ENDED: frozenset(),
}
PLACEMENT_FLOW: Workflow[PlacementStatus] = Workflow("placement", PLACEMENT_TRANSITIONS)
PLACEMENT_LABELS = labels.register(
    PlacementStatus,
    {
        PlacementStatus.AGREED: _l("agreed"),
        PlacementStatus.ACTIVE: _l("active"),
        PlacementStatus.ENDED: _l("ended"),
    },
)
#: What kind of let a placement is (SpaceKind belongs to the starters' profiles, which do
#: not label it; the letting feature names it in agreements and offers).
KIND_LABELS = {
    SpaceKind.WHOLE_UNIT: _l("whole unit"),
    SpaceKind.SHOP_IN_SHOP: _l("shop-in-shop share"),
    SpaceKind.POPUP: _l("pop-up (at most two years)"),
}


class Placement(Model):
    """A let: the terms a starter accepted for a unit; kept after an account is deleted."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    starter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="SET NULL"), unique=True
    )
    offer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("offers.id", ondelete="SET NULL"), unique=True
    )
    status: Mapped[PlacementStatus] = mapped_column(
        enum_type(PlacementStatus), default=PlacementStatus.AGREED
    )
    kind: Mapped[SpaceKind] = mapped_column(enum_type(SpaceKind))
    start_date: Mapped[date]
    end_date: Mapped[date]
    base_fee_cents_per_month: Mapped[int]
    turnover_basis_points: Mapped[int] = mapped_column(default=0)
    deposit_cents: Mapped[int] = mapped_column(default=0)
    #: A bank guarantee instead of a cash deposit: nothing is invoiced or held in the ledger.
    deposit_guarantee: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    deposit_guarantee_ref: Mapped[str | None] = mapped_column(sa.String(120))
    space_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spaces.id"), index=True)
    vat_opted: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Rent discounts by month of the placement, e.g. a contest prize:
    #: [{"from": 1, "to": 6, "pct_bp": 10000}, {"from": 7, "to": 8, "pct_bp": 7500}, ...]
    discount_schedule: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    #: The parties as they were when the agreement was made (the names survive account deletion
    #: only as business records: trade name and KvK, never the person's own name).
    starter_trade_name: Mapped[str] = mapped_column(sa.String(120))
    starter_kvk: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    unit: Mapped["Unit"] = relationship()
    starter: Mapped["User"] = relationship()
    organisation: Mapped["Organisation | None"] = relationship()
    space: Mapped["Space | None"] = relationship()

    @property
    def is_current(self) -> bool:
        return self.status != PlacementStatus.ENDED

    @property
    def last_day(self) -> date:
        """The last day of the let (its end date is exclusive): what people are shown."""
        return self.end_date - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days

    @property
    def fee_covers_stay(self) -> bool:
        """A pop-up of at most a calendar month: its fee is the price of the whole stay."""
        return self.kind == SpaceKind.POPUP and self.end_date <= add_months(self.start_date, 1)

    def discount_bp(self, month_number: int) -> int:
        """The discount (basis points) in the placement's n-th month (1 = the first)."""
        for step in self.discount_schedule or ():
            if int(step["from"]) <= month_number <= int(step["to"]):
                return int(step["pct_bp"])
        return 0

    __table_args__ = (
        sa.CheckConstraint("end_date > start_date", name="placement_ends_after_start"),
        sa.CheckConstraint("base_fee_cents_per_month >= 0", name="placement_fee_not_negative"),
        sa.CheckConstraint(
            "turnover_basis_points BETWEEN 0 AND 10000", name="placement_turnover_pct_range"
        ),
        sa.CheckConstraint("deposit_cents >= 0", name="placement_deposit_not_negative"),
    )


class LandlordRule(StrEnum):
    HEAD_LEASE = "head_lease"  # each landlord gets what the head lease says, as far as received
    PRO_RATA = "pro_rata"  # landlords share what their units brought in, after fee and fund


class Collective(Model):
    """A collective letting scheme: an organisation lets units of several landlords together."""

    __tablename__ = "collectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    #: The organisation's fee and the fund's contribution, in basis points of collected revenue.
    organisation_fee_bp: Mapped[int]
    fund_bp: Mapped[int]
    landlord_rule: Mapped[LandlordRule] = mapped_column(enum_type(LandlordRule))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    organisation: Mapped["Organisation"] = relationship()
    area: Mapped["Area"] = relationship()
    head_leases: Mapped[list["HeadLease"]] = relationship(
        back_populates="collective", order_by="HeadLease.id"
    )

    __table_args__ = (
        sa.CheckConstraint("organisation_fee_bp >= 0 AND fund_bp >= 0", name="shares_not_negative"),
        sa.CheckConstraint("organisation_fee_bp + fund_bp <= 10000", name="shares_at_most_all"),
        sa.UniqueConstraint("organisation_id", "name", name="collective_name_per_org"),
    )


class HeadLeaseStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    ACTIVE = "active"
    ENDED = "ended"


HEAD_LEASE_TRANSITIONS: dict[HeadLeaseStatus, frozenset[HeadLeaseStatus]] = {
    HeadLeaseStatus.DRAFT: frozenset({HeadLeaseStatus.SIGNED, HeadLeaseStatus.ENDED}),
    HeadLeaseStatus.SIGNED: frozenset({HeadLeaseStatus.ACTIVE, HeadLeaseStatus.ENDED}),
    HeadLeaseStatus.ACTIVE: frozenset({HeadLeaseStatus.ENDED}),
    HeadLeaseStatus.ENDED: frozenset(),
}
HEAD_LEASE_FLOW: Workflow[HeadLeaseStatus] = Workflow("head lease", HEAD_LEASE_TRANSITIONS)
HEAD_LEASE_LABELS = labels.register(
    HeadLeaseStatus,
    {
        HeadLeaseStatus.DRAFT: _l("draft"),
        HeadLeaseStatus.SIGNED: _l("signed"),
        HeadLeaseStatus.ACTIVE: _l("active"),
        HeadLeaseStatus.ENDED: _l("ended"),
    },
)


class HeadLeaseKind(StrEnum):
    FIXED = "fixed"
    TURNOVER = "turnover"


class HeadLease(Model):
    """The organisation leases a landlord's unit for the collective (fixed or turnover rent)."""

    __tablename__ = "head_leases"

    id: Mapped[int] = mapped_column(primary_key=True)
    collective_id: Mapped[int] = mapped_column(sa.ForeignKey("collectives.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    landlord_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[HeadLeaseStatus] = mapped_column(
        enum_type(HeadLeaseStatus), default=HeadLeaseStatus.DRAFT
    )
    kind: Mapped[HeadLeaseKind] = mapped_column(enum_type(HeadLeaseKind))
    #: The fixed rent, or for a turnover lease the base rent (the landlord's minimum).
    rent_cents_per_month: Mapped[int]
    #: Turnover lease: the landlord's share of the turnover rent the unit brings in.
    landlord_share_bp: Mapped[int] = mapped_column(default=0)
    #: Yearly indexation on each anniversary of the start, in basis points.
    indexation_bp: Mapped[int] = mapped_column(default=0)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    collective: Mapped[Collective] = relationship(back_populates="head_leases")
    unit: Mapped["Unit"] = relationship()
    landlord: Mapped["User"] = relationship()

    __table_args__ = (
        sa.CheckConstraint("rent_cents_per_month >= 0", name="head_rent_not_negative"),
        sa.CheckConstraint("landlord_share_bp BETWEEN 0 AND 10000", name="head_share_range"),
        sa.CheckConstraint("indexation_bp BETWEEN 0 AND 2000", name="head_indexation_range"),
        sa.CheckConstraint("end_date IS NULL OR end_date > start_date", name="head_dates_ordered"),
    )

    def rent_for(self, period: date) -> int:
        """The (indexed) monthly rent in the month starting at period."""
        years = (period.year - self.start_date.year) - (
            (period.month, 1) < (self.start_date.month, self.start_date.day)
        )
        rent = self.rent_cents_per_month
        for _ in range(max(0, years)):
            rent = rent + (rent * self.indexation_bp + 5000) // 10000
        return rent


class SpaceUnit(StrEnum):
    M2 = "m2"
    SHELF_METRES = "shelf_m"


class Space(Model):
    """A part of a unit let on its own (shop-in-shop): floor area or shelf metres."""

    __tablename__ = "spaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    measure: Mapped[SpaceUnit] = mapped_column(enum_type(SpaceUnit))
    size: Mapped[int]

    unit: Mapped["Unit"] = relationship()

    __table_args__ = (
        sa.CheckConstraint("size >= 1", name="space_size_positive"),
        sa.UniqueConstraint("unit_id", "name", name="space_name_per_unit"),
    )


class TurnoverStatus(StrEnum):
    SUBMITTED = "submitted"
    QUESTIONED = "questioned"
    CHECKED = "checked"


#: The turnover report workflow: the starter may send a report again until it is checked.
TURNOVER_TRANSITIONS: dict[TurnoverStatus, frozenset[TurnoverStatus]] = {
    TurnoverStatus.SUBMITTED: frozenset(
        {TurnoverStatus.SUBMITTED, TurnoverStatus.QUESTIONED, TurnoverStatus.CHECKED}
    ),
    TurnoverStatus.QUESTIONED: frozenset(
        {TurnoverStatus.SUBMITTED, TurnoverStatus.QUESTIONED, TurnoverStatus.CHECKED}
    ),
    TurnoverStatus.CHECKED: frozenset(),
}
TURNOVER_FLOW: Workflow[TurnoverStatus] = Workflow("turnover report", TURNOVER_TRANSITIONS)
TURNOVER_LABELS = labels.register(
    TurnoverStatus,
    {
        TurnoverStatus.SUBMITTED: _l("submitted"),
        TurnoverStatus.QUESTIONED: _l("questioned"),
        TurnoverStatus.CHECKED: _l("checked"),
    },
)


class TurnoverReport(Model):
    """A starter's gross turnover excl. VAT for one month, with evidence."""

    __tablename__ = "turnover_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id"), index=True)
    period: Mapped[date]  # the first day of the month
    turnover_cents: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[TurnoverStatus] = mapped_column(
        enum_type(TurnoverStatus), default=TurnoverStatus.SUBMITTED
    )
    evidence_key: Mapped[str | None] = mapped_column(sa.String(200))
    evidence_filename: Mapped[str | None] = mapped_column(sa.String(200))
    question: Mapped[str | None] = mapped_column(sa.String(1000))
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    placement: Mapped[Placement] = relationship()

    __table_args__ = (
        sa.CheckConstraint("turnover_cents >= 0", name="turnover_not_negative"),
        sa.UniqueConstraint("placement_id", "period", name="one_report_per_month"),
    )


class TurnoverReminder(Model):
    """A reminder about a month's turnover report: 'due' before the deadline, 'late' after."""

    __tablename__ = "turnover_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placements.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[date]
    kind: Mapped[str] = mapped_column(sa.String(10))
    sent_on: Mapped[date]

    __table_args__ = (
        sa.UniqueConstraint("placement_id", "period", "kind", name="one_turnover_reminder"),
        sa.CheckConstraint("kind IN ('due', 'late')", name="turnover_reminder_kind"),
    )


def collective_letting(unit_id: int) -> Collective | None:
    """The collective that lets a unit now (through a signed or active head lease): the one
    read billing, the agreement and the pages share."""
    return db.session.scalar(
        sa.select(Collective)
        .join(HeadLease)
        .where(
            HeadLease.unit_id == unit_id,
            HeadLease.status.in_((HeadLeaseStatus.SIGNED, HeadLeaseStatus.ACTIVE)),
        )
    )
