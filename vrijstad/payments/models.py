"""Online payments, Stripe events, bank-statement imports, payout accounts and payouts."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock
from vrijstad.core import enum_type
from vrijstad.extensions import db


class StripeEvent(db.Model):
    """A Stripe webhook event, stored once: a repeated delivery finds its row and stops."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    handled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    outcome: Mapped[str | None] = mapped_column(sa.String(60))


class PaymentIntentRecord(db.Model):
    """The Stripe PaymentIntent made for (the open amount of) an invoice."""

    __tablename__ = "payment_intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    intent_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="eur")
    status: Mapped[str] = mapped_column(sa.String(40))
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"))
    refunded_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    invoice: Mapped["Invoice"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="intent_positive"),
        sa.CheckConstraint("refunded_cents >= 0", name="intent_refund_not_negative"),
    )


class IssueKind(StrEnum):
    AMOUNT_MISMATCH = "amount_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"
    UNKNOWN_INVOICE = "unknown_invoice"
    NOT_BOOKABLE = "not_bookable"
    REFUND_AFTER_SETTLEMENT = "refund_after_settlement"
    TRANSFER_FAILED = "transfer_failed"
    DISPUTE = "dispute"


class PaymentIssue(db.Model):
    """Something about money that staff must look at: it was not booked silently."""

    __tablename__ = "payment_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"))
    kind: Mapped[IssueKind] = mapped_column(enum_type(IssueKind))
    source: Mapped[str] = mapped_column(sa.String(255))  # a Stripe event or object id
    expected_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    received_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    detail: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    invoice: Mapped["Invoice | None"] = relationship()  # noqa: F821


class BankImport(db.Model):
    """A bank statement (CSV) imported by staff; a file is imported once."""

    __tablename__ = "bank_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    rows_total: Mapped[int]
    matched_count: Mapped[int]
    matched_cents: Mapped[int] = mapped_column(sa.BigInteger)
    #: The rows it could not match: [{"line", "date", "amount_cents", "reference", "iban",
    #: "reason"}], for staff to handle by hand.
    unmatched: Mapped[list] = mapped_column(sa.JSON, default=list)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "sha256", name="bank_file_imported_once"),
    )


class OnboardingStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    COMPLETE = "complete"


class PayoutAccount(db.Model):
    """How a landlord is paid: an IBAN for SEPA transfers and/or a Stripe Connect account."""

    __tablename__ = "payout_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    landlord_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    holder_name: Mapped[str | None] = mapped_column(sa.String(70))
    iban: Mapped[str | None] = mapped_column(sa.String(34))
    stripe_account_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    onboarding: Mapped[OnboardingStatus] = mapped_column(
        enum_type(OnboardingStatus), default=OnboardingStatus.NONE
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )


class PayoutMethod(StrEnum):
    SEPA = "sepa"
    STRIPE = "stripe"


class PayoutStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class PayoutBatch(db.Model):
    """A SEPA credit-transfer file (pain.001) for an approved settlement."""

    __tablename__ = "payout_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(sa.ForeignKey("settlements.id"), unique=True)
    message_id: Mapped[str] = mapped_column(sa.String(35))
    execution_date: Mapped[date]
    total_cents: Mapped[int] = mapped_column(sa.BigInteger)
    xml: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)


class Payout(db.Model):
    """One landlord's share of a settlement, paid by SEPA file or Stripe transfer."""

    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(sa.ForeignKey("settlements.id"), index=True)
    landlord_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[PayoutMethod] = mapped_column(enum_type(PayoutMethod))
    status: Mapped[PayoutStatus] = mapped_column(
        enum_type(PayoutStatus), default=PayoutStatus.PENDING
    )
    iban: Mapped[str | None] = mapped_column(sa.String(34))
    transfer_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payout_batches.id"))
    attempts: Mapped[int] = mapped_column(default=0)
    #: Bumped when Stripe declined a transfer: no transfer exists, so the retry is a new
    #: request under a new idempotency key (a network error keeps the key, and Stripe dedupes).
    key_version: Mapped[int] = mapped_column(default=1, server_default="1")
    error: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    landlord: Mapped["User"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("settlement_id", "landlord_id", name="one_payout_per_landlord"),
        sa.CheckConstraint("amount_cents > 0", name="payout_positive"),
    )
