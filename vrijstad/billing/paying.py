"""How an invoice is paid: the EPC ("SEPA") QR code a banking app scans, and the online link.

The QR code follows EPC069-12 (version 002, SEPA credit transfer) and is made by segno's EPC
helper: the organisation's name and IBAN, the open amount in euros and, as the structured
remittance, an ISO 11649 creditor reference built from the invoice's payment reference
(VS001-000012 becomes RF05VS001000012), so the bank import finds the invoice by it.
"""

import io
from decimal import Decimal

import segno
from flask import current_app, url_for
from markupsafe import Markup
from segno import helpers
from stdnum.iso7064 import mod_97_10

from vrijstad.billing.models import Invoice, InvoiceStatus
from vrijstad.qr import inline_svg

EPC_NAME_MAX = 70  # EPC069-12: the beneficiary's name is at most 70 characters


def creditor_reference(invoice: Invoice) -> str:
    """The invoice's payment reference as an ISO 11649 creditor reference (RF + check digits)."""
    body = invoice.reference.replace("-", "")
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def payable_cents(invoice: Invoice) -> int:
    """What is still to pay (nothing on a credited invoice)."""
    if invoice.status == InvoiceStatus.CREDITED:
        return 0
    return max(invoice.outstanding_cents, 0)


def _iban(invoice: Invoice) -> str:
    return (invoice.supplier.get("iban") or "").replace(" ", "").upper()


def epc_fields(invoice: Invoice, amount_cents: int | None = None) -> dict | None:
    """The EPC QR code's content, or None when there is nothing to pay or no IBAN."""
    amount = payable_cents(invoice) if amount_cents is None else amount_cents
    iban = _iban(invoice)
    if amount <= 0 or not iban:
        return None
    return {
        "name": invoice.supplier["name"][:EPC_NAME_MAX],
        "iban": iban,
        "amount": Decimal(amount).scaleb(-2),
        "reference": creditor_reference(invoice),
    }


def epc_qr(invoice: Invoice, amount_cents: int | None = None) -> segno.QRCode | None:
    fields = epc_fields(invoice, amount_cents)
    return None if fields is None else helpers.make_epc_qr(**fields)


def epc_png(invoice: Invoice, amount_cents: int | None = None) -> bytes | None:
    """The QR code as a PNG for the invoice PDF (with the quiet zone the standard asks)."""
    qr = epc_qr(invoice, amount_cents)
    if qr is None:
        return None
    out = io.BytesIO()
    qr.save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def epc_svg(invoice: Invoice, amount_cents: int | None = None) -> Markup | None:
    """The QR code as inline SVG for the pay page (no image request, no data: URL)."""
    qr = epc_qr(invoice, amount_cents)
    if qr is None:
        return None
    return inline_svg(qr, "EPC QR", scale=5, css_class="epc-qr")


def pay_link(invoice: Invoice) -> str | None:
    """The online pay page (iDEAL, card, SEPA Direct Debit) when Stripe is on."""
    if current_app.config.get("PAYMENT_PROVIDER") != "stripe" or payable_cents(invoice) <= 0:
        return None
    return url_for("payments.pay", invoice_id=invoice.id, _external=True)
