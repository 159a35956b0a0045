"""Issued invoices arrive: a notice in the app, an e-mail with the PDF, the EPC QR code, the
online pay link when Stripe is on."""

from datetime import date
from decimal import Decimal

import pytest
import segno
import sqlalchemy as sa
from stdnum import iso11649

from tests.fixtures_jobs import job_id_of
from tests.pdf_layout import image_count, text_of
from vrijstad import jobs
from vrijstad.billing import documents, paying
from vrijstad.billing import services as billing
from vrijstad.billing.mailing import announce_invoice
from vrijstad.billing.models import Invoice
from vrijstad.extensions import db, savepoint
from vrijstad.notifications.mail import queue_mail
from vrijstad.notifications.models import Notification

NOV = date(2026, 11, 1)

pytestmark = pytest.mark.clock("2026-12-10T10:00")


def invoice_mails(outbox) -> list:
    return [mail for mail in outbox() if "Factuur" in mail["Subject"]]


def plain(text: str) -> str:
    return text.replace("\xa0", " ")  # amounts are formatted with a no-break space


def attachments(mail) -> list:
    return [part for part in mail.iter_attachments()]


def run(collective):
    result = billing.generate_invoices(collective.staff, collective.organisation, NOV)
    db.session.commit()
    return result


def test_each_issued_invoice_is_mailed_once_with_its_pdf(ctx, collective, place, outbox):
    placement = place(base=100_000, name="Łukasz Şahin")
    run(collective)
    invoice = db.session.scalars(sa.select(Invoice)).one()
    mails = invoice_mails(outbox)
    assert len(mails) == 1
    mail = mails[0]
    assert mail["To"] == placement.starter.email
    assert plain(mail["Subject"]) == f"Factuur {invoice.number}: € 1.210,00"
    text = plain(mail.get_body(("plain",)).get_content())
    html = plain(mail.get_body(("html",)).get_content())
    for body in (text, html):
        for fact in (
            "november 2026",
            "€ 1.210,00",
            "24-12-2026",
            "NL91ABNA0417164300",
            invoice.reference,
            "Łukasz Şahin",
        ):
            assert fact in body, fact
        assert f"/invoices/{invoice.id}/pay" in body
    (pdf,) = attachments(mail)
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"invoice-{invoice.number}.pdf"
    data = pdf.get_content()
    assert f"Factuur {invoice.number}" in text_of(data)
    assert image_count(data) == 1  # the EPC QR code

    run(collective)  # the month again: nothing new, nothing mailed again
    assert len(invoice_mails(outbox)) == 1
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


def test_the_starter_gets_a_notice_linking_to_the_pay_page(ctx, client, login, collective, place):
    placement = place(base=100_000)
    run(collective)
    invoice = db.session.scalars(sa.select(Invoice)).one()
    notice = db.session.scalars(sa.select(Notification)).one()
    assert notice.user_id == placement.starter_id and notice.kind == "invoice.issued"
    assert notice.url == f"/invoices/{invoice.id}/pay"
    login(placement.starter)
    page = plain(client.get("/notifications").text)
    assert (
        f"Factuur {invoice.number} voor 11-2026 staat klaar: € 1.210,00, te betalen uiterlijk "
        f"24-12-2026 onder vermelding van kenmerk {invoice.reference}."
    ) in page


def test_the_staff_button_mails_the_invoices_too(ctx, client, login, collective, place, outbox):
    place(base=100_000)
    place(unit_index=1, base=50_000)
    login(collective.staff)
    started = client.post(f"/collectives/{collective.id}/invoices", data={"period": "2026-11"})
    assert jobs.get_status(job_id_of(started)).state == "finished"
    assert len(invoice_mails(outbox)) == 2
    assert all(len(attachments(mail)) == 1 for mail in invoice_mails(outbox))


def test_invoice_mails_are_jobs_on_a_worker(
    ctx, client, login, collective, place, outbox, rq_worker
):
    place(base=100_000)
    login(collective.staff)
    client.post(f"/collectives/{collective.id}/invoices", data={"period": "2026-11"})
    rq_worker()  # the run, then the mail job it queued
    assert len(invoice_mails(outbox)) == 1
    rq_worker()
    assert len(invoice_mails(outbox)) == 1


def test_the_monthly_command_mails_even_when_redis_is_down(
    ctx, runner, collective, place, outbox, redis_down
):
    place(base=100_000)
    result = runner.invoke(args=["invoice", "--period", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "1 invoices" in result.output
    (mail,) = invoice_mails(outbox)
    assert "http://" in mail.get_body(("plain",)).get_content()  # links to the public site
    assert len(attachments(mail)) == 1


def test_a_rolled_back_run_mails_nothing(ctx, collective, place, outbox):
    place(base=100_000)
    billing.generate_invoices(collective.staff, collective.organisation, NOV)
    db.session.rollback()
    assert invoice_mails(outbox) == []
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


# The EPC QR code --------------------------------------------------------------------------


def test_epc_qr_carries_iban_amount_and_the_structured_reference(ctx, collective, place):
    invoice = billing.issue_invoice(place(base=100_000), NOV)
    db.session.commit()
    reference = paying.creditor_reference(invoice)
    assert reference == "RF" + reference[2:4] + invoice.reference.replace("-", "")
    assert iso11649.is_valid(reference)
    fields = paying.epc_fields(invoice)
    assert fields == {
        "name": collective.organisation.name,
        "iban": "NL91ABNA0417164300",
        "amount": Decimal("1210.00"),
        "reference": reference,
    }
    # EPC069-12 version 002: service tag, version, character set (2 = ISO 8859-1), SCT, no
    # BIC, name, IBAN, amount, no purpose, the structured reference (no unstructured text).
    payload = "\n".join(
        [
            "BCD",
            "002",
            "2",
            "SCT",
            "",
            collective.organisation.name,
            "NL91ABNA0417164300",
            "EUR1210",
            "",
            reference,
        ]
    )
    expected = segno.make_qr(payload.encode("iso-8859-1"), error="m", boost_error=False)
    assert paying.epc_qr(invoice).matrix == expected.matrix  # the same symbol, bit for bit


def test_no_qr_code_without_an_iban_or_anything_to_pay(ctx, collective, place):
    invoice = billing.issue_invoice(place(base=100_000), NOV)
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    db.session.commit()
    assert paying.epc_qr(invoice) is None
    assert image_count(documents.invoice_pdf(invoice)) == 0
    other = billing.issue_invoice(place(unit_index=1, base=50_000), NOV)
    other.supplier = other.supplier | {"iban": None}
    db.session.commit()
    assert paying.epc_qr(other) is None


def test_the_pay_page_shows_the_qr_code(ctx, client, login, collective, place):
    placement = place(base=100_000)
    invoice = billing.issue_invoice(placement, NOV)
    db.session.commit()
    login(placement.starter)
    page = client.get(f"/invoices/{invoice.id}/pay")
    assert page.status_code == 200
    assert 'class="epc-qr"' in page.text and "<svg" in page.text
    assert "Scan met je bankapp" in page.text


# Stripe ------------------------------------------------------------------------------------


@pytest.fixture
def stripe_on(app):
    saved = app.config["PAYMENT_PROVIDER"]
    app.config["PAYMENT_PROVIDER"] = "stripe"
    yield
    app.config["PAYMENT_PROVIDER"] = saved


def test_with_stripe_the_pdf_and_the_mail_carry_the_pay_link(
    ctx, collective, place, outbox, stripe_on
):
    place(base=100_000)
    run(collective)
    invoice = db.session.scalars(sa.select(Invoice)).one()
    link = f"http://localhost/invoices/{invoice.id}/pay"
    (mail,) = invoice_mails(outbox)
    assert "iDEAL" in mail.get_body(("plain",)).get_content()
    assert f"/invoices/{invoice.id}/pay" in mail.get_body(("html",)).get_content()
    text = text_of(documents.invoice_pdf(invoice))
    assert "Online betalen" in text and link in text.replace("\n", "")


def test_without_stripe_no_pay_link_on_the_pdf(ctx, collective, place):
    invoice = billing.issue_invoice(place(base=100_000), NOV)
    db.session.commit()
    assert paying.pay_link(invoice) is None
    assert "Online betalen" not in text_of(documents.invoice_pdf(invoice))


def test_a_released_savepoint_is_no_commit_for_mail_or_jobs(ctx, collective, place, outbox):
    """SQLAlchemy fires after_commit when a savepoint is released too: the mail and the jobs
    must wait for the real commit (else a mail job ran before its invoice was committed)."""
    placement = place(base=100_000)
    announce_invoice(billing.issue_invoice(placement, NOV))
    queue_mail("someone@example.nl", "Factuur test", "notification", text="x", link="/", name="X")
    with savepoint():
        pass
    assert outbox() == []
    db.session.rollback()
    assert outbox() == []
