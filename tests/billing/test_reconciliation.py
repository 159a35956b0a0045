"""The yearly turnover settlement against the accountant's certified annual turnover."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.pdf_layout import text_of
from vrijstad.billing import services as billing
from vrijstad.billing.documents import invoice_pdf
from vrijstad.billing.models import InvoiceKind, InvoiceStatus, TurnoverReconciliation
from vrijstad.clock import add_months, month_start
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import TurnoverReport, TurnoverStatus
from vrijstad.notifications.models import Notification

pytestmark = pytest.mark.clock("2026-12-10T10:00")
YEAR = 2025
MONTHS = [date(YEAR, m, 1) for m in range(1, 13)]


def year_of_advances(place, skip_report=None, skip_invoice=None, **extra):
    """A turnover placement (base € 500, 8 %) through 2025 and 2026: January–June turned over
    € 5.000 a month (rent: the base, € 500), July–December € 10.000 (8 %: € 800)."""
    values = {"start_date": date(YEAR, 1, 1), "end_date": date(2027, 1, 1)} | extra
    placement = place(base=50_000, turnover_bp=800, **values)
    for month in MONTHS:
        if month == skip_report or month < month_start(placement.start_date):
            continue
        db.session.add(
            TurnoverReport(
                placement_id=placement.id,
                period=month,
                turnover_cents=500_000 if month.month <= 6 else 1_000_000,
                status=TurnoverStatus.CHECKED,
                evidence_key="x",
            )
        )
        db.session.flush()
        if month != skip_invoice:
            billing.issue_invoice(placement, month, issued_on=add_months(month, 1))
    return placement


def test_an_underpaid_year_is_invoiced_to_the_cent(ctx, collective, place):
    placement = year_of_advances(place)
    settled = billing.reconcile_year(collective.staff, placement, YEAR, 10_123_456)
    assert settled.advances_cents == 6 * 50_000 + 6 * 80_000  # 780.000
    assert settled.rent_due_cents == 809_876  # 8 % of € 101.234,56 = € 8.098,7648
    assert settled.difference_cents == 29_876
    invoice = settled.invoice
    assert invoice.kind == InvoiceKind.RECONCILIATION and invoice.status == InvoiceStatus.OPEN
    assert (invoice.net_cents, invoice.vat_cents, invoice.total_cents) == (29_876, 6_274, 36_150)
    assert invoice.collective_id == collective.id  # turnover rent is revenue: settled
    assert ledger.total_of_all_entries() == 0


def test_an_overpaid_year_gets_a_credit_note(ctx, collective, place):
    placement = year_of_advances(place)
    receivable = ledger.balance(placement.organisation_id, ledger.receivable(placement.starter_id))
    settled = billing.reconcile_year(placement.starter, placement, YEAR, 9_000_000)
    assert (settled.rent_due_cents, settled.difference_cents) == (720_000, -60_000)
    note = settled.invoice
    assert note.kind == InvoiceKind.CREDIT_NOTE and note.status == InvoiceStatus.CREDITED
    assert (note.net_cents, note.vat_cents, note.total_cents) == (60_000, 12_600, 72_600)
    after = ledger.balance(placement.organisation_id, ledger.receivable(placement.starter_id))
    assert after == receivable - 72_600
    assert ledger.total_of_all_entries() == 0


def test_the_base_fees_are_the_minimum_of_the_year(ctx, collective, place):
    placement = year_of_advances(place)
    settled = billing.reconcile_year(collective.staff, placement, YEAR, 0)
    assert (settled.rent_due_cents, settled.difference_cents) == (600_000, -180_000)


def test_a_part_year_counts_only_its_months(ctx, collective, place):
    placement = year_of_advances(place, start_date=date(YEAR, 7, 1))
    settled = billing.reconcile_year(collective.staff, placement, YEAR, 6_000_000)
    assert settled.advances_cents == 6 * 80_000
    assert (settled.rent_due_cents, settled.difference_cents, settled.invoice) == (
        480_000,
        0,
        None,
    )


def test_refusals_name_the_rule(ctx, collective, place, make_starter):
    placement = year_of_advances(place, skip_report=date(YEAR, 3, 1))
    with pytest.raises(billing.BillingError, match="maart 2025"):
        billing.reconcile_year(collective.staff, placement, YEAR, 1)
    other = year_of_advances(place, unit_index=1, skip_invoice=date(YEAR, 12, 1))
    with pytest.raises(billing.BillingError, match="december 2025"):
        billing.reconcile_year(collective.staff, other, YEAR, 1)
    with pytest.raises(billing.BillingError, match="voorbij"):  # 2026 is still running
        billing.reconcile_year(collective.staff, other, 2026, 1)
    with pytest.raises(billing.BillingError):
        billing.reconcile_year(make_starter(name="Someone Else"), other, YEAR, 1)
    with pytest.raises(billing.BillingError):
        billing.reconcile_year(collective.staff, other, YEAR, -1)
    fixed = place(unit_index=1, base=50_000, name="Vast")
    with pytest.raises(billing.BillingError, match="vaste huur"):
        billing.reconcile_year(collective.staff, fixed, YEAR, 1)
    assert db.session.query(TurnoverReconciliation).count() == 0


def test_a_year_is_settled_once(ctx, collective, place):
    placement = year_of_advances(place)
    billing.reconcile_year(collective.staff, placement, YEAR, 10_000_000)
    with pytest.raises(billing.BillingError, match="al verrekend"):
        billing.reconcile_year(placement.starter, placement, YEAR, 10_000_000)
    assert db.session.query(TurnoverReconciliation).count() == 1
    assert ledger.total_of_all_entries() == 0


def test_the_credit_note_pdf_says_credit_note(ctx, collective, place):
    placement = year_of_advances(place)
    note = billing.reconcile_year(collective.staff, placement, YEAR, 9_000_000).invoice
    text = text_of(invoice_pdf(note))
    assert f"Creditnota {note.number}" in text
    assert "Totaal gecrediteerd" in text


def test_the_credit_note_is_mailed_with_its_pdf(ctx, collective, place, outbox):
    placement = year_of_advances(place)
    before = len(outbox())
    note = billing.reconcile_year(collective.staff, placement, YEAR, 9_000_000).invoice
    db.session.commit()  # the mail leaves after the commit
    mails = outbox()[before:]
    [mail] = [m for m in mails if m["Subject"].startswith(("Creditnota", "Credit note"))]
    assert mail["To"] == placement.starter.email
    assert str(note.number) in mail["Subject"] and "726,00" in mail["Subject"]
    [pdf] = [a for a in mail.iter_attachments() if a.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"credit-note-{note.number}.pdf"
    for part in (mail.get_body(("plain",)), mail.get_body(("html",))):
        body = part.get_content()
        assert "726,00" in body
        assert "Transfer" not in body and "Maak " not in body  # nothing to pay
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == placement.starter_id)
    ).all()
    assert "reconciliation.issued" in kinds and "invoice.issued" not in kinds  # one notice
