"""At the same moment: one Stripe event delivered six times, two admins paying out one
settlement, one bank file uploaded three times. Money moves once, and nobody gets an error
page. On PostgreSQL only (see tests/races.py)."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.payments.conftest import bank_file, sign
from tests.payments.test_stripe import checkout, pay_with_card, stripe_event
from tests.races import at_once, client_of, postgresql_only
from vrijstad import clock
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice, InvoiceStatus, Payment, Settlement, SettlementStatus
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.organisations.models import MemberRole, Membership
from vrijstad.payments import services
from vrijstad.payments.models import BankLine, PayoutBatch, StripeEvent


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
        response = client.post(
            "/webhooks/stripe",
            data=payload,
            csrf=False,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        )
        return response.status_code, (response.json or {}).get("outcome")

    results = at_once([client_of(stripe_app) for _ in range(6)], deliver)
    assert all(isinstance(r, tuple) and 200 <= r[0] < 300 for r in results), results
    assert sorted(outcome for _status, outcome in results) == ["booked"] + ["duplicate"] * 5
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(StripeEvent.id))) == 1
    assert ledger.balance(org, ledger.bank(org)) == 114_950
    assert db.session.get(Invoice, invoice_id).status == InvoiceStatus.PAID


def test_two_admins_paying_out_one_settlement_at_once_pay_once(
    app, ctx, collective, place, make_user
):
    nov = date(2026, 11, 1)
    invoice = billing.issue_invoice(place(base=100_000), nov, issued_on=nov + timedelta(1))
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    settlement = billing.calculate_settlement(None, collective, nov)
    billing.approve_settlement(collective.staff, settlement)
    landlord = collective.units[0].owner
    services.save_bank_account(landlord, landlord.name, "NL91ABNA0417164300")
    second = make_user("staff", name="Tweede Beheerder")
    db.session.add(
        Membership(user=second, organisation_id=collective.organisation_id, role=MemberRole.ADMIN)
    )
    db.session.commit()
    admins, settlement_id, landlord_id = [collective.staff, second], settlement.id, landlord.id
    admin_ids = {admin.id for admin in admins}
    day = services.next_business_day(clock.today()).isoformat()
    org = collective.organisation_id
    clients = [client_of(app, admin) for admin in admins]
    db.session.remove()

    def pay(client, i):
        return client.post(
            f"/settlements/{settlement_id}/payouts/sepa", data={"execution_date": day}
        ).status_code

    assert at_once(clients, pay) == [302, 302]
    assert db.session.scalar(sa.select(sa.func.count(PayoutBatch.id))) == 1
    batch_id = db.session.scalar(sa.select(PayoutBatch.id))
    # Both confirm at once that the bank executed the file: one confirmation books it.
    db.session.remove()

    def confirm(client, i):
        return client.post(
            f"/payout-batches/{batch_id}/executed", data={"executed_on": clock.today().isoformat()}
        ).status_code

    assert at_once(clients, confirm) == [302, 302]
    assert db.session.get(Settlement, settlement_id).status == SettlementStatus.PAID
    assert db.session.get(PayoutBatch, batch_id).decided_by_id in admin_ids
    assert ledger.balance(org, ledger.payable(landlord_id)) == 0  # paid out once, not twice


@pytest.mark.clock("2026-12-10T10:00")
def test_one_bank_file_imported_twice_at_once_books_once(app, collective, named):
    """Two uploads of one statement (and one of a copy with other bytes) at the same moment:
    the organisation's imports queue, the later ones find the lines and book nothing."""
    data = bank_file("camt053_v02.xml", collective.organisation_id)
    files = [data, data, data.replace(b"<MsgId>", b"<MsgId>COPY-")]
    org = collective.organisation_id
    clients = [client_of(app, collective.staff) for _ in files]
    db.session.remove()

    def send(client, i):
        return client.post(
            f"/organisations/{org}/bank-import",
            data={"statement": (io.BytesIO(files[i]), f"{i}.xml")},
            content_type="multipart/form-data",
        ).status_code

    assert sorted(at_once(clients, send)) == [302, 422, 422]
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(BankLine.id))) == 5
    assert ledger.balance(org, ledger.bank(org)) == 114_950 + 96_800
