"""Reads for the home page's cards: a landlord's payouts, a starter's open applications,
invoices and turnover reports still to file."""

from datetime import date

import sqlalchemy as sa

from vrijstad.applications.models import OPEN_STATUSES, Application
from vrijstad.billing.models import Invoice, InvoiceKind, InvoiceStatus
from vrijstad.ledger.models import Entry, Posting
from vrijstad.letting.models import (
    Placement,
    PlacementStatus,
    TurnoverReport,
)


def landlord_payouts(landlord_account: str, first: date, last: date) -> sa.Select:
    """What was paid out to a landlord's payable account between the two days, all books."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_cents), 0))
        .join(Posting, Posting.id == Entry.posting_id)
        .where(
            Entry.account == landlord_account,
            Posting.kind == "payout",
            Entry.amount_cents > 0,
            Posting.booked_on.between(first, last),
        )
    )


def open_applications_of(starter_id: int) -> sa.Select:
    return (
        sa.select(Application)
        .where(Application.starter_id == starter_id, Application.status.in_(OPEN_STATUSES))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )


def open_invoices_of(starter_id: int) -> sa.Select:
    return (
        sa.select(Invoice)
        .where(Invoice.starter_id == starter_id, Invoice.status == InvoiceStatus.OPEN)
        .order_by(Invoice.due_on, Invoice.id)
    )


def turnover_placements_of(starter_id: int) -> sa.Select:
    return (
        sa.select(Placement)
        .where(
            Placement.starter_id == starter_id,
            Placement.turnover_basis_points > 0,
            Placement.status != PlacementStatus.ENDED,
        )
        .order_by(Placement.id)
    )


def reported_periods(placement_ids: list[int]) -> sa.Select:
    return sa.select(TurnoverReport.placement_id, TurnoverReport.period).where(
        TurnoverReport.placement_id.in_(placement_ids)
    )


def invoiced_periods(placement_ids: list[int]) -> sa.Select:
    """(placement, month) of the invoices issued: a month is closed for reports then."""
    return sa.select(Invoice.placement_id, Invoice.period).where(
        Invoice.placement_id.in_(placement_ids), Invoice.kind == InvoiceKind.RENT
    )
