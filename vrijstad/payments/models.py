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
    #: camt053, mt940, ing, rabobank, abnamro or csv (the plain layout).
    format: Mapped[str] = mapped_column(sa.String(20), default="csv", server_default="csv")
    #: Lines of the file that an earlier import already holds: skipped, booked nowhere.
    duplicate_count: Mapped[int] = mapped_column(default=0, server_default="0")
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    lines: Mapped[list["BankLine"]] = relationship(
        back_populates="bank_import", order_by="BankLine.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "sha256", name="bank_file_imported_once"),
    )


class BankLineStatus(StrEnum):
    BOOKED = "booked"  #: paid (part of) an invoice
    SUGGESTED = "suggested"  #: amount and name fit an invoice: staff confirm or reject
    UNMATCHED = "unmatched"  #: money received that no invoice could take; see reason
    OUTGOING = "outgoing"  #: money that left the account: listed, never booked


class MatchedBy(StrEnum):
    REFERENCE = "reference"  #: the invoice's payment reference
    INVOICE_NUMBER = "invoice_number"  #: "factuur 12" in the description
    CONFIRMED = "confirmed"  #: a suggestion (amount and name) that staff confirmed


class LineReason(StrEnum):
    NO_REFERENCE = "no_reference"
    UNKNOWN_INVOICE = "unknown_invoice"
    ALREADY_PAID = "already_paid"
    MORE_THAN_OPEN = "more_than_open"
    NOT_BOOKABLE = "not_bookable"
    FOREIGN_CURRENCY = "foreign_currency"
    REVERSAL = "reversal"
    DEBIT = "debit"
    SUGGESTION_REJECTED = "suggestion_rejected"


class BankLine(db.Model):
    """One line of an imported statement and what became of it.

    The fingerprint (the bank's entry reference, or account, date, amount, references and
    the line's sequence among equal lines) is unique per organisation: the same line in a
    later file, or the same file again, is recognised and booked nowhere."""

    __tablename__ = "bank_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bank_imports.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    line: Mapped[int]
    booked_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)  # signed: negative is outgoing
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    name: Mapped[str] = mapped_column(sa.String(140), default="")
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    reference: Mapped[str] = mapped_column(sa.String(140), default="")
    end_to_end_id: Mapped[str] = mapped_column(sa.String(140), default="")
    bank_reference: Mapped[str] = mapped_column(sa.String(140), default="")
    status: Mapped[BankLineStatus] = mapped_column(enum_type(BankLineStatus))
    reason: Mapped[LineReason | None] = mapped_column(enum_type(LineReason))
    detail: Mapped[str | None] = mapped_column(sa.String(300))
    matched_by: Mapped[MatchedBy | None] = mapped_column(enum_type(MatchedBy))
    #: The invoice it paid (booked) or may pay (suggested).
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    bank_import: Mapped[BankImport] = relationship(back_populates="lines")
    invoice: Mapped["Invoice | None"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "fingerprint", name="bank_line_imported_once"),
        sa.Index("bank_lines_suggested", "organisation_id", "status"),
        sa.CheckConstraint(
            "(status = 'outgoing') = (amount_cents < 0)", name="bank_line_direction"
        ),
        sa.CheckConstraint(
            "status != 'booked' OR payment_id IS NOT NULL", name="bank_line_booked_has_payment"
        ),
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
