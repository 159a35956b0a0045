"""Importing a 10,000-line CAMT.053 statement (issue 22).

Run from the project root: `.venv/bin/python bench/bank_import.py` (`make bench` does).

For SQLite (a temporary file) and, when a server answers on loopback, PostgreSQL (a database
vrijstad_bench_bank_<pid>, dropped at the end) it builds the schema with the migrations and
bulk-loads one organisation with 10,000 placements and their open invoices (the settlement
benchmark's loader, its payments taken out again). It then writes a CAMT.053 file of 10,000
entries: 8,000 credits quoting an invoice's payment reference, 1,000 credits without one and
1,000 debits, and times `statements.import_statement` (parse, fingerprints, matching, the
8,000 bookings in the ledger, one commit). A second import of the same file must book nothing.

Stdout: one JSON line per figure. Target: the import ≤ 5 s.
Environment: BENCH_DATABASE_URL, the PostgreSQL admin URL (default
postgresql://postgres@127.0.0.1:5432/postgres); only loopback hosts are used.
"""

import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search  # noqa: E402 - the search benchmark's scratch-database helpers
import settlement as loader  # noqa: E402
import sqlalchemy as sa  # noqa: E402

BENCH = "bank_import"
LINES = 10_000
REFERENCED = 8_000
DEBITS = 1_000
TARGET_S = 5.0
SEED = 20261203


def emit(figure: str, value, unit: str, **extra) -> None:
    record = {"bench": BENCH, "figure": figure, "value": value, "unit": unit} | extra
    print(json.dumps(record), flush=True)


def camt(invoices: list[tuple[int, int]], organisation_id: int) -> bytes:
    """A CAMT.053.001.02 statement: referenced credits, unreferenced credits, debits."""
    rng = random.Random(SEED)
    entries = []
    for index in range(LINES):
        day = f"2026-11-{1 + index % 28:02d}"
        if index < REFERENCED:
            number, cents = invoices[index]
            side, party, remit = (
                "CRDT",
                "Dbtr",
                (
                    "<Strd><CdtrRefInf><Ref>"
                    f"VS{organisation_id:03d}-{number:06d}</Ref></CdtrRefInf></Strd>"
                ),
            )
        elif index < LINES - DEBITS:
            cents, side, party = rng.randint(1_000, 90_000), "CRDT", "Dbtr"
            remit = "<Ustrd>Bijdrage zonder kenmerk</Ustrd>"
        else:
            cents, side, party = rng.randint(1_000, 90_000), "DBIT", "Cdtr"
            remit = f"<Ustrd>Factuur leverancier {index}</Ustrd>"
        amount = f"{cents // 100}.{cents % 100:02d}"
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts>'
            f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
            f"<AcctSvcrRef>BENCH{index:010d}</AcctSvcrRef><NtryDtls><TxDtls>"
            f"<Refs><EndToEndId>E2E-{index}</EndToEndId></Refs>"
            f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>'
            f"<RltdPties><{party}><Nm>Partij {index}</Nm></{party}><{party}Acct><Id>"
            f"<IBAN>NL91ABNA0417164300</IBAN></Id></{party}Acct></RltdPties>"
            f"<RmtInf>{remit}</RmtInf></TxDtls></NtryDtls></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-11-30T06:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>BENCH-1</Id><CreDtTm>2026-11-30T06:00:00</CreDtTm>"
        "<Acct><Id><IBAN>NL69INGB0123456789</IBAN></Id></Acct>"
        + "\n".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def open_all_invoices(app) -> None:
    """The loader pays nearly every invoice; here they all wait for the bank file."""
    from vrijstad.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "DELETE FROM ledger_entries WHERE posting_id IN "
                "(SELECT id FROM ledger_postings WHERE kind = 'payment')"
            )
        )
        conn.execute(sa.text("DELETE FROM ledger_postings WHERE kind = 'payment'"))
        conn.execute(sa.text("DELETE FROM payments"))
        conn.execute(sa.text("UPDATE invoices SET status = 'open', paid_cents = 0"))
        conn.execute(
            sa.text(
                "INSERT INTO users (email, name, password_hash, locale, is_admin, is_landlord, "
                "is_starter, active, created_at, password_changed_at, session_token) VALUES "
                "('finance@bench.example', 'Financiën', 'x', 'nl', true, false, false, true, "
                "'2026-11-01 00:00:00+00:00', '2026-11-01 00:00:00+00:00', 'benchtoken')"
            )
        )


def run(backend: str, url: str) -> None:
    from flask_migrate import upgrade

    from vrijstad import create_app
    from vrijstad.auth.models import User
    from vrijstad.billing.models import Invoice, Payment
    from vrijstad.extensions import db
    from vrijstad.ledger import services as ledger
    from vrijstad.organisations.models import Organisation
    from vrijstad.payments import statements

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ECHO=False)
    with app.app_context():
        upgrade()
    loader.log(f"{backend}: loading 1 organisation with {loader.PLACEMENTS} open invoices …")
    loader.load(app)
    open_all_invoices(app)
    with app.app_context():
        organisation = db.session.get(Organisation, 1)
        invoices = db.session.execute(
            sa.select(Invoice.number, Invoice.total_cents)
            .where(Invoice.organisation_id == 1)
            .order_by(Invoice.number)
        ).all()
        data = camt([tuple(row) for row in invoices], organisation.id)
        actor = db.session.scalar(sa.select(User).where(User.email == "finance@bench.example"))
        db.session.remove()
        started = time.perf_counter()
        done = statements.import_statement(actor, organisation, "bench.xml", data)
        db.session.commit()
        elapsed = time.perf_counter() - started
        booked = done.matched_count
        parse_started = time.perf_counter()
        statements.parse_statement(data)
        parse_s = time.perf_counter() - parse_started
        try:
            statements.import_statement(actor, organisation, "again.xml", data + b" ")
        except statements.StatementRefused:
            refused = True
        else:
            refused = False
        db.session.rollback()
        payments = db.session.scalar(sa.select(sa.func.count(Payment.id)))
        ledger_total = ledger.total_of_all_entries()
        db.session.remove()
        db.engine.dispose()
    emit(
        "import_10000_lines_s",
        round(elapsed, 2),
        "s",
        backend=backend,
        lines=LINES,
        booked=booked,
        bytes=len(data),
        target_s=TARGET_S,
        target_met=elapsed <= TARGET_S,
    )
    emit("parse_only_s", round(parse_s, 2), "s", backend=backend)
    emit(
        "second_import_refused",
        refused and payments == REFERENCED,
        "bool",
        backend=backend,
        payments=payments,
    )
    emit("ledger_sum_cents", ledger_total, "cents", backend=backend, balanced=ledger_total == 0)


def main() -> None:
    loader.ORGANISATIONS = 1  # every placement in one organisation: one statement for all
    loader.COLLECTIVES, loader.PLACEMENTS, loader.LANDLORDS = 100, LINES, 500
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bank.db")
    admin_url = search.postgres_admin_url()  # None (and said why) without a loopback server
    if admin_url is not None:
        search.with_postgres(admin_url, lambda url: run("postgresql", url))


if __name__ == "__main__":
    main()
