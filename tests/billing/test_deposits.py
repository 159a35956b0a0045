"""Deposits: invoiced without VAT at the start, held as a liability, returned minus damages."""

from datetime import date

import pytest
import sqlalchemy as sa

from vrijstad.billing import services as billing
from vrijstad.billing.models import InvoiceKind, InvoiceStatus, Payment
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.letting import services as letting
from vrijstad.letting.placements import end_placement
from vrijstad.notifications.models import Notification

pytestmark = pytest.mark.clock("2026-12-10T10:00")
DEC = date(2026, 12, 1)


def started(place, deposit=190_000, **extra):
    """A placement with a deposit that the daily run starts on 1 December."""
    values = {"start_date": DEC, "end_date": date(2027, 6, 1)} | extra
    placement = place(base=50_000, deposit_cents=deposit, **values)
    letting.start_placements(date(2026, 12, 10))
    return placement


def ended(place, deposit=190_000):
    """A placement that ran 1 January – 1 December with its deposit paid in full."""
    placement = place(base=50_000, deposit_cents=deposit, start_date=date(2026, 1, 1), end_date=DEC)
    invoice = billing.issue_deposit_invoice(placement, date(2026, 1, 1))
    billing.record_payment(None, invoice, deposit, date(2026, 1, 5))
    end_placement(None, placement, "ended")
    return placement


def org_balance(placement, account):
    return ledger.balance(placement.organisation_id, account)


def test_a_started_placement_gets_one_deposit_invoice_without_vat(ctx, place):
    placement = started(place)
    invoices = billing.deposit_state(placement)
    invoice = invoices.invoice
    assert invoice is not None and invoice.kind == InvoiceKind.DEPOSIT
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (190_000, 0, 190_000)
    assert invoice.collective_id is None  # no settlement counts it
    assert "waarborgsom" in invoice.lines[0].description.lower()
    # the month's rent is a separate invoice of the same month
    rent = billing.issue_invoice(placement, DEC)
    assert rent.id != invoice.id and rent.kind == InvoiceKind.RENT
    assert billing.issue_deposit_invoice(placement).id == invoice.id  # once
    assert org_balance(placement, ledger.deposit_due(placement.id)) == -190_000
    assert ledger.total_of_all_entries() == 0


def test_the_deposit_invoice_is_announced_to_the_starter(ctx, place, outbox):
    placement = started(place)
    db.session.commit()
    invoice = billing.deposit_state(placement).invoice
    notices = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "invoice.issued")
    ).all()
    assert [n.data["invoice_id"] for n in notices] == [invoice.id]
    mails = [m for m in outbox() if m["Subject"].startswith(f"Factuur {invoice.number}:")]
    assert len(mails) == 1 and mails[0]["To"] == placement.starter.email


def test_no_deposit_no_invoice(ctx, place):
    placement = started(place, deposit=0)
    assert billing.deposit_state(placement).invoice is None


def test_paid_deposit_is_a_liability_never_revenue(ctx, collective, place):
    placement = started(place)
    invoice = billing.deposit_state(placement).invoice
    billing.record_payment(None, invoice, 100_000, date(2026, 12, 10))
    assert billing.deposit_state(placement).held_cents == 100_000
    billing.record_payment(None, invoice, 90_000, date(2026, 12, 10))
    assert invoice.status == InvoiceStatus.PAID
    assert org_balance(placement, ledger.deposit_held(placement.id)) == -190_000
    assert org_balance(placement, ledger.deposit_due(placement.id)) == 0
    assert org_balance(placement, ledger.income(placement.unit_id)) == 0
    settlement = billing.calculate_settlement(collective.staff, collective, date(2026, 12, 1))
    assert settlement.received_cents == 0  # the deposit is not revenue
    assert db.session.scalars(sa.select(Payment.settlement_id)).all() == [None, None]
    assert ledger.total_of_all_entries() == 0


def test_return_minus_damages_moves_the_liability_exactly(ctx, collective, place):
    placement = ended(place)
    returned = billing.return_deposit(
        collective.staff, placement, 35_055, "Broken shop window sticker"
    )
    assert (returned.held_cents, returned.damages_cents, returned.refund_cents) == (
        190_000,
        35_055,
        154_945,
    )
    assert org_balance(placement, ledger.deposit_held(placement.id)) == 0
    assert org_balance(placement, ledger.refund_due(placement.starter_id)) == -154_945
    landlord = collective.units[0].owner_id
    assert org_balance(placement, ledger.payable(landlord)) == -35_055
    assert ledger.total_of_all_entries() == 0
    notice = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == placement.starter_id, Notification.kind == "deposit.returned"
        )
    ).one()
    assert notice.data["deposit"] == "€\xa01.900,00"
    assert notice.data["damages"] == "€\xa0350,55"
    assert notice.data["refund"] == "€\xa01.549,45"


def test_return_refusals(ctx, collective, place):
    running = started(place, start_date=date(2026, 1, 1))
    invoice = billing.deposit_state(running).invoice
    billing.record_payment(None, invoice, 190_000, date(2026, 1, 5))
    with pytest.raises(billing.BillingError, match="afgelopen"):
        billing.return_deposit(collective.staff, running, 0)
    placement = ended(place)
    with pytest.raises(billing.BillingError, match="meer dan"):
        billing.return_deposit(collective.staff, placement, 190_001, "Everything")
    with pytest.raises(billing.BillingError):
        billing.return_deposit(collective.staff, placement, 100, "")  # damages need a description
    with pytest.raises(billing.BillingError):
        billing.return_deposit(placement.starter, placement, 0)  # staff only
    billing.return_deposit(collective.staff, placement, 190_000, "Flooded")
    with pytest.raises(billing.BillingError, match="al terugbetaald"):
        billing.return_deposit(collective.staff, placement, 0)
    assert org_balance(placement, ledger.refund_due(placement.starter_id)) == 0
    assert ledger.total_of_all_entries() == 0


def test_an_unpaid_rest_is_cancelled_at_the_return(ctx, collective, place):
    placement = place(base=50_000, deposit_cents=100_000, start_date=date(2026, 1, 1), end_date=DEC)
    invoice = billing.issue_deposit_invoice(placement, date(2026, 1, 1))
    billing.record_payment(None, invoice, 40_000, date(2026, 1, 5))
    returned = billing.return_deposit(collective.staff, placement, 10_000, "Scratches")
    assert (returned.held_cents, returned.refund_cents) == (40_000, 30_000)
    assert invoice.status == InvoiceStatus.CREDITED
    assert org_balance(placement, ledger.receivable(placement.starter_id)) == 0
    assert org_balance(placement, ledger.deposit_due(placement.id)) == 0
    assert ledger.total_of_all_entries() == 0


def test_a_bank_guarantee_replaces_the_cash_deposit(ctx, collective, place):
    placement = place(base=50_000, deposit_cents=190_000, start_date=DEC)
    billing.record_bank_guarantee(collective.staff, placement, "ING-BG-2026-0042")
    letting.start_placements(date(2026, 12, 10))
    assert billing.deposit_state(placement).invoice is None
    assert placement.deposit_guarantee_ref == "ING-BG-2026-0042"
    cash = started(place, name="Other")
    with pytest.raises(billing.BillingError):
        billing.record_bank_guarantee(collective.staff, cash, "late")
