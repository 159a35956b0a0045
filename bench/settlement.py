"""Monthly settlement of a national month: 500 collectives, 50,000 placements (issues 6, 22).

Run from the project root: `.venv/bin/python bench/settlement.py` (`make bench` does).

For SQLite (a temporary file) and, when a server answers on loopback, PostgreSQL (a database
vrijstad_bench_settle_<pid>, dropped at the end) it builds the schema with the migrations and
bulk-loads 500 collectives in 50 organisations, 50,000 units on active head leases (fixed and
turnover rent, both landlord rules), 50,000 placements (half with a turnover clause and a
checked turnover report), one invoice per placement for the month, booked in the ledger, and a
payment for nearly every invoice (also booked). It then times the settlement of the month for
every collective through the real service (`billing.calculate_settlements`, all collectives in
one call and one commit), and checks that every cent received was assigned and that the ledger
sums to zero; a second run for ten collectives (`billing.calculate_settlement`, each on its
own) must book nothing.

Stdout: one JSON line per figure. Target: the whole month ≤ 10 s on PostgreSQL (issue 22).
Environment: BENCH_DATABASE_URL, the PostgreSQL admin URL (default
postgresql://postgres@127.0.0.1:5432/postgres); only loopback hosts are used.
"""

import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search  # noqa: E402 - the search benchmark's scratch-database helpers
import sqlalchemy as sa  # noqa: E402

BENCH = "settlement"
ORGANISATIONS = 50
COLLECTIVES = 500
PLACEMENTS = 50_000
LANDLORDS = 2_500
PERIOD = date(2026, 10, 1)
TARGET_S = 10.0
SEED = 20261128


def emit(figure: str, value, unit: str, **extra) -> None:
    print(
        json.dumps({"bench": BENCH, "figure": figure, "value": value, "unit": unit} | extra),
        flush=True,
    )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def insert(conn, table: str, rows: list[dict], chunk: int = 2000) -> None:
    meta_table = sa.table(table, *(sa.column(k) for k in rows[0]))
    for start in range(0, len(rows), chunk):
        conn.execute(sa.insert(meta_table), rows[start : start + chunk])


def load(app) -> dict:
    """Bulk-load the month's data; returns the totals a correct settlement must reproduce."""
    from vrijstad.extensions import db
    from vrijstad.money import split_cents

    rng = random.Random(SEED)
    now = "2026-11-01 00:00:00+00:00"
    with app.app_context(), db.engine.begin() as conn:
        password = "pbkdf2:sha256:1$x$" + "0" * 64
        users = [
            {
                "id": i,
                "email": f"landlord{i}@bench.example",
                "name": f"Verhuurder {i}",
                "password_hash": password,
                "locale": "nl",
                "is_admin": False,
                "is_landlord": True,
                "is_starter": False,
                "active": True,
                "created_at": now,
                "password_changed_at": now,
                "session_token": f"bench{i}",
            }
            for i in range(1, LANDLORDS + 1)
        ]
        users += [
            {
                "id": LANDLORDS + i,
                "email": f"starter{i}@bench.example",
                "name": f"Starter {i}",
                "password_hash": password,
                "locale": "nl",
                "is_admin": False,
                "is_landlord": False,
                "is_starter": True,
                "active": True,
                "created_at": now,
                "password_changed_at": now,
                "session_token": f"bench{LANDLORDS + i}",
            }
            for i in range(1, PLACEMENTS + 1)
        ]
        insert(conn, "users", users)
        insert(
            conn,
            "organisations",
            [
                {
                    "id": o,
                    "name": f"Binnenstad {o}",
                    "kind": "binnenstadsmanagement",
                    "kvk_number": f"{90000000 + o}",
                    "city": f"Stad {o}",
                    "created_at": now,
                }
                for o in range(1, ORGANISATIONS + 1)
            ],
        )
        per_org = COLLECTIVES // ORGANISATIONS
        insert(
            conn,
            "areas",
            [
                {
                    "id": c,
                    "organisation_id": (c - 1) // per_org + 1,
                    "name": f"Gebied {c}",
                    "city": f"Stad {(c - 1) // per_org + 1}",
                    "kind": "city_centre",
                    "closed_pilot": False,
                }
                for c in range(1, COLLECTIVES + 1)
            ],
        )
        insert(
            conn,
            "collectives",
            [
                {
                    "id": c,
                    "organisation_id": (c - 1) // per_org + 1,
                    "area_id": c,
                    "name": f"Collectief {c}",
                    "organisation_fee_bp": rng.choice((500, 800, 1000)),
                    "fund_bp": rng.choice((200, 500)),
                    "landlord_rule": "pro_rata" if c % 2 else "head_lease",
                    "created_at": now,
                }
                for c in range(1, COLLECTIVES + 1)
            ],
        )
        units, leases, placements, reports, invoices, payments = [], [], [], [], [], []
        postings, entries = [], []
        numbers = dict.fromkeys(range(1, ORGANISATIONS + 1), 0)
        expected_received = 0
        for p in range(1, PLACEMENTS + 1):
            collective = (p - 1) % COLLECTIVES + 1
            organisation = (collective - 1) // per_org + 1
            landlord = rng.randint(1, LANDLORDS)
            starter = LANDLORDS + p
            units.append(
                {
                    "id": p,
                    "owner_id": landlord,
                    "area_id": collective,
                    "status": "let",
                    "street": "Marktstraat",
                    "house_number": p,
                    "postcode": "1234 AB",
                    "city": f"Stad {organisation}",
                    "floor_area_vvo": 80,
                    "uses_mask": 1,
                    "is_monument": False,
                    "rent_cents_per_year": 1_800_000,
                    "service_charges_cents_per_year": 0,
                    "vat_opted": True,
                    "rent_per_m2_cents_per_year": 22_500,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            turnover_lease = p % 3 == 0
            leases.append(
                {
                    "id": p,
                    "collective_id": collective,
                    "unit_id": p,
                    "landlord_id": landlord,
                    "status": "active",
                    "kind": "turnover" if turnover_lease else "fixed",
                    "rent_cents_per_month": rng.randint(40_000, 120_000),
                    "landlord_share_bp": 6000 if turnover_lease else 0,
                    "indexation_bp": 200,
                    "start_date": date(2025, 1, 1),
                    "created_at": now,
                }
            )
            base = rng.randint(50_000, 150_000)
            turnover_bp = 800 if p % 2 else 0
            placements.append(
                {
                    "id": p,
                    "unit_id": p,
                    "starter_id": starter,
                    "organisation_id": organisation,
                    "status": "active",
                    "kind": "whole_unit",
                    "start_date": date(2026, 1, 1),
                    "end_date": date(2027, 1, 1),
                    "base_fee_cents_per_month": base,
                    "turnover_basis_points": turnover_bp,
                    "deposit_cents": 0,
                    "vat_opted": True,
                    "discount_schedule": "[]",
                    "starter_trade_name": f"Zaak {p}",
                    "created_at": now,
                }
            )
            net = base
            if turnover_bp:
                turnover = rng.randint(500_000, 2_500_000)
                reports.append(
                    {
                        "placement_id": p,
                        "period": PERIOD,
                        "turnover_cents": turnover,
                        "status": "checked",
                        "submitted_at": now,
                    }
                )
                net = max(base, (turnover * turnover_bp + 5000) // 10000)
            vat = (net * 2100 + 5000) // 10000
            numbers[organisation] += 1
            invoices.append(
                {
                    "id": p,
                    "organisation_id": organisation,
                    "number": numbers[organisation],
                    "placement_id": p,
                    "unit_id": p,
                    "starter_id": starter,
                    "collective_id": collective,
                    "period": PERIOD,
                    "issued_on": date(2026, 10, 31),
                    "due_on": date(2026, 11, 14),
                    "status": "open",
                    "net_cents": net,
                    "vat_cents": vat,
                    "total_cents": net + vat,
                    "paid_cents": 0,
                    "supplier": "{}",
                    "customer": "{}",
                    "created_at": now,
                }
            )
            postings.append(
                {
                    "id": 2 * p - 1,
                    "organisation_id": organisation,
                    "kind": "invoice",
                    "description": f"Invoice {p}",
                    "key": f"invoice:{p}",
                    "booked_on": date(2026, 10, 31),
                    "created_at": now,
                }
            )
            entries += [
                (2 * p - 1, organisation, f"receivable/starter/{starter}", net + vat),
                (2 * p - 1, organisation, f"income/unit/{p}", -net),
                (2 * p - 1, organisation, f"vat/org/{organisation}", -vat),
            ]
            if rng.random() < 0.97:  # a few starters have not paid yet
                paid_net, paid_vat = split_cents(net + vat, [net, vat])
                payments.append(
                    {
                        "id": p,
                        "invoice_id": p,
                        "amount_cents": net + vat,
                        "net_cents": paid_net,
                        "vat_cents": paid_vat,
                        "received_on": date(2026, 10, 28),
                        "method": "bank",
                        "created_at": now,
                    }
                )
                invoices[-1]["paid_cents"] = net + vat
                invoices[-1]["status"] = "paid"
                postings.append(
                    {
                        "id": 2 * p,
                        "organisation_id": organisation,
                        "kind": "payment",
                        "description": f"Payment {p}",
                        "key": f"payment:{p}",
                        "booked_on": date(2026, 10, 28),
                        "created_at": now,
                    }
                )
                entries += [
                    (2 * p, organisation, f"bank/org/{organisation}", net + vat),
                    (2 * p, organisation, f"receivable/starter/{starter}", -(net + vat)),
                ]
                expected_received += paid_net
        insert(conn, "units", units)
        insert(conn, "head_leases", leases)
        insert(conn, "placements", placements)
        insert(conn, "turnover_reports", reports)
        insert(conn, "invoices", invoices)
        insert(conn, "payments", payments)
        insert(conn, "ledger_postings", postings)
        insert(
            conn,
            "ledger_entries",
            [
                {"posting_id": e[0], "organisation_id": e[1], "account": e[2], "amount_cents": e[3]}
                for e in entries
            ],
        )
        if conn.dialect.name == "postgresql":
            for table in (
                "users",
                "organisations",
                "areas",
                "collectives",
                "units",
                "head_leases",
                "placements",
                "invoices",
                "payments",
                "ledger_postings",
            ):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            conn.execute(sa.text("ANALYZE"))
    return {"received": expected_received, "payments": len(payments)}


def run(backend: str, url: str) -> None:
    from flask_migrate import upgrade

    from vrijstad import create_app
    from vrijstad.billing import services as billing
    from vrijstad.billing.models import Settlement
    from vrijstad.extensions import db
    from vrijstad.ledger import services as ledger
    from vrijstad.letting.models import Collective

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ECHO=False)
    with app.app_context():
        upgrade()
    log(f"{backend}: loading {COLLECTIVES} collectives, {PLACEMENTS} placements …")
    expected = load(app)
    with app.app_context():
        ids = db.session.scalars(sa.select(Collective.id).order_by(Collective.id)).all()
        db.session.remove()
        started = time.perf_counter()
        collectives = db.session.scalars(sa.select(Collective).order_by(Collective.id)).all()
        billing.calculate_settlements(None, collectives, PERIOD)
        db.session.commit()
        elapsed = time.perf_counter() - started
        received = int(db.session.scalar(sa.select(sa.func.sum(Settlement.received_cents))))
        assigned = int(
            db.session.scalar(
                sa.select(
                    sa.func.sum(
                        Settlement.landlords_cents
                        + Settlement.organisation_cents
                        + Settlement.fund_cents
                    )
                )
            )
        )
        ledger_total = ledger.total_of_all_entries()
        again = time.perf_counter()
        for collective_id in ids[:10]:  # idempotent: a second run books nothing
            billing.calculate_settlement(None, db.session.get(Collective, collective_id), PERIOD)
        db.session.commit()
        rerun_ms = (time.perf_counter() - again) * 1000 / 10
        ledger_after = ledger.total_of_all_entries()
        db.session.remove()
        db.engine.dispose()
    emit(
        "settle_month_s",
        round(elapsed, 2),
        "s",
        backend=backend,
        collectives=COLLECTIVES,
        placements=PLACEMENTS,
        payments=expected["payments"],
        target_s=TARGET_S,
        target_met=elapsed <= TARGET_S,
    )
    emit(
        "received_matches_payments",
        received == expected["received"],
        "bool",
        backend=backend,
        received_cents=received,
        expected_cents=expected["received"],
    )
    emit("every_cent_assigned", received == assigned, "bool", backend=backend)
    emit(
        "ledger_sum_cents",
        ledger_total,
        "cents",
        backend=backend,
        balanced=ledger_total == 0 and ledger_after == 0,
    )
    emit("rerun_per_collective_ms", round(rerun_ms, 2), "ms", backend=backend)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/settle.db")
    admin_url = search.postgres_admin_url()  # None (and said why) without a loopback server
    if admin_url is not None:
        search.with_postgres(admin_url, lambda url: run("postgresql", url))


if __name__ == "__main__":
    main()
