"""The payment pages: manual provider by default, only your own invoice, staff pages scoped."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.extensions import db
from vrijstad.payments import services
from vrijstad.payments.models import PaymentIntentRecord, PaymentIssue, PayoutAccount

NOV = date(2026, 11, 1)

# The collective's scenario is set in the autumn of 2026 (placements from 1 January, November
# invoiced and paid, December's late payments): these tests run on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")


@pytest.fixture
def invoice(ctx, place):
    item = billing.issue_invoice(place(base=95_000), NOV, issued_on=NOV + timedelta(1))
    db.session.commit()
    return item


def test_manual_provider_is_the_default_and_needs_no_keys(app, client, login, invoice):
    assert app.config["PAYMENT_PROVIDER"] == "manual" and not app.config["STRIPE_SECRET_KEY"]
    assert isinstance(services.provider(), services.ManualProvider)
    login(db.session.get(User, invoice.starter_id))
    page = client.get(f"/invoices/{invoice.id}/pay")
    assert page.status_code == 200
    assert invoice.reference in page.text and "NL91 ABNA 0417 1643 00" in page.text
    assert "js.stripe.com" not in page.text
    assert "stripe" not in page.headers["Content-Security-Policy"]
    assert db.session.scalar(sa.select(sa.func.count(PaymentIntentRecord.id))) == 0


def test_another_starter_cannot_pay_or_see_the_invoice(client, login, invoice, make_starter):
    login(make_starter(name="Bram"))
    assert client.get(f"/invoices/{invoice.id}/pay").status_code == 404
    assert client.get(f"/invoices/{invoice.id}/pay/return?payment_intent=pi_x").status_code == 404


def test_a_paid_invoice_is_not_paid_again(client, login, invoice):
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    db.session.commit()
    login(db.session.get(User, invoice.starter_id))
    assert client.get(f"/invoices/{invoice.id}/pay").status_code == 409


def test_webhook_without_configuration_is_refused(client):
    response = client.post(
        "/webhooks/stripe", data=b"{}", csrf=False, headers={"Stripe-Signature": "t=1,v1=00"}
    )
    assert response.status_code == 400


def test_staff_see_their_issues_others_get_403(client, login, collective, invoice, make_org):
    db.session.add(
        PaymentIssue(
            organisation_id=invoice.organisation_id,
            invoice_id=invoice.id,
            kind="amount_mismatch",
            source="pi_1",
            expected_cents=114_950,
            received_cents=100,
        )
    )
    db.session.commit()
    issue_id = db.session.scalar(sa.select(PaymentIssue.id))
    login(make_org().test_staff)
    assert (
        client.get(f"/organisations/{collective.organisation_id}/payment-issues").status_code == 403
    )
    assert client.post(f"/payment-issues/{issue_id}/resolve").status_code == 403
    client.post("/logout")
    login(collective.staff)
    page = client.get(f"/organisations/{collective.organisation_id}/payment-issues")
    assert page.status_code == 200 and "pi_1" in page.text
    assert client.post(f"/payment-issues/{issue_id}/resolve").status_code == 302
    assert db.session.scalar(sa.select(PaymentIssue.resolved_at)) is not None


def test_landlord_saves_a_payout_iban(client, login, make_user):
    landlord = make_user("landlord")
    login(landlord)
    assert client.get("/my/payout-account").status_code == 200
    bad = client.post("/my/payout-account", data={"holder_name": "L", "iban": "NL00XXXX0000"})
    assert bad.status_code == 422
    # Looking at the form, or sending a wrong IBAN, stores no payout account.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PayoutAccount)) == 0
    data = {"holder_name": "L. Eigenaar", "iban": "nl91 abna 0417 1643 00"}
    ok = client.post("/my/payout-account", data=data)
    assert ok.status_code == 302
    assert services.payout_account(landlord).iban == "NL91ABNA0417164300"


def test_bank_import_page_and_return_page_render(client, login, collective, invoice):
    login(collective.staff)
    assert client.get(f"/organisations/{collective.organisation_id}/bank-import").status_code == 200
    client.post("/logout")
    login(db.session.get(User, invoice.starter_id))
    page = client.get(f"/invoices/{invoice.id}/pay/return?payment_intent=pi_unknown")
    assert page.status_code == 200
