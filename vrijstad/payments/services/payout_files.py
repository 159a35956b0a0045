"""Paying landlords by SEPA file, in two steps a treasurer can trust.

1. ``pay_by_sepa`` makes the pain.001 file: its payouts are *in the payment file*
   (EXPORTED), the settlement stays approved and nothing is booked yet. The file is refused
   as a whole while any landlord of the settlement has no valid IBAN, naming them: a
   settlement is paid out once, in one file and one ledger entry, so a partial file would
   leave the others' share owed with no way to file it later. Staff see those landlords on
   the payout page before the run and can send them a reminder (``remind_missing``).
2. When the bank has executed the file, staff confirm it (``confirm_batch``, with the date
   the bank executed it): the payouts are sent, the settlement paid and the payout booked on
   that date; who confirmed and when is kept on the batch. If the bank rejected the file
   (``reject_batch``), its payouts are pending again and a new file may be made.

A settlement has at most one file that is not rejected (a partial unique index), and a
file is decided once: the batch moves by a conditional update, so two staff members
confirming at once book once, and the second is told.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import approvals, clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import Settlement
from vrijstad.extensions import db
from vrijstad.forms import valid_iban
from vrijstad.i18n import gettext as _
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.payments import sepa
from vrijstad.payments.models import (
    BATCH_FLOW,
    PAYOUT_FLOW,
    BatchStatus,
    OnboardingStatus,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutMethod,
    PayoutStatus,
)
from vrijstad.payments.services.common import PaymentsError, _staff
from vrijstad.payments.services.payouts import (
    PAYOUT_APPROVAL,
    _accounts,
    _names,
    _payouts_for,
    landlord_shares,
    next_business_day,
    payout_run_approved,
)

#: Payouts a new file may carry: not yet paid and not in a file awaiting the bank.
_FILEABLE = (PayoutStatus.PENDING, PayoutStatus.FAILED)


@dataclass
class Payee:
    """One landlord's line on the payout page: share, where it goes, what became of it."""

    landlord: User
    amount_cents: int
    iban: str | None  #: the IBAN in the file once made, else the account's (maybe invalid)
    can_file: bool  #: a valid IBAN: a SEPA file can pay this landlord
    stripe_ready: bool
    status: PayoutStatus | None  #: None until a run made the payout row
    error: str | None = None


def _has_iban(account: PayoutAccount | None) -> bool:
    return account is not None and valid_iban(account.iban or "")


def payees(settlement: Settlement) -> list[Payee]:
    """Every landlord of the settlement with their share, by name (for the payout page)."""
    shares = landlord_shares(settlement)
    rows = {
        p.landlord_id: p
        for p in db.session.scalars(sa.select(Payout).where(Payout.settlement_id == settlement.id))
    }
    accounts = _accounts(list(shares))
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(shares)))}
    found = []
    for landlord_id, cents in shares.items():
        account, payout = accounts.get(landlord_id), rows.get(landlord_id)
        iban = account.iban if account else None
        if payout is not None and payout.status not in _FILEABLE and payout.iban:
            iban = payout.iban  # the account it was paid to, even if changed since
        found.append(
            Payee(
                landlord=people[landlord_id],
                amount_cents=payout.amount_cents if payout else cents,
                iban=iban,
                can_file=_has_iban(account),
                stripe_ready=account is not None
                and account.onboarding == OnboardingStatus.COMPLETE
                and bool(account.stripe_account_id),
                status=payout.status if payout else None,
                error=payout.error if payout else None,
            )
        )
    return sorted(found, key=lambda p: (p.landlord.name.lower(), p.landlord.id))


def without_iban(settlement: Settlement) -> list[User]:
    """The landlords a new SEPA file would have to pay but who have no valid IBAN."""
    return [p.landlord for p in payees(settlement) if not p.can_file and _still_owed(p)]


def _still_owed(payee: Payee) -> bool:
    return payee.status is None or payee.status in _FILEABLE


def live_batch(settlement_id: int) -> PayoutBatch | None:
    """The settlement's file that is not rejected (waiting for the bank, or executed)."""
    return db.session.scalar(
        sa.select(PayoutBatch).where(
            PayoutBatch.settlement_id == settlement_id,
            PayoutBatch.status != BatchStatus.REJECTED,
        )
    )


def pay_by_sepa(
    actor: User, settlement: Settlement, execution_date: date | None = None
) -> PayoutBatch | None:
    """A pain.001 credit-transfer file paying every landlord's share still owed from the
    organisation's account. The payouts are then in the file; the bank's execution is
    confirmed afterwards (``confirm_batch``). None when the file waits for a second
    colleague (four eyes above the organisation's threshold)."""
    organisation = db.session.get_one(Organisation, settlement.collective.organisation_id)
    _staff(actor, organisation.id, MemberRole.ADMIN)
    execution_date = execution_date or next_business_day(clock.today())
    if execution_date < clock.today():
        raise PaymentsError(_("The execution date cannot be in the past."))
    if not organisation.iban or not valid_iban(organisation.iban):
        raise PaymentsError(_("Enter the organisation's IBAN first."))
    payouts = _payouts_for(settlement, PayoutMethod.SEPA)  # locks the settlement
    if any(p.status == PayoutStatus.EXPORTED for p in payouts):
        raise PaymentsError(
            _(
                "A payment file for this settlement is waiting for the bank. Confirm that the "
                "bank executed it, or record that the bank rejected it, first."
            )
        )
    # A share Stripe already transferred (a partly failed Stripe run) is not paid twice.
    payouts = [p for p in payouts if p.status in _FILEABLE]
    if not payouts:
        raise PaymentsError(_("There is nothing to pay out to landlords."))
    accounts = _accounts([p.landlord_id for p in payouts])
    missing = [p.landlord_id for p in payouts if not _has_iban(accounts.get(p.landlord_id))]
    if missing:
        raise PaymentsError(
            _(
                "No payment file was made: these landlords have no valid IBAN yet: %(names)s. "
                "Ask them to fill in their payout account, then make the file.",
                names=_names(missing),
            )
        )
    if not payout_run_approved(actor, settlement, payouts):
        return None
    batch = sepa.build_batch(organisation, settlement, payouts, accounts, execution_date)
    batch.created_by_id = actor.id
    db.session.add(batch)
    db.session.flush()
    for payout in payouts:
        PAYOUT_FLOW.move(payout, PayoutStatus.EXPORTED)
        payout.iban = accounts[payout.landlord_id].iban
        payout.batch_id = batch.id
        payout.attempts += 1
        payout.error = None
    db.session.flush()
    record_event(actor, "payouts.sepa", settlement, organisation.id, cents=batch.total_cents)
    return batch


def _decide(actor: User, batch: PayoutBatch, target: BatchStatus, **values) -> Settlement:
    """Lock the settlement, then move the file once: a second decision is refused."""
    settlement = billing.lock_settlement(batch.settlement_id)
    _staff(actor, settlement.collective.organisation_id, MemberRole.ADMIN)
    moved = BATCH_FLOW.move_where(
        PayoutBatch,
        batch.id,
        target,
        values={"decided_by_id": actor.id, "decided_at": clock.now(), **values},
    )
    if not moved:
        db.session.refresh(batch)
        if batch.status == BatchStatus.EXECUTED:
            raise PaymentsError(_("The bank's execution of this file was already confirmed."))
        raise PaymentsError(_("This file was already marked as rejected by the bank."))
    return settlement


def _exported_payouts(batch: PayoutBatch) -> list[Payout]:
    return list(
        db.session.scalars(
            sa.select(Payout)
            .where(Payout.batch_id == batch.id, Payout.status == PayoutStatus.EXPORTED)
            .order_by(Payout.id)
        )
    )


def confirm_batch(actor: User, batch: PayoutBatch, executed_on: date | None = None) -> PayoutBatch:
    """The bank executed the file on ``executed_on``: its payouts are sent; once every share
    is sent the settlement is paid and the payout booked on that day."""
    executed_on = executed_on or clock.today()
    if executed_on > clock.today():
        raise PaymentsError(_("The bank cannot have executed the file in the future."))
    if executed_on < clock.local_date(batch.created_at):
        raise PaymentsError(_("The bank cannot have executed the file before it was made."))
    settlement = _decide(actor, batch, BatchStatus.EXECUTED, executed_on=executed_on)
    for payout in _exported_payouts(batch):
        PAYOUT_FLOW.move(payout, PayoutStatus.SENT)
    db.session.flush()
    rows = db.session.scalars(sa.select(Payout).where(Payout.settlement_id == settlement.id))
    if all(p.status == PayoutStatus.SENT for p in rows):
        billing.mark_settlement_paid(actor, settlement, executed_on)
    record_event(
        actor,
        "payouts.sepa_executed",
        settlement,
        settlement.collective.organisation_id,
        batch=batch.id,
        executed_on=executed_on.isoformat(),
    )
    return batch


def reject_batch(actor: User, batch: PayoutBatch) -> PayoutBatch:
    """The bank refused the file: its payouts are pending again, for a new file."""
    settlement = _decide(actor, batch, BatchStatus.REJECTED)
    for payout in _exported_payouts(batch):
        PAYOUT_FLOW.move(payout, PayoutStatus.PENDING)
    approvals.forget(PAYOUT_APPROVAL, settlement.id)  # the next file is approved anew
    db.session.flush()
    record_event(
        actor,
        "payouts.sepa_rejected",
        settlement,
        settlement.collective.organisation_id,
        batch=batch.id,
    )
    return batch


def remind_missing(actor: User, settlement: Settlement) -> int:
    """Send each landlord of the settlement without a valid IBAN a notice (and mail) with the
    link to their payout-account page; returns how many were reminded."""
    organisation = db.session.get_one(Organisation, settlement.collective.organisation_id)
    _staff(actor, organisation.id)
    people = without_iban(settlement)
    if not people:
        raise PaymentsError(_("Every landlord of this settlement has a valid IBAN."))
    notify(
        people,
        "payout.iban_missing",
        "payments.payout_account",
        {},
        {
            "organisation": organisation.name,
            "collective": settlement.collective.name,
            "period": f"{settlement.period:%m-%Y}",
        },
    )
    record_event(actor, "payouts.iban_reminder", settlement, organisation.id, n=len(people))
    return len(people)
