"""The terms of use and the privacy statement, each in numbered versions, and who accepted which."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock
from vrijstad.core import enum_type
from vrijstad.extensions import Model

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.auth.models import User


class LegalKind(StrEnum):
    TERMS = "terms"
    PRIVACY = "privacy"


class LegalText(Model):
    """One published version of the terms or the privacy statement (Markdown, never edited)."""

    __tablename__ = "legal_texts"
    __table_args__ = (
        sa.UniqueConstraint("kind", "version", name="version_per_kind"),
        sa.CheckConstraint("version > 0", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LegalKind] = mapped_column(enum_type(LegalKind))
    #: 1, 2, … per kind; version 0 is the text shipped with the software, never stored.
    version: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    published_by: Mapped["User | None"] = relationship()


class Consent(Model):
    """A user accepted a version of the terms or the privacy statement, at registration or
    when asked after a new version."""

    __tablename__ = "consents"
    __table_args__ = (sa.Index("ix_consents_user_kind", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[LegalKind] = mapped_column(enum_type(LegalKind))
    version: Mapped[int]
    accepted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
