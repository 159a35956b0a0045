"""The fund of a collective: its balance, and spending proposed by staff and decided by an
admin (FUND_SPENDING_FLOW)."""

import sqlalchemy as sa

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing.models import (
    FUND_SPENDING_FLOW,
    FundPurpose,
    FundSpending,
    FundSpendingStatus,
)
from vrijstad.billing.services.common import BillingError, _staff
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import Collective
from vrijstad.money import Cents
from vrijstad.organisations.models import MemberRole


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
    collective = db.session.get_one(Collective, spending.collective_id)
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
            _l("The fund holds only %(amount)s."), "amount", amount=Cents(fund_balance(collective))
        )
    FUND_SPENDING_FLOW.move(
        spending, FundSpendingStatus.APPROVED if approve else FundSpendingStatus.REJECTED
    )
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
