"""Paying landlords their share of an approved settlement: their payout accounts, and
Stripe transfers (the SEPA file is in ``payout_files``); each payout moves through
PAYOUT_FLOW."""

from datetime import date, timedelta

import sqlalchemy as sa
import stripe

from vrijstad import approvals, clock, labels
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.billing.models import Settlement, SettlementStatus
from vrijstad.extensions import db
from vrijstad.forms import normalise_iban, valid_iban
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import MemberRole
from vrijstad.payments.models import (
    PAYOUT_FLOW,
    IssueKind,
    OnboardingStatus,
    PaymentIssue,
    Payout,
    PayoutAccount,
    PayoutMethod,
    PayoutStatus,
)
from vrijstad.payments.services.common import PaymentsError, _staff
from vrijstad.payments.services.port import StripeProvider, provider


def landlord_shares(settlement: Settlement) -> dict[int, int]:
    """What each landlord receives from a settlement, in cents, by landlord id."""
    return dict(sorted(billing.landlord_shares(settlement).items()))


def payout_account(landlord: User, create: bool = True) -> PayoutAccount:
    """The landlord's payout account; a new one is stored only when `create` (to show an
    empty form, pass create=False: a page that only shows writes nothing)."""
    account = db.session.scalar(
        sa.select(PayoutAccount).where(PayoutAccount.landlord_id == landlord.id)
    )
    if account is None:
        account = PayoutAccount(landlord_id=landlord.id, onboarding=OnboardingStatus.NONE)
        if create:
            db.session.add(account)
            db.session.flush()
    return account


def save_bank_account(landlord: User, holder_name: str, iban: str) -> PayoutAccount:
    """A landlord's IBAN for payouts by bank transfer."""
    iban = normalise_iban(iban)
    if not valid_iban(iban):
        raise PaymentsError(_("This is not a valid IBAN."))
    account = payout_account(landlord)
    account.holder_name = holder_name.strip()[:70] or landlord.name[:70]
    account.iban = iban
    db.session.flush()
    return account


def start_onboarding(landlord: User, refresh_url: str, return_url: str) -> str:
    """Create (once) the landlord's Stripe Express account; return its onboarding link."""
    stripe_provider = provider()
    if not isinstance(stripe_provider, StripeProvider):
        raise PaymentsError(_("Payouts through Stripe are not configured."))
    account = payout_account(landlord)
    try:
        if account.stripe_account_id is None:
            account.stripe_account_id = stripe_provider.create_account(landlord).id
            account.onboarding = OnboardingStatus.PENDING
            db.session.flush()
        return stripe_provider.account_link(account.stripe_account_id, refresh_url, return_url)
    except stripe.StripeError as exc:
        raise PaymentsError(_("Stripe could not be reached. Try again later.")) from exc


def refresh_onboarding(landlord: User) -> PayoutAccount:
    """After onboarding: ask Stripe whether the account can receive transfers."""
    account = payout_account(landlord)
    stripe_provider = provider()
    if account.stripe_account_id and isinstance(stripe_provider, StripeProvider):
        try:
            remote = stripe_provider.retrieve_account(account.stripe_account_id)
        except stripe.StripeError as exc:
            raise PaymentsError(_("Stripe could not be reached. Try again later.")) from exc
        remote = remote.to_dict()
        complete = bool(remote.get("details_submitted")) and bool(remote.get("payouts_enabled"))
        account.onboarding = OnboardingStatus.COMPLETE if complete else OnboardingStatus.PENDING
        db.session.flush()
    return account


def _payouts_for(settlement: Settlement, method: PayoutMethod) -> list[Payout]:
    """One payout row per landlord (created once); refuses a settlement not approved. The
    settlement stays locked until the commit, so two admins paying out at once pay once."""
    settlement = billing.lock_settlement(settlement.id)
    if settlement.status != SettlementStatus.APPROVED:
        raise PaymentsError(_("Only an approved settlement can be paid out."))
    existing = {
        p.landlord_id: p
        for p in db.session.scalars(sa.select(Payout).where(Payout.settlement_id == settlement.id))
    }
    payouts = []
    for landlord_id, cents in landlord_shares(settlement).items():
        payout = existing.get(landlord_id)
        if payout is None:
            payout = Payout(
                settlement_id=settlement.id,
                landlord_id=landlord_id,
                amount_cents=cents,
                method=method,
                attempts=0,
                key_version=1,
                status=PayoutStatus.PENDING,
            )
            db.session.add(payout)
        elif payout.status in (PayoutStatus.PENDING, PayoutStatus.FAILED):
            payout.method = method
        payouts.append(payout)
    db.session.flush()
    return payouts


def _accounts(landlord_ids: list[int]) -> dict[int, PayoutAccount]:
    return {
        a.landlord_id: a
        for a in db.session.scalars(
            sa.select(PayoutAccount).where(PayoutAccount.landlord_id.in_(landlord_ids))
        )
    }


def _names(landlord_ids: list[int]) -> str:
    return ", ".join(
        db.session.scalars(
            sa.select(User.name).where(User.id.in_(landlord_ids)).order_by(User.name)
        )
    )


#: The approval (vrijstad.approvals) of paying out a settlement's shares, by file or Stripe.
PAYOUT_APPROVAL = "payout_run"


def payout_run_approved(actor: User, settlement: Settlement, payouts: list[Payout]) -> bool:
    """Four eyes on the money leaving the organisation: above the organisation's threshold a
    payout run (a SEPA file, Stripe transfers) is made only when a second staff member asks
    for it too; the first request is recorded and nothing is paid."""
    amount = sum(p.amount_cents for p in payouts if p.status != PayoutStatus.SENT)
    return approvals.require_two(
        PAYOUT_APPROVAL, settlement.id, amount, actor, settlement.collective.organisation_id
    )


def pay_by_stripe(actor: User, settlement: Settlement) -> list[Payout] | None:
    """Transfer each landlord's share to their Connect account (transfer group = the
    settlement); a failed transfer is reported and can be retried with the same key. None
    when the run waits for a second colleague (four eyes)."""
    organisation_id = settlement.collective.organisation_id
    _staff(actor, organisation_id, MemberRole.ADMIN)
    stripe_provider = provider()
    if not isinstance(stripe_provider, StripeProvider):
        raise PaymentsError(_("Payouts through Stripe are not configured."))
    payouts = _payouts_for(settlement, PayoutMethod.STRIPE)
    if any(p.status == PayoutStatus.EXPORTED for p in payouts):
        raise PaymentsError(
            _(
                "A payment file for this settlement is waiting for the bank. Confirm that the "
                "bank executed it, or record that the bank rejected it, first."
            )
        )
    destinations = {
        landlord_id: account.stripe_account_id
        for landlord_id, account in _accounts([p.landlord_id for p in payouts]).items()
        if account.onboarding == OnboardingStatus.COMPLETE and account.stripe_account_id
    }
    missing = [p.landlord_id for p in payouts if p.landlord_id not in destinations]
    if missing:
        raise PaymentsError(
            _(
                "These landlords have not finished their Stripe onboarding: %(names)s.",
                names=_names(missing),
            )
        )
    if not payout_run_approved(actor, settlement, payouts):
        return None
    for payout in payouts:
        if payout.status == PayoutStatus.SENT:
            continue
        payout.attempts += 1
        try:
            transfer = stripe_provider.transfer(payout, destinations[payout.landlord_id])
        except stripe.StripeError as exc:
            status = getattr(exc, "http_status", None) or 0
            if 400 <= status < 500 and status not in (409, 429):
                payout.key_version += 1  # declined, not made: a retry is a new request
            if payout.status != PayoutStatus.FAILED:
                PAYOUT_FLOW.move(payout, PayoutStatus.FAILED)
            payout.error = (getattr(exc, "user_message", None) or str(exc))[:300]
            db.session.add(
                PaymentIssue(
                    organisation_id=organisation_id,
                    kind=IssueKind.TRANSFER_FAILED,
                    source=f"settlement-{settlement.id}",
                    expected_cents=payout.amount_cents,
                    detail=payout.error,
                )
            )
        else:
            PAYOUT_FLOW.move(payout, PayoutStatus.SENT)
            payout.transfer_id = transfer.id
            payout.error = None
        db.session.flush()
    if all(p.status == PayoutStatus.SENT for p in payouts):
        billing.mark_settlement_paid(actor, settlement, clock.today())
    record_event(
        actor,
        "payouts.stripe",
        settlement,
        organisation_id,
        sent=sum(p.status == PayoutStatus.SENT for p in payouts),
    )
    return payouts


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# The labels live beside the enums (payments.models); these names stay for the views.
def payout_label(status: PayoutStatus) -> str:
    return labels.label(PayoutStatus(status))
