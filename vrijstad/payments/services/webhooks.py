"""Stripe webhooks: a verified event is stored once and handed to its handler; payments,
failures and refunds here, disputes in disputes.py. Every booking carries a key."""

import json

import sqlalchemy as sa
import stripe
from flask import current_app
from sqlalchemy.exc import IntegrityError

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import (
    InvoiceStatus,
    Payment,
)
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import gettext as _
from vrijstad.ledger import services as ledger
from vrijstad.money import format_eur
from vrijstad.notifications.services import notify
from vrijstad.organisations.services import staff_of
from vrijstad.payments.models import (
    IntentStatus,
    IssueKind,
    PaymentIntentRecord,
    PaymentIssue,
    StripeEvent,
)
from vrijstad.payments.services.common import (
    CURRENCY,
    PaymentsError,
    WebhookRejected,
    _event_day,
    _intent_and_invoice,
    _issue,
    _staff,
    _whole,
    move_intent,
    move_invoice,
)
from vrijstad.payments.services.disputes import (
    _on_dispute_closed,
    _on_dispute_opened,
    _on_dispute_reinstated,
)

WEBHOOK_TOLERANCE = 300  # seconds a signed webhook may be old


def handle_webhook(payload: bytes, signature: str | None) -> str:
    """Verify, store and handle one Stripe event; a repeated event id is handled once."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise WebhookRejected("webhooks are not configured")
    try:
        stripe.Webhook.construct_event(payload, signature, secret, tolerance=WEBHOOK_TOLERANCE)
        data = json.loads(payload)
        event_id, kind, obj = data["id"], data["type"], data["data"]["object"]
        created = data.get("created")
    except stripe.SignatureVerificationError as exc:
        raise WebhookRejected("bad signature") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise WebhookRejected("not a Stripe event") from exc
    if not isinstance(event_id, str) or not isinstance(obj, dict):
        raise WebhookRejected("not a Stripe event")
    check_event(created, obj)
    event = StripeEvent(event_id=event_id[:255], type=str(kind)[:100])
    try:
        with savepoint():
            db.session.add(event)
    except IntegrityError:
        return "duplicate"  # delivered before, or at this moment by another worker (it waited)
    handler = WEBHOOK_HANDLERS.get(kind)
    event.outcome = handler(obj, event_id, created) if handler else "ignored"
    event.handled = True
    db.session.flush()
    return event.outcome


#: The earliest plausible event time (2011-01-01): a signed event from before is not ours.
EARLIEST_EVENT = 1_293_840_000
#: The largest amount in cents an event may carry (ten billion euros) and the largest
#: database id (a 32-bit integer column).
MAX_EVENT_CENTS = 10**12
MAX_ID = 2**31 - 1


def check_event(created: object, obj: dict) -> None:
    """Refuse a signed event whose values we cannot use, before anything reads them: its time,
    the amounts it carries and the invoice id in its metadata."""
    latest = clock.now().timestamp() + WEBHOOK_TOLERANCE
    if not _whole(created) or not EARLIEST_EVENT <= created <= latest:
        raise WebhookRejected("'created' is not a time between 2011 and now")
    for name in ("amount", "amount_received", "amount_refunded"):
        value = obj.get(name)
        if value is not None and not (_whole(value) and 0 <= value <= MAX_EVENT_CENTS):
            raise WebhookRejected(f"'{name}' is not an amount in cents")
    metadata = obj.get("metadata")
    if metadata is None:
        return
    if not isinstance(metadata, dict):
        raise WebhookRejected("'metadata' is not an object")
    invoice_id = metadata.get("invoice_id")
    if invoice_id is not None and not (
        isinstance(invoice_id, str)
        and invoice_id.isascii()
        and invoice_id.isdigit()
        and 1 <= int(invoice_id) <= MAX_ID
    ):
        raise WebhookRejected("metadata 'invoice_id' is not an invoice id")


def _on_intent_succeeded(obj: dict, event_id: str, created: int) -> str:
    record, invoice = _intent_and_invoice(obj)
    intent_id = str(obj.get("id"))
    if invoice is None:
        return _issue(
            IssueKind.UNKNOWN_INVOICE,
            intent_id,
            received_cents=obj.get("amount"),
            detail=f"event {event_id}",
        )
    # Amounts are compared under the invoice's lock, and the intent looked up again under it:
    # two events about one intent at the same moment (Stripe sends some in pairs) book once.
    invoice = billing.lock_invoice(invoice.id)
    record = (
        db.session.scalars(
            sa.select(PaymentIntentRecord)
            .where(PaymentIntentRecord.intent_id == intent_id)
            .execution_options(populate_existing=True)
        ).first()
        or record
    )
    if record is None:
        record = PaymentIntentRecord(
            invoice_id=invoice.id,
            intent_id=intent_id,
            amount_cents=invoice.outstanding_cents or 1,
            status=IntentStatus.REQUIRES_PAYMENT_METHOD,
        )
        db.session.add(record)
    if record.payment_id is not None:
        return "already_booked"
    amount = obj.get("amount_received") or obj.get("amount")
    currency = str(obj.get("currency") or "").lower()
    if currency != CURRENCY:
        move_intent(record, IntentStatus.FLAGGED)
        return _issue(
            IssueKind.CURRENCY_MISMATCH,
            intent_id,
            invoice,
            currency=currency[:3],
            received_cents=amount if isinstance(amount, int) else None,
            expected_cents=invoice.outstanding_cents,
        )
    if (
        not isinstance(amount, int)
        or amount != record.amount_cents
        or (amount > invoice.outstanding_cents)
    ):
        move_intent(record, IntentStatus.FLAGGED)
        return _issue(
            IssueKind.AMOUNT_MISMATCH,
            intent_id,
            invoice,
            expected_cents=invoice.outstanding_cents,
            received_cents=amount if isinstance(amount, int) else None,
            currency=currency,
        )
    try:
        with savepoint():
            payment = billing.record_payment(
                None,
                invoice,
                amount,
                _event_day(created),
                reference=intent_id,
                method="stripe",
                key=f"stripe:{intent_id}",
            )
    except billing.BillingError as exc:
        move_intent(record, IntentStatus.FLAGGED)
        return _issue(
            IssueKind.NOT_BOOKABLE,
            intent_id,
            invoice,
            received_cents=amount,
            expected_cents=invoice.outstanding_cents,
            detail=str(exc)[:300],
        )
    record.payment_id = payment.id
    move_intent(record, IntentStatus.SUCCEEDED)
    return "booked"


def _on_intent_failed(obj: dict, event_id: str, created: int) -> str:
    record, invoice = _intent_and_invoice(obj)
    if invoice is None:
        return "unknown_invoice"
    if record is not None and record.status == IntentStatus.SUCCEEDED:
        return "ignored_after_success"  # a late, out-of-order failure of an earlier attempt
    if record is not None:
        move_intent(record, IntentStatus.REQUIRES_PAYMENT_METHOD)
    data = {"number": invoice.number, "amount": format_eur(invoice.outstanding_cents)}
    starter = db.session.get_one(User, invoice.starter_id)
    notify([starter], "payment.failed", "payments.pay", {"invoice_id": invoice.id}, data)
    notify(
        staff_of(invoice.organisation_id),
        "payment.failed_staff",
        "payments.issues",
        {"organisation_id": invoice.organisation_id},
        data | {"starter": starter.name},
    )
    return "notified"


def _on_charge_refunded(obj: dict, event_id: str, created: int) -> str:
    record, invoice = _intent_and_invoice(obj)
    charge_id = str(obj.get("id"))
    if record is None or invoice is None:
        return _issue(
            IssueKind.UNKNOWN_INVOICE,
            charge_id,
            invoice,
            received_cents=obj.get("amount_refunded"),
            detail="refund",
        )
    invoice = billing.lock_invoice(invoice.id)  # two refund events at once book one reversal
    db.session.refresh(record)  # read again under the lock: what is refunded already
    refunded = obj.get("amount_refunded")
    if not isinstance(refunded, int) or refunded < 0:
        return _issue(IssueKind.AMOUNT_MISMATCH, charge_id, invoice, detail="refund amount")
    if record.payment_id is None:
        return _issue(
            IssueKind.NOT_BOOKABLE,
            charge_id,
            invoice,
            received_cents=refunded,
            detail="refund of a payment that was not booked",
        )
    new = refunded - record.refunded_cents
    if new <= 0:
        return "already_booked"
    payment = db.session.get_one(Payment, record.payment_id)
    if new > payment.amount_cents - record.refunded_cents:
        return _issue(
            IssueKind.AMOUNT_MISMATCH,
            charge_id,
            invoice,
            received_cents=refunded,
            expected_cents=payment.amount_cents,
            detail="refund",
        )
    ledger.book(
        invoice.organisation_id,
        "refund",
        f"stripe-refund:{charge_id}:{refunded}",
        f"Refund invoice {invoice.number}",
        [
            (ledger.receivable(invoice.starter_id), new),
            (ledger.bank(invoice.organisation_id), -new),
        ],
        _event_day(created),
    )
    record.refunded_cents = refunded
    invoice.paid_cents -= new
    move_invoice(invoice, InvoiceStatus.OPEN)
    if payment.settlement_id is not None:
        _issue(
            IssueKind.REFUND_AFTER_SETTLEMENT,
            charge_id,
            invoice,
            received_cents=new,
            detail=f"settlement {payment.settlement_id}",
        )
    db.session.flush()
    return "refund_booked"


WEBHOOK_HANDLERS = {
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute_opened,
    "charge.dispute.funds_withdrawn": _on_dispute_opened,
    "charge.dispute.funds_reinstated": _on_dispute_reinstated,
    "charge.dispute.closed": _on_dispute_closed,
}
#: The events to subscribe the webhook endpoint to (the README lists them).
WEBHOOK_EVENTS = tuple(WEBHOOK_HANDLERS)


def resolve_issue(actor: User, issue: PaymentIssue) -> PaymentIssue:
    """Staff mark an issue as dealt with (corrections are booked through the usual forms)."""
    if issue.organisation_id is None:
        if not actor.is_admin:
            raise PaymentsError(_("Only platform admins can resolve this."))
    else:
        _staff(actor, issue.organisation_id)
    if issue.resolved_at is None:
        issue.resolved_at = clock.now()
        issue.resolved_by_id = actor.id
        db.session.flush()
    return issue
