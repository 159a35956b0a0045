"""Online payments, Stripe events, bank-statement imports, payout accounts and payouts."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Base, db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.payments import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.workflow import Workflow

if TYPE_CHECKING:  # mypy cannot see db.Model, a class made at run time from Base
    from vrijstad.auth.models import User
    from vrijstad.billing.models import Invoice

    class Model(Base):
        __abstract__ = True
        __table__: ClassVar[sa.Table]  # every model here maps one table

else:
    Model = db.Model


class StripeEvent(Model):
    """A Stripe webhook event, stored once: a repeated delivery finds its row and stops."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    handled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    outcome: Mapped[str | None] = mapped_column(sa.String(60))


class IntentStatus(StrEnum):
    """Stripe's PaymentIntent statuses, as Stripe spells them, and our own "flagged"."""

    REQUIRES_PAYMENT_METHOD = "requires_payment_method"
    REQUIRES_CONFIRMATION = "requires_confirmation"
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    REQUIRES_CAPTURE = "requires_capture"
    CANCELED = "canceled"
    SUCCEEDED = "succeeded"
    #: Stripe took the money but it could not be booked (amount, currency): an issue says why.
    FLAGGED = "flagged"

    @classmethod
    def from_stripe(cls, value: str) -> "IntentStatus":
        """Stripe's status; one Stripe adds later counts as processing until we know it."""
        try:
            return cls(value)
        except ValueError:
            return cls.PROCESSING


_LIVE_INTENT = frozenset(IntentStatus) - {IntentStatus.SUCCEEDED, IntentStatus.CANCELED}

#: Stripe is the truth while an intent lives: any state may follow any other. A succeeded
#: intent is final once booked; before that its event may still be flagged. A late event
#: about a canceled intent is believed (it says what Stripe did).
INTENT_FLOW = Workflow(
    "payment intent",
    {
        **{state: frozenset(IntentStatus) - {state} for state in _LIVE_INTENT},
        IntentStatus.SUCCEEDED: {IntentStatus.FLAGGED},
        IntentStatus.CANCELED: {
            IntentStatus.SUCCEEDED,
            IntentStatus.FLAGGED,
            IntentStatus.REQUIRES_PAYMENT_METHOD,
        },
    },
)


class PaymentIntentRecord(Model):
    """The Stripe PaymentIntent made for (the open amount of) an invoice."""

    __tablename__ = "payment_intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    intent_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="eur")
    #: An IntentStatus value (a plain string column: Stripe's spelling, no check constraint).
    status: Mapped[str] = mapped_column(sa.String(40))
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"))
    refunded_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    invoice: Mapped["Invoice"] = relationship()

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


ISSUE_LABELS = labels.register(
    IssueKind,
    {
        IssueKind.AMOUNT_MISMATCH: _l("amount differs from the invoice"),
        IssueKind.CURRENCY_MISMATCH: _l("currency is not euro"),
        IssueKind.UNKNOWN_INVOICE: _l("unknown invoice"),
        IssueKind.NOT_BOOKABLE: _l("could not be booked"),
        IssueKind.REFUND_AFTER_SETTLEMENT: _l("refunded after the settlement"),
        IssueKind.TRANSFER_FAILED: _l("payout transfer failed"),
        IssueKind.DISPUTE: _l("disputed or reversed by the payer's bank"),
    },
)


class PaymentIssue(Model):
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

    invoice: Mapped["Invoice | None"] = relationship()


class BankImport(Model):
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


#: Only a suggestion is decided afterwards: staff confirm it (booked) or reject it (unmatched).
BANK_LINE_FLOW = Workflow(
    "bank line",
    {
        BankLineStatus.SUGGESTED: {BankLineStatus.BOOKED, BankLineStatus.UNMATCHED},
        BankLineStatus.BOOKED: set(),
        BankLineStatus.UNMATCHED: set(),
        BankLineStatus.OUTGOING: set(),
    },
)


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


MATCHED_BY_LABELS = labels.register(
    MatchedBy,
    {
        MatchedBy.REFERENCE: _l("payment reference"),
        MatchedBy.INVOICE_NUMBER: _l("invoice number in the description"),
        MatchedBy.CONFIRMED: _l("amount and name, confirmed by staff"),
    },
)
LINE_REASON_LABELS = labels.register(
    LineReason,
    {
        LineReason.NO_REFERENCE: _l("no invoice reference"),
        LineReason.UNKNOWN_INVOICE: _l("reference of an unknown invoice"),
        LineReason.ALREADY_PAID: _l("invoice already paid"),
        LineReason.MORE_THAN_OPEN: _l("more than is open on the invoice"),
        LineReason.NOT_BOOKABLE: _l("could not be booked"),
        LineReason.FOREIGN_CURRENCY: _l("currency is not euro"),
        LineReason.REVERSAL: _l("reversal by the bank"),
        LineReason.DEBIT: _l("outgoing, not booked"),
        LineReason.SUGGESTION_REJECTED: _l("suggestion rejected"),
    },
)


class BankLine(Model):
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
    invoice: Mapped["Invoice | None"] = relationship()

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


class PayoutAccount(Model):
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
    #: In a SEPA file made for the bank; paid only once staff confirm the bank executed it.
    EXPORTED = "exported"
    SENT = "sent"
    FAILED = "failed"


#: A failed Stripe transfer may be tried again (by Stripe or, for the rest, a SEPA file). A
#: payout in a SEPA file is sent when staff confirm the bank executed the file, or pending
#: again when the bank rejected it (a new file may then carry it). A sent payout is final.
PAYOUT_FLOW = Workflow(
    "payout",
    {
        PayoutStatus.PENDING: {PayoutStatus.EXPORTED, PayoutStatus.SENT, PayoutStatus.FAILED},
        PayoutStatus.FAILED: {PayoutStatus.EXPORTED, PayoutStatus.SENT},
        PayoutStatus.EXPORTED: {PayoutStatus.SENT, PayoutStatus.PENDING},
        PayoutStatus.SENT: set(),
    },
)
PAYOUT_LABELS = labels.register(
    PayoutStatus,
    {
        PayoutStatus.PENDING: _l("pending"),
        PayoutStatus.EXPORTED: _l("in payment file"),
        PayoutStatus.SENT: _l("sent"),
        PayoutStatus.FAILED: _l("failed"),
    },
)


class BatchStatus(StrEnum):
    EXPORTED = "exported"  #: the file is made; the bank has not executed it yet
    EXECUTED = "executed"  #: staff confirmed the bank executed it: the landlords are paid
    REJECTED = "rejected"  #: the bank refused it: its payouts may go into a new file


#: A file is decided once: executed or rejected, by a staff member, never both.
BATCH_FLOW = Workflow(
    "payout batch",
    {
        BatchStatus.EXPORTED: {BatchStatus.EXECUTED, BatchStatus.REJECTED},
        BatchStatus.EXECUTED: set(),
        BatchStatus.REJECTED: set(),
    },
)
BATCH_LABELS = labels.register(
    BatchStatus,
    {
        BatchStatus.EXPORTED: _l("waiting for the bank"),
        BatchStatus.EXECUTED: _l("executed by the bank"),
        BatchStatus.REJECTED: _l("rejected by the bank"),
    },
)


class PayoutBatch(Model):
    """A SEPA credit-transfer file (pain.001) for an approved settlement. A settlement has at
    most one file that is not rejected: a rejected file is kept, and a new one made."""

    __tablename__ = "payout_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(sa.ForeignKey("settlements.id"), index=True)
    message_id: Mapped[str] = mapped_column(sa.String(35))
    execution_date: Mapped[date]
    total_cents: Mapped[int] = mapped_column(sa.BigInteger)
    xml: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[BatchStatus] = mapped_column(
        enum_type(BatchStatus), default=BatchStatus.EXPORTED, server_default="exported"
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    #: The day the bank executed the file (from the bank's statement or portal), once confirmed.
    executed_on: Mapped[date | None]
    #: Who confirmed or rejected the file, and when.
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        sa.Index(
            "one_live_batch_per_settlement",
            "settlement_id",
            unique=True,
            postgresql_where=sa.text("status != 'rejected'"),
            sqlite_where=sa.text("status != 'rejected'"),
        ),
    )


class Payout(Model):
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

    landlord: Mapped["User"] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("settlement_id", "landlord_id", name="one_payout_per_landlord"),
        sa.CheckConstraint("amount_cents > 0", name="payout_positive"),
    )
