"""Invoice PDFs (Dutch invoice requirements) and landlord statements (PDF and CSV)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import labels
from vrijstad.billing import paying
from vrijstad.billing.models import (
    Beneficiary,
    Invoice,
    InvoiceKind,
    Payment,
    Settlement,
    SettlementLine,
)
from vrijstad.billing.receivables import days_overdue
from vrijstad.exports import Column, Kind, Table
from vrijstad.extensions import db
from vrijstad.forms import format_iban
from vrijstad.i18n import date_filter, eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.money import split_cents
from vrijstad.payments.models import Payout, PayoutMethod
from vrijstad.pdf import Document


def _rate(basis_points: int) -> str:
    return f"{basis_points / 100:g} %".replace(".", ",")


def period_label(period: date) -> str:
    """'november 2026' in the current language."""
    return date_filter(period, "long").split(" ", 1)[1]


def invoice_pdf(invoice: Invoice) -> bytes:
    """Number, dates, both parties with KvK and BTW-id, lines, VAT per rate, total, how to pay
    (IBAN and reference, the EPC QR code, the online link when Stripe is on)."""
    s, c = invoice.supplier, invoice.customer
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE  # amounts owed back to the starter
    title = (
        _("Credit note %(number)d", number=invoice.number)
        if credit
        else _("Invoice %(number)d", number=invoice.number)
    )
    doc = Document(title, author=s["name"])
    doc.rows(
        [
            (_("Invoice number"), str(invoice.number)),
            (_("Invoice date"), date_filter(invoice.issued_on)),
            (_("Due date"), date_filter(invoice.due_on)),
            (_("Period"), period_label(invoice.period)),
            (_("Payment reference"), invoice.reference),
        ],
        label_width=45,
    )
    doc.table(
        [_("From"), _("To")],
        [
            [s["name"], c["name"]],
            [s.get("address") or "—", c.get("unit") or "—"],
            [
                _("KvK number") + ": " + (s.get("kvk") or "—"),
                _("KvK number") + ": " + (c.get("kvk") or "—"),
            ],
            [
                _("BTW-id") + ": " + (s.get("btw_id") or "—"),
                _("BTW-id") + ": " + (c.get("btw_id") or "—"),
            ],
        ],
        widths=(1, 1),
        align=("LEFT", "LEFT"),
        size=10,
        lines=False,
    )
    doc.heading(_("Specification"))
    rates = sorted({line.vat_rate_bp for line in invoice.lines})
    totals = [[_("Total excl. VAT"), eur_filter(invoice.net_cents)]]
    for rate in rates:
        vat = sum(line.vat_cents for line in invoice.lines if line.vat_rate_bp == rate)
        totals.append([_("VAT %(rate)s", rate=_rate(rate)), eur_filter(vat)])
    totals.append(
        [_("Total credited") if credit else _("Total to pay"), eur_filter(invoice.total_cents)]
    )
    doc.table(
        [_("Description"), _("Excl. VAT"), _("VAT rate"), _("VAT"), _("Incl. VAT")],
        [
            [
                line.description,
                eur_filter(line.net_cents),
                _rate(line.vat_rate_bp),
                eur_filter(line.vat_cents),
                eur_filter(line.net_cents + line.vat_cents),
            ]
            for line in invoice.lines
        ],
        widths=(58, 24, 20, 20, 24),
        align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        totals=totals,
    )
    to_pay = paying.payable_cents(invoice)
    if to_pay:
        doc.heading(_("How to pay"))
        doc.paragraph(
            _(
                "Please pay %(amount)s by %(date)s to %(iban)s in the name of %(name)s, "
                "quoting %(reference)s.",
                amount=eur_filter(to_pay),
                date=date_filter(invoice.due_on),
                iban=format_iban(s.get("iban")) or "—",
                name=s["name"],
                reference=invoice.reference,
            )
        )
        facts = [
            (_("Amount"), eur_filter(to_pay)),
            (_("Due date"), date_filter(invoice.due_on)),
            (_("IBAN"), s.get("iban") or "—"),
            (_("In the name of"), s["name"]),
            (_("Payment reference"), invoice.reference),
        ]
        link = paying.pay_link(invoice)
        if link:
            facts.append((_("Pay online"), link))
        qr = paying.epc_png(invoice)
        if qr:
            doc.side_by_side(facts, qr, caption=_("Scan with your banking app"))
        else:
            doc.rows(facts, label_width=45)
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
        Column(
            _l("Days overdue"),
            lambda i: days_overdue(i, today) if i.outstanding_cents else 0,
            Kind.INT,
        ),
    ]
    return Table(_("Receivables"), columns, invoices)


@dataclass
class StatementRow:
    """One unit's money of a settlement: what came in and where every cent went."""

    unit: str
    invoices: list[int]
    received: int
    fee: int
    surplus: int
    fund: int
    landlord: int
    note: str | None


def statement_rows(settlement: Settlement, landlord_id: int) -> list[StatementRow]:
    """Per unit of the landlord: the invoices whose payments were settled, the revenue
    received (excl. VAT), the organisation's fee, the head-lease surplus it keeps, the fund's
    contribution and the landlord's share; the parts add up to what was received."""
    collective = settlement.collective
    by_unit: dict[int, dict[Beneficiary, SettlementLine]] = {}
    for line in settlement.lines:
        by_unit.setdefault(line.unit_id, {})[Beneficiary(line.beneficiary)] = line
    invoices: dict[int, list[int]] = {}
    for unit_id, number in db.session.execute(
        sa.select(Invoice.unit_id, Invoice.number)
        .join(Payment, Payment.invoice_id == Invoice.id)
        .where(Payment.settlement_id == settlement.id)
        .distinct()
        .order_by(Invoice.unit_id, Invoice.number)
    ):
        invoices.setdefault(unit_id, []).append(number)
    rows = []
    rest_bp = max(10000 - collective.fund_bp - collective.organisation_fee_bp, 0)
    for line in statement_lines(settlement, landlord_id):
        parts = by_unit.get(line.unit_id, {})
        organisation = parts.get(Beneficiary.ORGANISATION)
        fund = parts.get(Beneficiary.FUND)
        org_cents = organisation.amount_cents if organisation else 0
        fee = split_cents(
            line.received_cents, [collective.fund_bp, collective.organisation_fee_bp, rest_bp]
        )[1]
        fee = min(fee, org_cents)  # the fee as the percentages give it; the rest is surplus
        rows.append(
            StatementRow(
                unit=f"{line.unit.address}, {line.unit.city}",
                invoices=invoices.get(line.unit_id, []),
                received=line.received_cents,
                fee=fee,
                surplus=org_cents - fee,
                fund=fund.amount_cents if fund else 0,
                landlord=line.amount_cents,
                note=line.note,
            )
        )
    return rows


def statement_pdf(settlement: Settlement, landlord_id: int, landlord_name: str) -> bytes:
    """The landlord's statement: per unit the invoices received and the split of the money."""
    collective = settlement.collective
    rows = statement_rows(settlement, landlord_id)
    doc = Document(
        _(
            "Statement %(collective)s %(month)s",
            collective=collective.name,
            month=settlement.period.strftime("%m-%Y"),
        ),
        author=collective.organisation.name,
    )
    doc.rows(
        [
            (_("Landlord"), landlord_name),
            (_("Organisation"), collective.organisation.name),
            (_("Collective"), collective.name),
            (_("Period"), period_label(settlement.period)),
        ],
        label_width=45,
    )
    doc.heading(_("Your units"))
    fee_pct, fund_pct = _rate(collective.organisation_fee_bp), _rate(collective.fund_bp)
    table = []
    for row in rows:
        unit = row.unit
        if row.invoices:
            unit += "\n" + _("Invoices %(numbers)s", numbers=", ".join(map(str, row.invoices)))
        if row.note:
            unit += "\n" + row.note
        table.append(
            [
                unit,
                eur_filter(row.received),
                eur_filter(row.fee),
                eur_filter(row.surplus),
                eur_filter(row.fund),
                eur_filter(row.landlord),
            ]
        )
    totals = [
        [
            _("Total"),
            *(
                eur_filter(sum(getattr(r, f) for r in rows))
                for f in ("received", "fee", "surplus", "fund", "landlord")
            ),
        ]
    ]
    doc.table(
        [
            _("Unit"),
            _("Received excl. VAT"),
            _("Fee %(pct)s", pct=fee_pct),
            _("Head-lease surplus"),
            _("Fund %(pct)s", pct=fund_pct),
            _("Your share"),
        ],
        table,
        widths=(50, 24, 24, 24, 24, 24),
        align=("LEFT",) + ("RIGHT",) * 5,
        totals=totals,
        size=8,
    )
    doc.paragraph(
        _(
            "Received is what starters paid for the unit this period, excluding VAT. Of it the "
            "fund receives %(fund)s and the organisation %(fee)s as its fee; the rest is yours. "
            "Under a head lease you receive the agreed rent as far as the money covers it and "
            "the organisation keeps what is left above it (the head-lease surplus).",
            fund=fund_pct,
            fee=fee_pct,
        ),
        size=8,
        muted=True,
    )
    doc.rows([(_("Total for you"), eur_filter(sum(row.landlord for row in rows)))], label_width=45)
    payout = payouts_of(landlord_id, [settlement.id]).get(settlement.id)
    if payout is not None:
        doc.rows([(_("Payout"), payout_text(payout))], label_width=45)
    return doc.output()


def payout_text(payout: Payout) -> str:
    """'€ 1.234,56 by SEPA transfer on …, sent' in the current language."""
    method = _("Stripe transfer") if payout.method == PayoutMethod.STRIPE else _("bank transfer")
    return _(
        "%(amount)s by %(method)s, %(status)s",
        amount=eur_filter(payout.amount_cents),
        method=method,
        status=labels.label(payout.status),
    )


def payouts_of(landlord_id: int, settlement_ids: list[int]) -> dict[int, Payout]:
    """The landlord's payout per settlement (if one was made), for the statements."""
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
