"""Organisations that run a city centre, their staff and invitations."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock
from vrijstad.core import enum_type
from vrijstad.extensions import Model

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.areas.models import Area
    from vrijstad.auth.models import User


class OrganisationKind(StrEnum):
    BINNENSTADSMANAGEMENT = "binnenstadsmanagement"
    ONDERNEMERSVERENIGING = "ondernemersvereniging"
    BIZ = "biz"
    GEMEENTE = "gemeente"


class MemberRole(StrEnum):
    STAFF = "staff"
    ADMIN = "admin"


class Organisation(Model):
    """A city-centre organisation: the intermediary that owns areas, lettings and contests."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind))
    kvk_number: Mapped[str] = mapped_column(sa.String(8))
    city: Mapped[str] = mapped_column(sa.String(80))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    website: Mapped[str | None] = mapped_column(sa.String(255))
    #: Invoice details: the supplier's address, BTW-id and the account starters pay into.
    address: Mapped[str | None] = mapped_column(sa.String(200))
    btw_id: Mapped[str | None] = mapped_column(sa.String(14))
    iban: Mapped[str | None] = mapped_column(sa.String(34))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    areas: Mapped[list["Area"]] = relationship(back_populates="organisation", order_by="Area.name")
    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation")

    __table_args__ = (sa.CheckConstraint("length(kvk_number) = 8", name="kvk_eight_digits"),)

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class Membership(Model):
    """A user's role (staff or admin) in one organisation."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    user: Mapped["User"] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")

    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id", name="one_per_org"),)


class Invitation(Model):
    """An e-mailed invitation to join an organisation's staff; the token is stored hashed."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
