"""The payments port: a manual provider (bank transfer) and Stripe; webhooks; payouts.

Only this feature knows Stripe. Money is booked through billing.record_payment and the
ledger, always with a key, so an event that arrives twice is booked once.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
import stripe
from flask import current_app
from sqlalchemy.exc import IntegrityError

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import (
    Beneficiary,
    Invoice,
    InvoiceStatus,
    Payment,
    Settlement,
    SettlementStatus,
)
from vrijstad.core import DomainError
from vrijstad.extensions import db, savepoint
from vrijstad.forms import normalise_iban, valid_iban
from vrijstad.i18n import gettext as _
from vrijstad.ledger import services as ledger
from vrijstad.ledger.models import Posting
from vrijstad.money import format_eur
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage, staff_of
from vrijstad.payments.models import (
    IssueKind,
    OnboardingStatus,
    PaymentIntentRecord,
    PaymentIssue,
    Payout,
    PayoutAccount,
    PayoutMethod,
    PayoutStatus,
    StripeEvent,
)

PAYMENT_METHOD_TYPES = ["ideal", "card", "sepa_debit"]
CURRENCY = "eur"
WEBHOOK_TOLERANCE = 300  # seconds a signed webhook may be old


class PaymentsError(DomainError):
    """A payment action was refused; the message is shown to the user."""


class WebhookRejected(PaymentsError):
    """A webhook request that is not a genuine, fresh Stripe event."""


def _staff(actor: User | None, organisation_id: int, role: MemberRole = MemberRole.STAFF) -> None:
    if actor is not None and not can_manage(actor, organisation_id, role):
        raise PaymentsError(_("Only the organisation's staff can do this."))


# The port ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    """What the payment page needs to show for an invoice."""

    provider: str
    amount_cents: int
    reference: str
    iban: str | None
    client_secret: str | None = None
    publishable_key: str | None = None
    js_url: str | None = None


class ManualProvider:
    """Bank transfer: the invoice shows the IBAN and reference; staff record the receipt."""

    name = "manual"

    def checkout(self, invoice: Invoice) -> Checkout:
        return Checkout(
            self.name, invoice.outstanding_cents, invoice.reference, invoice.supplier.get("iban")
        )


class StripeProvider:
    """Stripe PaymentIntents (iDEAL, card, SEPA Direct Debit) and Connect transfers."""

    name = "stripe"

    def __init__(self, config) -> None:
        if not config.get("STRIPE_SECRET_KEY"):
            raise PaymentsError(_("Online payment is not configured."))
        self.config = config
        base = config.get("STRIPE_API_BASE") or None
        self.client = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"],
            base_addresses={"api": base} if base else None,
            max_network_retries=2,  # a retried request carries the same idempotency key
        )

    def checkout(self, invoice: Invoice) -> Checkout:
        intent = self.ensure_intent(invoice)
        return Checkout(
            self.name,
            intent.amount,
            invoice.reference,
            invoice.supplier.get("iban"),
            intent.client_secret,
            self.config.get("STRIPE_PUBLISHABLE_KEY"),
            self.config.get("STRIPE_JS_URL"),
        )

    def ensure_intent(self, invoice: Invoice):
        """The PaymentIntent for the invoice's open amount: reused, or created exactly once."""
        amount = invoice.outstanding_cents
        record = db.session.scalar(
            sa.select(PaymentIntentRecord)
            .where(
                PaymentIntentRecord.invoice_id == invoice.id,
                PaymentIntentRecord.amount_cents == amount,
                PaymentIntentRecord.status.not_in(("succeeded", "canceled")),
            )
            .order_by(PaymentIntentRecord.id.desc())
            .limit(1)
        )
        if record is not None:
            intent = self.client.v1.payment_intents.retrieve(record.intent_id)
            record.status = intent.status
            return intent
        intent = self.client.v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": CURRENCY,
                "payment_method_types": PAYMENT_METHOD_TYPES,
                "metadata": {
                    "invoice_id": str(invoice.id),
                    "reference": invoice.reference,
                    "organisation_id": str(invoice.organisation_id),
                },
            },
            options={"idempotency_key": f"invoice-{invoice.id}-{amount}"},
        )
        if (
            db.session.scalar(
                sa.select(PaymentIntentRecord.id).where(PaymentIntentRecord.intent_id == intent.id)
            )
            is None
        ):
            db.session.add(
                PaymentIntentRecord(
                    invoice_id=invoice.id,
                    intent_id=intent.id,
                    amount_cents=amount,
                    currency=CURRENCY,
                    status=intent.status,
                )
            )
            db.session.flush()
        return intent

    def retrieve_intent(self, intent_id: str):
        return self.client.v1.payment_intents.retrieve(intent_id)

    def create_account(self, landlord: User):
        return self.client.v1.accounts.create(
            params={
                "type": "express",
                "country": "NL",
                "email": landlord.email,
                "capabilities": {"transfers": {"requested": True}},
                "metadata": {"landlord_id": str(landlord.id)},
            },
            options={"idempotency_key": f"connect-account-{landlord.id}"},
        )

    def account_link(self, account_id: str, refresh_url: str, return_url: str) -> str:
        link = self.client.v1.account_links.create(
            params={
                "account": account_id,
                "refresh_url": refresh_url,
                "return_url": return_url,
                "type": "account_onboarding",
            }
        )
        return link.url

    def retrieve_account(self, account_id: str):
        return self.client.v1.accounts.retrieve(account_id)

    def transfer(self, payout: Payout, destination: str):
        return self.client.v1.transfers.create(
            params={
                "amount": payout.amount_cents,
                "currency": CURRENCY,
                "destination": destination,
                "transfer_group": f"settlement-{payout.settlement_id}",
                "metadata": {
                    "settlement_id": str(payout.settlement_id),
                    "landlord_id": str(payout.landlord_id),
                },
            },
            options={"idempotency_key": payout_key(payout)},
        )


def payout_key(payout: Payout) -> str:
    """One idempotency key per landlord and settlement (and per declined attempt)."""
    key = f"payout-settlement-{payout.settlement_id}-landlord-{payout.landlord_id}"
    return key if payout.key_version == 1 else f"{key}-{payout.key_version}"


def provider() -> ManualProvider | StripeProvider:
    """The configured provider; manual unless PAYMENT_PROVIDER is 'stripe'."""
    if current_app.config.get("PAYMENT_PROVIDER") == "stripe":
        return StripeProvider(current_app.config)
    return ManualProvider()


def checkout(actor: User, invoice: Invoice) -> Checkout:
    """How the starter pays this invoice: bank details, or a Stripe PaymentIntent."""
    if invoice.starter_id != actor.id:
        raise PaymentsError(_("This is not your invoice."))
    if invoice.status != InvoiceStatus.OPEN or invoice.outstanding_cents <= 0:
        raise PaymentsError(_("This invoice is already paid."))
    try:
        return provider().checkout(invoice)
    except stripe.StripeError as exc:
        current_app.logger.warning("stripe checkout failed for invoice %s: %s", invoice.id, exc)
        raise PaymentsError(
            _(
                "Online payment is not available right now. Try again later, or "
                "pay by bank transfer."
            )
        ) from exc


def payment_status(actor: User, invoice: Invoice, intent_id: str | None) -> str:
    """The status Stripe reports for one of this invoice's intents (the webhook books it)."""
    if invoice.starter_id != actor.id:
        raise PaymentsError(_("This is not your invoice."))
    record = db.session.scalar(
        sa.select(PaymentIntentRecord).where(
            PaymentIntentRecord.intent_id == (intent_id or ""),
            PaymentIntentRecord.invoice_id == invoice.id,
        )
    )
    if record is None:
        return "unknown"
    if isinstance(provider(), StripeProvider) and record.status != "succeeded":
        try:
            return provider().retrieve_intent(record.intent_id).status
        except stripe.StripeError:
            return record.status
    return record.status


# Webhooks ----------------------------------------------------------------------------------


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


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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


def _issue(kind: IssueKind, source: str, invoice: Invoice | None = None, **values) -> str:
    db.session.add(
        PaymentIssue(
            kind=kind,
            source=source[:255],
            invoice_id=invoice and invoice.id,
            organisation_id=invoice and invoice.organisation_id,
            **values,
        )
    )
    db.session.flush()
    return kind.value


def _intent_and_invoice(obj: dict) -> tuple[PaymentIntentRecord | None, Invoice | None]:
    intent_id = (
        obj.get("id") if obj.get("object") == "payment_intent" else obj.get("payment_intent")
    )
    record = db.session.scalar(
        sa.select(PaymentIntentRecord).where(PaymentIntentRecord.intent_id == str(intent_id or ""))
    )
    if record is not None:
        return record, record.invoice
    invoice_id = str((obj.get("metadata") or {}).get("invoice_id") or "")
    invoice = db.session.get(Invoice, int(invoice_id)) if invoice_id.isdigit() else None
    return None, invoice


def _event_day(created: int) -> date:
    return min(datetime.fromtimestamp(created, UTC).date(), clock.today())


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
            status="requires_payment_method",
        )
        db.session.add(record)
    if record.payment_id is not None:
        return "already_booked"
    amount = obj.get("amount_received") or obj.get("amount")
    currency = str(obj.get("currency") or "").lower()
    if currency != CURRENCY:
        record.status = "flagged"
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
        record.status = "flagged"
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
        record.status = "flagged"
        return _issue(
            IssueKind.NOT_BOOKABLE,
            intent_id,
            invoice,
            received_cents=amount,
            expected_cents=invoice.outstanding_cents,
            detail=str(exc)[:300],
        )
    record.payment_id = payment.id
    record.status = "succeeded"
    return "booked"


def _on_intent_failed(obj: dict, event_id: str, created: int) -> str:
    record, invoice = _intent_and_invoice(obj)
    if invoice is None:
        return "unknown_invoice"
    if record is not None and record.status == "succeeded":
        return "ignored_after_success"  # a late, out-of-order failure of an earlier attempt
    if record is not None:
        record.status = "requires_payment_method"
    data = {"number": invoice.number, "amount": format_eur(invoice.outstanding_cents)}
    starter = db.session.get(User, invoice.starter_id)
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
    payment = db.session.get(Payment, record.payment_id)
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
    invoice.status = InvoiceStatus.OPEN
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


def _disputed_payment(obj: dict) -> tuple[str, Invoice | None, Payment | None, str | None]:
    """The dispute's id, its invoice and booked payment, or the issue recorded instead."""
    dispute_id = str(obj.get("id"))
    record, invoice = _intent_and_invoice(obj)
    amount = obj.get("amount")
    if record is None or invoice is None:
        return (
            dispute_id,
            None,
            None,
            _issue(
                IssueKind.UNKNOWN_INVOICE,
                dispute_id,
                invoice,
                received_cents=amount,
                detail="dispute",
            ),
        )
    invoice = billing.lock_invoice(invoice.id)  # events about one dispute at once book once
    db.session.refresh(record)
    if record.payment_id is None:
        return (
            dispute_id,
            invoice,
            None,
            _issue(
                IssueKind.NOT_BOOKABLE,
                dispute_id,
                invoice,
                received_cents=amount,
                detail="dispute of a payment that was not booked",
            ),
        )
    return dispute_id, invoice, db.session.get(Payment, record.payment_id), None


def _dispute_booked(key: str) -> bool:
    return db.session.scalar(sa.select(Posting.id).where(Posting.key == key)) is not None


def _tell_staff_of_dispute(invoice: Invoice, kind: str, amount: object) -> None:
    starter = db.session.get(User, invoice.starter_id)
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
    dispute_id, invoice, payment, issue = _disputed_payment(obj)
    if issue is not None:
        return issue
    status = str(obj.get("status") or "")
    amount = obj.get("amount")
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
    record = db.session.scalar(
        sa.select(PaymentIntentRecord).where(PaymentIntentRecord.payment_id == payment.id)
    )
    if not _whole(amount) or not 0 < amount <= payment.amount_cents - record.refunded_cents:
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
    invoice.status = InvoiceStatus.OPEN
    detail = f"{str(obj.get('reason'))[:100]}"
    if payment.settlement_id is not None:
        detail += f"; settlement {payment.settlement_id}"
    _issue(IssueKind.DISPUTE, dispute_id, invoice, received_cents=amount, detail=detail)
    _tell_staff_of_dispute(invoice, "payment.disputed_staff", amount)
    return "dispute_booked"


def _on_dispute_reinstated(obj: dict, event_id: str, created: int) -> str:
    """The dispute was decided in our favour: the money comes back, the reversal is undone."""
    dispute_id, invoice, payment, issue = _disputed_payment(obj)
    if issue is not None:
        return issue
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
    amount = obj.get("amount")
    if not _whole(amount) or not 0 < amount <= invoice.outstanding_cents:
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
        invoice.status = InvoiceStatus.PAID
    _tell_staff_of_dispute(invoice, "payment.dispute_won_staff", amount)
    return "dispute_reinstated"


def _on_dispute_closed(obj: dict, event_id: str, created: int) -> str:
    """The outcome reaches staff; the money moved with the withdrawal and reinstatement."""
    dispute_id, invoice, payment, issue = _disputed_payment(obj)
    if issue is not None:
        return issue
    status = str(obj.get("status") or "")
    if status == "lost":
        _tell_staff_of_dispute(invoice, "payment.dispute_lost_staff", obj.get("amount"))
    return f"dispute_{status[:20] or 'closed'}"


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


# Payouts -----------------------------------------------------------------------------------


def landlord_shares(settlement: Settlement) -> dict[int, int]:
    """What each landlord receives from a settlement, in cents."""
    shares: dict[int, int] = {}
    for line in settlement.lines:
        if line.beneficiary == Beneficiary.LANDLORD and line.amount_cents > 0:
            shares[line.landlord_id] = shares.get(line.landlord_id, 0) + line.amount_cents
    return dict(sorted(shares.items()))


def payout_account(landlord: User, create: bool = True) -> PayoutAccount:
    """The landlord's payout account; a new one is stored only when `create` (to show an
    empty form, pass create=False: a page that only shows writes nothing)."""
    account = db.session.scalar(
        sa.select(PayoutAccount).where(PayoutAccount.landlord_id == landlord.id)
    )
    if account is None:
        account = PayoutAccount(landlord_id=landlord.id, onboarding=OnboardingStatus.NONE)
        if create:
            db.session.add(account)
            db.session.flush()
    return account


def save_bank_account(landlord: User, holder_name: str, iban: str) -> PayoutAccount:
    """A landlord's IBAN for payouts by bank transfer."""
    iban = normalise_iban(iban)
    if not valid_iban(iban):
        raise PaymentsError(_("This is not a valid IBAN."))
    account = payout_account(landlord)
    account.holder_name = holder_name.strip()[:70] or landlord.name[:70]
    account.iban = iban
    db.session.flush()
    return account


def start_onboarding(landlord: User, refresh_url: str, return_url: str) -> str:
    """Create (once) the landlord's Stripe Express account; return its onboarding link."""
    stripe_provider = provider()
    if not isinstance(stripe_provider, StripeProvider):
        raise PaymentsError(_("Payouts through Stripe are not configured."))
    account = payout_account(landlord)
    try:
        if account.stripe_account_id is None:
            account.stripe_account_id = stripe_provider.create_account(landlord).id
            account.onboarding = OnboardingStatus.PENDING
            db.session.flush()
        return stripe_provider.account_link(account.stripe_account_id, refresh_url, return_url)
    except stripe.StripeError as exc:
        raise PaymentsError(_("Stripe could not be reached. Try again later.")) from exc


def refresh_onboarding(landlord: User) -> PayoutAccount:
    """After onboarding: ask Stripe whether the account can receive transfers."""
    account = payout_account(landlord)
    stripe_provider = provider()
    if account.stripe_account_id and isinstance(stripe_provider, StripeProvider):
        try:
            remote = stripe_provider.retrieve_account(account.stripe_account_id)
        except stripe.StripeError as exc:
            raise PaymentsError(_("Stripe could not be reached. Try again later.")) from exc
        remote = remote.to_dict()
        complete = bool(remote.get("details_submitted")) and bool(remote.get("payouts_enabled"))
        account.onboarding = OnboardingStatus.COMPLETE if complete else OnboardingStatus.PENDING
        db.session.flush()
    return account


def _payouts_for(settlement: Settlement, method: PayoutMethod) -> list[Payout]:
    """One payout row per landlord (created once); refuses a settlement not approved. The
    settlement stays locked until the commit, so two admins paying out at once pay once."""
    settlement = billing.lock_settlement(settlement.id)
    if settlement.status != SettlementStatus.APPROVED:
        raise PaymentsError(_("Only an approved settlement can be paid out."))
    existing = {
        p.landlord_id: p
        for p in db.session.scalars(sa.select(Payout).where(Payout.settlement_id == settlement.id))
    }
    payouts = []
    for landlord_id, cents in landlord_shares(settlement).items():
        payout = existing.get(landlord_id)
        if payout is None:
            payout = Payout(
                settlement_id=settlement.id,
                landlord_id=landlord_id,
                amount_cents=cents,
                method=method,
                attempts=0,
                key_version=1,
                status=PayoutStatus.PENDING,
            )
            db.session.add(payout)
        elif payout.status != PayoutStatus.SENT:
            payout.method = method
        payouts.append(payout)
    db.session.flush()
    return payouts


def _accounts(landlord_ids: list[int]) -> dict[int, PayoutAccount]:
    return {
        a.landlord_id: a
        for a in db.session.scalars(
            sa.select(PayoutAccount).where(PayoutAccount.landlord_id.in_(landlord_ids))
        )
    }


def _names(landlord_ids: list[int]) -> str:
    return ", ".join(
        db.session.scalars(
            sa.select(User.name).where(User.id.in_(landlord_ids)).order_by(User.name)
        )
    )


def pay_by_stripe(actor: User, settlement: Settlement) -> list[Payout]:
    """Transfer each landlord's share to their Connect account (transfer group = the
    settlement); a failed transfer is reported and can be retried with the same key."""
    organisation_id = settlement.collective.organisation_id
    _staff(actor, organisation_id, MemberRole.ADMIN)
    stripe_provider = provider()
    if not isinstance(stripe_provider, StripeProvider):
        raise PaymentsError(_("Payouts through Stripe are not configured."))
    payouts = _payouts_for(settlement, PayoutMethod.STRIPE)
    accounts = _accounts([p.landlord_id for p in payouts])
    missing = [
        p.landlord_id
        for p in payouts
        if p.landlord_id not in accounts
        or accounts[p.landlord_id].onboarding != OnboardingStatus.COMPLETE
    ]
    if missing:
        raise PaymentsError(
            _(
                "These landlords have not finished their Stripe onboarding: %(names)s.",
                names=_names(missing),
            )
        )
    for payout in payouts:
        if payout.status == PayoutStatus.SENT:
            continue
        payout.attempts += 1
        try:
            transfer = stripe_provider.transfer(
                payout, accounts[payout.landlord_id].stripe_account_id
            )
        except stripe.StripeError as exc:
            status = getattr(exc, "http_status", None) or 0
            if 400 <= status < 500 and status not in (409, 429):
                payout.key_version += 1  # declined, not made: a retry is a new request
            payout.status = PayoutStatus.FAILED
            payout.error = (getattr(exc, "user_message", None) or str(exc))[:300]
            db.session.add(
                PaymentIssue(
                    organisation_id=organisation_id,
                    kind=IssueKind.TRANSFER_FAILED,
                    source=f"settlement-{settlement.id}",
                    expected_cents=payout.amount_cents,
                    detail=payout.error,
                )
            )
        else:
            payout.status = PayoutStatus.SENT
            payout.transfer_id = transfer.id
            payout.error = None
        db.session.flush()
    if all(p.status == PayoutStatus.SENT for p in payouts):
        billing.mark_settlement_paid(actor, settlement, clock.today())
    record_event(
        actor,
        "payouts.stripe",
        settlement,
        organisation_id,
        sent=sum(p.status == PayoutStatus.SENT for p in payouts),
    )
    return payouts


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def pay_by_sepa(actor: User, settlement: Settlement, execution_date: date | None = None):
    """A pain.001 credit-transfer file paying every landlord's share from the organisation's
    account; the settlement is then paid (the organisation uploads the file to its bank)."""
    from vrijstad.payments import sepa

    organisation = db.session.get(Organisation, settlement.collective.organisation_id)
    _staff(actor, organisation.id, MemberRole.ADMIN)
    execution_date = execution_date or next_business_day(clock.today())
    if execution_date < clock.today():
        raise PaymentsError(_("The execution date cannot be in the past."))
    if not organisation.iban or not valid_iban(organisation.iban):
        raise PaymentsError(_("Enter the organisation's IBAN first."))
    payouts = _payouts_for(settlement, PayoutMethod.SEPA)
    if not payouts:
        raise PaymentsError(_("There is nothing to pay out to landlords."))
    accounts = _accounts([p.landlord_id for p in payouts])
    missing = [
        p.landlord_id
        for p in payouts
        if p.landlord_id not in accounts or not valid_iban(accounts[p.landlord_id].iban or "")
    ]
    if missing:
        raise PaymentsError(
            _("These landlords have no valid IBAN yet: %(names)s.", names=_names(missing))
        )
    batch = sepa.build_batch(organisation, settlement, payouts, accounts, execution_date)
    batch.created_by_id = actor.id
    db.session.add(batch)
    db.session.flush()
    for payout in payouts:
        payout.status = PayoutStatus.SENT
        payout.iban = accounts[payout.landlord_id].iban
        payout.batch_id = batch.id
        payout.attempts += 1
    billing.mark_settlement_paid(actor, settlement, execution_date)
    record_event(actor, "payouts.sepa", settlement, organisation.id, cents=batch.total_cents)
    return batch


def issue_label(kind: IssueKind) -> str:
    return {
        IssueKind.AMOUNT_MISMATCH: _("amount differs from the invoice"),
        IssueKind.CURRENCY_MISMATCH: _("currency is not euro"),
        IssueKind.UNKNOWN_INVOICE: _("unknown invoice"),
        IssueKind.NOT_BOOKABLE: _("could not be booked"),
        IssueKind.REFUND_AFTER_SETTLEMENT: _("refunded after the settlement"),
        IssueKind.TRANSFER_FAILED: _("payout transfer failed"),
        IssueKind.DISPUTE: _("disputed or reversed by the payer's bank"),
    }[IssueKind(kind)]


def payout_label(status: PayoutStatus) -> str:
    return {
        PayoutStatus.PENDING: _("pending"),
        PayoutStatus.SENT: _("sent"),
        PayoutStatus.FAILED: _("failed"),
    }[PayoutStatus(status)]
