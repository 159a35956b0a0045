"""Online payment through the real stripe SDK against localstripe; webhooks booked once."""

import contextlib
import json
import time

import pytest
import sqlalchemy as sa
import stripe

from tests.payments.conftest import event, get_json, sign
from vrijstad.auth.models import User
from vrijstad.billing.models import InvoiceStatus, Payment
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.notifications.models import Notification
from vrijstad.payments import services
from vrijstad.payments.models import IssueKind, PaymentIntentRecord, PaymentIssue, StripeEvent

# The collective's scenario is set in the autumn of 2026 (placements from 1 January, November
# invoiced and paid, December's late payments): these tests run on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")


def payments() -> int:
    return db.session.scalar(sa.select(sa.func.count(Payment.id)))


def checkout(invoice):
    starter = db.session.get(User, invoice.starter_id)
    result = services.checkout(starter, invoice)
    db.session.commit()
    return result


def pay_with_card(client, intent_id: str, number: str = "4242424242424242"):
    """Act as the customer: attach a test card to the intent and confirm it."""
    method = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    client.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    return client.v1.payment_intents.confirm(intent_id)


def stripe_event(base: str, kind: str, object_id: str) -> bytes:
    """The event localstripe made for an object, as Stripe would deliver it."""
    events = get_json(base, f"/v1/events?type={kind}&limit=100")["data"]
    found = [e for e in events if e["data"]["object"]["id"] == object_id]
    assert found, f"no {kind} event for {object_id}"
    return json.dumps(found[0]).encode()


def test_intent_per_invoice_in_exact_cents_created_once(stripe_app, localstripe, invoice):
    first = checkout(invoice)
    again = checkout(invoice)
    assert first.client_secret == again.client_secret
    intent_id = first.client_secret.split("_secret_")[0]
    remote = get_json(localstripe, f"/v1/payment_intents/{intent_id}")
    assert (remote["amount"], remote["currency"]) == (114_950, "eur")
    assert remote["metadata"]["invoice_id"] == str(invoice.id)
    assert db.session.scalar(sa.select(sa.func.count(PaymentIntentRecord.id))) == 1


def test_payment_page_shows_the_payment_element(stripe_app, localstripe, client, login, invoice):
    login(db.session.get(User, invoice.starter_id))
    page = client.get(f"/invoices/{invoice.id}/pay")
    assert page.status_code == 200
    assert f'src="{localstripe}/js.stripe.com/v3/"' in page.text
    assert "data-client-secret=" in page.text and "pk_test_vrijstad" in page.text
    assert localstripe in page.headers["Content-Security-Policy"]
    assert "VS" in page.text  # the bank transfer stays possible


def test_succeeded_webhook_books_once_even_when_delivered_twice(
    stripe_app, localstripe, stripe_client, deliver, invoice
):
    intent_id = checkout(invoice).client_secret.split("_secret_")[0]
    assert pay_with_card(stripe_client, intent_id).status == "succeeded"
    payload = stripe_event(localstripe, "payment_intent.succeeded", intent_id)
    first, second = deliver(payload), deliver(payload)
    assert (first.status_code, first.json["outcome"]) == (200, "booked")
    assert (second.status_code, second.json["outcome"]) == (200, "duplicate")
    # the same payment in a new event (Stripe resends, or events arrive out of order)
    late_failure = event("payment_intent.payment_failed", json.loads(payload)["data"]["object"])
    assert deliver(late_failure).json["outcome"] == "ignored_after_success"
    db.session.expire_all()
    assert payments() == 1 and invoice.status == InvoiceStatus.PAID
    assert ledger.balance(invoice.organisation_id, ledger.bank(invoice.organisation_id)) == 114_950
    assert ledger.balance(invoice.organisation_id, ledger.receivable(invoice.starter_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 2


def test_forged_stale_or_missing_signatures_are_refused(stripe_app, deliver, invoice):
    obj = {
        "id": "pi_forged",
        "object": "payment_intent",
        "amount": 114_950,
        "currency": "eur",
        "metadata": {"invoice_id": str(invoice.id)},
    }
    payload = event("payment_intent.succeeded", obj)
    assert deliver(payload, sign(payload, secret="whsec_wrong")).status_code == 400
    assert deliver(payload, sign(payload, timestamp=int(time.time()) - 3600)).status_code == 400
    assert deliver(payload, None).status_code == 400
    assert deliver(payload + b" ", sign(payload)).status_code == 400  # body changed after signing
    assert deliver(b"not json at all").status_code == 400
    assert payments() == 0
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 0
    assert deliver(payload).json["outcome"] == "booked"  # the genuine one is fine


def test_amount_or_currency_mismatch_is_flagged_not_booked(stripe_app, deliver, invoice):
    intent = checkout(invoice).client_secret.split("_secret_")[0]
    short = {"id": intent, "object": "payment_intent", "amount": 100, "currency": "eur"}
    assert deliver(event("payment_intent.succeeded", short)).json["outcome"] == "amount_mismatch"
    dollars = short | {"amount": 114_950, "currency": "usd"}
    outcome = deliver(event("payment_intent.succeeded", dollars)).json["outcome"]
    assert outcome == "currency_mismatch"
    unknown = {
        "id": "pi_nobody",
        "object": "payment_intent",
        "amount": 5,
        "currency": "eur",
        "metadata": {"invoice_id": "999999"},
    }
    assert deliver(event("payment_intent.succeeded", unknown)).json["outcome"] == "unknown_invoice"
    kinds = db.session.scalars(sa.select(PaymentIssue.kind).order_by(PaymentIssue.id)).all()
    assert kinds == [
        IssueKind.AMOUNT_MISMATCH,
        IssueKind.CURRENCY_MISMATCH,
        IssueKind.UNKNOWN_INVOICE,
    ]
    assert payments() == 0


def test_refund_books_a_reversal_once(stripe_app, localstripe, stripe_client, deliver, invoice):
    intent_id = checkout(invoice).client_secret.split("_secret_")[0]
    pay_with_card(stripe_client, intent_id)
    deliver(stripe_event(localstripe, "payment_intent.succeeded", intent_id))
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent_id, "amount": 50_000})
    charge = get_json(localstripe, f"/v1/charges/{refund.charge}")
    assert charge["amount_refunded"] == 50_000
    payload = event("charge.refunded", charge)
    assert deliver(payload).json["outcome"] == "refund_booked"
    assert deliver(payload).json["outcome"] == "duplicate"
    again = event("charge.refunded", charge)  # the same refund state in another event
    assert deliver(again).json["outcome"] == "already_booked"
    db.session.expire_all()
    assert invoice.paid_cents == 64_950 and invoice.status == InvoiceStatus.OPEN
    org = invoice.organisation_id
    assert ledger.balance(org, ledger.receivable(invoice.starter_id)) == 50_000
    assert ledger.balance(org, ledger.bank(org)) == 64_950


def test_failed_payment_notifies_starter_and_staff(
    stripe_app, localstripe, stripe_client, deliver, invoice, collective, outbox
):
    intent_id = checkout(invoice).client_secret.split("_secret_")[0]
    with contextlib.suppress(stripe.CardError):  # the card is declined
        pay_with_card(stripe_client, intent_id, number="4000000000000341")
    payload = stripe_event(localstripe, "payment_intent.payment_failed", intent_id)
    assert deliver(payload).json["outcome"] == "notified"
    assert deliver(payload).json["outcome"] == "duplicate"
    notified = db.session.scalars(sa.select(Notification.user_id).order_by(Notification.id)).all()
    assert notified == [invoice.starter_id, collective.staff.id]
    assert len(outbox()) == 2 and payments() == 0


def test_a_network_error_on_create_is_retried_with_the_same_key(fake_stripe, invoice):
    fake_stripe.fail("/v1/payment_intents", times=1, status=500)
    result = checkout(invoice)
    attempts = fake_stripe.to("/v1/payment_intents")
    assert len(attempts) == 2
    assert {a["idempotency_key"] for a in attempts} == {f"invoice-{invoice.id}-114950"}
    assert attempts[1]["form"]["amount"] == "114950" and attempts[1]["form"]["currency"] == "eur"
    offered = attempts[1]["form"].items()
    assert not [k for k in attempts[1]["form"] if k.startswith("payment_method_types")]
    assert [v for k, v in offered if k.startswith("allowed_payment_method_types")] == [
        "ideal",
        "card",
        "sepa_debit",
    ]
    assert result.client_secret.startswith("pi_fake")


def test_signed_events_with_values_out_of_range_are_refused_with_a_reason(
    stripe_app, deliver, invoice
):
    obj = {
        "id": "pi_odd",
        "object": "payment_intent",
        "amount": 114_950,
        "currency": "eur",
        "metadata": {"invoice_id": str(invoice.id)},
    }

    def signed(created=None, **changes):
        data = json.loads(event("payment_intent.succeeded", obj | changes))
        if created is not None:
            data["created"] = created
        return json.dumps(data).encode()

    cases = {
        "'created'": [10**20, -1, 0, "1764700000", 1.5, int(time.time()) + 86_400],
        "'invoice_id'": [
            {"metadata": {"invoice_id": v}}
            for v in ("99999999999999999999", "1.5", "-3", "١٢", "²", 12)
        ],
        "'amount'": [{"amount": v} for v in (10**30, -5, "100", True)],
    }
    for reason, values in cases.items():
        for value in values:
            payload = signed(value) if reason == "'created'" else signed(**value)
            response = deliver(payload)
            assert response.status_code == 400, (reason, value, response.text)
            assert reason in response.json["error"]
    assert payments() == 0
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 0
    assert deliver(signed()).json["outcome"] == "booked"
