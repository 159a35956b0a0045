"""Monthly invoices of placements (rent, turnover rent, discounts, VAT) and one-off invoices;
numbered without gaps and booked in the ledger."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad import clock, jobs
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing.mailing import announce_invoice
from vrijstad.billing.models import (
    PAYMENT_TERM_DAYS,
    VAT_STANDARD_BP,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    rent_invoice,
)
from vrijstad.billing.services.common import (
    BillingError,
    _eur,
    _staff,
    percent_of,
    round_half_up,
)
from vrijstad.clock import next_month
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import (
    Placement,
    PlacementStatus,
    TurnoverReport,
    collective_letting,
)
from vrijstad.organisations.models import Organisation
from vrijstad.popups.models import Booking
from vrijstad.starters.services import profile_of


@dataclass(frozen=True)
class Line:
    description: str
    net_cents: int
    vat_rate_bp: int

    @property
    def vat_cents(self) -> int:
        return percent_of(self.net_cents, self.vat_rate_bp)


def month_number(placement: Placement, period: date) -> int:
    """1 for the placement's first month, 2 for the next, …"""
    first = placement.start_date.replace(day=1)
    return (period.year - first.year) * 12 + period.month - first.month + 1


def active_days(placement: Placement, period: date) -> tuple[int, int]:
    """Days of the month the placement runs (start inclusive, end exclusive), and the month's."""
    days_in_month = calendar.monthrange(period.year, period.month)[1]
    start = max(placement.start_date, period)
    end = min(placement.end_date, next_month(period))
    return max(0, (end - start).days), days_in_month


def rent_for(placement: Placement, period: date, turnover_cents: int | None) -> int:
    """The month's rent: the base fee (pro rata for a part month), or with a turnover clause
    max(base, pct × turnover) — never below the base."""
    days, month_days = active_days(placement, period)
    base = round_half_up(placement.base_fee_cents_per_month * days, month_days)
    if not placement.turnover_basis_points or turnover_cents is None:
        return base
    return max(base, percent_of(turnover_cents, placement.turnover_basis_points))


def invoice_lines(placement: Placement, period: date, turnover_cents: int | None) -> list[Line]:
    """The lines of a month's invoice: rent, a discount from the schedule, VAT where opted."""
    rate = VAT_STANDARD_BP if placement.vat_opted else 0
    label = date_filter(period, "long").split(" ", 1)[1]  # "november 2026"
    days, month_days = active_days(placement, period)
    base = round_half_up(placement.base_fee_cents_per_month * days, month_days)
    rent = rent_for(placement, period, turnover_cents)
    lines = [Line(_("Base fee %(month)s", month=label), base, rate)]
    if rent > base:
        lines.append(
            Line(
                _(
                    "Turnover rent above the base fee (%(pct)s of %(turnover)s)",
                    pct=f"{placement.turnover_basis_points / 100:g} %".replace(".", ","),
                    turnover=_eur(turnover_cents or 0),
                ),
                rent - base,
                rate,
            )
        )
    discount_bp = placement.discount_bp(month_number(placement, period))
    if discount_bp:
        lines.append(
            Line(
                _(
                    "Discount %(pct)d %% (month %(n)d)",
                    pct=discount_bp // 100,
                    n=month_number(placement, period),
                ),
                -percent_of(rent, discount_bp),
                rate,
            )
        )
    return lines


def _next_number(organisation_id: int) -> int:
    """The next invoice number without gaps: the sequence row is locked until the commit, so
    a rolled-back invoice gives its number back."""
    sequence = db.session.scalar(
        sa.select(InvoiceSequence)
        .where(InvoiceSequence.organisation_id == organisation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if sequence is None:
        sequence = InvoiceSequence(organisation_id=organisation_id, next_number=1)
        db.session.add(sequence)
        db.session.flush()
    number = sequence.next_number
    sequence.next_number = number + 1
    return number


def _parties(placement: Placement, organisation: Organisation) -> tuple[dict, dict]:
    profile = profile_of(placement.starter)
    supplier = {
        "name": organisation.name,
        "address": organisation.address,
        "kvk": organisation.kvk_number,
        "btw_id": organisation.btw_id,
        "iban": organisation.iban,
    }
    customer = {
        "name": placement.starter_trade_name,
        "kvk": placement.starter_kvk,
        "btw_id": profile.btw_id if profile else None,
        "unit": f"{placement.unit.address}, {placement.unit.postcode} {placement.unit.city}",
    }
    return supplier, customer


def issue_invoice(placement: Placement, period: date, issued_on: date | None = None) -> Invoice:
    """Issue the month's invoice for a placement and book it (once per placement and month)."""
    period = period.replace(day=1)
    existing = rent_invoice(placement.id, period)
    if existing is not None:
        return existing
    if placement.organisation_id is None:
        raise BillingError(_("Only placements through an organisation are invoiced here."))
    report = None
    if placement.turnover_basis_points:
        report = db.session.scalar(
            sa.select(TurnoverReport).where(
                TurnoverReport.placement_id == placement.id, TurnoverReport.period == period
            )
        )
        if report is None:
            raise BillingError(_("The turnover report for this month is missing."))
    lines = invoice_lines(placement, period, report.turnover_cents if report else None)
    return _issue(placement, period, lines, issued_on)


def _issue(
    placement: Placement,
    period: date,
    lines: list[Line],
    issued_on: date | None,
    kind: InvoiceKind = InvoiceKind.RENT,
) -> Invoice:
    """Number, store and book an invoice of these lines.

    Rent and a year's turnover settlement are income of the unit; a deposit is no income but
    money the starter owes to be held for her (deposits.deposit_due until paid); a credit note
    (amounts positive) takes income and VAT back and owes the total to the starter. A deposit
    belongs to no collective, so no settlement ever counts its payment as revenue."""
    organisation = db.session.get_one(Organisation, placement.organisation_id)
    supplier, customer = _parties(placement, organisation)
    issued_on = issued_on or clock.today()
    collective = None if kind == InvoiceKind.DEPOSIT else collective_letting(placement.unit_id)
    net_cents = sum(line.net_cents for line in lines)
    vat_cents = sum(line.vat_cents for line in lines)
    invoice = Invoice(
        organisation_id=organisation.id,
        number=_next_number(organisation.id),
        placement_id=placement.id,
        unit_id=placement.unit_id,
        starter_id=placement.starter_id,
        collective_id=collective.id if collective else None,
        period=period,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=PAYMENT_TERM_DAYS),
        net_cents=net_cents,
        vat_cents=vat_cents,
        total_cents=net_cents + vat_cents,
        kind=kind,
        # a fully discounted month is paid from the start; a credit note is never paid by her
        status=(
            InvoiceStatus.CREDITED
            if kind == InvoiceKind.CREDIT_NOTE
            else InvoiceStatus.PAID
            if net_cents + vat_cents == 0
            else InvoiceStatus.OPEN
        ),
        supplier=supplier,
        customer=customer,
    )
    invoice.lines = [
        InvoiceLine(
            position=i,
            description=line.description[:200],
            net_cents=line.net_cents,
            vat_rate_bp=line.vat_rate_bp,
            vat_cents=line.vat_cents,
        )
        for i, line in enumerate(lines, 1)
    ]
    db.session.add(invoice)
    db.session.flush()
    if invoice.total_cents:
        if kind == InvoiceKind.DEPOSIT:
            postings = [
                (ledger.receivable(placement.starter_id), invoice.total_cents),
                (ledger.deposit_due(placement.id), -invoice.total_cents),
            ]
        else:
            sign = -1 if kind == InvoiceKind.CREDIT_NOTE else 1
            postings = [
                (ledger.receivable(placement.starter_id), sign * invoice.total_cents),
                (ledger.income(placement.unit_id), -sign * invoice.net_cents),
                (ledger.vat(organisation.id), -sign * invoice.vat_cents),
            ]
        ledger.book(
            organisation.id,
            kind.value if kind != InvoiceKind.RENT else "invoice",
            f"invoice:{invoice.id}",
            f"Invoice {invoice.number} {placement.starter_trade_name}",
            postings,
            issued_on,
        )
    return invoice


def issue_one_off_invoice(
    placement: Placement, net_cents: int, description: str, issued_on: date | None = None
) -> Invoice:
    """Invoice a let with one price, e.g. a pop-up booking of some days (booked once)."""
    period = placement.start_date.replace(day=1)
    existing = rent_invoice(placement.id, period)
    if existing is not None:
        return existing
    rate = VAT_STANDARD_BP if placement.vat_opted else 0
    invoice = _issue(placement, period, [Line(description, net_cents, rate)], issued_on)
    announce_invoice(invoice)  # the starter gets it as every invoice: notice, mail with PDF
    return invoice


@dataclass
class InvoiceRun:
    created: list[Invoice]
    skipped: list[tuple[Placement, str]]


def invoiceable(organisation_id: int, period: date) -> sa.Select:
    """Placements of an organisation that run for at least a day in the month."""
    booked = sa.select(Booking.placement_id).where(Booking.placement_id.is_not(None))
    return (
        sa.select(Placement)
        .where(
            Placement.organisation_id == organisation_id,
            Placement.id.not_in(booked),  # a pop-up booking has its own one-off invoice
            Placement.status != PlacementStatus.ENDED,
            Placement.start_date < next_month(period),
            Placement.end_date > period,
        )
        .order_by(Placement.id)
    )


def generate_invoices(actor: User | None, organisation: Organisation, period: date) -> InvoiceRun:
    """Invoice every running placement for the month; missing turnover reports are skipped
    (and listed), never guessed. Each new invoice is announced to its starter."""
    _staff(actor, organisation.id)
    period = period.replace(day=1)
    run = InvoiceRun([], [])
    placements = db.session.scalars(invoiceable(organisation.id, period)).all()
    for done, placement in enumerate(placements, start=1):
        already = rent_invoice(placement.id, period)
        if not already:
            try:
                with savepoint():
                    invoice = issue_invoice(placement, period)
            except BillingError as exc:
                run.skipped.append((placement, str(exc)))
            else:
                run.created.append(invoice)
                announce_invoice(invoice)  # a notice now, the e-mail with the PDF after commit
        if done % 10 == 0 or done == len(placements):  # a background job shows how far it is
            jobs.set_progress(
                95 * done / len(placements),
                _l("Invoicing placement %(done)d of %(total)d", done=done, total=len(placements)),
            )
    if actor is not None:
        record_event(
            actor,
            "invoices.generated",
            organisation,
            organisation.id,
            period=period.isoformat(),
            count=len(run.created),
        )
    return run
