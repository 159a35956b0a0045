"""In-app notifications: what happened that concerns a person, read or unread."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from vrijstad import clock
from vrijstad.extensions import Model


class Notification(Model):
    """One notice for one user; its text is rendered in the reader's language from kind + data."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    url: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)
