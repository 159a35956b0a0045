"""Booking in the ledger: balanced postings, reversals, balances."""

from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.ledger.models import Entry, Posting


class LedgerError(DomainError):
    """A posting that would break the books."""


def account(kind: str, owner: str, owner_id: int) -> str:
    return f"{kind}/{owner}/{owner_id}"


def receivable(starter_id: int) -> str:
    return account("receivable", "starter", starter_id)


def income(unit_id: int) -> str:
    return account("income", "unit", unit_id)


def vat(organisation_id: int) -> str:
    return account("vat", "org", organisation_id)


def bank(organisation_id: int) -> str:
    return account("bank", "org", organisation_id)


def payable(landlord_id: int) -> str:
    return account("payable", "landlord", landlord_id)


def revenue(organisation_id: int) -> str:
    return account("revenue", "org", organisation_id)


def fund(collective_id: int) -> str:
    return account("fund", "collective", collective_id)


def book(
    organisation_id: int, kind: str, key: str, description: str, lines: list[tuple[str, int]],
    booked_on: date | None = None, reverses_id: int | None = None,
) -> Posting:  # fmt: skip
    """Book a posting; the lines (account, cents; debit positive) must sum to zero.

    A key that was booked before returns the earlier posting: each event is booked once."""
    existing = db.session.scalar(sa.select(Posting).where(Posting.key == key))
    if existing is not None:
        return existing
    merged: dict[str, int] = defaultdict(int)
    for acct, cents in lines:
        if not isinstance(cents, int):
            raise LedgerError(f"amounts are integer cents, got {cents!r}")
        merged[acct] += cents
    if sum(merged.values()) != 0:
        raise LedgerError(f"posting {key} does not balance: {sum(merged.values())} cents")
    posting = Posting(organisation_id=organisation_id, kind=kind, key=key,
                      description=description[:300], booked_on=booked_on or clock.today(),
                      reverses_id=reverses_id)  # fmt: skip
    db.session.add(posting)
    db.session.flush()
    rows = [
        {"posting_id": posting.id, "organisation_id": organisation_id, "account": acct,
         "amount_cents": cents}
        for acct, cents in merged.items() if cents
    ]  # fmt: skip
    db.session.execute(Entry.__table__.insert(), rows)  # one executemany for many lines
    db.session.expire(posting, ["entries"])
    return posting


def reverse(posting: Posting, description: str, booked_on: date | None = None) -> Posting:
    """Book the mirror image of a posting (the only way to correct one)."""
    return book(posting.organisation_id, "reversal", f"reversal:{posting.key}", description,
                [(e.account, -e.amount_cents) for e in posting.entries], booked_on,
                reverses_id=posting.id)  # fmt: skip


def balance(organisation_id: int, acct: str) -> int:
    """An account's balance (debit positive) from all its entries."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_cents), 0)).where(
            Entry.organisation_id == organisation_id, Entry.account == acct
        )
    )
    return int(total)  # PostgreSQL sums a bigint as numeric


def balances(organisation_id: int, prefix: str = "") -> dict[str, int]:
    query = (
        sa.select(Entry.account, sa.func.sum(Entry.amount_cents))
        .where(Entry.organisation_id == organisation_id)
        .group_by(Entry.account)
    )
    if prefix:
        query = query.where(Entry.account.startswith(prefix, autoescape=True))
    return {acct: int(total) for acct, total in db.session.execute(query)}


def total_of_all_entries() -> int:
    """The sum of every entry ever booked: zero in balanced books."""
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_cents), 0))))
