"""Invoice and statement PDFs read well: the shipped font prints every name and the euro sign,
tables wrap text inside their cells, no text is printed over other text, no log noise."""

import logging
from datetime import date

import pytest
import sqlalchemy as sa
from fpdf import FPDF

from tests.pdf_layout import assert_readable, image_count, overlapping, text_boxes, text_of
from vrijstad.auth.models import User
from vrijstad.billing import documents
from vrijstad.billing import services as billing
from vrijstad.extensions import db
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseKind,
    LandlordRule,
    TurnoverReport,
    TurnoverStatus,
)
from vrijstad.pdf import FONT, FONT_FILES, Document

NOV = date(2026, 11, 1)
NAME = "Łukasz Şahin"

pytestmark = pytest.mark.clock("2026-12-10T10:00")


def turnover_invoice(collective, place):
    """A turnover-rent invoice for a starter named with diacritics, customer 'Zoë …'."""
    placement = place(
        base=100_000, turnover_bp=850, name=NAME, starter_trade_name="Zoë's Atelier Łukasz Şahin"
    )
    db.session.add(
        TurnoverReport(
            placement_id=placement.id,
            period=NOV,
            turnover_cents=2_345_678,
            status=TurnoverStatus.CHECKED,
            evidence_key="x",
        )
    )
    db.session.flush()
    invoice = billing.issue_invoice(placement, NOV, issued_on=date(2026, 12, 1))
    db.session.commit()
    return invoice


def test_the_overlap_check_finds_text_printed_over_text():
    pdf = FPDF()
    pdf.add_font(FONT, "", str(FONT_FILES[""]))
    pdf.set_font(FONT, size=10)
    pdf.add_page()
    pdf.text(20, 20, "Omzethuur boven de basisvergoeding (8,5 % van € 23.456,78)")
    pdf.text(60, 20, "€ 1.993,83")  # what the old label/value rows did to a long label
    assert overlapping(text_boxes(bytes(pdf.output())))


def test_invoice_pdf_prints_names_euro_and_the_turnover_line_apart(ctx, collective, place):
    invoice = turnover_invoice(collective, place)
    data = documents.invoice_pdf(invoice)
    text = text_of(data)
    for expected in (
        "Zoë's Atelier Łukasz Şahin",
        "€ 1.993,83",
        "€",
        "Factuur 1",
        "NL123456789B01",
        collective.organisation.kvk_number,
        "87654321",
        "november 2026",
        "Btw 21 %",
        invoice.reference,
        "Totaal te betalen",
    ):
        assert expected in text, expected
    assert "EUR" not in text and "?" not in text  # no fallback for € or missing glyphs
    boxes = assert_readable(data)
    line = next(b for b in boxes if b.text.startswith("Omzethuur boven de basisvergoeding"))
    turnover_rent = 1_993_83 - 1_000_00  # 8.5 % of € 23.456,78 above the base fee
    amount = [b for b in boxes if b.text == "€ 993,83"]
    assert amount, [b.text for b in boxes]
    assert all(not line.overlaps(box) for box in amount)
    assert all(box.x0 > line.x1 for box in amount if abs(box.y0 - line.y0) < 3)
    assert invoice.lines[1].net_cents == turnover_rent
    assert image_count(data) == 1  # the EPC QR code


def test_pdfs_log_no_font_noise(ctx, collective, place, caplog):
    invoice = turnover_invoice(collective, place)
    with caplog.at_level(logging.DEBUG):
        documents.invoice_pdf(invoice)
    noisy = [r for r in caplog.records if r.name.split(".")[0] in ("fpdf", "fontTools")]
    assert [r for r in noisy if r.levelno < logging.WARNING] == []


def test_long_values_wrap_inside_their_cells():
    doc = Document("Lange tekst")
    doc.rows(
        [
            (
                "Een heel lang label dat niet in één regel past, zeker niet",
                "Een waarde met € en " + "woorden " * 30,
            )
        ],
        label_width=40,
    )
    doc.table(
        ["Omschrijving", "Bedrag"],
        [["Omschrijving " * 20, "€ 1.234.567,89"]],
        widths=(3, 1),
        align=("LEFT", "RIGHT"),
        totals=[["Totaal", "€ 1.234.567,89"]],
    )
    assert_readable(doc.output())


def test_statement_pdf_has_the_full_breakdown(ctx, collective, place):
    """Head-lease rule: the landlord gets the lease rent, the organisation its fee and the
    surplus above the rent, the fund its share; the statement shows every part per unit."""
    collective = db.session.get(Collective, collective.id)
    collective.landlord_rule = LandlordRule.HEAD_LEASE
    lease = db.session.scalars(
        sa.select(HeadLease).where(HeadLease.collective_id == collective.id).order_by(HeadLease.id)
    ).first()
    assert lease.kind == HeadLeaseKind.FIXED and lease.rent_cents_per_month == 60_000
    placement = place(base=100_000)
    invoice = billing.issue_invoice(placement, NOV, issued_on=date(2026, 11, 1))
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    settlement = billing.calculate_settlement(None, collective, NOV)
    db.session.commit()
    landlord = db.session.get(User, lease.landlord_id)
    landlord.name = "Zoë Łukasz Şahin"
    db.session.commit()
    rows = documents.statement_rows(settlement, landlord.id)
    (row,) = rows
    # € 1.000 received: fund 5 % € 50, fee 10 % € 100, rest € 850 of which the lease rent € 600
    # goes to the landlord and € 250 stays with the organisation as the head-lease surplus.
    assert (row.received, row.fund, row.fee, row.surplus, row.landlord) == (
        100_000,
        5_000,
        10_000,
        25_000,
        60_000,
    )
    assert row.invoices == [invoice.number]
    data = documents.statement_pdf(settlement, landlord.id, landlord.name)
    text = text_of(data)
    for expected in (
        "Zoë Łukasz Şahin",
        f"Facturen {invoice.number}",
        "€ 1.000,00",
        "€ 50,00",
        "€ 100,00",
        "€ 250,00",
        "€ 600,00",
        "Overschot hoofdhuur",
        "Fonds 5 %",
        "Vergoeding 10 %",
        "Jouw aandeel",
    ):
        assert expected in text, expected
    assert_readable(data)
