"""Booking in the ledger: balanced postings, reversals, balances."""

from collections import defaultdict
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.core import DomainError
from vrijstad.database import insert_rows
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


def deposit_due(placement_id: int) -> str:
    """A deposit invoiced and not yet paid: cleared as the money comes in."""
    return account("deposit_due", "placement", placement_id)


def deposit_held(placement_id: int) -> str:
    """Deposits held: a liability (credit balance) to the starter, never revenue."""
    return account("deposit_held", "placement", placement_id)


def refund_due(starter_id: int) -> str:
    """What the organisation owes a starter back (a returned deposit)."""
    return account("payable", "starter", starter_id)


class PostingSpec(NamedTuple):
    """A posting to book: lines (account, cents; debit positive) that sum to zero."""

    organisation_id: int
    kind: str
    key: str
    description: str
    lines: list[tuple[str, int]]
    booked_on: date | None = None
    reverses_id: int | None = None


def _entries(key: str, lines: list[tuple[str, int]]) -> dict[str, int]:
    """The lines merged per account; refuses amounts that are not cents or do not balance."""
    merged: dict[str, int] = defaultdict(int)
    for acct, cents in lines:
        if not isinstance(cents, int):
            raise LedgerError(f"amounts are integer cents, got {cents!r}")
        merged[acct] += cents
    if sum(merged.values()) != 0:
        raise LedgerError(f"posting {key} does not balance: {sum(merged.values())} cents")
    return {acct: cents for acct, cents in merged.items() if cents}


def book(
    organisation_id: int,
    kind: str,
    key: str,
    description: str,
    lines: list[tuple[str, int]],
    booked_on: date | None = None,
    reverses_id: int | None = None,
) -> Posting:
    """Book a posting; the lines (account, cents; debit positive) must sum to zero.

    A key that was booked before returns the earlier posting: each event is booked once."""
    existing = db.session.scalar(sa.select(Posting).where(Posting.key == key))
    if existing is not None:
        return existing
    merged = _entries(key, lines)
    posting = Posting(
        organisation_id=organisation_id,
        kind=kind,
        key=key,
        description=description[:300],
        booked_on=booked_on or clock.today(),
        reverses_id=reverses_id,
    )
    db.session.add(posting)
    db.session.flush()
    rows = [
        {
            "posting_id": posting.id,
            "organisation_id": organisation_id,
            "account": acct,
            "amount_cents": cents,
        }
        for acct, cents in merged.items()
    ]
    db.session.execute(Entry.__table__.insert(), rows)  # one executemany for many lines
    db.session.expire(posting, ["entries"])
    return posting


_KEY_CHUNK = 900


def book_many(specs: list[PostingSpec]) -> dict[str, int]:
    """Book many postings at once, by the rules of book(): each must balance, and a key booked
    before (or twice in the list) is booked once. The postings and then their entries are
    inserted in one statement each (database.insert_rows); returns the posting id per key."""
    merged = [_entries(spec.key, spec.lines) for spec in specs]
    keys = [spec.key for spec in specs]
    ids: dict[str, int] = {}
    table = Posting.__table__
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start : start + _KEY_CHUNK]
        ids.update(
            db.session.execute(
                sa.select(table.c.key, table.c.id).where(table.c.key.in_(chunk))
            ).all()
        )
    new = []
    for spec, entries in zip(specs, merged, strict=True):
        if spec.key not in ids:
            ids[spec.key] = 0  # claimed: a repeated key in the list is booked once
            new.append((spec, entries))
    if not new:
        return ids
    today, now = clock.today(), clock.now()
    ids.update(
        insert_rows(
            Posting.__table__,
            [
                {
                    "organisation_id": spec.organisation_id,
                    "kind": spec.kind,
                    "key": spec.key,
                    "description": spec.description[:300],
                    "booked_on": spec.booked_on or today,
                    "reverses_id": spec.reverses_id,
                    "created_at": now,
                }
                for spec, _e in new
            ],
            returning=("key", "id"),
        )
    )
    rows = [
        {
            "posting_id": ids[spec.key],
            "organisation_id": spec.organisation_id,
            "account": acct,
            "amount_cents": cents,
        }
        for spec, entries in new
        for acct, cents in entries.items()
    ]
    insert_rows(Entry.__table__, rows)
    return ids


def reverse(posting: Posting, description: str, booked_on: date | None = None) -> Posting:
    """Book the mirror image of a posting (the only way to correct one)."""
    return book(
        posting.organisation_id,
        "reversal",
        f"reversal:{posting.key}",
        description,
        [(e.account, -e.amount_cents) for e in posting.entries],
        booked_on,
        reverses_id=posting.id,
    )


def balance(organisation_id: int, acct: str) -> int:
    """An account's balance (debit positive) from all its entries."""
    total = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_cents), 0)).where(
            Entry.organisation_id == organisation_id, Entry.account == acct
        )
    ).scalar_one()
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
    total = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Entry.amount_cents), 0))
    ).scalar_one()
    return int(total)
