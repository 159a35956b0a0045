"""Card disputes (chargebacks) and SEPA Direct Debit reversals reach Stripe as
`charge.dispute.*` events: the money leaves the balance, so the payment is reversed in the
ledger, the invoice is open again and staff are told; a won dispute books it back."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.payments.conftest import event
from vrijstad.auth.models import User
from vrijstad.billing.models import InvoiceStatus
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.notifications.models import Notification
from vrijstad.payments import services
from vrijstad.payments.models import IssueKind, PaymentIssue

pytestmark = pytest.mark.clock("2026-12-10T10:00")

TOTAL = 114_950


@pytest.fixture
def paid(stripe_app, deliver, invoice):
    """The invoice paid online: its intent made by checkout, the success event booked."""
    starter = db.session.get(User, invoice.starter_id)
    intent_id = services.checkout(starter, invoice).client_secret.split("_secret_")[0]
    db.session.commit()
    succeeded = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": TOTAL,
        "amount_received": TOTAL,
        "currency": "eur",
    }
    assert deliver(event("payment_intent.succeeded", succeeded)).json["outcome"] == "booked"
    db.session.expire_all()
    assert invoice.status == InvoiceStatus.PAID
    return invoice, intent_id


def dispute(
    intent_id: str, status: str = "needs_response", amount: int = TOTAL, reason: str = "fraudulent"
) -> dict:
    return {
        "id": "dp_test_1",
        "object": "dispute",
        "amount": amount,
        "currency": "eur",
        "charge": "ch_test_1",
        "payment_intent": intent_id,
        "reason": reason,
        "status": status,
    }


def balances(invoice) -> tuple[int, int]:
    org = invoice.organisation_id
    return (
        ledger.balance(org, ledger.bank(org)),
        ledger.balance(org, ledger.receivable(invoice.starter_id)),
    )


def staff_messages(collective) -> list[str]:
    return db.session.scalars(
        sa.select(Notification.kind)
        .where(Notification.user_id == collective.staff.id)
        .order_by(Notification.id)
    ).all()


def test_a_dispute_reverses_the_payment_once_and_tells_staff(paid, deliver, collective):
    invoice, intent_id = paid
    opened = deliver(event("charge.dispute.created", dispute(intent_id)))
    assert opened.json["outcome"] == "dispute_booked"
    # Stripe also sends funds_withdrawn for the same dispute: booked once
    withdrawn = deliver(event("charge.dispute.funds_withdrawn", dispute(intent_id)))
    assert withdrawn.json["outcome"] == "already_booked"
    db.session.expire_all()
    assert invoice.status == InvoiceStatus.OPEN and invoice.paid_cents == 0
    assert balances(invoice) == (0, TOTAL)
    issue = db.session.scalars(sa.select(PaymentIssue)).one()
    assert (issue.kind, issue.received_cents, issue.detail) == (
        IssueKind.DISPUTE,
        TOTAL,
        "fraudulent",
    )
    assert staff_messages(collective) == ["payment.disputed_staff"]


def test_a_won_dispute_books_the_money_back(paid, deliver, collective):
    invoice, intent_id = paid
    deliver(event("charge.dispute.created", dispute(intent_id)))
    won = dispute(intent_id, status="won")
    assert deliver(event("charge.dispute.funds_reinstated", won)).json["outcome"] == (
        "dispute_reinstated"
    )
    assert deliver(event("charge.dispute.funds_reinstated", won)).json["outcome"] == (
        "already_booked"
    )
    assert deliver(event("charge.dispute.closed", won)).json["outcome"] == "dispute_won"
    db.session.expire_all()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_cents == TOTAL
    assert balances(invoice) == (TOTAL, 0)
    assert staff_messages(collective) == ["payment.disputed_staff", "payment.dispute_won_staff"]


def test_a_lost_dispute_leaves_the_invoice_open_and_says_so(paid, deliver, collective):
    invoice, intent_id = paid
    deliver(event("charge.dispute.created", dispute(intent_id)))
    lost = deliver(event("charge.dispute.closed", dispute(intent_id, status="lost")))
    assert lost.json["outcome"] == "dispute_lost"
    db.session.expire_all()
    assert invoice.status == InvoiceStatus.OPEN and balances(invoice) == (0, TOTAL)
    assert staff_messages(collective)[-1] == "payment.dispute_lost_staff"


def test_a_sepa_debit_reversal_of_part_of_the_payment(paid, deliver):
    invoice, intent_id = paid
    reversal = dispute(intent_id, amount=40_000, reason="debit_not_authorized")
    assert deliver(event("charge.dispute.created", reversal)).json["outcome"] == "dispute_booked"
    db.session.expire_all()
    assert invoice.paid_cents == TOTAL - 40_000 and invoice.status == InvoiceStatus.OPEN
    assert balances(invoice) == (TOTAL - 40_000, 40_000)


def test_an_inquiry_moves_no_money(paid, deliver, collective):
    invoice, intent_id = paid
    inquiry = dispute(intent_id, status="warning_needs_response")
    assert deliver(event("charge.dispute.created", inquiry)).json["outcome"] == "dispute_inquiry"
    db.session.expire_all()
    assert invoice.status == InvoiceStatus.PAID and balances(invoice) == (TOTAL, 0)
    assert staff_messages(collective) == ["payment.disputed_staff"]


def test_disputes_that_cannot_be_booked_become_issues(paid, stripe_app, deliver):
    invoice, intent_id = paid
    unknown = dispute("pi_nobody")
    assert deliver(event("charge.dispute.created", unknown)).json["outcome"] == "unknown_invoice"
    too_much = dispute(intent_id, amount=TOTAL + 1) | {"id": "dp_test_2"}
    assert deliver(event("charge.dispute.created", too_much)).json["outcome"] == ("amount_mismatch")
    never = dispute(intent_id) | {"id": "dp_test_3"}
    assert deliver(event("charge.dispute.funds_reinstated", never)).json["outcome"] == (
        "not_bookable"
    )
    db.session.expire_all()
    assert invoice.status == InvoiceStatus.PAID and balances(invoice) == (TOTAL, 0)


def test_the_readme_lists_every_webhook_event_handled():
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for kind in services.WEBHOOK_EVENTS:
        assert f"`{kind}`" in text, kind
