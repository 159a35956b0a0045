"""Checks for a restored database (deploy/restore-drill): is this a backup the business can
run on again?

- the schema is at the code's migrations (not behind, not ahead);
- the ledger balances: every posting sums to zero, so all debits equal all credits;
- invoice numbers are gap-free: each organisation's series (one series per organisation,
  numbered on and on across the years by billing.services._next_number) runs 1, 2, … n
  without a hole, and its sequence would issue n + 1 next (a lost latest invoice shows).

The checks read the database at any URL with plain SQL over the models' tables and write
nothing, so they run against a scratch copy while the app keeps its own database.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from vrijstad.billing.models import Invoice, InvoiceSequence
from vrijstad.ledger.models import Entry, Posting
from vrijstad.ops.health import code_migrations
from vrijstad.organisations.models import Organisation

SHOWN = 10  # at most this many examples of one problem in the report


@dataclass
class Finding:
    """One check's verdict, with the lines that explain it."""

    check: str
    ok: bool
    lines: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    findings: list[Finding]

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.ok]

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        out = []
        for finding in self.findings:
            out.append(f"{'OK  ' if finding.ok else 'FAIL'} {finding.check}")
            out.extend(f"     {line}" for line in finding.lines)
        if self.ok:
            out.append("Restore verified: no problems found.")
        else:
            names = ", ".join(finding.check for finding in self.problems)
            out.append(f"Restore NOT verified: {len(self.problems)} problem(s): {names}.")
        return "\n".join(out)


def _examples(items: list, total: int | None = None) -> str:
    total = len(items) if total is None else total
    shown = ", ".join(str(item) for item in items[:SHOWN])
    return shown + (f" and {total - SHOWN} more" if total > SHOWN else "")


def check_schema(connection: sa.Connection, migrations_dir: str) -> Finding:
    code = code_migrations(migrations_dir)
    current = frozenset(MigrationContext.configure(connection).get_current_heads())
    expected = ", ".join(sorted(code.heads))
    if current == code.heads:
        return Finding("schema", True, [f"at the code's revision {expected}"])
    if not current:
        return Finding(
            "schema",
            False,
            [
                "no migration recorded (alembic_version is empty or "
                "missing): this is not a Vrijstad database"
            ],
        )
    found = ", ".join(sorted(current))
    unknown = sorted(rev for rev in current if rev not in code.applied_with)
    if unknown:
        why = "newer than this code: restore with the release that made the backup"
    else:
        why = "behind the code: run `flask --app vrijstad db upgrade` after restoring"
    return Finding("schema", False, [f"database at {found}, code at {expected} ({why})"])


def _whole(value: object) -> int:
    """A sum the database returned (PostgreSQL sums a bigint as numeric)."""
    if isinstance(value, int | Decimal):
        return int(value)
    raise TypeError(f"not a whole number: {value!r}")


def check_ledger(connection: sa.Connection) -> Finding:
    debits, credits, count = connection.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((Entry.amount_cents > 0, Entry.amount_cents))), 0),
            sa.func.coalesce(
                sa.func.sum(sa.case((Entry.amount_cents < 0, -Entry.amount_cents))), 0
            ),
            sa.func.count(Entry.id),
        )
    ).one()
    debits, credits = _whole(debits), _whole(credits)
    postings = connection.scalar(sa.select(sa.func.count(Posting.id)))
    off = sa.func.sum(Entry.amount_cents)
    unbalanced = connection.execute(
        sa.select(Posting.id, Posting.key, off.label("off"))
        .join(Entry, Entry.posting_id == Posting.id)
        .group_by(Posting.id, Posting.key)
        .having(off != 0)
        .order_by(Posting.id)
    ).all()
    lines = [
        f"{postings} postings, {count} entries; debits {debits} cents, credits {credits} cents, "
        f"difference {debits - credits} cents"
    ]
    if unbalanced:
        lines.append(
            f"{len(unbalanced)} unbalanced posting(s): "
            + _examples(
                [f"#{row.id} {row.key} (off by {int(row.off)} cents)" for row in unbalanced]
            )
        )
    return Finding("ledger", debits == credits and not unbalanced, lines)


def _missing(numbers: list[int], upto: int) -> list[int]:
    present = set(numbers)
    return [n for n in range(1, upto + 1) if n not in present]


def check_invoice_numbers(connection: sa.Connection) -> Finding:
    series = connection.execute(
        sa.select(
            Invoice.organisation_id,
            Organisation.name,
            sa.func.count(Invoice.id).label("count"),
            sa.func.count(sa.distinct(Invoice.number)).label("distinct"),
            sa.func.min(Invoice.number).label("first"),
            sa.func.max(Invoice.number).label("last"),
            sa.func.max(Invoice.issued_on).label("latest"),
        )
        .join(Organisation, Organisation.id == Invoice.organisation_id)
        .group_by(Invoice.organisation_id, Organisation.name)
        .order_by(Invoice.organisation_id)
    ).all()
    sequences = dict(
        connection.execute(
            sa.select(InvoiceSequence.organisation_id, InvoiceSequence.next_number)
        ).all()
    )
    ok, lines = True, []
    for row in series:
        name = f"{row.name} (organisation {row.organisation_id})"
        next_number = sequences.get(row.organisation_id)
        problems = []
        if row.count != row.distinct:
            problems.append(f"{row.count - row.distinct} duplicate number(s)")
        if row.first != 1 or row.last != row.distinct:
            numbers = list(
                connection.scalars(
                    sa.select(Invoice.number).where(Invoice.organisation_id == row.organisation_id)
                )
            )
            missing = _missing(numbers, row.last)
            problems.append(f"missing number(s) {_examples(missing)}")
        if next_number is None:
            problems.append("its sequence row is missing")
        elif next_number > row.last + 1:
            latest = list(range(row.last + 1, next_number))
            problems.append(
                f"the latest number(s) {_examples(latest)} are missing "
                f"(the series issued up to {next_number - 1})"
            )
        elif next_number < row.last + 1:
            problems.append(f"the series would issue {next_number} again next")
        summary = (
            f"{name}: {row.count} invoices, numbers {row.first}–{row.last}, "
            f"latest issued {row.latest}"
        )
        if problems:
            ok = False
            lines.append(f"{summary}: " + "; ".join(problems))
        else:
            lines.append(summary)
    invoiced = {row.organisation_id for row in series}
    for organisation_id, next_number in sorted(sequences.items()):
        if organisation_id not in invoiced and next_number != 1:
            ok = False
            lines.append(
                f"organisation {organisation_id}: no invoices, but the series issued "
                f"up to {next_number - 1}"
            )
    if not lines:
        lines.append("no invoices")
    return Finding("invoice numbers", ok, lines)


def verify(url: str, migrations_dir: str) -> RestoreReport:
    """Run every check against the database at url; a check that cannot run is a problem."""
    checks: list[tuple[str, Callable[[sa.Connection], Finding]]] = [
        ("schema", lambda conn: check_schema(conn, migrations_dir)),
        ("ledger", check_ledger),
        ("invoice numbers", check_invoice_numbers),
    ]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    findings = []
    try:
        for name, check in checks:
            try:
                with engine.connect() as connection:
                    findings.append(check(connection))
            except sa.exc.SQLAlchemyError as exc:
                reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                findings.append(Finding(name, False, [f"could not be checked: {reason}"]))
    finally:
        engine.dispose()
    return RestoreReport(findings)
