"""A settlement explained: which payments it holds (by the day the money was received), which
ones wait for the next settlement, and its split into the organisation's fee, the head-lease
surplus, the fund and the landlords, each with its share of what was received.

The split follows split_unit: per unit the fund and the fee are the collective's percentages
of what the unit received (one largest-remainder split with the rest); the landlords get the
rest (pro rata) or the head-lease rent owed, as far as the rest covers it (head lease); what
the rest leaves above the head-lease rent is the surplus, which the organisation keeps. The
fee is recomputed from the collective's percentages, as the landlord statement does; the
organisation's lines hold fee and surplus together.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad.billing.models import Beneficiary, Invoice, Payment, Settlement
from vrijstad.clock import next_month
from vrijstad.extensions import db
from vrijstad.letting.models import LandlordRule
from vrijstad.money import split_cents


@dataclass(frozen=True)
class Part:
    """One beneficiary's part of a settlement: amount and share of the received total."""

    name: str  # 'fee', 'surplus', 'fund' or 'landlords'
    cents: int
    #: Of what was received, in basis points; the four add up to 10000 (None: nothing came in).
    share_bp: int | None


@dataclass(frozen=True)
class Receipts:
    """The payments behind a settlement and those it does not hold (amounts excl. VAT)."""

    period_start: date
    period_end: date
    count: int
    #: Of these, received before the period (not settled before: recorded late, or the
    #: month before was not settled).
    earlier_count: int
    #: The collective's latest payment received, settled or not, if any.
    last_received_on: date | None
    #: Received within or before the period but recorded after this settlement was made:
    #: they are in the next settlement.
    recorded_after_count: int
    recorded_after_cents: int
    #: Received after the period: in the settlement of the month they were received.
    later_count: int
    later_cents: int


@dataclass(frozen=True)
class Breakdown:
    receipts: Receipts
    parts: list[Part]
    rule: LandlordRule
    fee_bp: int
    fund_bp: int

    @property
    def rest_bp(self) -> int:
        """What the landlords' side gets before a head lease is applied."""
        return 10000 - self.fee_bp - self.fund_bp


def _fee(settlement: Settlement) -> int:
    """The organisation's fee in the settlement, unit by unit as split_unit takes it."""
    collective = settlement.collective
    rest_bp = max(10000 - collective.fund_bp - collective.organisation_fee_bp, 0)
    total = 0
    for line in settlement.lines:
        if line.beneficiary == Beneficiary.ORGANISATION:
            fee = split_cents(
                line.received_cents, [collective.fund_bp, collective.organisation_fee_bp, rest_bp]
            )[1]
            total += min(fee, line.amount_cents)  # the rest of the organisation's is surplus
    return total


def _parts(settlement: Settlement) -> list[Part]:
    fee = _fee(settlement)
    amounts = [
        ("fee", fee),
        ("surplus", settlement.organisation_cents - fee),
        ("fund", settlement.fund_cents),
        ("landlords", settlement.landlords_cents),
    ]
    received = settlement.received_cents
    shares: list[int | None] = [None] * len(amounts)
    if received > 0:
        shares = list(split_cents(10000, [cents for _name, cents in amounts]))
    return [Part(name, cents, share) for (name, cents), share in zip(amounts, shares, strict=True)]


def _receipts(settlement: Settlement) -> Receipts:
    start, cutoff = settlement.period, next_month(settlement.period)
    own = sa.select(Invoice.id).where(Invoice.collective_id == settlement.collective_id)
    count, earlier = db.session.execute(
        sa.select(
            sa.func.count(Payment.id),
            sa.func.count(Payment.id).filter(Payment.received_on < start),
        ).where(Payment.settlement_id == settlement.id)
    ).one()
    last = db.session.scalar(
        sa.select(sa.func.max(Payment.received_on)).where(Payment.invoice_id.in_(own))
    )
    not_here = sa.or_(Payment.settlement_id.is_(None), Payment.settlement_id != settlement.id)
    after_count, after_cents = db.session.execute(
        sa.select(sa.func.count(Payment.id), sa.func.coalesce(sa.func.sum(Payment.net_cents), 0))
        .where(Payment.invoice_id.in_(own), Payment.received_on < cutoff, not_here)
        .where(Payment.created_at > settlement.calculated_at)
    ).one()
    later_count, later_cents = db.session.execute(
        sa.select(
            sa.func.count(Payment.id), sa.func.coalesce(sa.func.sum(Payment.net_cents), 0)
        ).where(Payment.invoice_id.in_(own), Payment.received_on >= cutoff)
    ).one()
    return Receipts(
        period_start=start,
        period_end=cutoff - timedelta(days=1),
        count=count,
        earlier_count=earlier,
        last_received_on=last,
        recorded_after_count=after_count,
        recorded_after_cents=int(after_cents),
        later_count=later_count,
        later_cents=int(later_cents),
    )


def explain_settlement(settlement: Settlement) -> Breakdown:
    """What the settlement screen shows: its payments, those it leaves out, and the split."""
    collective = settlement.collective
    return Breakdown(
        receipts=_receipts(settlement),
        parts=_parts(settlement),
        rule=LandlordRule(collective.landlord_rule),
        fee_bp=collective.organisation_fee_bp,
        fund_bp=collective.fund_bp,
    )
