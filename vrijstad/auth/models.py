"""User accounts."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from vrijstad import clock
from vrijstad.extensions import Model

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.organisations.models import Membership


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, Model):
    """A person who logs in: landlord, starter, organisation staff or platform admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    locale: Mapped[str] = mapped_column(sa.String(5), default="nl")
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_landlord: Mapped[bool] = mapped_column(default=False)
    is_starter: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    password_changed_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now
    )
    #: Part of every session and remember-me cookie; a new one ends them all (log out,
    #: password change or reset).
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    #: Two-step verification (vrijstad/auth/two_factor.py): the TOTP secret (base32), when it
    #: was switched on, and the last 30-second time step whose code was accepted.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: When the user confirmed the address by the link mailed to it; None: not (yet), so
    #: nothing is published or applied for (vrijstad/auth/verification.py).
    email_verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    memberships: WriteOnlyMapped["Membership"] = relationship(
        back_populates="user", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_id(self) -> str:
        # Flask-Login's alternative id: a cookie holding an old token loads nobody.
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RecoveryCode(Model):
    """A single-use code that stands in for an authenticator code; only its salted hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
