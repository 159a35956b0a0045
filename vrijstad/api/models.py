"""Access tokens with which an organisation reads the open-data API's non-public fields."""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock
from vrijstad.extensions import Model

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.auth.models import User
    from vrijstad.organisations.models import Organisation


class ApiToken(Model):
    """An organisation's API token; only its SHA-256 is stored, and its first characters."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The token's first characters, so that people can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped["Organisation"] = relationship()
    created_by: Mapped["User | None"] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
