"""An issued invoice reaches the starter: a notice in the app at once, and after the commit an
e-mail (HTML and text) with the key facts, how to pay and the invoice PDF attached. A credit
note is mailed the same way; its notice is the year's settlement's.

The e-mail is a background job per invoice, so an invoice run of thousands of placements does
not render thousands of PDFs inside its transaction. The job is enqueued only when the invoice
is created (a run finds existing invoices and announces nothing again) and delivers through
jobs.once, so a retried job never sends the mail twice.
"""

import logging

from flask import url_for
from flask_mail import Message

from vrijstad import jobs
from vrijstad.auth.models import User
from vrijstad.billing import documents, paying
from vrijstad.billing.models import Invoice, InvoiceKind
from vrijstad.extensions import db
from vrijstad.i18n import current_language, date_filter, eur_filter, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.mail import build_message, queue_message, send_message
from vrijstad.notifications.models import Notification

log = logging.getLogger(__name__)

KIND = "invoice.issued"


def notice_data(invoice: Invoice) -> dict:
    """Raw values: the reader's language formats the amount and the due date."""
    return {
        "invoice_id": invoice.id,
        "number": invoice.number,
        "amount_cents": invoice.total_cents,
        "deadline_on": invoice.due_on.isoformat(),
        "month": invoice.period.strftime("%m-%Y"),
        "reference": invoice.reference,
    }


def announce_invoice(invoice: Invoice) -> None:
    """The starter's notice (in this transaction) and the e-mail job (after the commit)."""
    starter = db.session.get(User, invoice.starter_id)
    if starter is None or not starter.active:
        return
    if invoice.kind != InvoiceKind.CREDIT_NOTE:  # a credit note's notice is its settlement's
        db.session.add(
            Notification(
                user_id=starter.id,
                kind=KIND,
                data=notice_data(invoice),
                url=url_for("payments.pay", invoice_id=invoice.id),
            )
        )
    try:
        jobs.enqueue(
            send_invoice_mail,
            invoice.id,
            job_title=_l("Sending invoice %(number)d", number=invoice.number),
        )
    except jobs.JobsUnavailable:  # e.g. `flask invoice` while Redis is down: mail in-process
        log.warning("job queue unreachable; invoice %s is mailed after the commit", invoice.id)
        with force_locale(starter.locale or "nl"):
            queue_message(invoice_message(invoice, starter))


def invoice_message(invoice: Invoice, starter: User) -> Message:
    """The e-mail in the current language: subject with number and amount, the facts, the PDF."""
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    to_pay = 0 if credit else paying.payable_cents(invoice)
    subject = (
        _(
            "Credit note %(number)d: %(amount)s",
            number=invoice.number,
            amount=eur_filter(invoice.total_cents),
        )
        if credit
        else _(
            "Invoice %(number)d: %(amount)s",
            number=invoice.number,
            amount=eur_filter(invoice.total_cents),
        )
    )
    name = f"credit-note-{invoice.number}.pdf" if credit else f"invoice-{invoice.number}.pdf"
    return build_message(
        starter.email,
        subject,
        "invoice",
        attachments=[(name, "application/pdf", documents.invoice_pdf(invoice))],
        lang=current_language(),
        name=starter.name,
        invoice=invoice,
        credit=credit,
        supplier=invoice.supplier["name"],
        period=documents.period_label(invoice.period),
        amount=eur_filter(invoice.total_cents),
        to_pay=eur_filter(to_pay) if to_pay else None,
        due=date_filter(invoice.due_on),
        iban=invoice.supplier.get("iban") or "—",
        reference=invoice.reference,
        pay_url=url_for("payments.pay", invoice_id=invoice.id, _external=True),
        online=paying.pay_link(invoice) is not None,
    )


def send_invoice_mail(invoice_id: int) -> None:
    """The job: render the PDF and the mail in the starter's language and deliver it once."""
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        return
    starter = db.session.get(User, invoice.starter_id)
    if starter is None or not starter.active:
        return
    with jobs.as_user(starter.locale or "nl"):
        send_message(invoice_message(invoice, starter))
