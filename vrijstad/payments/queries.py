"""Reads for the payment pages: open issues, imports, payouts of a settlement."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from vrijstad.extensions import db
from vrijstad.payments.models import (
    BankImport,
    BankLine,
    BankLineStatus,
    PaymentIssue,
    Payout,
    PayoutBatch,
)


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


def batches_of(settlement_id: int) -> sa.Select:
    """A settlement's payment files, newest first (at most one is not rejected)."""
    return (
        sa.select(PayoutBatch)
        .where(PayoutBatch.settlement_id == settlement_id)
        .order_by(PayoutBatch.id.desc())
    )


def lines_of(import_id: int) -> sa.Select:
    """An import's lines in file order, with the invoice each paid or may pay."""
    return (
        sa.select(BankLine)
        .where(BankLine.import_id == import_id)
        .options(selectinload(BankLine.invoice))
        .order_by(BankLine.line, BankLine.id)
    )


def line_counts(import_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per import: how many of its lines are booked, suggested, unmatched and outgoing."""
    counts: dict[int, dict[str, int]] = {i: {} for i in import_ids}
    if import_ids:
        rows = db.session.execute(
            sa.select(BankLine.import_id, BankLine.status, sa.func.count())
            .where(BankLine.import_id.in_(import_ids))
            .group_by(BankLine.import_id, BankLine.status)
        )
        for import_id, status, n in rows:
            counts[import_id][BankLineStatus(status).value] = n
    return counts


def statement_line_of(batch: PayoutBatch, organisation_id: int) -> sa.Select:
    """An outgoing line of an imported bank statement that looks like the bank executing the
    file: the file's total leaving the account, on or after the day it was made, with the
    file's message id in one of its references."""
    ref = f"%{batch.message_id}%"
    return (
        sa.select(BankLine)
        .where(
            BankLine.organisation_id == organisation_id,
            BankLine.status == BankLineStatus.OUTGOING,
            BankLine.amount_cents == -batch.total_cents,
            sa.or_(
                BankLine.reference.like(ref),
                BankLine.end_to_end_id.like(ref),
                BankLine.bank_reference.like(ref),
                BankLine.description.like(ref),
            ),
        )
        .order_by(BankLine.booked_on, BankLine.id)
        .limit(1)
    )
