"""The yearly turnover settlement (ROZ turnover-rent clause): the year's rent on the
accountant's certified annual turnover against the monthly advances invoiced for it; the
difference is invoiced, an overpayment credited. Once per placement and year.

The rent due on the year is max(the year's base fees, pct × annual turnover), as a month's
rent is max(base, pct × turnover); the advances are the invoiced rent lines of the year's
months (base fee plus turnover rent above it, before a discount). A discount schedule is not
applied to the difference.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing.mailing import announce_invoice
from vrijstad.billing.models import (
    VAT_STANDARD_BP,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    TurnoverReconciliation,
)
from vrijstad.billing.services.common import BillingError, _eur, percent_of, round_half_up
from vrijstad.billing.services.invoicing import Line, _issue, active_days
from vrijstad.clock import add_months, month_start
from vrijstad.extensions import db
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Placement, TurnoverReport
from vrijstad.notifications.services import notify
from vrijstad.organisations.services import can_manage

#: A certified annual turnover beyond this is a typo (twelve times the monthly cap).
MAX_ANNUAL_TURNOVER_CENTS = 12 * 100_000_000_00


def months_in_year(placement: Placement, year: int) -> list[date]:
    """The months of the year the placement runs in (its end date is exclusive)."""
    first = max(date(year, 1, 1), month_start(placement.start_date))
    last = min(date(year, 12, 1), month_start(placement.end_date - timedelta(days=1)))
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


def _month_names(months: list[date]) -> str:
    return ", ".join(date_filter(m, "long").split(" ", 1)[1] for m in months)


def may_reconcile(user: User, placement: Placement) -> bool:
    """The placement's starter or the organisation's staff."""
    return placement.starter_id == user.id or (
        placement.organisation_id is not None and can_manage(user, placement.organisation_id)
    )


def reconciliation_of(placement: Placement, year: int) -> TurnoverReconciliation | None:
    return db.session.scalar(
        sa.select(TurnoverReconciliation).where(
            TurnoverReconciliation.placement_id == placement.id,
            TurnoverReconciliation.year == year,
        )
    )


def reconcile_year(
    actor: User, placement: Placement, year: int, turnover_cents: int
) -> TurnoverReconciliation:
    """Settle a finished year of a turnover placement on the certified annual turnover."""
    if placement.organisation_id is None or not may_reconcile(actor, placement):
        raise BillingError(_("Only the starter or the organisation's staff can do this."))
    if not placement.turnover_basis_points:
        raise BillingError(_("This placement has a fixed rent; there is no turnover to settle."))
    # The placement row is locked: two settlements of the same year at once book one.
    db.session.scalars(
        sa.select(Placement.id).where(Placement.id == placement.id).with_for_update()
    ).one()
    if reconciliation_of(placement, year) is not None:
        raise BillingError(_("The year %(year)d has been settled already.", year=year), "year")
    if date(year + 1, 1, 1) > clock.today():
        raise BillingError(_("A year is settled once it is over."), "year")
    if not 0 <= turnover_cents <= MAX_ANNUAL_TURNOVER_CENTS:
        raise BillingError(_("Enter the annual turnover as certified, at least € 0."), "turnover")
    months = months_in_year(placement, year)
    if not months:
        raise BillingError(_("The placement did not run in %(year)d.", year=year), "year")
    reported = set(
        db.session.scalars(
            sa.select(TurnoverReport.period).where(
                TurnoverReport.placement_id == placement.id, TurnoverReport.period.in_(months)
            )
        )
    )
    missing = [m for m in months if m not in reported]
    if missing:
        raise BillingError(
            _("Turnover reports are missing for: %(months)s.", months=_month_names(missing)),
            "year",
        )
    invoices = list(
        db.session.scalars(
            sa.select(Invoice).where(
                Invoice.placement_id == placement.id,
                Invoice.kind == InvoiceKind.RENT,
                Invoice.period.in_(months),
            )
        )
    )
    uninvoiced = [m for m in months if m not in {i.period for i in invoices}]
    if uninvoiced:
        raise BillingError(
            _("These months are not invoiced yet: %(months)s.", months=_month_names(uninvoiced)),
            "year",
        )
    advances = int(  # PostgreSQL sums a bigint as numeric
        db.session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(InvoiceLine.net_cents), 0)).where(
                InvoiceLine.invoice_id.in_([i.id for i in invoices]), InvoiceLine.net_cents > 0
            )
        ).scalar_one()
    )
    base = 0
    for month in months:
        days, month_days = active_days(placement, month)
        base += round_half_up(placement.base_fee_cents_per_month * days, month_days)
    due = max(base, percent_of(turnover_cents, placement.turnover_basis_points))
    difference = due - advances
    pct = f"{placement.turnover_basis_points / 100:g} %".replace(".", ",")
    invoice = None
    if difference:
        rate = VAT_STANDARD_BP if placement.vat_opted else 0
        text = _(
            "Turnover rent %(year)d on the annual statement (%(pct)s of %(turnover)s, at least "
            "the base fees): %(due)s, less the advances %(advances)s",
            year=year,
            pct=pct,
            turnover=_eur(turnover_cents),
            due=_eur(due),
            advances=_eur(advances),
        )
        kind = InvoiceKind.RECONCILIATION if difference > 0 else InvoiceKind.CREDIT_NOTE
        invoice = _issue(
            placement, date(year, 1, 1), [Line(text, abs(difference), rate)], None, kind
        )
        announce_invoice(invoice)  # mailed with its PDF, money to pay or a credit note
    settled = TurnoverReconciliation(
        placement_id=placement.id,
        year=year,
        turnover_cents=turnover_cents,
        rent_due_cents=due,
        advances_cents=advances,
        difference_cents=difference,
        invoice_id=invoice.id if invoice else None,
        entered_by_id=actor.id,
    )
    db.session.add(settled)
    db.session.flush()
    notify(
        [placement.starter],
        "reconciliation.issued",
        "letting.my_placements",
        {},
        {
            "year": str(year),
            "unit": placement.unit.address,
            "turnover": _eur(turnover_cents),
            "due": _eur(due),
            "advances": _eur(advances),
            "difference": _eur(difference),
        },
    )
    record_event(
        actor,
        "turnover.reconciled",
        placement,
        placement.organisation_id,
        year=year,
        cents=turnover_cents,
        difference=difference,
    )
    return settled
