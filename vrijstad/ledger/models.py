"""The double-entry ledger: postings of entries that sum to zero, never edited or deleted."""

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from vrijstad import clock
from vrijstad.extensions import Base, db

if TYPE_CHECKING:  # mypy cannot see db.Model, a class made at run time from Base

    class Model(Base):
        __abstract__ = True
        __table__: ClassVar[sa.Table]  # every model here maps one table

else:
    Model = db.Model


class Posting(Model):
    """One business event in the books (an invoice, a payment, a settlement, a reversal)."""

    __tablename__ = "ledger_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.String(300))
    #: Books each business event once: "invoice:12", "payment:7", "settlement:3".
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    booked_on: Mapped[date]
    reverses_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("ledger_postings.id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    entries: Mapped[list["Entry"]] = relationship(back_populates="posting", order_by="Entry.id")


class Entry(Model):
    """A debit (positive) or credit (negative) on one account, in cents."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_postings.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    #: "receivable/starter/12", "income/unit/4", "payable/landlord/3", "fund/collective/2", …
    account: Mapped[str] = mapped_column(sa.String(80))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)

    posting: Mapped[Posting] = relationship(back_populates="entries")

    __table_args__ = (
        sa.CheckConstraint("amount_cents <> 0", name="entry_not_zero"),
        sa.Index("ix_ledger_entries_account", "organisation_id", "account"),
    )


@event.listens_for(Session, "before_flush")
def _immutable(session: Session, flush_context, instances) -> None:
    """Entries and postings are never changed or deleted: corrections are reversals."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Entry | Posting) and (
            obj in session.deleted or session.is_modified(obj)
        ):
            raise RuntimeError("ledger records are immutable; book a reversal instead")
