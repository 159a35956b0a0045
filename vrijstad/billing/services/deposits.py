"""Deposits (waarborgsom): invoiced when a placement starts, held as a liability once paid,
returned at the end minus the damages staff record.

The ledger (accounts in ``ledger.services``): the deposit invoice books the starter's
receivable against ``deposit_due``; each payment on it moves the money on to
``deposit_held`` (a credit balance: owed to the starter, never income, and the invoice belongs
to no collective, so no settlement counts it). The return empties ``deposit_held``: the refund
to ``refund_due`` (payable to the starter), the damages to the landlord's payable. A deposit is
no supply: no VAT.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing.mailing import announce_invoice
from vrijstad.billing.models import (
    INVOICE_FLOW,
    DepositReturn,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
)
from vrijstad.billing.services.common import BillingError, _eur, _staff, lock_invoice
from vrijstad.billing.services.invoicing import Line, _issue
from vrijstad.clock import month_start
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import HeadLease, HeadLeaseStatus, Placement, PlacementStatus
from vrijstad.money import Cents
from vrijstad.notifications.services import notify
from vrijstad.units.models import Unit


def deposit_invoice(placement: Placement) -> Invoice | None:
    return db.session.scalar(
        sa.select(Invoice).where(
            Invoice.placement_id == placement.id, Invoice.kind == InvoiceKind.DEPOSIT
        )
    )


def issue_deposit_invoice(placement: Placement, issued_on: date | None = None) -> Invoice | None:
    """The deposit invoice of a placement with a cash deposit (once; None without one)."""
    if not placement.deposit_cents or placement.organisation_id is None:
        return None
    if placement.deposit_guarantee:
        return None  # a bank guarantee instead of cash: nothing to invoice or hold
    existing = deposit_invoice(placement)
    if existing is not None:
        return existing
    line = Line(_("Deposit (waarborgsom), no VAT: not a supply"), placement.deposit_cents, 0)
    invoice = _issue(
        placement, month_start(placement.start_date), [line], issued_on, InvoiceKind.DEPOSIT
    )
    announce_invoice(invoice)  # notice now, mail with the PDF after the commit
    return invoice


def held_cents(placement: Placement) -> int:
    """What the organisation holds of the placement's deposit now."""
    if placement.organisation_id is None:
        return 0
    return -ledger.balance(placement.organisation_id, ledger.deposit_held(placement.id))


def deposit_return(placement: Placement) -> DepositReturn | None:
    return db.session.scalar(
        sa.select(DepositReturn).where(DepositReturn.placement_id == placement.id)
    )


@dataclass(frozen=True)
class DepositState:
    invoice: Invoice | None
    held_cents: int
    returned: DepositReturn | None


def deposit_state(placement: Placement) -> DepositState:
    return DepositState(
        deposit_invoice(placement), held_cents(placement), deposit_return(placement)
    )


def has_ended(placement: Placement, today: date | None = None) -> bool:
    """Ended by the workflow or past its (exclusive) end date."""
    return placement.status == PlacementStatus.ENDED or placement.end_date <= (
        today or clock.today()
    )


def _landlord_id(placement: Placement) -> int:
    """Who bears a unit's damage: the landlord of the head lease, else the unit's owner."""
    lease_landlord = db.session.scalar(
        sa.select(HeadLease.landlord_id).where(
            HeadLease.unit_id == placement.unit_id,
            HeadLease.status.in_((HeadLeaseStatus.SIGNED, HeadLeaseStatus.ACTIVE)),
        )
    )
    if lease_landlord is not None:
        return lease_landlord
    return db.session.get_one(Unit, placement.unit_id).landlord.id


def return_deposit(
    actor: User | None,
    placement: Placement,
    damages_cents: int = 0,
    description: str | None = None,
) -> DepositReturn:
    """Return an ended placement's deposit minus the damages (once): the liability moves to
    the refund payable to the starter and the damages to the landlord; the starter gets a
    statement of deposit, damages and refund. An unpaid rest of the deposit invoice is
    cancelled. The deposit invoice row is locked first, so two returns at once book one."""
    if placement.organisation_id is None:
        raise BillingError(_("Only placements through an organisation are invoiced here."))
    _staff(actor, placement.organisation_id)
    found = deposit_invoice(placement)
    if found is None:
        raise BillingError(_("This placement has no deposit invoice."))
    invoice = lock_invoice(found.id)
    if deposit_return(placement) is not None:
        raise BillingError(_("This deposit has already been returned."))
    today = clock.today()
    if not has_ended(placement, today):
        raise BillingError(_("A deposit is returned once the placement has ended."))
    held = held_cents(placement)
    description = (description or "").strip() or None
    if damages_cents < 0:
        raise BillingError(_("Damages cannot be negative."), "damages")
    if damages_cents > held:
        raise BillingError(
            _l("The damages (%(damages)s) are more than the deposit held (%(held)s)."),
            "damages",
            damages=Cents(damages_cents),
            held=Cents(held),
        )
    if damages_cents and not description:
        raise BillingError(_("Describe the damages."), "description")
    refund = held - damages_cents
    organisation_id = placement.organisation_id
    if invoice.status == InvoiceStatus.OPEN and invoice.outstanding_cents:
        ledger.book(
            organisation_id,
            "deposit_cancelled",
            f"deposit-cancelled:{invoice.id}",
            f"Unpaid deposit cancelled, invoice {invoice.number}",
            [
                (ledger.deposit_due(placement.id), invoice.outstanding_cents),
                (ledger.receivable(placement.starter_id), -invoice.outstanding_cents),
            ],
            today,
        )
        INVOICE_FLOW.move(invoice, InvoiceStatus.CREDITED)
    if held:
        ledger.book(
            organisation_id,
            "deposit_return",
            f"deposit-return:{placement.id}",
            f"Deposit returned {placement.starter_trade_name}",
            [
                (ledger.deposit_held(placement.id), held),
                (ledger.refund_due(placement.starter_id), -refund),
                (ledger.payable(_landlord_id(placement)), -damages_cents),
            ],
            today,
        )
    returned = DepositReturn(
        placement_id=placement.id,
        invoice_id=invoice.id,
        held_cents=held,
        damages_cents=damages_cents,
        damages_description=description[:500] if description else None,
        refund_cents=refund,
        returned_on=today,
        returned_by_id=actor.id if actor else None,
    )
    db.session.add(returned)
    db.session.flush()
    notify(
        [placement.starter],
        "deposit.returned",
        "letting.my_placements",
        {},
        {
            "unit": placement.unit.address,
            "deposit": _eur(held),
            "damages": _eur(damages_cents),
            "description": description or "-",
            "refund": _eur(refund),
        },
    )
    if actor is not None:
        record_event(
            actor,
            "deposit.returned",
            placement,
            organisation_id,
            held=held,
            damages=damages_cents,
            refund=refund,
        )
    return returned


def record_bank_guarantee(actor: User | None, placement: Placement, reference: str) -> Placement:
    """A bank guarantee instead of a cash deposit (its reference kept; nothing booked); only
    before a deposit invoice was issued."""
    if placement.organisation_id is None:
        raise BillingError(_("Only placements through an organisation are invoiced here."))
    _staff(actor, placement.organisation_id)
    reference = (reference or "").strip()
    if not reference:
        raise BillingError(_("Enter the bank guarantee's reference."), "reference")
    if not placement.deposit_cents:
        raise BillingError(_("This placement has no deposit."))
    if deposit_invoice(placement) is not None:
        raise BillingError(_("The deposit has been invoiced already: it is paid in cash."))
    placement.deposit_guarantee = True
    placement.deposit_guarantee_ref = reference[:120]
    db.session.flush()
    if actor is not None:
        record_event(actor, "deposit.guarantee", placement, placement.organisation_id)
    return placement


#: Who a deposit's return pays: the starter her refund, the landlord the damages.
TRANSFERS = ("starter", "landlord")


@dataclass(frozen=True)
class PendingTransfer:
    """A transfer a deposit's return still calls for: the refund to the starter or the
    damages to the landlord (``person_id``), of ``cents``."""

    returned: DepositReturn
    payee: str
    person_id: int
    cents: int


def pending_transfer(
    actor: User | None, placement: Placement, payee: str, lock: bool = False
) -> PendingTransfer:
    """The refund or damages still to transfer (refused with the reason when there is none,
    or it was recorded already); ``lock`` locks the return's row for recording it."""
    if placement.organisation_id is None or payee not in TRANSFERS:
        raise BillingError(_("Only placements through an organisation are invoiced here."))
    _staff(actor, placement.organisation_id)
    found = deposit_return(placement)
    if found is None:
        raise BillingError(_("Return the deposit first."))
    returned = found
    if lock:
        returned = db.session.scalars(
            sa.select(DepositReturn)
            .where(DepositReturn.id == found.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
    to_starter = payee == "starter"
    cents = returned.refund_cents if to_starter else returned.damages_cents
    done = returned.refund_paid_on if to_starter else returned.damages_paid_on
    if not cents:
        raise BillingError(_("There is nothing to transfer."))
    if done is not None:
        raise BillingError(_l("This transfer was recorded on %(date)s."), date=done)
    person = placement.starter_id if to_starter else _landlord_id(placement)
    return PendingTransfer(returned, payee, person, cents)


def record_transfer(actor: User, placement: Placement, payee: str) -> DepositReturn:
    """Staff record that the organisation transferred the refund to the starter or the damages
    to the landlord: the payable is emptied against the bank, once. The return's row is
    locked first, so the same click twice (or from two tabs) books one transfer."""
    pending = pending_transfer(actor, placement, payee, lock=True)
    returned, cents, to_starter = pending.returned, pending.cents, payee == "starter"
    assert placement.organisation_id is not None
    today = clock.today()
    account = (
        ledger.refund_due(placement.starter_id) if to_starter else ledger.payable(pending.person_id)
    )
    ledger.book(
        placement.organisation_id,
        "deposit_transfer",
        f"deposit-transfer:{returned.id}:{payee}",
        f"Deposit {'refund' if to_starter else 'damages'} paid, {placement.starter_trade_name}",
        [(account, cents), (ledger.bank(placement.organisation_id), -cents)],
        today,
    )
    if to_starter:
        returned.refund_paid_on = today
    else:
        returned.damages_paid_on = today
    record_event(
        actor,
        "deposit.transferred",
        placement,
        placement.organisation_id,
        payee=payee,
        cents=cents,
    )
    return returned
