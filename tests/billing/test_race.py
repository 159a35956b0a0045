"""Two staff members record the full payment of one invoice at the same moment, and one form
is sent twice at once: the money is booked once. On PostgreSQL only (see tests/races.py)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.races import at_once, client_of, postgresql_only
from vrijstad import clock
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice, InvoiceStatus, Payment
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.organisations.models import MemberRole, Membership

NOV = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgresql_only()


@pytest.fixture
def open_invoice(ctx, collective, place):
    """An open invoice of € 181,50 (€ 150 + 21 % VAT)."""
    invoice = billing.issue_invoice(place(base=15_000), NOV, issued_on=NOV + timedelta(days=1))
    db.session.commit()
    assert invoice.total_cents == 18_150
    return invoice


def _colleague(collective, make_user):
    user = make_user("staff", name="Tweede Medewerker")
    db.session.add(
        Membership(user=user, organisation_id=collective.organisation_id, role=MemberRole.STAFF)
    )
    db.session.commit()
    return user


def _post_full_payment(invoice_id: int, key: str | None):
    def post(client, i):
        data = {"amount": "181,50", "received_on": clock.today().isoformat()}
        if key:
            data["key"] = key
        response = client.post(f"/invoices/{invoice_id}/payments", data=data)
        return response.status_code

    return post


def _booked(invoice_id: int) -> tuple[int, int, int]:
    invoice = db.session.get(Invoice, invoice_id)
    org = invoice.organisation_id
    payments = db.session.scalar(sa.select(sa.func.count(Payment.id)))
    return payments, ledger.balance(org, ledger.bank(org)), invoice.paid_cents


def test_two_staff_recording_one_payment_at_once_book_it_once(
    app, collective, open_invoice, make_user
):
    clients = [client_of(app, collective.staff), client_of(app, _colleague(collective, make_user))]
    invoice_id, page_url = open_invoice.id, f"/collectives/{collective.id}?period=2026-11"
    db.session.remove()
    statuses = at_once(clients, _post_full_payment(invoice_id, None))
    assert statuses == [302, 302]
    assert _booked(invoice_id) == (1, 18_150, 18_150)
    assert db.session.get(Invoice, invoice_id).status == InvoiceStatus.PAID
    # the one who lost the race is told why nothing was booked
    messages = []
    for client in clients:
        page = client.get(page_url)
        messages.append("al volledig betaald" in page.text)
    assert sorted(messages) == [False, True]


def test_one_form_sent_three_times_at_once_books_once_and_answers_each(
    app, collective, open_invoice
):
    clients = [client_of(app, collective.staff) for _ in range(3)]
    invoice_id, page_url = open_invoice.id, f"/collectives/{collective.id}?period=2026-11"
    db.session.remove()
    key = "double-click-key-0123456789"
    assert at_once(clients, _post_full_payment(invoice_id, key)) == [302, 302, 302]
    assert _booked(invoice_id) == (1, 18_150, 18_150)
    for client in clients:  # each tab is told the payment is recorded, none gets an error
        page = client.get(page_url)
        assert "Betaling vastgelegd voor factuur" in page.text
        assert "al volledig betaald" not in page.text
