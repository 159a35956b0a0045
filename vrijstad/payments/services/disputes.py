"""Card disputes and SEPA Direct Debit reversals: the money goes back and comes back, booked
once per dispute and step; staff hear of every step."""

from typing import NamedTuple

import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice, InvoiceStatus, Payment
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.ledger.models import Posting
from vrijstad.money import format_eur
from vrijstad.notifications.services import notify
from vrijstad.organisations.services import staff_of
from vrijstad.payments.models import IssueKind, PaymentIntentRecord
from vrijstad.payments.services.common import (
    _cents,
    _event_day,
    _intent_and_invoice,
    _issue,
    _whole,
    move_invoice,
)


class Disputed(NamedTuple):
    """A dispute about a payment that was booked: its id, invoice (locked), payment, intent."""

    dispute_id: str
    invoice: Invoice
    payment: Payment
    record: PaymentIntentRecord


def _disputed_payment(obj: dict) -> Disputed | str:
    """The disputed payment, or the outcome of the issue recorded instead."""
    dispute_id = str(obj.get("id"))
    record, invoice = _intent_and_invoice(obj)
    amount = _cents(obj.get("amount"))
    if record is None or invoice is None:
        return _issue(
            IssueKind.UNKNOWN_INVOICE, dispute_id, invoice, received_cents=amount, detail="dispute"
        )
    invoice = billing.lock_invoice(invoice.id)  # events about one dispute at once book once
    db.session.refresh(record)
    if record.payment_id is None:
        return _issue(
            IssueKind.NOT_BOOKABLE,
            dispute_id,
            invoice,
            received_cents=amount,
            detail="dispute of a payment that was not booked",
        )
    return Disputed(dispute_id, invoice, db.session.get_one(Payment, record.payment_id), record)


def _dispute_booked(key: str) -> bool:
    return db.session.scalar(sa.select(Posting.id).where(Posting.key == key)) is not None


def _tell_staff_of_dispute(invoice: Invoice, kind: str, amount: object) -> None:
    starter = db.session.get_one(User, invoice.starter_id)
    data = {
        "number": invoice.number,
        "starter": starter.name,
        "amount": format_eur(amount if _whole(amount) else invoice.total_cents),
    }
    notify(
        staff_of(invoice.organisation_id),
        kind,
        "payments.issues",
        {"organisation_id": invoice.organisation_id},
        data,
    )


def _on_dispute_opened(obj: dict, event_id: str, created: int) -> str:
    """A card dispute (chargeback) or a SEPA Direct Debit reversal: Stripe takes the money
    back from the balance, so the payment is reversed and the invoice is open again; staff
    hear of it at once (they may answer a card dispute with evidence in Stripe)."""
    found = _disputed_payment(obj)
    if isinstance(found, str):
        return found
    dispute_id, invoice, payment, record = found
    status = str(obj.get("status") or "")
    amount = _cents(obj.get("amount"))
    if status.startswith("warning_"):  # an inquiry: no money has moved yet
        _issue(
            IssueKind.DISPUTE,
            dispute_id,
            invoice,
            received_cents=amount,
            detail=f"inquiry: {str(obj.get('reason'))[:100]}",
        )
        _tell_staff_of_dispute(invoice, "payment.disputed_staff", amount)
        return "dispute_inquiry"
    key = f"stripe-dispute:{dispute_id}:withdrawn"
    if _dispute_booked(key):
        return "already_booked"
    if amount is None or not 0 < amount <= payment.amount_cents - record.refunded_cents:
        return _issue(
            IssueKind.AMOUNT_MISMATCH,
            dispute_id,
            invoice,
            received_cents=amount,
            expected_cents=payment.amount_cents - record.refunded_cents,
            detail="dispute",
        )
    ledger.book(
        invoice.organisation_id,
        "dispute",
        key,
        f"Dispute invoice {invoice.number}",
        [
            (ledger.receivable(invoice.starter_id), amount),
            (ledger.bank(invoice.organisation_id), -amount),
        ],
        _event_day(created),
    )
    invoice.paid_cents -= amount
    move_invoice(invoice, InvoiceStatus.OPEN)
    detail = f"{str(obj.get('reason'))[:100]}"
    if payment.settlement_id is not None:
        detail += f"; settlement {payment.settlement_id}"
    _issue(IssueKind.DISPUTE, dispute_id, invoice, received_cents=amount, detail=detail)
    _tell_staff_of_dispute(invoice, "payment.disputed_staff", amount)
    return "dispute_booked"


def _on_dispute_reinstated(obj: dict, event_id: str, created: int) -> str:
    """The dispute was decided in our favour: the money comes back, the reversal is undone."""
    found = _disputed_payment(obj)
    if isinstance(found, str):
        return found
    dispute_id, invoice, payment, record = found
    key = f"stripe-dispute:{dispute_id}:reinstated"
    if _dispute_booked(key):
        return "already_booked"
    withdrawn = db.session.scalar(
        sa.select(Posting).where(Posting.key == f"stripe-dispute:{dispute_id}:withdrawn")
    )
    if withdrawn is None:
        return _issue(
            IssueKind.NOT_BOOKABLE,
            dispute_id,
            invoice,
            detail="funds reinstated for a dispute that was not booked",
        )
    amount = _cents(obj.get("amount"))
    if amount is None or not 0 < amount <= invoice.outstanding_cents:
        return _issue(
            IssueKind.AMOUNT_MISMATCH,
            dispute_id,
            invoice,
            received_cents=amount,
            expected_cents=invoice.outstanding_cents,
            detail="dispute won",
        )
    ledger.book(
        invoice.organisation_id,
        "dispute",
        key,
        f"Dispute won, invoice {invoice.number}",
        [
            (ledger.bank(invoice.organisation_id), amount),
            (ledger.receivable(invoice.starter_id), -amount),
        ],
        _event_day(created),
        reverses_id=withdrawn.id,
    )
    invoice.paid_cents += amount
    if invoice.paid_cents == invoice.total_cents:
        move_invoice(invoice, InvoiceStatus.PAID)
    _tell_staff_of_dispute(invoice, "payment.dispute_won_staff", amount)
    return "dispute_reinstated"


def _on_dispute_closed(obj: dict, event_id: str, created: int) -> str:
    """The outcome reaches staff; the money moved with the withdrawal and reinstatement."""
    found = _disputed_payment(obj)
    if isinstance(found, str):
        return found
    dispute_id, invoice, payment, record = found
    status = str(obj.get("status") or "")
    if status == "lost":
        _tell_staff_of_dispute(invoice, "payment.dispute_lost_staff", obj.get("amount"))
    return f"dispute_{status[:20] or 'closed'}"
