"""Invoice PDFs (Dutch invoice requirements) and landlord statements (PDF and CSV)."""

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from vrijstad.billing.models import Invoice, Settlement, SettlementLine
from vrijstad.billing.receivables import days_overdue
from vrijstad.exports import Column, Kind, Table
from vrijstad.extensions import db
from vrijstad.forms import format_iban
from vrijstad.i18n import date_filter, eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.pdf import Document


def _rate(basis_points: int) -> str:
    return f"{basis_points / 100:g} %".replace(".", ",")


def invoice_pdf(invoice: Invoice) -> bytes:
    """Number, dates, both parties with KvK and BTW-id, lines, VAT per rate, total, how to pay."""
    s, c = invoice.supplier, invoice.customer
    doc = Document(_("Invoice %(number)d", number=invoice.number), author=s["name"])
    doc.rows(
        [
            (_("Invoice number"), str(invoice.number)),
            (_("Invoice date"), date_filter(invoice.issued_on)),
            (_("Due date"), date_filter(invoice.due_on)),
            (_("Period"), date_filter(invoice.period, "long").split(" ", 1)[1]),
        ]
    )
    doc.heading(_("From"))
    doc.rows(
        [
            (_("Name"), s["name"]),
            (_("Address"), s.get("address") or ""),
            (_("KvK number"), s.get("kvk") or ""),
            (_("BTW-id"), s.get("btw_id") or ""),
        ]
    )
    doc.heading(_("To"))
    doc.rows(
        [
            (_("Name"), c["name"]),
            (_("KvK number"), c.get("kvk") or ""),
            (_("BTW-id"), c.get("btw_id") or ""),
            (_("Unit"), c.get("unit") or ""),
        ]
    )
    doc.heading(_("Specification"))
    doc.rows(
        [
            (
                line.description,
                f"{eur_filter(line.net_cents)}  ({_('VAT')} {_rate(line.vat_rate_bp)}"
                f": {eur_filter(line.vat_cents)})",
            )
            for line in invoice.lines
        ],
        label_width=110,
    )
    rates = sorted({line.vat_rate_bp for line in invoice.lines})
    totals = [(_("Total excl. VAT"), eur_filter(invoice.net_cents))]
    for rate in rates:
        vat = sum(line.vat_cents for line in invoice.lines if line.vat_rate_bp == rate)
        totals.append((_("VAT %(rate)s", rate=_rate(rate)), eur_filter(vat)))
    totals.append((_("Total to pay"), eur_filter(invoice.total_cents)))
    doc.rows(totals, label_width=110)
    if invoice.total_cents:
        doc.paragraph(
            _(
                "Please pay %(amount)s by %(date)s to %(iban)s in the name of %(name)s, "
                "quoting %(reference)s.",
                amount=eur_filter(invoice.total_cents),
                date=date_filter(invoice.due_on),
                iban=format_iban(s.get("iban")) or "—",
                name=s["name"],
                reference=invoice.reference,
            )
        )
    return doc.output()


def statement_lines(settlement: Settlement, landlord_id: int) -> list[SettlementLine]:
    return [
        line
        for line in settlement.lines
        if line.beneficiary.value == "landlord" and line.landlord_id == landlord_id
    ]


def statement_table(settlement: Settlement, landlord_id: int) -> Table:
    """A landlord's lines of a settlement, for the CSV download."""
    columns = [
        Column(_l("Month"), lambda line: settlement.period, Kind.MONTH),
        Column(_l("Unit"), lambda line: f"{line.unit.address}, {line.unit.city}"),
        Column(_l("Received"), lambda line: line.received_cents, Kind.EUR),
        Column(_l("Your share"), lambda line: line.amount_cents, Kind.EUR),
        Column(_l("Note"), lambda line: line.note),
    ]
    return Table(_("Statements"), columns, statement_lines(settlement, landlord_id))


def receivables_table(invoices: Iterable[Invoice], today: date) -> Table:
    """Invoices with what is still outstanding on them, for the CSV download."""
    columns = [
        Column(_l("Invoice"), lambda i: i.number),
        Column(_l("Starter"), lambda i: i.starter.name),
        Column(_l("Unit"), lambda i: i.unit.address),
        Column(_l("Month"), lambda i: i.period, Kind.MONTH),
        Column(_l("Due"), lambda i: i.due_on, Kind.DATE),
        Column(_l("Total"), lambda i: i.total_cents, Kind.EUR),
        Column(_l("Outstanding"), lambda i: i.outstanding_cents, Kind.EUR),
        Column(_l("Days overdue"),
               lambda i: days_overdue(i, today) if i.outstanding_cents else 0, Kind.INT),
    ]  # fmt: skip
    return Table(_("Receivables"), columns, invoices)


def statement_pdf(settlement: Settlement, landlord_id: int, landlord_name: str) -> bytes:
    lines = statement_lines(settlement, landlord_id)
    doc = Document(
        _(
            "Statement %(collective)s %(month)s",
            collective=settlement.collective.name,
            month=settlement.period.strftime("%m-%Y"),
        )
    )
    doc.rows(
        [
            (_("Landlord"), landlord_name),
            (_("Organisation"), settlement.collective.organisation.name),
        ]
    )
    doc.heading(_("Your units"))
    doc.rows(
        [
            (
                f"{line.unit.address}, {line.unit.city}",
                _(
                    "received %(received)s, your share %(share)s",
                    received=eur_filter(line.received_cents),
                    share=eur_filter(line.amount_cents),
                )
                + (f" — {line.note}" if line.note else ""),
            )
            for line in lines
        ],
        label_width=70,
    )
    doc.rows([(_("Total for you"), eur_filter(sum(line.amount_cents for line in lines)))])
    payout = payouts_of(landlord_id, [settlement.id]).get(settlement.id)
    if payout is not None:
        doc.rows([(_("Payout"), payout_text(payout))])
    return doc.output()


def payout_text(payout) -> str:
    """'€ 1.234,56 by SEPA transfer on …, sent' in the current language."""
    from vrijstad.payments.services import payout_label

    method = _("Stripe transfer") if payout.method.value == "stripe" else _("bank transfer")
    return _(
        "%(amount)s by %(method)s, %(status)s",
        amount=eur_filter(payout.amount_cents),
        method=method,
        status=payout_label(payout.status),
    )


def payouts_of(landlord_id: int, settlement_ids: list[int]) -> dict[int, object]:
    """The landlord's payout per settlement (if one was made), for the statements."""
    from vrijstad.payments.models import Payout  # payments builds on billing

    if not settlement_ids:
        return {}
    return {
        payout.settlement_id: payout
        for payout in db.session.scalars(
            sa.select(Payout).where(
                Payout.landlord_id == landlord_id, Payout.settlement_id.in_(settlement_ids)
            )
        )
    }
