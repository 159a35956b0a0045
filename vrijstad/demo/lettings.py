"""Collective letting: the organisation's head leases in the centre, starters placed in them,
their monthly invoices (open, paid, and one overdue past both reminders), turnover reports
and the monthly settlements with the landlords."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad.billing import receivables
from vrijstad.billing import services as billing
from vrijstad.billing.models import Invoice
from vrijstad.clock import add_months, month_start
from vrijstad.contests.models import Award
from vrijstad.demo.base import Demo, start_placement
from vrijstad.extensions import db
from vrijstad.letting import services as letting
from vrijstad.letting.models import HeadLeaseKind, HeadLeaseStatus, LandlordRule, Placement
from vrijstad.starters.models import SpaceKind


@dataclass(frozen=True)
class Let:
    starter: str  # the part of the e-mail address before the @
    street: str
    position: int
    months_ago: int
    months: int
    fee_cents: int
    turnover_bp: int = 0
    #: "on time", or "late": one month unpaid past both reminders, the next one half paid.
    payer: str = "on time"


LETS = [
    Let("starter8", "Lange Nieuwstraat", 3, 14, 24, 95_000),
    Let("starter6", "Kerkstraat", 10, 10, 24, 120_000),
    Let("starter4", "Hoogstraat", 11, 8, 24, 145_000),
    Let("starter5", "Markt", 9, 6, 24, 160_000, payer="late"),
    Let("starter3", "Hoogstraat", 7, 4, 12, 80_000, turnover_bp=800),
]
#: Lotte's monthly turnover, excluding VAT, in her first months.
TURNOVER_CENTS = (1_120_000, 1_350_000, 1_410_000, 1_290_000, 1_380_000)


def build_collective(demo: Demo) -> None:
    """The collective in the centre with its placements, invoices, payments and settlements."""
    manager, today = demo.manager, demo.today
    collective = letting.create_collective(
        manager,
        demo.organisation,
        demo.areas[0],
        "Samen Dijkerveen",
        1000,
        500,
        LandlordRule.HEAD_LEASE,
    )
    for let in LETS:
        unit = demo.units[let.street][let.position]
        start = add_months(month_start(today), -let.months_ago)
        lease = letting.add_head_lease(
            manager,
            collective,
            unit,
            letting.LeaseTerms(HeadLeaseKind.FIXED, let.fee_cents * 3 // 400 * 100, start),
        )
        letting.change_head_lease(manager, lease, HeadLeaseStatus.SIGNED)
        letting.change_head_lease(manager, lease, HeadLeaseStatus.ACTIVE)
        starter = demo.user(let.starter)
        kind = SpaceKind.POPUP if let.months <= 12 else SpaceKind.WHOLE_UNIT
        placement = letting.place_starter(
            manager,
            unit,
            starter,
            letting.PlacementTerms(
                start,
                add_months(start, let.months),
                let.fee_cents,
                let.turnover_bp,
                2 * let.fee_cents,
                kind,
            ),
        )
        start_placement(placement)
        demo.vacancies[unit.id] = [(demo.vacancies[unit.id][0][0], start)]
    db.session.flush()
    for let in LETS:
        _invoice(demo, let)
    prizes = sa.select(Placement).join(Award, Award.placement_id == Placement.id)
    for placement in db.session.scalars(prizes.order_by(Placement.id)).all():
        for period in _months(placement.start_date, today):
            invoice = billing.issue_invoice(placement, period, _issued_on(demo, period))
            _pay(demo, invoice, invoice.total_cents)
    _remind(demo)
    _settle(demo, collective)


def _months(first: date, today: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= today:
        months.append(month)
        month = add_months(month, 1)
    return months


def _issued_on(demo: Demo, period: date) -> date:
    """Rent is invoiced five days before its month; this month's invoice went out just now."""
    if period == month_start(demo.today):
        return demo.ago(2)
    return period - timedelta(days=5)


def _pay(demo: Demo, invoice, cents: int) -> None:
    if cents > 0 and invoice.outstanding_cents:
        received = min(invoice.issued_on + timedelta(days=demo.rng.randint(3, 12)), demo.today)
        billing.record_payment(demo.staff, invoice, cents, received, reference=invoice.reference)


def _invoice(demo: Demo, let: Let) -> None:
    starter = demo.user(let.starter)
    placement = db.session.scalars(
        sa.select(Placement).where(Placement.starter_id == starter.id).limit(1)
    ).one()
    current = month_start(demo.today)
    overdue = add_months(current, -2)
    for n, period in enumerate(_months(placement.start_date, demo.today)):
        if let.turnover_bp:
            if period == current:
                break  # this month's turnover is reported once the month is over
            proof = ("kassa.pdf", demo.pdf(f"Kassaoverzicht {period:%m-%Y}")[1])
            report = letting.submit_turnover(
                starter, placement, period, TURNOVER_CENTS[n % len(TURNOVER_CENTS)], proof
            )
            letting.review_turnover(demo.staff, report)
            issued = min(add_months(period, 1) + timedelta(days=2), demo.today)
            invoice = billing.issue_invoice(placement, period, issued)
        else:
            invoice = billing.issue_invoice(placement, period, _issued_on(demo, period))
        if period == current or (let.payer == "late" and period == overdue):
            continue
        if let.payer == "late" and period > overdue:
            _pay(demo, invoice, invoice.total_cents // 2)
        else:
            _pay(demo, invoice, invoice.total_cents)


def _remind(demo: Demo) -> None:
    """The reminders the daily run sent on the days the open invoices became overdue."""
    days = set()
    unpaid = sa.select(Invoice.due_on).where(Invoice.paid_cents < Invoice.total_cents)
    for due_on in db.session.scalars(unpaid):
        days |= {due_on + timedelta(days=level) for level in receivables.REMINDER_LEVELS}
    for day in sorted(d for d in days if d <= demo.today):
        receivables.send_reminders(day, demo.organisation.id)


def _settle(demo: Demo, collective) -> None:
    """Each past month settled; all but the last approved and paid out to the landlords."""
    first = min(add_months(month_start(demo.today), -let.months_ago) for let in LETS)
    months = _months(first, demo.today)[:-1]
    for period in months:
        settlement = billing.calculate_settlement(demo.manager, collective, period)
        if period != months[-1]:
            billing.approve_settlement(demo.manager, settlement)
            paid_on = min(add_months(period, 1) + timedelta(days=14), demo.today)
            billing.mark_settlement_paid(demo.manager, settlement, paid_on)
