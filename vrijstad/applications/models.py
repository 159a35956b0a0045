"""Applications of starters for units: the pipeline, its messages, viewings and offers."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.applications import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.starters.models import SpaceKind
from vrijstad.workflow import Workflow

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.auth.models import User
    from vrijstad.units.models import Unit


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    SHORTLISTED = "shortlisted"
    VIEWING = "viewing"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"  # the starter declined the offer
    REJECTED = "rejected"  # the landlord or organisation closed it (also: let to someone else)
    WITHDRAWN = "withdrawn"  # the starter withdrew


#: The application workflow; offered → shortlisted is an offer taken back.
APPLICATION_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.SHORTLISTED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.SHORTLISTED: frozenset(
        {
            ApplicationStatus.VIEWING,
            ApplicationStatus.OFFERED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.VIEWING: frozenset(
        {ApplicationStatus.OFFERED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.OFFERED: frozenset(
        {
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.DECLINED,
            ApplicationStatus.SHORTLISTED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.ACCEPTED: frozenset(),
    ApplicationStatus.DECLINED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}
APPLICATION_FLOW: Workflow[ApplicationStatus] = Workflow("application", APPLICATION_TRANSITIONS)
APPLICATION_LABELS = labels.register(
    ApplicationStatus,
    {
        ApplicationStatus.SUBMITTED: _l("submitted"),
        ApplicationStatus.SHORTLISTED: _l("shortlisted"),
        ApplicationStatus.VIEWING: _l("viewing"),
        ApplicationStatus.OFFERED: _l("offered"),
        ApplicationStatus.ACCEPTED: _l("accepted"),
        ApplicationStatus.DECLINED: _l("declined"),
        ApplicationStatus.REJECTED: _l("rejected"),
        ApplicationStatus.WITHDRAWN: _l("withdrawn"),
    },
)

OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.VIEWING,
    ApplicationStatus.OFFERED,
)
#: The pipeline board's columns, in order.
BOARD_COLUMNS = tuple(ApplicationStatus)


class Application(Model):
    """A starter's application for a unit."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    starter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus), default=ApplicationStatus.SUBMITTED
    )
    motivation: Mapped[str] = mapped_column(sa.Text)
    closed_reason: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    unit: Mapped["Unit"] = relationship()
    starter: Mapped["User"] = relationship()
    messages: Mapped[list["ApplicationMessage"]] = relationship(
        back_populates="application",
        order_by="ApplicationMessage.created_at",
        cascade="all, delete-orphan",
    )
    viewings: Mapped[list["Viewing"]] = relationship(
        back_populates="application", order_by="Viewing.starts_at", cascade="all, delete-orphan"
    )
    offers: Mapped[list["Offer"]] = relationship(
        back_populates="application", order_by="Offer.created_at", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # At most one open application per starter per unit; closed ones may be many.
        sa.Index(
            "uq_applications_open_per_starter_unit",
            "starter_id",
            "unit_id",
            unique=True,
            postgresql_where=sa.text(
                "status IN ('submitted', 'shortlisted', 'viewing', 'offered')"
            ),
            sqlite_where=sa.text("status IN ('submitted', 'shortlisted', 'viewing', 'offered')"),
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def open_offer(self) -> "Offer | None":
        return next((o for o in self.offers if o.status == OfferStatus.OPEN), None)

    @property
    def next_viewing(self) -> "Viewing | None":
        return self.viewings[-1] if self.viewings else None


class ApplicationMessage(Model):
    """One message in the thread between a starter and the landlord or organisation."""

    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    application: Mapped[Application] = relationship(back_populates="messages")
    author: Mapped["User | None"] = relationship()


class Viewing(Model):
    """A planned viewing of the unit for an application."""

    __tablename__ = "viewings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    duration_minutes: Mapped[int] = mapped_column(default=30)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    planned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    application: Mapped[Application] = relationship(back_populates="viewings")

    __table_args__ = (
        sa.CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_sensible"),
    )


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


#: The offer workflow: an open offer is answered by the starter or taken back; then it rests.
OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.OPEN: frozenset(
        {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN}
    ),
    OfferStatus.ACCEPTED: frozenset(),
    OfferStatus.DECLINED: frozenset(),
    OfferStatus.WITHDRAWN: frozenset(),
}
OFFER_FLOW: Workflow[OfferStatus] = Workflow("offer", OFFER_TRANSITIONS)
OFFER_LABELS = labels.register(
    OfferStatus,
    {
        OfferStatus.OPEN: _l("open"),
        OfferStatus.ACCEPTED: _l("accepted"),
        OfferStatus.DECLINED: _l("declined"),
        OfferStatus.WITHDRAWN: _l("withdrawn"),
    },
)


class Offer(Model):
    """The terms offered to a starter; accepting it creates the placement."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus), default=OfferStatus.OPEN)
    kind: Mapped[SpaceKind] = mapped_column(enum_type(SpaceKind))
    start_date: Mapped[date]
    end_date: Mapped[date]
    base_fee_cents_per_month: Mapped[int]
    #: Turnover rent percentage in basis points (850 = 8.5 %); 0 for a fixed rent.
    turnover_basis_points: Mapped[int] = mapped_column(default=0)
    deposit_cents: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(sa.Text)
    made_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    application: Mapped[Application] = relationship(back_populates="offers")

    __table_args__ = (
        sa.CheckConstraint("end_date > start_date", name="offer_ends_after_start"),
        sa.CheckConstraint("base_fee_cents_per_month >= 0", name="offer_fee_not_negative"),
        sa.CheckConstraint(
            "turnover_basis_points BETWEEN 0 AND 10000", name="offer_turnover_pct_range"
        ),
        sa.CheckConstraint("deposit_cents >= 0", name="offer_deposit_not_negative"),
    )
