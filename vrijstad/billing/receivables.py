"""Receivables: what starters still owe an organisation, and reminders for overdue invoices.

An invoice is overdue from the day after its due date while something is outstanding. A
reminder goes out at 7 and at 21 days overdue, each once (a unique row per level); when the
command has not run for a while only the highest level that is due is sent, never a
friendlier one after a sterner one. The 21-day reminder also tells the organisation's staff.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from vrijstad.auth.models import User
from vrijstad.billing.models import Invoice, InvoiceReminder, InvoiceStatus
from vrijstad.extensions import db
from vrijstad.i18n import date_filter
from vrijstad.money import format_eur
from vrijstad.notifications.services import notify
from vrijstad.organisations.services import staff_of

REMINDER_LEVELS = (7, 21)


class ReceivableFilter(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    PAID = "paid"
    ALL = "all"


def _outstanding() -> sa.ColumnElement[bool]:
    return sa.and_(Invoice.status == InvoiceStatus.OPEN, Invoice.total_cents > Invoice.paid_cents)


def receivables(organisation_id: int, which: ReceivableFilter, today: date) -> sa.Select:
    """The organisation's invoices with starter and unit, oldest due first (stable order)."""
    query = (
        sa.select(Invoice)
        .options(joinedload(Invoice.starter), joinedload(Invoice.unit))
        .where(Invoice.organisation_id == organisation_id)
    )
    if which is ReceivableFilter.OPEN:
        query = query.where(_outstanding())
    elif which is ReceivableFilter.OVERDUE:
        query = query.where(_outstanding(), Invoice.due_on < today)
    elif which is ReceivableFilter.PAID:
        query = query.where(Invoice.status == InvoiceStatus.PAID)
    return query.order_by(Invoice.due_on, Invoice.number)


@dataclass(frozen=True)
class Totals:
    open_cents: int
    open_count: int
    overdue_cents: int
    overdue_count: int
    paid_cents: int
    paid_count: int


def totals(organisation_id: int, today: date) -> Totals:
    """Sums for the tabs of the receivables page, in one query."""
    outstanding = Invoice.total_cents - Invoice.paid_cents
    is_open = _outstanding()
    is_overdue = sa.and_(is_open, Invoice.due_on < today)
    is_paid = Invoice.status == InvoiceStatus.PAID

    def sum_if(condition, value):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            sum_if(is_open, outstanding),
            sum_if(is_open, 1),
            sum_if(is_overdue, outstanding),
            sum_if(is_overdue, 1),
            sum_if(is_paid, Invoice.total_cents),
            sum_if(is_paid, 1),
        ).where(Invoice.organisation_id == organisation_id)
    ).one()
    return Totals(*(int(value) for value in row))


def reminders_sent(invoice_ids: list[int]) -> dict[int, list[InvoiceReminder]]:
    found: dict[int, list[InvoiceReminder]] = {}
    if not invoice_ids:
        return found
    for reminder in db.session.scalars(
        sa.select(InvoiceReminder)
        .where(InvoiceReminder.invoice_id.in_(invoice_ids))
        .order_by(InvoiceReminder.level)
    ):
        found.setdefault(reminder.invoice_id, []).append(reminder)
    return found


def days_overdue(invoice: Invoice, today: date) -> int:
    return max(0, (today - invoice.due_on).days)


def due_level(invoice: Invoice, today: date) -> int | None:
    """The sternest reminder level an invoice has reached today, if any."""
    reached = [level for level in REMINDER_LEVELS if days_overdue(invoice, today) >= level]
    return reached[-1] if reached else None


def send_reminders(today: date, organisation_id: int | None = None) -> list[InvoiceReminder]:
    """Remind starters of invoices 7 and 21 days overdue; safe to run any number of times."""
    candidates = sa.select(Invoice).where(
        _outstanding(), Invoice.due_on <= today - timedelta(days=REMINDER_LEVELS[0])
    )
    if organisation_id is not None:
        candidates = candidates.where(Invoice.organisation_id == organisation_id)
    invoices = list(db.session.scalars(candidates.order_by(Invoice.id)))
    sent = reminders_sent([invoice.id for invoice in invoices])
    created = []
    for invoice in invoices:
        level = due_level(invoice, today)
        if level is None or any(r.level >= level for r in sent.get(invoice.id, ())):
            continue
        reminder = InvoiceReminder(invoice_id=invoice.id, level=level, sent_on=today)
        db.session.add(reminder)
        created.append(reminder)
        data = {
            "number": invoice.number,
            "amount": format_eur(invoice.outstanding_cents),
            "due": date_filter(invoice.due_on),
            "days": days_overdue(invoice, today),
            "reference": invoice.reference,
        }
        starter = db.session.get_one(User, invoice.starter_id)
        notify(
            [starter], f"invoice.reminder_{level}", "payments.pay", {"invoice_id": invoice.id}, data
        )
        if level == REMINDER_LEVELS[-1]:
            notify(
                staff_of(invoice.organisation_id),
                "invoice.overdue_staff",
                "billing.receivables_page",
                {
                    "organisation_id": invoice.organisation_id,
                    "show": ReceivableFilter.OVERDUE.value,
                },
                data | {"starter": starter.name},
            )
    db.session.flush()
    return created
