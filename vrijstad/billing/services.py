"""Invoices, payments, settlements and the fund — every movement booked in the ledger.

Our model of collective letting (DOMAIN.md): starters pay the organisation; each month the
organisation settles what it actually received per unit: the fund's contribution and the
organisation's fee as percentages, the landlord the rest (pro rata) or what the head lease
says as far as the money covers it (head-lease rule; a surplus stays with the organisation).
Every cent received is assigned, with largest-remainder rounding.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from vrijstad import clock, jobs
from vrijstad.audit.services import record_event, record_events
from vrijstad.auth.models import User
from vrijstad.billing.mailing import announce_invoice
from vrijstad.billing.models import (
    SETTLEMENT_TRANSITIONS,
    VAT_STANDARD_BP,
    Beneficiary,
    FundPurpose,
    FundSpending,
    FundSpendingStatus,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    Payment,
    Settlement,
    SettlementLine,
    SettlementStatus,
)
from vrijstad.core import DomainError, TransitionError, check_transition
from vrijstad.database import insert_rows, update_rows
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseKind,
    HeadLeaseStatus,
    LandlordRule,
    Placement,
    PlacementStatus,
    TurnoverReport,
    TurnoverStatus,
)
from vrijstad.letting.services import collective_of, next_month
from vrijstad.money import split_cents
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.starters.services import profile_of
from vrijstad.units.models import Unit

PAYMENT_TERM_DAYS = 14


class BillingError(DomainError):
    """A billing action was refused; field names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NeedsConfirmation(BillingError):
    """A settlement over unchecked turnover reports: staff must confirm it."""

    def __init__(self, message: str, reports: list[TurnoverReport]) -> None:
        super().__init__(message)
        self.reports = reports


def _staff(actor: User | None, organisation_id: int, role: MemberRole = MemberRole.STAFF) -> None:
    """None is the scheduler (a CLI run); people must work for the organisation."""
    if actor is not None and not can_manage(actor, organisation_id, role):
        raise BillingError(_("Only the organisation's staff can do this."))


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero (amounts are never floats)."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n + d) // (2 * d))


def percent_of(cents: int, basis_points: int) -> int:
    return round_half_up(cents * basis_points, 10000)


# Invoices ----------------------------------------------------------------------------------


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


def _eur(cents: int) -> str:
    from vrijstad.i18n import eur_filter

    return eur_filter(cents)


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
    existing = db.session.scalar(
        sa.select(Invoice).where(Invoice.placement_id == placement.id, Invoice.period == period)
    )
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
    placement: Placement, period: date, lines: list[Line], issued_on: date | None
) -> Invoice:
    """Number, store and book an invoice of these lines."""
    organisation = db.session.get(Organisation, placement.organisation_id)
    supplier, customer = _parties(placement, organisation)
    issued_on = issued_on or clock.today()
    collective = collective_of(placement.unit_id)
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
        net_cents=sum(line.net_cents for line in lines),
        vat_cents=sum(line.vat_cents for line in lines),
        total_cents=0,
        supplier=supplier,
        customer=customer,
    )
    invoice.total_cents = invoice.net_cents + invoice.vat_cents
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
    if invoice.total_cents == 0:
        invoice.status = InvoiceStatus.PAID  # a fully discounted month
    db.session.add(invoice)
    db.session.flush()
    if invoice.total_cents:
        ledger.book(
            organisation.id,
            "invoice",
            f"invoice:{invoice.id}",
            f"Invoice {invoice.number} {placement.starter_trade_name}",
            [
                (ledger.receivable(placement.starter_id), invoice.total_cents),
                (ledger.income(placement.unit_id), -invoice.net_cents),
                (ledger.vat(organisation.id), -invoice.vat_cents),
            ],
            issued_on,
        )
    return invoice


def issue_one_off_invoice(
    placement: Placement, net_cents: int, description: str, issued_on: date | None = None
) -> Invoice:
    """Invoice a let with one price, e.g. a pop-up booking of some days (booked once)."""
    period = placement.start_date.replace(day=1)
    existing = db.session.scalar(
        sa.select(Invoice).where(Invoice.placement_id == placement.id, Invoice.period == period)
    )
    if existing is not None:
        return existing
    rate = VAT_STANDARD_BP if placement.vat_opted else 0
    return _issue(placement, period, [Line(description, net_cents, rate)], issued_on)


@dataclass
class InvoiceRun:
    created: list[Invoice]
    skipped: list[tuple[Placement, str]]


def invoiceable(organisation_id: int, period: date) -> sa.Select:
    """Placements of an organisation that run for at least a day in the month."""
    from vrijstad.popups.models import Booking

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
        already = db.session.scalar(
            sa.select(Invoice.id).where(
                Invoice.placement_id == placement.id, Invoice.period == period
            )
        )
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


# Payments ----------------------------------------------------------------------------------


def lock_invoice(invoice_id: int) -> Invoice:
    """The invoice row, locked until the commit and read afresh (FOR UPDATE; SQLite serialises
    writers anyway): whoever moves money on an invoice checks its open amount under this lock."""
    return db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.id == invoice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lock_settlement(settlement_id: int) -> Settlement:
    """The settlement row, locked until the commit and read afresh (its status decides)."""
    return db.session.scalars(
        sa.select(Settlement)
        .where(Settlement.id == settlement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


class PaymentRefused(BillingError):
    """A payment the invoice cannot take; reason says which rule refused it: "not_positive",
    "already_paid", "more_than_open" or "future"."""

    def __init__(self, message: str, field: str, reason: str) -> None:
        super().__init__(message, field)
        self.reason = reason


@dataclass(frozen=True)
class PaymentEffect:
    """What booking a payment does: its revenue and VAT parts and the invoice afterwards."""

    net_cents: int
    vat_cents: int
    paid_cents: int
    status: InvoiceStatus


def payment_effect(
    invoice: Invoice, amount_cents: int, received_on: date, today: date | None = None
) -> PaymentEffect:
    """The one rule for money received on an invoice (read under the invoice's lock): a positive
    amount, not in the future, on an open invoice, never more than is open; the invoice is paid
    exactly when its total is. Raises PaymentRefused; both record_payment and the bank import's
    bulk booking (PaymentBatch) decide through it."""
    if amount_cents <= 0:
        raise PaymentRefused(_("A payment is a positive amount."), "amount", "not_positive")
    if invoice.status != InvoiceStatus.OPEN or invoice.outstanding_cents <= 0:
        raise PaymentRefused(
            _("Invoice %(n)d is already paid in full: nothing was booked.", n=invoice.number),
            "amount",
            "already_paid",
        )
    if amount_cents > invoice.outstanding_cents:
        raise PaymentRefused(
            _(
                "This is more than the %(amount)s still open on the invoice.",
                amount=_eur(invoice.outstanding_cents),
            ),
            "amount",
            "more_than_open",
        )
    if received_on > (today or clock.today()):
        raise PaymentRefused(
            _("A payment cannot be received in the future."), "received_on", "future"
        )
    net, vat_part = split_cents(amount_cents, [invoice.net_cents, invoice.vat_cents])
    paid = invoice.paid_cents + amount_cents
    status = InvoiceStatus.PAID if paid == invoice.total_cents else InvoiceStatus(invoice.status)
    return PaymentEffect(net, vat_part, paid, status)


def _payment_values(
    actor: User | None,
    invoice: Invoice,
    amount_cents: int,
    effect: PaymentEffect,
    received_on: date,
    reference: str | None,
    method: str,
) -> dict:
    return {
        "invoice_id": invoice.id,
        "amount_cents": amount_cents,
        "net_cents": effect.net_cents,
        "vat_cents": effect.vat_cents,
        "received_on": received_on,
        "method": method,
        "reference": (reference or "")[:120] or None,
        "recorded_by_id": actor.id if actor else None,
    }


def _payment_posting(
    invoice: Invoice, amount_cents: int, key: str, received_on: date
) -> ledger.PostingSpec:
    return ledger.PostingSpec(
        invoice.organisation_id,
        "payment",
        key,
        f"Payment invoice {invoice.number}",
        [
            (ledger.bank(invoice.organisation_id), amount_cents),
            (ledger.receivable(invoice.starter_id), -amount_cents),
        ],
        received_on,
    )


def record_payment(
    actor: User | None,
    invoice: Invoice,
    amount_cents: int,
    received_on: date,
    reference: str | None = None,
    method: str = "bank",
    key: str | None = None,
) -> Payment:
    """Money received for an invoice: booked as bank against the starter's receivable.

    The invoice row is locked and its open amount read again under the lock, so two staff
    recording the same payment at once book it once: the second finds nothing open. What may
    be booked is decided by payment_effect, as for the bank import's PaymentBatch."""
    _staff(actor, invoice.organisation_id)
    invoice = lock_invoice(invoice.id)
    effect = payment_effect(invoice, amount_cents, received_on)
    payment = Payment(
        **_payment_values(actor, invoice, amount_cents, effect, received_on, reference, method)
    )
    db.session.add(payment)
    db.session.flush()
    ledger.book(
        *_payment_posting(invoice, amount_cents, key or f"payment:{payment.id}", received_on)
    )
    invoice.paid_cents, invoice.status = effect.paid_cents, effect.status
    db.session.flush()
    if actor is not None:
        record_event(
            actor,
            "payment.recorded",
            payment,
            invoice.organisation_id,
            invoice=invoice.id,
            cents=amount_cents,
        )
    return payment


def lock_invoices(invoice_ids) -> dict[int, Invoice]:
    """Several invoice rows locked (FOR UPDATE, in id order so two callers never wait on each
    other crosswise) and read afresh, by id."""
    ids = sorted(set(invoice_ids))
    locked: dict[int, Invoice] = {}
    for start in range(0, len(ids), _LOCK_CHUNK):
        for invoice in db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.id.in_(ids[start : start + _LOCK_CHUNK]))
            .order_by(Invoice.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ):
            locked[invoice.id] = invoice
    return locked


_LOCK_CHUNK = 20_000  # a bank file's lines at most: one statement (SQLite takes 32,766 values)


@dataclass(frozen=True)
class PaymentRequest:
    """One payment for a PaymentBatch; the invoice must be locked (lock_invoices)."""

    invoice: Invoice
    amount_cents: int
    received_on: date
    reference: str | None
    key: str
    method: str = "bank"


class PaymentBatch:
    """Payments decided one by one (payment_effect, on the invoices as the earlier payments of
    the batch left them) and written together by write(): the payments, their postings and
    audit events in batches, the invoices in one statement (database.update_rows). The
    invoices must be locked."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.today = clock.today()
        self._pending: list[tuple[PaymentRequest, PaymentEffect]] = []
        self._allowed: set[int] = set()

    def add(self, request: PaymentRequest) -> None:
        """Decide one payment (raises PaymentRefused); the invoice object shows its effect at
        once (paid amount, status), as it will be once written, so the next payment on it is
        decided on that. Do not reload the invoices (populate_existing) before write()."""
        invoice = request.invoice
        if invoice.organisation_id not in self._allowed:
            _staff(self.actor, invoice.organisation_id)
            self._allowed.add(invoice.organisation_id)
        effect = payment_effect(invoice, request.amount_cents, request.received_on, self.today)
        self._pending.append((request, effect))
        # the row is written by write(); meanwhile the object tells later payments the truth
        set_committed_value(invoice, "paid_cents", effect.paid_cents)
        set_committed_value(invoice, "status", effect.status)

    def write(self) -> list[int]:
        """Insert the decided payments, book them, update their invoices; the payment ids in
        the order the payments were added."""
        if not self._pending:
            return []
        values = [
            _payment_values(
                self.actor, r.invoice, r.amount_cents, e, r.received_on, r.reference, r.method
            )
            for r, e in self._pending
        ]
        # The new rows come back in no particular order: each is known by its values (rows
        # with equal values are interchangeable, so any of their ids will do).
        keys = list(values[0])
        waiting: dict[tuple, list[int]] = defaultdict(list)
        for index, row in enumerate(values):
            waiting[tuple(row[key] for key in keys)].append(index)
        ids = [0] * len(values)
        for found in insert_rows(Payment.__table__, values, returning=("id", *keys)):
            ids[waiting[tuple(found[1:])].pop()] = found[0]
        ledger.book_many(
            [
                _payment_posting(r.invoice, r.amount_cents, r.key, r.received_on)
                for r, _e in self._pending
            ]
        )
        final = {r.invoice.id: r.invoice for r, _e in self._pending}
        update_rows(
            Invoice.__table__,
            [
                {"id": i.id, "paid_cents": i.paid_cents, "status": InvoiceStatus(i.status)}
                for i in final.values()
            ],
        )
        if self.actor is not None:
            record_events(
                self.actor,
                "payment.recorded",
                "Payment",
                [
                    (
                        payment_id,
                        r.invoice.organisation_id,
                        {"invoice": r.invoice.id, "cents": r.amount_cents},
                    )
                    for payment_id, (r, _e) in zip(ids, self._pending, strict=True)
                ],
            )
        self._pending = []
        return ids


# Settlements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitShare:
    unit_id: int
    landlord_id: int
    received: int
    landlord: int
    organisation: int
    fund: int
    note: str | None = None


def split_unit(
    collective: Collective,
    received: int,
    lease: HeadLease | None,
    landlord_id: int,
    unit_id: int,
    period: date,
) -> UnitShare:
    """Divide one unit's received revenue; the three parts always add up to what came in."""
    rest_bp = 10000 - collective.fund_bp - collective.organisation_fee_bp
    fund, fee, rest = split_cents(
        received, [collective.fund_bp, collective.organisation_fee_bp, rest_bp]
    )
    note = None
    landlord = rest
    if collective.landlord_rule == LandlordRule.HEAD_LEASE and lease is not None:
        due = lease.rent_for(period)
        if lease.kind == HeadLeaseKind.TURNOVER:
            due = max(due, percent_of(received, lease.landlord_share_bp))
        landlord = min(due, rest)
        if due > landlord:
            note = _(
                "%(amount)s of the head-lease rent was not covered by what was received.",
                amount=_eur(due - landlord),
            )
        fee += rest - landlord  # a surplus above the head-lease rent stays with the organisation
    return UnitShare(unit_id, landlord_id, received, landlord, fee, fund, note)


def unchecked_reports(collective: Collective, period: date) -> list[TurnoverReport]:
    units = sa.select(HeadLease.unit_id).where(HeadLease.collective_id == collective.id)
    return list(
        db.session.scalars(
            sa.select(TurnoverReport)
            .join(Placement)
            .where(
                TurnoverReport.period == period,
                TurnoverReport.status != TurnoverStatus.CHECKED,
                Placement.unit_id.in_(units),
            )
            .order_by(TurnoverReport.id)
        )
    )


def check_settlement(
    actor: User | None, collective: Collective, period: date, confirm_unchecked: bool = False
) -> Settlement | None:
    """The month's settlement if there is one; else NeedsConfirmation while turnover reports
    of the month are unchecked and the staff member did not confirm."""
    _staff(actor, collective.organisation_id)
    period = period.replace(day=1)
    existing = db.session.scalar(
        sa.select(Settlement).where(
            Settlement.collective_id == collective.id, Settlement.period == period
        )
    )
    if existing is None and not confirm_unchecked:
        pending = unchecked_reports(collective, period)
        if pending:
            raise NeedsConfirmation(
                _(
                    "%(n)d turnover reports of this month are not checked yet. "
                    "Check them, or confirm to settle anyway.",
                    n=len(pending),
                ),
                pending,
            )
    return existing


def calculate_settlement(
    actor: User | None, collective: Collective, period: date, confirm_unchecked: bool = False
) -> Settlement:
    """Settle what a collective received up to the end of the month and was not settled yet.

    Idempotent: a month already settled returns the existing settlement and books nothing; a
    payment that arrives later lands in the next month's settlement."""
    return calculate_settlements(actor, [collective], period, confirm_unchecked)[0]


def _unchecked_by_collective(
    collective_ids: list[int], period: date
) -> dict[int, list[TurnoverReport]]:
    """unchecked_reports of many collectives, in two queries."""
    leased = sa.select(HeadLease.collective_id, HeadLease.unit_id).where(
        HeadLease.collective_id.in_(collective_ids)
    )
    collectives_of: dict[int, set[int]] = {}
    for collective_id, unit_id in db.session.execute(leased):
        collectives_of.setdefault(unit_id, set()).add(collective_id)
    found: dict[int, list[TurnoverReport]] = {}
    for report, unit_id in db.session.execute(
        sa.select(TurnoverReport, Placement.unit_id)
        .join(Placement)
        .where(
            TurnoverReport.period == period,
            TurnoverReport.status != TurnoverStatus.CHECKED,
            Placement.unit_id.in_(leased.with_only_columns(HeadLease.unit_id)),
        )
        .order_by(TurnoverReport.id)
    ):
        for collective_id in collectives_of[unit_id]:
            found.setdefault(collective_id, []).append(report)
    return found


def calculate_settlements(
    actor: User | None, collectives: list[Collective], period: date, confirm_unchecked: bool = False
) -> list[Settlement]:
    """calculate_settlement for many collectives at once (a national month: hundreds of
    collectives, tens of thousands of units), with the same rules and results: each query
    serves all collectives and the settlements, their lines, the payments' settlement, the
    postings and audit events are written in batches. Unchecked turnover reports of any
    collective (unless confirmed) refuse the whole call with that collective's reports.
    Returns the settlements in the order of the collectives."""
    period = period.replace(day=1)
    for organisation_id in sorted({c.organisation_id for c in collectives}):
        _staff(actor, organisation_id)
    ids = [c.id for c in collectives]
    existing = {
        s.collective_id: s
        for s in db.session.scalars(
            sa.select(Settlement).where(
                Settlement.collective_id.in_(ids), Settlement.period == period
            )
        )
    }
    todo = [c for c in collectives if c.id not in existing]
    if not todo:
        return [existing[c.id] for c in collectives]
    todo_ids = [c.id for c in todo]
    if not confirm_unchecked:
        pending = _unchecked_by_collective(todo_ids, period)
        for collective in todo:
            reports = pending.get(collective.id)
            if reports:
                raise NeedsConfirmation(
                    _(
                        "%(n)d turnover reports of this month are not checked "
                        "yet. Check them, or confirm to settle anyway.",
                        n=len(reports),
                    ),
                    reports,
                )
    cutoff = next_month(period)
    received: dict[int, list[tuple[int, int, int]]] = {c: [] for c in todo_ids}
    for collective_id, unit_id, owner_id, cents in db.session.execute(
        sa.select(
            Invoice.collective_id, Invoice.unit_id, Unit.owner_id, sa.func.sum(Payment.net_cents)
        )
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .join(Unit, Unit.id == Invoice.unit_id)
        .where(
            Invoice.collective_id.in_(todo_ids),
            Payment.settlement_id.is_(None),
            Payment.received_on < cutoff,
        )
        .group_by(Invoice.collective_id, Invoice.unit_id, Unit.owner_id)
        .order_by(Invoice.collective_id, Invoice.unit_id)
    ):
        received[collective_id].append((unit_id, owner_id, int(cents)))
    leases: dict[int, dict[int, HeadLease]] = {c: {} for c in todo_ids}
    for lease in db.session.scalars(
        sa.select(HeadLease)
        .where(HeadLease.collective_id.in_(todo_ids), HeadLease.status != HeadLeaseStatus.DRAFT)
        .order_by(HeadLease.id)
    ):
        leases[lease.collective_id][lease.unit_id] = lease
    shares: dict[int, list[UnitShare]] = {}
    made: dict[int, Settlement] = {}
    for collective in todo:
        own = leases[collective.id]
        shares[collective.id] = [
            split_unit(
                collective,
                cents,
                own.get(unit_id),
                own[unit_id].landlord_id if unit_id in own else owner_id,
                unit_id,
                period,
            )
            for unit_id, owner_id, cents in received[collective.id]
        ]
        parts = shares[collective.id]
        made[collective.id] = Settlement(
            collective_id=collective.id,
            period=period,
            received_cents=sum(s.received for s in parts),
            landlords_cents=sum(s.landlord for s in parts),
            organisation_cents=sum(s.organisation for s in parts),
            fund_cents=sum(s.fund for s in parts),
        )
    db.session.add_all(made.values())
    db.session.flush()
    # Tens of thousands of lines: in batches, not the unit of work object by object.
    rows = [
        {
            "settlement_id": made[collective_id].id,
            "unit_id": s.unit_id,
            "beneficiary": beneficiary,
            "landlord_id": landlord_id,
            "received_cents": s.received,
            "amount_cents": amount,
            "note": note,
        }
        for collective_id, parts in shares.items()
        for s in parts
        for beneficiary, amount, landlord_id, note in (
            (Beneficiary.LANDLORD, s.landlord, s.landlord_id, s.note),
            (Beneficiary.ORGANISATION, s.organisation, None, None),
            (Beneficiary.FUND, s.fund, None, None),
        )
    ]
    insert_rows(SettlementLine.__table__, rows)
    payments, invoices, settlements = Payment.__table__, Invoice.__table__, Settlement.__table__
    db.session.execute(  # UPDATE … FROM: each payment gets its collective's new settlement
        sa.update(payments)
        .where(
            payments.c.settlement_id.is_(None),
            payments.c.received_on < cutoff,
            payments.c.invoice_id == invoices.c.id,
            invoices.c.collective_id == settlements.c.collective_id,
            settlements.c.period == period,
            settlements.c.id.in_([settlement.id for settlement in made.values()]),
        )
        .values(settlement_id=settlements.c.id)
    )
    specs = []
    for collective in todo:
        settlement, parts = made[collective.id], shares[collective.id]
        db.session.expire(settlement, ["lines"])
        if not settlement.received_cents:
            continue
        lines = [(ledger.income(s.unit_id), s.received) for s in parts]
        lines += [(ledger.payable(s.landlord_id), -s.landlord) for s in parts]
        lines += [
            (ledger.revenue(collective.organisation_id), -settlement.organisation_cents),
            (ledger.fund(collective.id), -settlement.fund_cents),
        ]
        specs.append(
            ledger.PostingSpec(
                collective.organisation_id,
                "settlement",
                f"settlement:{settlement.id}",
                f"Settlement {collective.name} {period:%Y-%m}",
                lines,
                cutoff - timedelta(1),
            )
        )
    ledger.book_many(specs)
    if actor is not None:
        record_events(
            actor,
            "settlement.calculated",
            "Settlement",
            [
                (
                    made[c.id].id,
                    c.organisation_id,
                    {"period": period.isoformat(), "received": made[c.id].received_cents},
                )
                for c in todo
            ],
        )
    return [existing[c.id] if c.id in existing else made[c.id] for c in collectives]


def settlement_label(status: SettlementStatus) -> str:
    return {
        SettlementStatus.CALCULATED: _("calculated"),
        SettlementStatus.APPROVED: _("approved"),
        SettlementStatus.PAID: _("paid"),
    }[SettlementStatus(status)]


def fund_status_label(status: FundSpendingStatus) -> str:
    return {
        FundSpendingStatus.PROPOSED: _("proposed"),
        FundSpendingStatus.APPROVED: _("approved"),
        FundSpendingStatus.REJECTED: _("rejected"),
    }[FundSpendingStatus(status)]


def beneficiary_label(beneficiary: Beneficiary) -> str:
    return {
        Beneficiary.LANDLORD: _("landlord"),
        Beneficiary.ORGANISATION: _("organisation"),
        Beneficiary.FUND: _("fund"),
    }[Beneficiary(beneficiary)]


def _move_settlement(actor: User, settlement: Settlement, target: SettlementStatus) -> None:
    lock_settlement(settlement.id)  # a second click (or a colleague's) finds the new status
    try:
        check_transition(SETTLEMENT_TRANSITIONS, settlement.status, target)
    except TransitionError as exc:
        raise BillingError(
            _(
                "A settlement that is %(current)s cannot become %(target)s.",
                current=settlement_label(settlement.status),
                target=settlement_label(target),
            )
        ) from exc
    settlement.status = target
    record_event(
        actor,
        "settlement.status",
        settlement,
        settlement.collective.organisation_id,
        new=target.value,
    )


def approve_settlement(actor: User, settlement: Settlement) -> Settlement:
    """An organisation admin approves the calculated split."""
    _staff(actor, settlement.collective.organisation_id, MemberRole.ADMIN)
    _move_settlement(actor, settlement, SettlementStatus.APPROVED)
    settlement.approved_by_id = actor.id
    db.session.flush()
    return settlement


def mark_settlement_paid(
    actor: User, settlement: Settlement, paid_on: date | None = None
) -> Settlement:
    """The landlords have been paid by bank: book each payout from the payable account."""
    _staff(actor, settlement.collective.organisation_id, MemberRole.ADMIN)
    _move_settlement(actor, settlement, SettlementStatus.PAID)
    per_landlord: dict[int, int] = {}
    for line in settlement.lines:
        if line.beneficiary == Beneficiary.LANDLORD and line.amount_cents:
            per_landlord[line.landlord_id] = (
                per_landlord.get(line.landlord_id, 0) + line.amount_cents
            )
    organisation_id = settlement.collective.organisation_id
    if per_landlord:
        lines = [(ledger.payable(landlord), cents) for landlord, cents in per_landlord.items()]
        lines.append((ledger.bank(organisation_id), -sum(per_landlord.values())))
        ledger.book(
            organisation_id,
            "payout",
            f"payout:settlement:{settlement.id}",
            f"Landlord payouts {settlement.collective.name} {settlement.period:%Y-%m}",
            lines,
            paid_on,
        )
    db.session.flush()
    return settlement


# The fund ----------------------------------------------------------------------------------


def fund_balance(collective: Collective) -> int:
    """What the fund holds (its account is credited, so the balance is the negated sum)."""
    return -ledger.balance(collective.organisation_id, ledger.fund(collective.id))


def propose_spending(
    actor: User, collective: Collective, purpose: FundPurpose, description: str, amount_cents: int
) -> FundSpending:
    """Staff propose spending from the fund; an organisation admin decides."""
    _staff(actor, collective.organisation_id)
    if amount_cents <= 0:
        raise BillingError(_("Enter an amount above € 0."), "amount")
    if not description.strip():
        raise BillingError(_("Say what the money is for."), "description")
    spending = FundSpending(
        collective_id=collective.id,
        purpose=purpose,
        description=description.strip()[:300],
        amount_cents=amount_cents,
        proposed_by_id=actor.id,
    )
    db.session.add(spending)
    db.session.flush()
    record_event(actor, "fund.proposed", spending, collective.organisation_id, cents=amount_cents)
    return spending


def decide_spending(actor: User, spending: FundSpending, approve: bool) -> FundSpending:
    """An admin approves (booked from the fund) or rejects a proposed spending."""
    collective = db.session.get(Collective, spending.collective_id)
    _staff(actor, collective.organisation_id, MemberRole.ADMIN)
    # The collective's row guards its fund: two approvals at once cannot both spend the last
    # of it, and the spending is read again under the lock, so it is decided once.
    db.session.execute(
        sa.select(Collective.id).where(Collective.id == collective.id).with_for_update()
    )
    db.session.refresh(spending, with_for_update=True)
    if spending.status != FundSpendingStatus.PROPOSED:
        raise BillingError(_("This spending has already been decided."))
    if approve and spending.amount_cents > fund_balance(collective):
        raise BillingError(
            _("The fund holds only %(amount)s.", amount=_eur(fund_balance(collective))), "amount"
        )
    spending.status = FundSpendingStatus.APPROVED if approve else FundSpendingStatus.REJECTED
    spending.decided_by_id = actor.id
    db.session.flush()
    if approve:
        ledger.book(
            collective.organisation_id,
            "fund_spending",
            f"fund_spending:{spending.id}",
            f"Fund {collective.name}: {spending.description}",
            [
                (ledger.fund(collective.id), spending.amount_cents),
                (ledger.bank(collective.organisation_id), -spending.amount_cents),
            ],
        )
    record_event(actor, "fund.decided", spending, collective.organisation_id, approved=approve)
    return spending
