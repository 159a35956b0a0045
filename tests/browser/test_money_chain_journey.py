"""The whole money chain as a pilot organisation runs it, on SQLite and on PostgreSQL: the
landlord fills in the payout IBAN from the checklist on her home page; staff issue the month's
invoice and the starter gets it by e-mail with the PDF and its payment QR code; the bank's
CAMT.053 statement is imported and its payment matched by the structured reference (its
outgoing line is not booked); the month is settled and approved; the SEPA payout file is made;
the next statement shows the file's total leaving the account, and staff confirm that the bank
executed it; the landlord reads the statement of what she was paid."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.browser.test_lettings_journey import log_in, log_out
from tests.pdf_layout import image_count, text_of
from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.billing.models import Invoice
from vrijstad.extensions import db
from vrijstad.payments.models import PayoutBatch

pytestmark = pytest.mark.both_databases

NBSP = "\xa0"
LANDLORD_IBAN = "NL91ABNA0417164300"

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{msg}</MsgId><CreDtTm>{day}T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{msg}</Id><CreDtTm>{day}T06:00:00</CreDtTm>
      <Acct><Id><IBAN>NL69INGB0123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>
      {entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>"""
ENTRY = """<Ntry>
        <Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>{ref_id}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>{ref_id}</AcctSvcrRef><EndToEndId>{end_to_end}</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>
          <RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties>
          <RmtInf>{remittance}</RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def structured(reference: str) -> str:
    return (
        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        f"<Ref>{reference}</Ref></CdtrRefInf></Strd>"
    )


def euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def statement(path, msg: str, *entries: dict) -> str:
    day = clock.today().isoformat()
    body = "\n      ".join(ENTRY.format(day=day, **entry) for entry in entries)
    path.write_text(CAMT.format(msg=msg, day=day, entries=body), encoding="utf-8")
    return str(path)


def import_statement(page: Page, organisation_id: int, file: str) -> None:
    page.goto(f"/organisations/{organisation_id}/bank-import")
    page.locator("input[type=file]").set_input_files(file)
    page.get_by_role("button", name="Importeren").click()


def test_invoice_mail_camt_settlement_payout_file_bank_confirmation_statement(
    page: Page, live_server, collective, place, outbox, tmp_path
):
    placement = place(unit_index=0, base=100_000, name="Łukasz Şahin")
    landlord = collective.units[0].owner
    last_month = (clock.this_month() - timedelta(days=1)).replace(day=1)
    this_month = clock.this_month()

    # The landlord follows her checklist to the payout account and fills in her IBAN.
    log_in(page, landlord.email)
    page.goto("/")
    page.locator("#checklist-payout-account a").click()
    page.locator("input[name=holder_name]").fill(landlord.name)
    page.locator("input[name=iban]").fill("nl91 abna 0417 1643 00")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Je uitbetalingsrekening is opgeslagen.")
    log_out(page)

    # Staff issue last month's invoice; the starter gets it by e-mail, PDF and QR attached.
    log_in(page, collective.staff.email)
    page.goto(f"/collectives/{collective.id}?period={last_month:%Y-%m}")
    page.locator("form[action$='/invoices'] button").click()
    page.get_by_role("link", name="1 factuur uitgegeven.").click()
    invoice = db.session.scalars(sa.select(Invoice)).one()
    (mail,) = [m for m in outbox() if m["Subject"].startswith("Factuur")]
    assert mail["To"] == db.session.get(User, placement.starter_id).email
    (pdf,) = list(mail.iter_attachments())
    assert "Łukasz Şahin" in text_of(pdf.get_content())
    assert image_count(pdf.get_content()) == 1  # the EPC payment QR code

    # The bank statement: the starter's payment with the reference, and a printer's bill going
    # out (never booked as money received).
    camt = statement(
        tmp_path / "dag1.xml",
        "STMT-1",
        {
            "amount": euros(invoice.total_cents),
            "direction": "CRDT",
            "ref_id": "A1",
            "end_to_end": "E2E-1",
            "party": "Dbtr",
            "name": "L. Sahin",
            "remittance": structured(invoice.reference),
        },
        {
            "amount": "250.00",
            "direction": "DBIT",
            "ref_id": "A2",
            "end_to_end": "DRUK-1",
            "party": "Cdtr",
            "name": "Drukkerij Jansen",
            "remittance": f"<Ustrd>flyers {invoice.reference}</Ustrd>",
        },
    )
    import_statement(page, collective.organisation_id, camt)
    main = page.locator("main")
    expect(main).to_contain_text("1 van 2 regels geboekt")
    expect(main).to_contain_text("1 uitgaand, niet geboekt")
    import_statement(page, collective.organisation_id, camt)  # the same file again
    expect(main).to_contain_text("Dit bestand is al eerder ingelezen.")  # nothing booked twice

    # The month the money arrived is settled and approved.
    page.goto(f"/collectives/{collective.id}?period={this_month:%Y-%m}")
    page.locator("form[action$='/settlements'] button").click()
    page.get_by_role("link", name="ontvangen en verdeeld").click()
    page.locator("#settlements table a").first.click()
    page.get_by_role("button", name="Goedkeuren").click()

    # The payout file, then the bank's statement showing it leave, then the confirmation.
    page.locator("a[href$='/payouts']").click()
    payees = page.locator("#payees")
    expect(payees).to_contain_text(landlord.name)
    expect(payees).to_contain_text("•••• 4300")  # the IBAN's last four only
    expect(payees).not_to_contain_text(LANDLORD_IBAN)
    page.locator("form[action$='/payouts/sepa'] button").click()
    batch = db.session.scalars(sa.select(PayoutBatch)).one()
    expect(page.locator("#batch")).to_contain_text("wacht op de bank")
    expect(payees).to_contain_text("in betaalbestand")  # not paid until the bank confirms
    payouts_url = page.url
    camt = statement(
        tmp_path / "dag2.xml",
        "STMT-2",
        {
            "amount": euros(batch.total_cents),
            "direction": "DBIT",
            "ref_id": "B1",
            "end_to_end": batch.message_id,
            "party": "Cdtr",
            "name": "Verhuurders",
            "remittance": f"<Ustrd>{batch.message_id}</Ustrd>",
        },
    )
    import_statement(page, collective.organisation_id, camt)
    page.goto(payouts_url)
    expect(page.locator("#seen-on-statement")).to_be_visible()
    page.locator("form[action$='/executed'] button").click()
    expect(page.locator("#batch")).to_contain_text("uitgevoerd door de bank")
    log_out(page)

    # The landlord reads what she was paid.
    log_in(page, landlord.email)
    page.goto("/my/statements")
    expect(page.locator("main")).to_contain_text(f"€{NBSP}")
    assert page.console_errors == [] and page.csp_violations == []
