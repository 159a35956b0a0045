"""The payments port: a manual provider (bank transfer) and Stripe (PaymentIntents, Connect
accounts and transfers); only this module talks to Stripe's API."""

from dataclasses import dataclass

import sqlalchemy as sa
import stripe
from flask import current_app

from vrijstad.auth.models import User
from vrijstad.billing.models import (
    Invoice,
    InvoiceStatus,
)
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.payments.models import IntentStatus, PaymentIntentRecord, Payout
from vrijstad.payments.services.common import CURRENCY, PaymentsError, move_intent

#: The methods a starter may pay with. Since API version 2026-09-30.endive they go in
#: `allowed_payment_method_types` (Stripe drops those the account or amount cannot take);
#: the old `payment_method_types` is refused with a 400.
PAYMENT_METHOD_TYPES = ["ideal", "card", "sepa_debit"]


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
                PaymentIntentRecord.status.not_in((IntentStatus.SUCCEEDED, IntentStatus.CANCELED)),
            )
            .order_by(PaymentIntentRecord.id.desc())
            .limit(1)
        )
        if record is not None:
            intent = self.client.v1.payment_intents.retrieve(record.intent_id)
            move_intent(record, IntentStatus.from_stripe(intent.status))
            return intent
        intent = self.client.v1.payment_intents.create(
            params={
                "amount": amount,
                "currency": CURRENCY,
                "allowed_payment_method_types": PAYMENT_METHOD_TYPES,
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
                    status=IntentStatus.from_stripe(intent.status),
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
    online = provider()
    if isinstance(online, StripeProvider) and record.status != IntentStatus.SUCCEEDED:
        try:
            return online.retrieve_intent(record.intent_id).status
        except stripe.StripeError:
            return record.status
    return record.status
