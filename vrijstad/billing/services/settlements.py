"""Settlements: what a collective received in a month, split between landlords, the
organisation and the fund (every cent assigned), approved and paid through SETTLEMENT_FLOW."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad import approvals, labels
from vrijstad.audit.services import record_event, record_events
from vrijstad.auth.models import User
from vrijstad.billing.models import (
    SETTLEMENT_FLOW,
    Beneficiary,
    FundSpendingStatus,
    Invoice,
    Payment,
    Settlement,
    SettlementLine,
    SettlementStatus,
)
from vrijstad.billing.services.common import (
    BillingError,
    NeedsConfirmation,
    _eur,
    _staff,
    lock_settlement,
    percent_of,
)
from vrijstad.clock import next_month
from vrijstad.core import TransitionError
from vrijstad.database import insert_rows
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.ledger import services as ledger
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseKind,
    HeadLeaseStatus,
    LandlordRule,
    Placement,
    TurnoverReport,
    TurnoverStatus,
)
from vrijstad.money import split_cents
from vrijstad.organisations.models import MemberRole
from vrijstad.units.models import Unit

#: The kind of subject under which settlements are approved with four eyes.
SETTLEMENT_APPROVAL = "settlement"


@dataclass(frozen=True)
class UnitShare:
    unit_id: int
    landlord_id: int
    received: int
    landlord: int
    organisation: int
    fund: int
    note: str | None = None


def split_unit(
    collective: Collective,
    received: int,
    lease: HeadLease | None,
    landlord_id: int,
    unit_id: int,
    period: date,
) -> UnitShare:
    """Divide one unit's received revenue; the three parts always add up to what came in."""
    rest_bp = 10000 - collective.fund_bp - collective.organisation_fee_bp
    fund, fee, rest = split_cents(
        received, [collective.fund_bp, collective.organisation_fee_bp, rest_bp]
    )
    note = None
    landlord = rest
    if collective.landlord_rule == LandlordRule.HEAD_LEASE and lease is not None:
        due = lease.rent_for(period)
        if lease.kind == HeadLeaseKind.TURNOVER:
            due = max(due, percent_of(received, lease.landlord_share_bp))
        landlord = min(due, rest)
        if due > landlord:
            note = _(
                "%(amount)s of the head-lease rent was not covered by what was received.",
                amount=_eur(due - landlord),
            )
        fee += rest - landlord  # a surplus above the head-lease rent stays with the organisation
    return UnitShare(unit_id, landlord_id, received, landlord, fee, fund, note)


def unchecked_reports(collective: Collective, period: date) -> list[TurnoverReport]:
    units = sa.select(HeadLease.unit_id).where(HeadLease.collective_id == collective.id)
    return list(
        db.session.scalars(
            sa.select(TurnoverReport)
            .join(Placement)
            .where(
                TurnoverReport.period == period,
                TurnoverReport.status != TurnoverStatus.CHECKED,
                Placement.unit_id.in_(units),
            )
            .order_by(TurnoverReport.id)
        )
    )


def check_settlement(
    actor: User | None, collective: Collective, period: date, confirm_unchecked: bool = False
) -> Settlement | None:
    """The month's settlement if there is one; else NeedsConfirmation while turnover reports
    of the month are unchecked and the staff member did not confirm."""
    _staff(actor, collective.organisation_id)
    period = period.replace(day=1)
    existing = db.session.scalar(
        sa.select(Settlement).where(
            Settlement.collective_id == collective.id, Settlement.period == period
        )
    )
    if existing is None and not confirm_unchecked:
        pending = unchecked_reports(collective, period)
        if pending:
            raise NeedsConfirmation(
                _(
                    "%(n)d turnover reports of this month are not checked yet. "
                    "Check them, or confirm to settle anyway.",
                    n=len(pending),
                ),
                pending,
            )
    return existing


def calculate_settlement(
    actor: User | None, collective: Collective, period: date, confirm_unchecked: bool = False
) -> Settlement:
    """Settle what a collective received up to the end of the month and was not settled yet.

    Idempotent: a month already settled returns the existing settlement and books nothing; a
    payment that arrives later lands in the next month's settlement."""
    return calculate_settlements(actor, [collective], period, confirm_unchecked)[0]


def _unchecked_by_collective(
    collective_ids: list[int], period: date
) -> dict[int, list[TurnoverReport]]:
    """unchecked_reports of many collectives, in two queries."""
    leased = sa.select(HeadLease.collective_id, HeadLease.unit_id).where(
        HeadLease.collective_id.in_(collective_ids)
    )
    collectives_of: dict[int, set[int]] = {}
    for collective_id, unit_id in db.session.execute(leased):
        collectives_of.setdefault(unit_id, set()).add(collective_id)
    found: dict[int, list[TurnoverReport]] = {}
    for report, unit_id in db.session.execute(
        sa.select(TurnoverReport, Placement.unit_id)
        .join(Placement)
        .where(
            TurnoverReport.period == period,
            TurnoverReport.status != TurnoverStatus.CHECKED,
            Placement.unit_id.in_(leased.with_only_columns(HeadLease.unit_id)),
        )
        .order_by(TurnoverReport.id)
    ):
        for collective_id in collectives_of[unit_id]:
            found.setdefault(collective_id, []).append(report)
    return found


def calculate_settlements(
    actor: User | None, collectives: list[Collective], period: date, confirm_unchecked: bool = False
) -> list[Settlement]:
    """calculate_settlement for many collectives at once (a national month: hundreds of
    collectives, tens of thousands of units), with the same rules and results: each query
    serves all collectives and the settlements, their lines, the payments' settlement, the
    postings and audit events are written in batches. Unchecked turnover reports of any
    collective (unless confirmed) refuse the whole call with that collective's reports.
    Returns the settlements in the order of the collectives."""
    period = period.replace(day=1)
    for organisation_id in sorted({c.organisation_id for c in collectives}):
        _staff(actor, organisation_id)
    ids = [c.id for c in collectives]
    existing = {
        s.collective_id: s
        for s in db.session.scalars(
            sa.select(Settlement).where(
                Settlement.collective_id.in_(ids), Settlement.period == period
            )
        )
    }
    todo = [c for c in collectives if c.id not in existing]
    if not todo:
        return [existing[c.id] for c in collectives]
    todo_ids = [c.id for c in todo]
    if not confirm_unchecked:
        pending = _unchecked_by_collective(todo_ids, period)
        for collective in todo:
            reports = pending.get(collective.id)
            if reports:
                raise NeedsConfirmation(
                    _(
                        "%(n)d turnover reports of this month are not checked "
                        "yet. Check them, or confirm to settle anyway.",
                        n=len(reports),
                    ),
                    reports,
                )
    cutoff = next_month(period)
    received: dict[int, list[tuple[int, int, int]]] = {c: [] for c in todo_ids}
    for collective_id, unit_id, owner_id, cents in db.session.execute(
        sa.select(
            Invoice.collective_id, Invoice.unit_id, Unit.owner_id, sa.func.sum(Payment.net_cents)
        )
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .join(Unit, Unit.id == Invoice.unit_id)
        .where(
            Invoice.collective_id.in_(todo_ids),
            Payment.settlement_id.is_(None),
            Payment.received_on < cutoff,
        )
        .group_by(Invoice.collective_id, Invoice.unit_id, Unit.owner_id)
        .order_by(Invoice.collective_id, Invoice.unit_id)
    ):
        assert collective_id is not None  # the query takes invoices of these collectives only
        assert owner_id is not None  # an invoiced unit has been let, so it has an owner
        received[collective_id].append((unit_id, owner_id, int(cents)))
    leases: dict[int, dict[int, HeadLease]] = {c: {} for c in todo_ids}
    for lease in db.session.scalars(
        sa.select(HeadLease)
        .where(HeadLease.collective_id.in_(todo_ids), HeadLease.status != HeadLeaseStatus.DRAFT)
        .order_by(HeadLease.id)
    ):
        leases[lease.collective_id][lease.unit_id] = lease
    shares: dict[int, list[UnitShare]] = {}
    made: dict[int, Settlement] = {}
    for collective in todo:
        own = leases[collective.id]
        shares[collective.id] = [
            split_unit(
                collective,
                cents,
                own.get(unit_id),
                own[unit_id].landlord_id if unit_id in own else owner_id,
                unit_id,
                period,
            )
            for unit_id, owner_id, cents in received[collective.id]
        ]
        parts = shares[collective.id]
        made[collective.id] = Settlement(
            collective_id=collective.id,
            period=period,
            received_cents=sum(s.received for s in parts),
            landlords_cents=sum(s.landlord for s in parts),
            organisation_cents=sum(s.organisation for s in parts),
            fund_cents=sum(s.fund for s in parts),
        )
    db.session.add_all(made.values())
    db.session.flush()
    # Tens of thousands of lines: in batches, not the unit of work object by object.
    rows = [
        {
            "settlement_id": made[collective_id].id,
            "unit_id": s.unit_id,
            "beneficiary": beneficiary,
            "landlord_id": landlord_id,
            "received_cents": s.received,
            "amount_cents": amount,
            "note": note,
        }
        for collective_id, parts in shares.items()
        for s in parts
        for beneficiary, amount, landlord_id, note in (
            (Beneficiary.LANDLORD, s.landlord, s.landlord_id, s.note),
            (Beneficiary.ORGANISATION, s.organisation, None, None),
            (Beneficiary.FUND, s.fund, None, None),
        )
    ]
    insert_rows(SettlementLine.__table__, rows)
    payments, invoices, settlements = Payment.__table__, Invoice.__table__, Settlement.__table__
    db.session.execute(  # UPDATE … FROM: each payment gets its collective's new settlement
        sa.update(payments)
        .where(
            payments.c.settlement_id.is_(None),
            payments.c.received_on < cutoff,
            payments.c.invoice_id == invoices.c.id,
            invoices.c.collective_id == settlements.c.collective_id,
            settlements.c.period == period,
            settlements.c.id.in_([settlement.id for settlement in made.values()]),
        )
        .values(settlement_id=settlements.c.id)
    )
    specs = []
    for collective in todo:
        settlement, parts = made[collective.id], shares[collective.id]
        db.session.expire(settlement, ["lines"])
        if not settlement.received_cents:
            continue
        lines = [(ledger.income(s.unit_id), s.received) for s in parts]
        lines += [(ledger.payable(s.landlord_id), -s.landlord) for s in parts]
        lines += [
            (ledger.revenue(collective.organisation_id), -settlement.organisation_cents),
            (ledger.fund(collective.id), -settlement.fund_cents),
        ]
        specs.append(
            ledger.PostingSpec(
                collective.organisation_id,
                "settlement",
                f"settlement:{settlement.id}",
                f"Settlement {collective.name} {period:%Y-%m}",
                lines,
                cutoff - timedelta(1),
            )
        )
    ledger.book_many(specs)
    if actor is not None:
        record_events(
            actor,
            "settlement.calculated",
            "Settlement",
            [
                (
                    made[c.id].id,
                    c.organisation_id,
                    {"period": period.isoformat(), "received": made[c.id].received_cents},
                )
                for c in todo
            ],
        )
    return [existing[c.id] if c.id in existing else made[c.id] for c in collectives]


# The labels live beside the enums (billing.models); these names stay for the views.
def settlement_label(status: SettlementStatus) -> str:
    return labels.label(SettlementStatus(status))


def fund_status_label(status: FundSpendingStatus) -> str:
    return labels.label(FundSpendingStatus(status))


def beneficiary_label(beneficiary: Beneficiary) -> str:
    return labels.label(Beneficiary(beneficiary))


def _refused_move(settlement: Settlement, target: SettlementStatus) -> BillingError:
    return BillingError(
        _(
            "A settlement that is %(current)s cannot become %(target)s.",
            current=settlement_label(settlement.status),
            target=settlement_label(target),
        )
    )


def _move_settlement(actor: User, settlement: Settlement, target: SettlementStatus) -> None:
    lock_settlement(settlement.id)  # a second click (or a colleague's) finds the new status
    try:
        SETTLEMENT_FLOW.move(settlement, target)
    except TransitionError as exc:
        raise _refused_move(settlement, target) from exc
    record_event(
        actor,
        "settlement.status",
        settlement,
        settlement.collective.organisation_id,
        new=target.value,
    )


def approve_settlement(actor: User, settlement: Settlement) -> Settlement:
    """An organisation admin approves the calculated split. Above the four-eyes amount
    (what the settlement received) the first approval is recorded and the settlement stays
    calculated until a second, different admin approves it (vrijstad/approvals.py)."""
    organisation_id = settlement.collective.organisation_id
    _staff(actor, organisation_id, MemberRole.ADMIN)
    lock_settlement(settlement.id)  # a second click (or a colleague's) finds the new state
    if not SETTLEMENT_FLOW.allows(settlement.status, SettlementStatus.APPROVED):
        raise _refused_move(settlement, SettlementStatus.APPROVED)
    try:
        complete = approvals.require_two(
            SETTLEMENT_APPROVAL, settlement.id, settlement.received_cents, actor, organisation_id
        )
    except approvals.ApprovalError as exc:
        raise BillingError(str(exc)) from exc
    if not complete:
        record_event(actor, "settlement.first_approval", settlement, organisation_id)
        db.session.flush()
        return settlement
    _move_settlement(actor, settlement, SettlementStatus.APPROVED)
    settlement.approved_by_id = actor.id
    db.session.flush()
    return settlement


def settlement_approval(settlement: Settlement) -> approvals.Approval | None:
    """The two approvals (or the first, waiting) when the settlement needed four eyes."""
    return approvals.approval_of(SETTLEMENT_APPROVAL, settlement.id)


def landlord_shares(settlement: Settlement) -> dict[int, int]:
    """What each landlord receives from a settlement, in cents (landlords in line order)."""
    shares: dict[int, int] = {}
    for line in settlement.lines:
        if line.beneficiary == Beneficiary.LANDLORD and line.amount_cents > 0:
            if line.landlord_id is None:
                raise ValueError(f"settlement line {line.id}: a landlord's share, no landlord")
            shares[line.landlord_id] = shares.get(line.landlord_id, 0) + line.amount_cents
    return shares


def mark_settlement_paid(
    actor: User, settlement: Settlement, paid_on: date | None = None
) -> Settlement:
    """The landlords have been paid by bank: book each payout from the payable account."""
    _staff(actor, settlement.collective.organisation_id, MemberRole.ADMIN)
    _move_settlement(actor, settlement, SettlementStatus.PAID)
    per_landlord = landlord_shares(settlement)
    organisation_id = settlement.collective.organisation_id
    if per_landlord:
        lines = [(ledger.payable(landlord), cents) for landlord, cents in per_landlord.items()]
        lines.append((ledger.bank(organisation_id), -sum(per_landlord.values())))
        ledger.book(
            organisation_id,
            "payout",
            f"payout:settlement:{settlement.id}",
            f"Landlord payouts {settlement.collective.name} {settlement.period:%Y-%m}",
            lines,
            paid_on,
        )
    db.session.flush()
    return settlement
