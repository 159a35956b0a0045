"""Invoices to starters, payments received, settlements of a collective and its fund."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.billing import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.core import enum_type
from vrijstad.extensions import Base, db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.workflow import Workflow

if TYPE_CHECKING:  # mypy cannot see db.Model, a class made at run time from Base
    from vrijstad.auth.models import User
    from vrijstad.letting.models import Collective, Placement
    from vrijstad.units.models import Unit

    class Model(Base):
        __abstract__ = True
        __table__: ClassVar[sa.Table]  # every model here maps one table

else:
    Model = db.Model

VAT_STANDARD_BP = 2100  # 21 %
#: Days a starter has to pay an invoice (letting shows it in the agreement).
PAYMENT_TERM_DAYS = 14


class InvoiceSequence(Model):
    """The next invoice number of an organisation; locked while an invoice is numbered."""

    __tablename__ = "invoice_sequences"

    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), primary_key=True
    )
    next_number: Mapped[int] = mapped_column(default=1)


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    CREDITED = "credited"


#: Paid when the payments reach the total; open again when a refund or a dispute takes money
#: back (payments.webhooks). Credited is final; nothing credits an invoice yet.
INVOICE_FLOW = Workflow(
    "invoice",
    {
        InvoiceStatus.OPEN: {InvoiceStatus.PAID, InvoiceStatus.CREDITED},
        InvoiceStatus.PAID: {InvoiceStatus.OPEN},
        InvoiceStatus.CREDITED: set(),
    },
)
INVOICE_LABELS = labels.register(
    InvoiceStatus,
    {
        InvoiceStatus.OPEN: _l("open"),
        InvoiceStatus.PAID: _l("paid"),
        InvoiceStatus.CREDITED: _l("credited"),
    },
)


class InvoiceKind(StrEnum):
    RENT = "rent"  # the month's rent (or a one-off let)
    DEPOSIT = "deposit"  # the waarborgsom: no VAT (not a supply), held as a liability
    RECONCILIATION = "reconciliation"  # the year's turnover rent above the monthly advances
    CREDIT_NOTE = "credit_note"  # money owed back to the starter (amounts kept positive)


INVOICE_KIND_LABELS = labels.register(
    InvoiceKind,
    {
        InvoiceKind.RENT: _l("invoice"),
        InvoiceKind.DEPOSIT: _l("deposit invoice"),
        InvoiceKind.RECONCILIATION: _l("annual turnover settlement"),
        InvoiceKind.CREDIT_NOTE: _l("credit note"),
    },
)


class Invoice(Model):
    """An invoice for a placement (the month's rent, its deposit, the year's turnover
    settlement) or a credit note; amounts in cents, VAT per line."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    number: Mapped[int]
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    starter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    collective_id: Mapped[int | None] = mapped_column(sa.ForeignKey("collectives.id"), index=True)
    kind: Mapped[InvoiceKind] = mapped_column(
        enum_type(InvoiceKind), default=InvoiceKind.RENT, server_default=InvoiceKind.RENT.value
    )
    period: Mapped[date]
    issued_on: Mapped[date]
    due_on: Mapped[date]
    status: Mapped[InvoiceStatus] = mapped_column(
        enum_type(InvoiceStatus), default=InvoiceStatus.OPEN
    )
    net_cents: Mapped[int] = mapped_column(sa.BigInteger)
    vat_cents: Mapped[int] = mapped_column(sa.BigInteger)
    total_cents: Mapped[int] = mapped_column(sa.BigInteger)
    paid_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The parties as on the invoice (Dutch invoice requirements), frozen when issued.
    supplier: Mapped[dict] = mapped_column(sa.JSON)
    customer: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )
    placement: Mapped["Placement"] = relationship()
    starter: Mapped["User"] = relationship(viewonly=True)
    unit: Mapped["Unit"] = relationship(viewonly=True)

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "number", name="invoice_number_per_org"),
        sa.UniqueConstraint(
            "placement_id", "period", "kind", name="one_invoice_per_placement_month"
        ),
        sa.CheckConstraint("net_cents >= 0 AND vat_cents >= 0", name="invoice_not_negative"),
        sa.CheckConstraint("total_cents = net_cents + vat_cents", name="invoice_total_adds_up"),
    )

    @property
    def reference(self) -> str:
        """The payment reference starters quote on a bank transfer."""
        return f"VS{self.organisation_id:03d}-{self.number:06d}"

    @property
    def outstanding_cents(self) -> int:
        return self.total_cents - self.paid_cents


def rent_invoice(placement_id: int, period: date) -> Invoice | None:
    """A placement's rent invoice of a month, if issued: the one the monthly run, a pop-up's
    one-off invoice and the turnover report's month all mean (a deposit, a yearly
    settlement or a credit note of that month is another kind)."""
    return db.session.scalar(
        sa.select(Invoice).where(
            Invoice.placement_id == placement_id,
            Invoice.period == period,
            Invoice.kind == InvoiceKind.RENT,
        )
    )


class InvoiceLine(Model):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    description: Mapped[str] = mapped_column(sa.String(200))
    net_cents: Mapped[int] = mapped_column(sa.BigInteger)  # a discount is negative
    vat_rate_bp: Mapped[int]
    vat_cents: Mapped[int] = mapped_column(sa.BigInteger)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Model):
    """Money received for an invoice (bank transfer recorded by staff, or online)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    #: The part of the amount that is revenue and the part that is VAT (split exactly).
    net_cents: Mapped[int] = mapped_column(sa.BigInteger)
    vat_cents: Mapped[int] = mapped_column(sa.BigInteger)
    received_on: Mapped[date]
    method: Mapped[str] = mapped_column(sa.String(20), default="bank")
    reference: Mapped[str | None] = mapped_column(sa.String(120))
    settlement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("settlements.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    invoice: Mapped[Invoice] = relationship()

    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="payment_positive"),
        sa.CheckConstraint("net_cents + vat_cents = amount_cents", name="payment_split_adds_up"),
    )


class SettlementStatus(StrEnum):
    CALCULATED = "calculated"
    APPROVED = "approved"
    PAID = "paid"


SETTLEMENT_TRANSITIONS = {
    SettlementStatus.CALCULATED: frozenset({SettlementStatus.APPROVED}),
    SettlementStatus.APPROVED: frozenset({SettlementStatus.PAID}),
    SettlementStatus.PAID: frozenset(),
}
SETTLEMENT_FLOW = Workflow("settlement", SETTLEMENT_TRANSITIONS)
SETTLEMENT_LABELS = labels.register(
    SettlementStatus,
    {
        SettlementStatus.CALCULATED: _l("calculated"),
        SettlementStatus.APPROVED: _l("approved"),
        SettlementStatus.PAID: _l("paid"),
    },
)


class Settlement(Model):
    """What a collective received in a month and who gets it: landlords, organisation, fund."""

    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    collective_id: Mapped[int] = mapped_column(sa.ForeignKey("collectives.id"), index=True)
    period: Mapped[date]
    status: Mapped[SettlementStatus] = mapped_column(
        enum_type(SettlementStatus), default=SettlementStatus.CALCULATED
    )
    received_cents: Mapped[int] = mapped_column(sa.BigInteger)
    landlords_cents: Mapped[int] = mapped_column(sa.BigInteger)
    organisation_cents: Mapped[int] = mapped_column(sa.BigInteger)
    fund_cents: Mapped[int] = mapped_column(sa.BigInteger)
    calculated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    collective: Mapped["Collective"] = relationship()
    lines: Mapped[list["SettlementLine"]] = relationship(
        back_populates="settlement", order_by="SettlementLine.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("collective_id", "period", name="one_settlement_per_month"),
        sa.CheckConstraint(
            "landlords_cents + organisation_cents + fund_cents = received_cents",
            name="settlement_assigns_every_cent",
        ),
    )


class Beneficiary(StrEnum):
    LANDLORD = "landlord"
    ORGANISATION = "organisation"
    FUND = "fund"


BENEFICIARY_LABELS = labels.register(
    Beneficiary,
    {
        Beneficiary.LANDLORD: _l("landlord"),
        Beneficiary.ORGANISATION: _l("organisation"),
        Beneficiary.FUND: _l("fund"),
    },
)


class SettlementLine(Model):
    """One beneficiary's share from one unit's revenue."""

    __tablename__ = "settlement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("settlements.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    beneficiary: Mapped[Beneficiary] = mapped_column(enum_type(Beneficiary))
    landlord_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    received_cents: Mapped[int] = mapped_column(sa.BigInteger)  # the unit's revenue
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.String(200))

    settlement: Mapped[Settlement] = relationship(back_populates="lines")
    unit: Mapped["Unit"] = relationship()


class FundPurpose(StrEnum):
    PLACEMAKING = "placemaking"
    AREA_MARKETING = "area_marketing"
    STARTER_SUPPORT = "starter_support"


class FundSpendingStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


#: An organisation admin decides a proposal once.
FUND_SPENDING_FLOW = Workflow(
    "fund spending",
    {
        FundSpendingStatus.PROPOSED: {FundSpendingStatus.APPROVED, FundSpendingStatus.REJECTED},
        FundSpendingStatus.APPROVED: set(),
        FundSpendingStatus.REJECTED: set(),
    },
)
FUND_SPENDING_LABELS = labels.register(
    FundSpendingStatus,
    {
        FundSpendingStatus.PROPOSED: _l("proposed"),
        FundSpendingStatus.APPROVED: _l("approved"),
        FundSpendingStatus.REJECTED: _l("rejected"),
    },
)


class FundSpending(Model):
    """Money spent from a collective's fund, approved by an organisation admin."""

    __tablename__ = "fund_spendings"

    id: Mapped[int] = mapped_column(primary_key=True)
    collective_id: Mapped[int] = mapped_column(sa.ForeignKey("collectives.id"), index=True)
    purpose: Mapped[FundPurpose] = mapped_column(enum_type(FundPurpose))
    description: Mapped[str] = mapped_column(sa.String(300))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[FundSpendingStatus] = mapped_column(
        enum_type(FundSpendingStatus), default=FundSpendingStatus.PROPOSED
    )
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (sa.CheckConstraint("amount_cents > 0", name="spending_positive"),)


class InvoiceReminder(Model):
    """A payment reminder sent for an overdue invoice; at most one per level (7 or 21 days)."""

    __tablename__ = "invoice_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    #: Days overdue that triggered this reminder.
    level: Mapped[int]
    sent_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("invoice_id", "level", name="one_reminder_per_level"),
        sa.CheckConstraint("level IN (7, 21)", name="reminder_level_known"),
    )


class DepositReturn(Model):
    """The end of a placement's deposit: what was held, the damages kept, the refund (once)."""

    __tablename__ = "deposit_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id"), unique=True)
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("invoices.id"))
    held_cents: Mapped[int] = mapped_column(sa.BigInteger)
    damages_cents: Mapped[int] = mapped_column(sa.BigInteger)
    damages_description: Mapped[str | None] = mapped_column(sa.String(500))
    refund_cents: Mapped[int] = mapped_column(sa.BigInteger)
    returned_on: Mapped[date]
    returned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    #: The days the organisation transferred the refund to the starter and the damages to the
    #: landlord (each booked once, from the payable to the bank).
    refund_paid_on: Mapped[date | None]
    damages_paid_on: Mapped[date | None]

    __table_args__ = (
        sa.CheckConstraint(
            "damages_cents >= 0 AND refund_cents >= 0", name="deposit_return_not_negative"
        ),
        sa.CheckConstraint(
            "damages_cents + refund_cents = held_cents", name="deposit_return_adds_up"
        ),
    )


class TurnoverReconciliation(Model):
    """A turnover placement's year settled against the accountant's annual statement (once)."""

    __tablename__ = "turnover_reconciliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id"), index=True)
    year: Mapped[int]
    turnover_cents: Mapped[int] = mapped_column(sa.BigInteger)  # certified, excl. VAT
    rent_due_cents: Mapped[int] = mapped_column(sa.BigInteger)
    advances_cents: Mapped[int] = mapped_column(sa.BigInteger)
    #: rent due minus advances: invoiced when positive, credited when negative
    difference_cents: Mapped[int] = mapped_column(sa.BigInteger)
    invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoices.id"))
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    invoice: Mapped[Invoice | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("placement_id", "year", name="one_reconciliation_per_year"),
        sa.CheckConstraint("turnover_cents >= 0", name="reconciliation_turnover_not_negative"),
        sa.CheckConstraint(
            "difference_cents = rent_due_cents - advances_cents",
            name="reconciliation_adds_up",
        ),
    )
