"""The home page's cards for a landlord and a starter (only their own data)."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.clock import add_months, month_start
from vrijstad.dashboard import home_queries
from vrijstad.extensions import db
from vrijstad.forms import valid_iban
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import HeadLease, HeadLeaseStatus
from vrijstad.letting.services import last_month, report_deadline
from vrijstad.payments.models import OnboardingStatus, PayoutAccount
from vrijstad.units.models import Unit
from vrijstad.units.queries import units_of_owner


@dataclass
class LandlordCard:
    units: list[Unit]
    payouts_this_year_cents: int
    #: The checklist item "fill in your account number for payouts" is shown.
    needs_payout_account: bool = False


@dataclass
class StarterCard:
    applications: list
    invoices: list
    turnover: "TurnoverDue"


@dataclass
class TurnoverDue:
    """A starter's turnover reports: the months past their deadline and the next one due."""

    overdue: list[date] = field(default_factory=list)
    next_month: date | None = None
    next_deadline: date | None = None


def landlord_card(user: User, today: date) -> LandlordCard:
    """A landlord's own units (days vacant) and what was paid out to them this year."""

    units = list(db.session.scalars(units_of_owner(user.id).limit(10)))
    paid = db.session.scalar(
        home_queries.landlord_payouts(
            ledger.payable(user.id), date(today.year, 1, 1), date(today.year, 12, 31)
        )
    )
    return LandlordCard(units, int(paid), needs_payout_account(user))


def needs_payout_account(landlord: User) -> bool:
    """A landlord with a unit in a collective (a head lease not ended) and no way to be paid
    yet (no valid IBAN, no finished Stripe account): staff cannot pay out their share."""
    leased = db.session.scalar(
        sa.select(
            sa.exists().where(
                HeadLease.landlord_id == landlord.id, HeadLease.status != HeadLeaseStatus.ENDED
            )
        )
    )
    if not leased:
        return False
    account = db.session.scalar(
        sa.select(PayoutAccount).where(PayoutAccount.landlord_id == landlord.id)
    )
    if account is None:
        return True
    stripe_ready = account.onboarding == OnboardingStatus.COMPLETE
    return not valid_iban(account.iban or "") and not stripe_ready


def turnover_due(starter_id: int, today: date) -> TurnoverDue:
    """The months of current turnover placements still to report (each due on the 10th of
    the month after): those past their deadline, and the earliest deadline still ahead, which
    may be the running month's, reported once it is over."""

    placements = list(db.session.scalars(home_queries.turnover_placements_of(starter_id)))
    due = TurnoverDue()
    if not placements:
        return due
    ids = [p.id for p in placements]
    done = {tuple(row) for row in db.session.execute(home_queries.reported_periods(ids))}
    done |= {tuple(row) for row in db.session.execute(home_queries.invoiced_periods(ids))}
    current = month_start(today)
    ahead = []
    for placement in placements:
        month = max(month_start(placement.start_date), add_months(current, -24))
        last = min(current, last_month(placement))
        while month <= last:
            if (placement.id, month) not in done:
                if report_deadline(month) < today:
                    due.overdue.append(month)
                else:
                    ahead.append((report_deadline(month), month))
            month = add_months(month, 1)
    due.overdue = sorted(set(due.overdue))
    if ahead:
        due.next_deadline, due.next_month = min(ahead)
    return due


def starter_card(user: User, today: date) -> StarterCard:
    """A starter's open applications, open invoices and next turnover-report deadline."""
    return StarterCard(
        applications=list(db.session.scalars(home_queries.open_applications_of(user.id).limit(10))),
        invoices=list(db.session.scalars(home_queries.open_invoices_of(user.id).limit(10))),
        turnover=turnover_due(user.id, today),
    )


def home_cards(user: User, today: date | None = None) -> dict[str, LandlordCard | StarterCard]:
    """The home page's own cards for a landlord and a starter (only their own data)."""
    today = today or clock.today()
    if not user.is_authenticated:
        return {}
    cards: dict[str, LandlordCard | StarterCard] = {}
    if user.is_landlord:
        cards["landlord_card"] = landlord_card(user, today)
    if user.is_starter:
        cards["starter_card"] = starter_card(user, today)
    return cards
