"""Billing's tasks on the staff's list: months to invoice, overdue invoices, settlements to
approve."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import QueryableAttribute

from vrijstad import clock
from vrijstad.billing.models import Invoice, InvoiceStatus, Settlement, SettlementStatus
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import month_filter, ngettext
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseStatus,
    Placement,
    PlacementStatus,
    TurnoverReport,
)
from vrijstad.money import format_eur
from vrijstad.popups.models import Booking
from vrijstad.todo.registry import Severity, Task, register_provider

#: Days staff take to approve a calculated settlement (the landlords wait for it).
APPROVE_DAYS = 7


def _collective_of_placement() -> sa.ScalarSelect:
    return (
        sa.select(sa.func.min(HeadLease.collective_id))
        .where(HeadLease.unit_id == Placement.unit_id, HeadLease.status != HeadLeaseStatus.ENDED)
        .scalar_subquery()
    )


def _not_invoiced(
    period: sa.ColumnElement[date] | QueryableAttribute[date],
) -> sa.ColumnElement[bool]:
    return ~sa.exists().where(Invoice.placement_id == Placement.id, Invoice.period == period)


def invoice_rows(organisation_ids: Sequence[int], today: date) -> sa.Select:
    """Per collective and month, the placements that can be invoiced and are not: fixed-fee
    placements running this month (the placements `invoicing.invoiceable` picks), and
    turnover placements for an earlier month whose report is in."""
    this_month = clock.month_start(today)
    collective = _collective_of_placement().label("collective_id")
    period = sa.literal(this_month, sa.Date).label("period")
    booked = sa.select(Booking.placement_id).where(Booking.placement_id.is_not(None))
    fixed = sa.select(Placement.organisation_id, collective, period, Placement.id).where(
        Placement.organisation_id.in_(organisation_ids),
        Placement.id.not_in(booked),
        Placement.status != PlacementStatus.ENDED,
        Placement.start_date < clock.next_month(this_month),
        Placement.end_date > this_month,
        Placement.turnover_basis_points == 0,
        _not_invoiced(sa.literal(this_month, sa.Date)),
    )
    reported = (
        sa.select(
            Placement.organisation_id,
            collective,
            TurnoverReport.period.label("period"),
            Placement.id,
        )
        .join(Placement, Placement.id == TurnoverReport.placement_id)
        .where(
            Placement.organisation_id.in_(organisation_ids),
            Placement.turnover_basis_points > 0,
            TurnoverReport.period < this_month,
            _not_invoiced(TurnoverReport.period),
        )
    )
    both = sa.union_all(fixed, reported).subquery()
    return (
        sa.select(both.c.organisation_id, both.c.collective_id, both.c.period, sa.func.count())
        .group_by(both.c.organisation_id, both.c.collective_id, both.c.period)
        .order_by(both.c.period)
    )


def months_to_invoice(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Per collective and month, the placements still to invoice (`invoice_rows`)."""
    rows = db.session.execute(invoice_rows(organisation_ids, today))
    tasks = []
    for row in rows:
        organisation_id, collective_id, month, count = cast(
            tuple[int, int | None, date, int], tuple(row)
        )
        if collective_id is None:
            url = url_for("letting.collectives", organisation_id=organisation_id)
        else:
            url = url_for(
                "letting.collective",
                collective_id=collective_id,
                period=month.strftime("%Y-%m"),
                _anchor="invoices",
            )
        tasks.append(
            Task(
                title=_("Issue the invoices of %(month)s", month=month_filter(month)),
                detail=ngettext(
                    "%(num)d placement not invoiced yet",
                    "%(num)d placements not invoiced yet",
                    count,
                ),
                due=month,
                url=url,
                kind="billing.invoice",
                organisation_id=organisation_id,
            )
        )
    return tasks


def overdue_rows(organisation_ids: Sequence[int], today: date) -> sa.Select[int, int, date, int]:
    """Per organisation, the invoices past their due date with something still to pay."""
    return (
        sa.select(
            Invoice.organisation_id,
            sa.func.count(),
            sa.func.min(Invoice.due_on),
            sa.func.sum(Invoice.total_cents - Invoice.paid_cents),
        )
        .where(
            Invoice.organisation_id.in_(organisation_ids),
            Invoice.status == InvoiceStatus.OPEN,
            Invoice.total_cents > Invoice.paid_cents,
            Invoice.due_on < today,
        )
        .group_by(Invoice.organisation_id)
    )


def overdue_invoices(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Per organisation, one task for its overdue invoices."""
    rows = db.session.execute(overdue_rows(organisation_ids, today))
    return [
        Task(
            title=ngettext(
                "Follow up %(num)d overdue invoice", "Follow up %(num)d overdue invoices", count
            ),
            detail=_("%(amount)s outstanding", amount=format_eur(int(outstanding))),
            due=oldest + timedelta(days=1),
            url=url_for(
                "billing.receivables_page", organisation_id=organisation_id, show="overdue"
            ),
            kind="billing.overdue",
            severity=Severity.URGENT,
            organisation_id=organisation_id,
        )
        for organisation_id, count, oldest, outstanding in rows
    ]


def settlement_rows(
    organisation_ids: Sequence[int], today: date
) -> sa.Select[Settlement, str, int]:
    """The calculated settlements that wait for an organisation admin's approval."""
    return (
        sa.select(Settlement, Collective.name, Collective.organisation_id)
        .join(Collective, Collective.id == Settlement.collective_id)
        .where(
            Collective.organisation_id.in_(organisation_ids),
            Settlement.status == SettlementStatus.CALCULATED,
        )
    )


def settlements_to_approve(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each calculated settlement that waits for approval."""
    rows = db.session.execute(settlement_rows(organisation_ids, today))
    return [
        Task(
            title=_(
                "Approve the settlement of %(collective)s for %(month)s",
                collective=name,
                month=month_filter(settlement.period),
            ),
            detail=_("%(amount)s for the landlords", amount=format_eur(settlement.landlords_cents)),
            due=clock.local_date(settlement.calculated_at) + timedelta(days=APPROVE_DAYS),
            url=url_for("billing.settlement", settlement_id=settlement.id),
            kind="billing.settlement",
            organisation_id=organisation_id,
        )
        for settlement, name, organisation_id in rows
    ]


register_provider("billing.invoice", months_to_invoice, rows=invoice_rows)
register_provider("billing.overdue", overdue_invoices, rows=overdue_rows)
register_provider("billing.settlement", settlements_to_approve, rows=settlement_rows)
