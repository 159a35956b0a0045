"""The staff's "Te doen" list on a busy organisation: 2,000 units and many open tasks (#24).

Run from the project root: `.venv/bin/python bench/todo.py` (`make bench` does).

For SQLite (a temporary file) and, when a server answers on loopback, PostgreSQL (a scratch
database, dropped at the end) it builds the schema with the migrations and loads one
organisation with an area of 2,000 units in 40 streets, 1,000 applications unanswered for two
weeks, 200 open offers starting tomorrow, 4 collectives with 400 placements (this month not
invoiced), 40 landlords without an IBAN, 400 submitted turnover reports, 300 overdue invoices
and 20 calculated settlements. A second organisation has the same amount of state, so the
lists must pick their own. It then times, through the test client as the staff member, the
"Te doen" page (every task, the forecast of the 40 streets included), the home page with the
list, and a page that only shows the navigation's count (the search page), and, inside a
request, the count alone with its number of SQL statements.

Stdout: one JSON line per figure. Goal: the count costs a few statements whatever the number
of tasks (no target in the issue for the page; the forecast is the page's largest part).
"""

import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search  # noqa: E402 - the search benchmark's scratch-database helpers
import sqlalchemy as sa  # noqa: E402

from vrijstad import clock  # noqa: E402
from vrijstad.applications.models import ApplicationStatus, OfferStatus  # noqa: E402
from vrijstad.areas.models import AreaKind, StreetGrade  # noqa: E402
from vrijstad.billing.models import InvoiceStatus, SettlementStatus  # noqa: E402
from vrijstad.letting.models import (  # noqa: E402
    HeadLeaseKind,
    HeadLeaseStatus,
    LandlordRule,
    PlacementStatus,
    TurnoverStatus,
)
from vrijstad.organisations.models import MemberRole, OrganisationKind  # noqa: E402
from vrijstad.starters.models import SpaceKind  # noqa: E402
from vrijstad.units.models import EnergyLabel, UnitStatus  # noqa: E402

BENCH = "todo"
UNITS, STREETS = 2_000, 40
APPLICATIONS, OFFERS, PLACEMENTS = 1_000, 200, 400
INVOICES, SETTLEMENTS, LANDLORDS = 300, 20, 40
TIMES = 15
PASSWORD = "bench-Password-2026"  # noqa: S105 - a throwaway database


def emit(figure: str, value, unit: str, **extra) -> None:
    print(
        json.dumps({"bench": BENCH, "figure": figure, "value": value, "unit": unit} | extra),
        flush=True,
    )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def insert(table: str, rows: list[dict]) -> list[int]:
    """Bulk insert, returning the new ids in order."""
    from vrijstad.extensions import db

    meta = db.metadata.tables[table]  # the models' table: Core fills in their defaults
    first = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(meta.c.id), 0))) or 0
    ids = list(range(first + 1, first + 1 + len(rows)))
    for start in range(0, len(rows), 2000):
        chunk = [
            {"id": i} | row for i, row in zip(ids[start:], rows[start : start + 2000], strict=False)
        ]
        db.session.execute(sa.insert(meta), chunk)
    return ids


def load_organisation(n: int, password_hash: str) -> int:
    """One organisation's state; returns the staff member's id."""
    from vrijstad.extensions import db

    now, today = clock.now(), clock.today()
    stamp = {"created_at": now}
    [org] = insert(
        "organisations",
        [
            {"name": f"Binnenstad {n}", "kind": OrganisationKind.BINNENSTADSMANAGEMENT}
            | {"kvk_number": f"{12345670 + n}", "city": f"Stad {n}"}
            | stamp
        ],
    )
    [area] = insert(
        "areas",
        [
            {
                "organisation_id": org,
                "name": "Centrum",
                "city": f"Stad {n}",
                "kind": AreaKind.CITY_CENTRE,
            }
        ],
    )
    insert(
        "streets",
        [
            {"area_id": area, "name": f"Straat {s:02d}", "grade": StreetGrade.A1}
            for s in range(STREETS)
        ],
    )
    user = {"password_hash": password_hash, "locale": "nl", "email_verified_at": now} | stamp
    [staff] = insert(
        "users",
        [user | {"email": f"staff{n}@bench.example", "name": "Staf", "is_admin": False}],
    )
    insert(
        "memberships",
        [{"user_id": staff, "organisation_id": org, "role": MemberRole.ADMIN} | stamp],
    )
    landlords = insert(
        "users",
        [
            user
            | {"email": f"l{n}-{i}@bench.example", "name": f"Eigenaar {i}", "is_landlord": True}
            for i in range(LANDLORDS)
        ],
    )
    starters = insert(
        "users",
        [
            user | {"email": f"s{n}-{i}@bench.example", "name": f"Starter {i}", "is_starter": True}
            for i in range(APPLICATIONS)
        ],
    )
    units = insert(
        "units",
        [
            {
                "owner_id": landlords[i % LANDLORDS],
                "area_id": area,
                "status": UnitStatus.LET if i % 10 else UnitStatus.LISTED,
                "street": f"Straat {i % STREETS:02d}",
                "house_number": i + 1,
                "postcode": "7411 KA",
                "city": f"Stad {n}",
                "latitude": 52.25,
                "longitude": 6.16,
                "floor_area_vvo": 100,
                "rent_cents_per_year": 2_400_000,
                "rent_per_m2_cents_per_year": 24_000,
                "energy_label": EnergyLabel.B,
                "available_from": today,
                "permitted_uses": ["detailhandel"],
            }
            | stamp
            for i in range(UNITS)
        ],
    )
    applications = insert(
        "applications",
        [
            {
                "unit_id": units[i * 2 % UNITS],
                "starter_id": starters[i],
                "status": ApplicationStatus.OFFERED if i < OFFERS else ApplicationStatus.SUBMITTED,
                "motivation": "Bench",
                "created_at": now - timedelta(days=14),
                "updated_at": now,
            }
            for i in range(APPLICATIONS)
        ],
    )
    insert(
        "offers",
        [
            {
                "application_id": applications[i],
                "status": OfferStatus.OPEN,
                "kind": SpaceKind.WHOLE_UNIT,
                "start_date": today + timedelta(days=1),
                "end_date": today + timedelta(days=365),
                "base_fee_cents_per_month": 50_000,
            }
            | stamp
            for i in range(OFFERS)
        ],
    )
    collectives = insert(
        "collectives",
        [
            {"organisation_id": org, "area_id": area, "name": f"Collectief {c}"}
            | {"organisation_fee_bp": 1000, "fund_bp": 500, "landlord_rule": LandlordRule.PRO_RATA}
            | stamp
            for c in range(4)
        ],
    )
    leased = units[1 : 1 + PLACEMENTS]
    insert(
        "head_leases",
        [
            {
                "collective_id": collectives[i % 4],
                "unit_id": unit,
                "landlord_id": landlords[i % LANDLORDS],
                "status": HeadLeaseStatus.ACTIVE,
                "kind": HeadLeaseKind.FIXED,
                "rent_cents_per_month": 60_000,
                "start_date": today - timedelta(days=400),
            }
            | stamp
            for i, unit in enumerate(leased)
        ],
    )
    start = clock.add_months(clock.this_month(), -11)
    placements = insert(
        "placements",
        [
            {
                "unit_id": unit,
                "starter_id": starters[i],
                "organisation_id": org,
                "status": PlacementStatus.ACTIVE,
                "kind": SpaceKind.WHOLE_UNIT,
                "start_date": start,
                "end_date": clock.add_months(start, 24),
                "base_fee_cents_per_month": 50_000,
                "turnover_basis_points": 500 if i % 2 else 0,
                "starter_trade_name": f"Winkel {i}",
            }
            | stamp
            for i, unit in enumerate(leased)
        ],
    )
    last_month = clock.add_months(clock.this_month(), -1)
    insert(
        "turnover_reports",
        [
            {"placement_id": p, "period": last_month, "turnover_cents": 100_000}
            | {"status": TurnoverStatus.SUBMITTED, "submitted_at": now - timedelta(days=3)}
            for p in placements
        ],
    )
    insert(
        "invoices",
        [
            {
                "organisation_id": org,
                "number": i + 1,
                "placement_id": placements[i],
                "unit_id": leased[i],
                "starter_id": starters[i],
                "period": clock.add_months(last_month, -1),
                "issued_on": today - timedelta(days=40),
                "due_on": today - timedelta(days=26),
                "status": InvoiceStatus.OPEN,
                "net_cents": 50_000,
                "vat_cents": 10_500,
                "total_cents": 60_500,
                "paid_cents": 0,
                "supplier": {},
                "customer": {},
            }
            | stamp
            for i in range(INVOICES)
        ],
    )
    insert(
        "settlements",
        [
            {
                "collective_id": collectives[i % 4],
                "period": clock.add_months(last_month, -i),
                "status": SettlementStatus.CALCULATED,
                "received_cents": 0,
                "landlords_cents": 0,
                "organisation_cents": 0,
                "fund_cents": 0,
                "calculated_at": now,
            }
            for i in range(SETTLEMENTS)
        ],
    )
    db.session.commit()
    return staff


def timed(client, url: str, check: str) -> tuple[float, float]:
    times = []
    for _ in range(TIMES):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or check not in response.text:
            raise SystemExit(f"{url}: {response.status_code}, without {check!r}")
    return statistics.median(times), max(times)


def run(backend: str, url: str) -> None:
    from flask import g
    from flask_migrate import upgrade

    from vrijstad import create_app
    from vrijstad.auth.models import User
    from vrijstad.auth.services import hash_password
    from vrijstad.extensions import db
    from vrijstad.todo.services import task_count, tasks_of

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        WTF_CSRF_ENABLED=False,
        OUTBOX_DIR=tempfile.mkdtemp(),
    )
    with app.app_context():
        upgrade(revision="heads")
        password_hash = hash_password(PASSWORD)
        log(f"{backend}: loading two organisations of {UNITS} units and their tasks")
        staff_id = load_organisation(1, password_hash)
        load_organisation(2, password_hash)
        db.session.remove()
    with app.test_request_context():
        staff = db.session.get_one(User, staff_id)
        tasks = tasks_of(staff, clock.today())
        statements: list[str] = []

        def seen(conn, cursor, statement, *rest) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", seen)
        counts = []
        for _ in range(TIMES):
            g.pop("todo_count", None)
            started = time.perf_counter()
            count = task_count(staff, clock.today())
            counts.append((time.perf_counter() - started) * 1000)
        per_count = len(statements) // TIMES
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    emit("tasks", len(tasks), "tasks", backend=backend, counted=count)
    emit("nav_count_ms", round(statistics.median(counts), 1), "ms", backend=backend)
    emit("nav_count_statements", per_count, "statements", backend=backend, goal="a few")
    client = app.test_client()
    login = client.post("/login", data={"email": "staff1@bench.example", "password": PASSWORD})
    if login.status_code != 302:
        raise SystemExit("the bench's staff member could not log in")
    for figure, path, check in (
        ("todo_page_ms", "/todo", "Te doen"),
        ("home_page_ms", "/", "Te doen"),
        ("page_with_count_ms", "/units", f'<span class="badge">{count}'),
    ):
        median, worst = timed(client, path, check)
        emit(figure, round(median, 1), "ms", backend=backend, max_ms=round(worst, 1))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/todo.db")
    admin_url = search.postgres_admin_url()  # None (and said why) without a loopback server
    if admin_url is not None:
        search.with_postgres(admin_url, lambda url: run("postgresql", url))


if __name__ == "__main__":
    main()
