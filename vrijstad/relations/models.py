"""Relations of an organisation, the contacts with each, and messages sent to a segment."""

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
    from vrijstad.auth.models import User
    from vrijstad.units.models import Unit


class RelationKind(StrEnum):
    OWNER = "owner"
    STARTER = "starter"
    BROKER = "broker"
    MUNICIPALITY = "municipality"
    OTHER = "other"


KIND_LABELS = labels.register(
    RelationKind,
    {
        RelationKind.OWNER: _l("owner"),
        RelationKind.STARTER: _l("starter"),
        RelationKind.BROKER: _l("broker"),
        RelationKind.MUNICIPALITY: _l("municipality"),
        RelationKind.OTHER: _l("other"),
    },
)


class ContactKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    EMAIL = "email"
    AGREEMENT = "agreement"


CONTACT_LABELS = labels.register(
    ContactKind,
    {
        ContactKind.CALL: _l("call"),
        ContactKind.VISIT: _l("visit"),
        ContactKind.EMAIL: _l("e-mail"),
        ContactKind.AGREEMENT: _l("agreement"),
    },
)

#: The units a relation owns (or acts for), as the organisation knows them.
relation_units = sa.Table(
    "relation_units",
    Model.metadata,
    sa.Column("relation_id", sa.ForeignKey("relations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Relation(Model):
    """A person or company an organisation deals with, with or without an account."""

    __tablename__ = "relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RelationKind] = mapped_column(enum_type(RelationKind))
    name: Mapped[str] = mapped_column(sa.String(120))
    company: Mapped[str | None] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    #: The person's account, when they have one (an owner from an import may not yet).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The next follow-up: on the staff's "Te doen" list until it is done.
    follow_up_on: Mapped[date | None]
    follow_up_what: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    user: Mapped["User | None"] = relationship()
    units: Mapped[list["Unit"]] = relationship(secondary=relation_units, order_by="Unit.street")
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="relation", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        # One relation per address in an organisation (relations without one are not checked).
        sa.UniqueConstraint("organisation_id", "email", name="uq_relation_email"),
    )


class Contact(Model):
    """A call, visit, e-mail or agreement with a relation, on its timeline."""

    __tablename__ = "relation_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    relation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ContactKind] = mapped_column(enum_type(ContactKind))
    happened_on: Mapped[date]
    note: Mapped[str] = mapped_column(sa.Text, server_default="")
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    relation: Mapped[Relation] = relationship(back_populates="contacts")
    by: Mapped["User | None"] = relationship()


class Message(Model):
    """An e-mail to a segment of an organisation's relations, and the segment it went to."""

    __tablename__ = "relation_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(sa.String(150))
    body: Mapped[str] = mapped_column(sa.Text)
    #: The segment as chosen (street, months vacant, kind), to read back what was meant.
    segment: Mapped[str] = mapped_column(sa.String(300), server_default="")
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    sends: Mapped[list["MessageSend"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True
    )


class MessageSend(Model):
    """A message to one relation: the address it went to, or none (not reached)."""

    __tablename__ = "relation_message_sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relation_messages.id", ondelete="CASCADE"), index=True
    )
    relation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relations.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str | None] = mapped_column(sa.String(254))
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    message: Mapped[Message] = relationship(back_populates="sends")
    relation: Mapped[Relation] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("message_id", "relation_id", name="uq_message_send_once"),
    )

    @property
    def reached(self) -> bool:
        return self.address is not None
