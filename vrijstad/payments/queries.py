"""Reads for the payment pages: open issues, imports, payouts of a settlement."""

import sqlalchemy as sa

from vrijstad.payments.models import BankImport, PaymentIssue, Payout, PayoutBatch


def open_issues(organisation_id: int) -> sa.Select:
    return (
        sa.select(PaymentIssue)
        .where(PaymentIssue.organisation_id == organisation_id, PaymentIssue.resolved_at.is_(None))
        .order_by(PaymentIssue.created_at.desc(), PaymentIssue.id.desc())
    )


def recent_imports(organisation_id: int) -> sa.Select:
    return (
        sa.select(BankImport)
        .where(BankImport.organisation_id == organisation_id)
        .order_by(BankImport.created_at.desc(), BankImport.id.desc())
        .limit(20)
    )


def payouts_of(settlement_id: int) -> sa.Select:
    return sa.select(Payout).where(Payout.settlement_id == settlement_id).order_by(Payout.id)


def batch_of(settlement_id: int) -> sa.Select:
    return sa.select(PayoutBatch).where(PayoutBatch.settlement_id == settlement_id)
