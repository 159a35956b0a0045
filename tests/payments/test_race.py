"""One Stripe event delivered six times at the same moment: booked once, never an error page.
On PostgreSQL only (see tests/races.py)."""

import pytest
import sqlalchemy as sa

from tests.payments.conftest import sign
from tests.payments.test_stripe import checkout, pay_with_card, stripe_event
from tests.races import at_once, client_of, postgresql_only
from vrijstad.billing.models import Invoice, InvoiceStatus, Payment
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.payments.models import StripeEvent


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgresql_only()


def test_six_simultaneous_deliveries_of_one_event_book_once(
    stripe_app, localstripe, stripe_client, invoice
):
    intent_id = checkout(invoice).client_secret.split("_secret_")[0]
    pay_with_card(stripe_client, intent_id)
    payload = stripe_event(localstripe, "payment_intent.succeeded", intent_id)
    invoice_id, org = invoice.id, invoice.organisation_id
    db.session.remove()

    def deliver(client, i):
        response = client.post("/webhooks/stripe", data=payload, csrf=False, headers={
            "Content-Type": "application/json", "Stripe-Signature": sign(payload)})  # fmt: skip
        return response.status_code, (response.json or {}).get("outcome")

    results = at_once([client_of(stripe_app) for _ in range(6)], deliver)
    assert all(isinstance(r, tuple) and 200 <= r[0] < 300 for r in results), results
    assert sorted(outcome for _status, outcome in results) == ["booked"] + ["duplicate"] * 5
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 1
    assert ledger.balance(org, ledger.bank(org)) == 114_950
    assert db.session.get(Invoice, invoice_id).status == InvoiceStatus.PAID
