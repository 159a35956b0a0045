"""Money received on an invoice: the one rule (payment_effect), one payment at a time
(record_payment) or many at once for a bank file (PaymentBatch)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm.attributes import set_committed_value

from vrijstad import clock
from vrijstad.audit.services import record_event, record_events
from vrijstad.auth.models import User
from vrijstad.billing.models import INVOICE_FLOW, Invoice, InvoiceKind, InvoiceStatus, Payment
from vrijstad.billing.services.common import BillingError, _staff, lock_invoice
from vrijstad.database import insert_rows, update_rows
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.money import Cents, split_cents


class PaymentRefused(BillingError):
    """A payment the invoice cannot take; reason says which rule refused it: "not_positive",
    "already_paid", "more_than_open" or "future"."""

    def __init__(self, message: object, field: str, reason: str, **values: object) -> None:
        super().__init__(message, field, **values)
        self.reason = reason


@dataclass(frozen=True)
class PaymentEffect:
    """What booking a payment does: its revenue and VAT parts and the invoice afterwards."""

    net_cents: int
    vat_cents: int
    paid_cents: int
    status: InvoiceStatus


def payment_effect(
    invoice: Invoice, amount_cents: int, received_on: date, today: date | None = None
) -> PaymentEffect:
    """The one rule for money received on an invoice (read under the invoice's lock): a positive
    amount, not in the future, on an open invoice, never more than is open; the invoice is paid
    exactly when its total is. Raises PaymentRefused; both record_payment and the bank import's
    bulk booking (PaymentBatch) decide through it."""
    if amount_cents <= 0:
        raise PaymentRefused(_("A payment is a positive amount."), "amount", "not_positive")
    if invoice.status != InvoiceStatus.OPEN or invoice.outstanding_cents <= 0:
        raise PaymentRefused(
            _("Invoice %(n)d is already paid in full: nothing was booked.", n=invoice.number),
            "amount",
            "already_paid",
        )
    if amount_cents > invoice.outstanding_cents:
        raise PaymentRefused(
            _l("This is more than the %(amount)s still open on the invoice."),
            "amount",
            "more_than_open",
            amount=Cents(invoice.outstanding_cents),
        )
    if received_on > (today or clock.today()):
        raise PaymentRefused(
            _("A payment cannot be received in the future."), "received_on", "future"
        )
    net, vat_part = split_cents(amount_cents, [invoice.net_cents, invoice.vat_cents])
    paid = invoice.paid_cents + amount_cents
    status = InvoiceStatus.PAID if paid == invoice.total_cents else InvoiceStatus(invoice.status)
    return PaymentEffect(net, vat_part, paid, status)


def _payment_values(
    actor: User | None,
    invoice: Invoice,
    amount_cents: int,
    effect: PaymentEffect,
    received_on: date,
    reference: str | None,
    method: str,
) -> dict:
    return {
        "invoice_id": invoice.id,
        "amount_cents": amount_cents,
        "net_cents": effect.net_cents,
        "vat_cents": effect.vat_cents,
        "received_on": received_on,
        "method": method,
        "reference": (reference or "")[:120] or None,
        "recorded_by_id": actor.id if actor else None,
    }


def _payment_posting(
    invoice: Invoice, amount_cents: int, key: str, received_on: date
) -> ledger.PostingSpec:
    lines = [
        (ledger.bank(invoice.organisation_id), amount_cents),
        (ledger.receivable(invoice.starter_id), -amount_cents),
    ]
    if invoice.kind == InvoiceKind.DEPOSIT:  # paid deposit money is held for the starter
        lines += [
            (ledger.deposit_due(invoice.placement_id), amount_cents),
            (ledger.deposit_held(invoice.placement_id), -amount_cents),
        ]
    return ledger.PostingSpec(
        invoice.organisation_id,
        "payment",
        key,
        f"Payment invoice {invoice.number}",
        lines,
        received_on,
    )


def record_payment(
    actor: User | None,
    invoice: Invoice,
    amount_cents: int,
    received_on: date,
    reference: str | None = None,
    method: str = "bank",
    key: str | None = None,
) -> Payment:
    """Money received for an invoice: booked as bank against the starter's receivable.

    The invoice row is locked and its open amount read again under the lock, so two staff
    recording the same payment at once book it once: the second finds nothing open. What may
    be booked is decided by payment_effect, as for the bank import's PaymentBatch."""
    _staff(actor, invoice.organisation_id)
    invoice = lock_invoice(invoice.id)
    effect = payment_effect(invoice, amount_cents, received_on)
    payment = Payment(
        **_payment_values(actor, invoice, amount_cents, effect, received_on, reference, method)
    )
    db.session.add(payment)
    db.session.flush()
    ledger.book(
        *_payment_posting(invoice, amount_cents, key or f"payment:{payment.id}", received_on)
    )
    invoice.paid_cents = effect.paid_cents
    if effect.status != invoice.status:
        INVOICE_FLOW.move(invoice, effect.status)
    db.session.flush()
    if actor is not None:
        record_event(
            actor,
            "payment.recorded",
            payment,
            invoice.organisation_id,
            invoice=invoice.id,
            cents=amount_cents,
        )
    return payment


@dataclass(frozen=True)
class PaymentRequest:
    """One payment for a PaymentBatch; the invoice must be locked (lock_invoices)."""

    invoice: Invoice
    amount_cents: int
    received_on: date
    reference: str | None
    key: str
    method: str = "bank"


class PaymentBatch:
    """Payments decided one by one (payment_effect, on the invoices as the earlier payments of
    the batch left them) and written together by write(): the payments, their postings and
    audit events in batches, the invoices in one statement (database.update_rows). The
    invoices must be locked."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.today = clock.today()
        self._pending: list[tuple[PaymentRequest, PaymentEffect]] = []
        self._allowed: set[int] = set()

    def add(self, request: PaymentRequest) -> None:
        """Decide one payment (raises PaymentRefused); the invoice object shows its effect at
        once (paid amount, status), as it will be once written, so the next payment on it is
        decided on that. Do not reload the invoices (populate_existing) before write()."""
        invoice = request.invoice
        if invoice.organisation_id not in self._allowed:
            _staff(self.actor, invoice.organisation_id)
            self._allowed.add(invoice.organisation_id)
        effect = payment_effect(invoice, request.amount_cents, request.received_on, self.today)
        self._pending.append((request, effect))
        # the row is written by write(); meanwhile the object tells later payments the truth
        # (the table is consulted here; write() stores the state in one statement)
        if effect.status != invoice.status:
            INVOICE_FLOW.check(invoice.status, effect.status)
        set_committed_value(invoice, "paid_cents", effect.paid_cents)
        set_committed_value(invoice, "status", effect.status)

    def write(self) -> list[int]:
        """Insert the decided payments, book them, update their invoices; the payment ids in
        the order the payments were added."""
        if not self._pending:
            return []
        values = [
            _payment_values(
                self.actor, r.invoice, r.amount_cents, e, r.received_on, r.reference, r.method
            )
            for r, e in self._pending
        ]
        # The new rows come back in no particular order: each is known by its values (rows
        # with equal values are interchangeable, so any of their ids will do).
        keys = list(values[0])
        waiting: dict[tuple, list[int]] = defaultdict(list)
        for index, row in enumerate(values):
            waiting[tuple(row[key] for key in keys)].append(index)
        ids = [0] * len(values)
        for found in insert_rows(Payment.__table__, values, returning=("id", *keys)):
            ids[waiting[tuple(found[1:])].pop()] = found[0]
        ledger.book_many(
            [
                _payment_posting(r.invoice, r.amount_cents, r.key, r.received_on)
                for r, _e in self._pending
            ]
        )
        final = {r.invoice.id: r.invoice for r, _e in self._pending}
        update_rows(
            Invoice.__table__,
            [
                {"id": i.id, "paid_cents": i.paid_cents, "status": InvoiceStatus(i.status)}
                for i in final.values()
            ],
        )
        if self.actor is not None:
            record_events(
                self.actor,
                "payment.recorded",
                "Payment",
                [
                    (
                        payment_id,
                        r.invoice.organisation_id,
                        {"invoice": r.invoice.id, "cents": r.amount_cents},
                    )
                    for payment_id, (r, _e) in zip(ids, self._pending, strict=True)
                ],
            )
        self._pending = []
        return ids
