"""The vacancy dashboard and the open-data API on an area of 20,000 units (issue 9).

Run from the project root: `.venv/bin/python bench/dashboard.py` (`make bench` does).

On PostgreSQL (a database vrijstad_bench_dash_<pid> on a loopback server, dropped at the end;
skipped when none answers) it builds the schema with the migrations and bulk-loads (COPY) one
organisation with an area of 20,000 units in 150 streets (street profiles, a vacancy mix of
frictional, long-term and structural cases over 5 years), 3,000 starters, 8,000 applications,
3,000 offers and 2,500 placements over 5 years, a collective with 60 monthly settlements and
payouts in the ledger, and 5 years (60 months) of monthly snapshots for the area and each street.

It then times, through the Flask test client as a logged-in staff member:

* the dashboard's full page over the whole 5 years (`/dashboard/areas/1?from=…&to=…`) and over
  the default 12 months;
* each API page: areas, a page of listed units (anonymous, and with the organisation's token:
  private fields), one unit, and the area's monthly vacancy (60 months on one page).

For every request the SQL time it contains is measured too (from the driver call to its return,
summed over the request's statements). Stdout: one JSON line per figure (median and p95 of the
page, median SQL time, statements per request). Targets: dashboard page median < 300 ms, each
API page median < 50 ms. Missing a target is reported (target_met false), not an error.
Environment: BENCH_DATABASE_URL, the PostgreSQL admin URL (default
postgresql://postgres@127.0.0.1:5432/postgres); only loopback hosts are used.
"""

import contextvars
import json
import math
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.py lives in the project root

import sqlalchemy as sa  # noqa: E402
from search import ms, p95, postgres_admin_url  # noqa: E402 - the search benchmark's helpers

from vrijstad import clock  # noqa: E402
from vrijstad.clock import add_months  # noqa: E402

BENCH = "dashboard"
UNITS = 20_000
STREETS = 150
STARTERS = 3_000
APPLICATIONS = 8_000
OFFERS = 3_000
PLACEMENTS = 2_500
LANDLORDS = 400
MONTHS = 60
WARMUP = 3
TIMED_PAGE = 25
TIMED_API = 60
TARGET_PAGE_MS = 300.0
TARGET_API_MS = 50.0
HARD_LIMIT_S = 20 * 60  # the whole run stops by itself well before this
SEED = 20261129
PASSWORD = "bench-Password-2026"  # noqa: S105 - a throwaway database
STATUS_WEIGHTS = {"let": 84, "listed": 6, "in_talks": 2, "reserved": 1, "draft": 4, "withdrawn": 3}
BRANCHES = [
    "daily_goods",
    "fashion_luxury",
    "leisure_goods",
    "home_garden",
    "other_retail",
    "leisure_horeca",
    "services",
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(figure: str, value, unit: str | None = None, **extra) -> None:
    line = {"bench": BENCH, "backend": "postgresql", "figure": figure, "value": value}
    if unit:
        line["unit"] = unit
    print(json.dumps(line | extra), flush=True)


# --- data -------------------------------------------------------------------------------------


def build_rows(today: date, password_hash: str) -> dict[str, list[dict]]:
    """Every table's rows, deterministic from the seed."""
    rng = random.Random(SEED)
    now = clock.now()
    long_ago = now - timedelta(days=6 * 365)
    rows: dict[str, list[dict]] = {}

    def user(n, email, name, **roles):
        return {
            "id": n,
            "email": email,
            "name": name,
            "password_hash": password_hash,
            "locale": "en",
            "is_admin": False,
            "is_landlord": roles.get("landlord", False),
            "is_starter": roles.get("starter", False),
            "active": True,
            "created_at": long_ago,
            "password_changed_at": long_ago,
            "session_token": f"bench-session-{n}",
        }

    users = [
        user(
            1,
            "staff@bench.example",
            "Staff",
        )
    ]
    users += [
        user(1 + n, f"landlord{n}@bench.example", f"Verhuurder {n}", landlord=True)
        for n in range(1, LANDLORDS + 1)
    ]
    first_starter = LANDLORDS + 2
    users += [
        user(first_starter + n, f"starter{n}@bench.example", f"Starter {n}", starter=True)
        for n in range(STARTERS)
    ]
    rows["users"] = users
    rows["organisations"] = [
        {
            "id": 1,
            "name": "Binnenstad Bench",
            "kind": "binnenstadsmanagement",
            "kvk_number": "40000001",
            "city": "Bankstad",
            "created_at": long_ago,
        }
    ]
    rows["memberships"] = [
        {"id": 1, "user_id": 1, "organisation_id": 1, "role": "admin", "created_at": long_ago}
    ]
    rows["areas"] = [
        {
            "id": 1,
            "organisation_id": 1,
            "name": "Centrum",
            "city": "Bankstad",
            "kind": "city_centre",
            "closed_pilot": False,
        }
    ]
    street_names = [f"Straat {n:03d}" for n in range(1, STREETS + 1)]
    grades = ["A1", "A2", "B1", "B2", "C"]
    rows["streets"] = [
        {"id": n, "area_id": 1, "name": name, "grade": rng.choice(grades)}
        for n, name in enumerate(street_names, start=1)
    ]
    rows["street_profiles"] = [
        {
            "id": n,
            "street_id": n,
            "wanted_mask": 1 << (n % 7),
            "excluded_mask": 1 << ((n + 3) % 7),
            "updated_at": now,
        }
        for n in range(1, STREETS + 1, 3)
    ]
    units = []
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    for n in range(1, UNITS + 1):
        status = rng.choices(statuses, weights)[0]
        vvo = min(600, max(20, round(rng.lognormvariate(math.log(110), 0.6))))
        listed_at = now - timedelta(days=rng.randrange(5 * 365)) if status != "draft" else None
        since = None if status == "let" else today - timedelta(days=int(rng.expovariate(1 / 500)))
        street = street_names[(n - 1) % STREETS]
        units.append(
            {
                "id": n,
                "owner_id": 2 + rng.randrange(LANDLORDS),
                "area_id": 1,
                "status": status,
                "street": street,
                "house_number": (n - 1) // STREETS + 1,
                "postcode": "1234 AB",
                "city": "Bankstad",
                "latitude": 52.0 + rng.random() / 50,
                "longitude": 5.0 + rng.random() / 30,
                "floor_area_vvo": vvo,
                "uses_mask": 1,
                "energy_label": "C",
                "is_monument": False,
                "rent_cents_per_year": vvo * 15_000,
                "service_charges_cents_per_year": 0,
                "vat_opted": True,
                "rent_per_m2_cents_per_year": 15_000,
                "available_from": today,
                "vacant_since": since,
                "created_at": long_ago,
                "updated_at": now,
                "listed_at": listed_at,
                "bag_id": f"{1000000000000000 + n}",
            }
        )
    rows["units"] = units
    rows["starter_profiles"] = [
        {
            "id": n + 1,
            "user_id": first_starter + n,
            "trade_name": f"Zaak {n}",
            "branch_group": BRANCHES[n % 7],
            "city": "Bankstad",
            "created_at": now - timedelta(days=rng.randrange(5 * 365)),
            "updated_at": now,
        }
        for n in range(STARTERS)
    ]
    let_units = [u["id"] for u in units if u["status"] == "let"]
    open_units = [u["id"] for u in units if u["status"] in ("listed", "in_talks", "reserved")]
    pool = open_units + let_units[:2000]  # (starter, unit) pairs repeat only after 57,000
    rows["applications"] = [
        {
            "id": n,
            "unit_id": pool[n % len(pool)],
            "starter_id": first_starter + n % STARTERS,
            "motivation": "Graag!",
            "status": rng.choice(["submitted", "rejected", "withdrawn", "accepted"]),
            "created_at": now - timedelta(days=rng.randrange(5 * 365)),
            "updated_at": now,
        }
        for n in range(1, APPLICATIONS + 1)
    ]
    rows["offers"] = [
        {
            "id": n,
            "application_id": n,
            "status": "accepted",
            "kind": "whole_unit",
            "start_date": today,
            "end_date": today + timedelta(days=365),
            "base_fee_cents_per_month": 80_000,
            "turnover_basis_points": 0,
            "deposit_cents": 0,
            "created_at": rows["applications"][n - 1]["created_at"] + timedelta(days=5),
        }
        for n in range(1, OFFERS + 1)
    ]
    placements = []
    for n in range(1, PLACEMENTS + 1):
        start = today - timedelta(days=rng.randrange(5 * 365))
        end = start + timedelta(days=rng.choice((365, 730)))
        placements.append(
            {
                "id": n,
                "unit_id": let_units[n - 1],
                "starter_id": first_starter + (n % STARTERS),
                "organisation_id": 1,
                "status": "active" if end >= today else "ended",
                "kind": "whole_unit",
                "start_date": start,
                "end_date": end,
                "base_fee_cents_per_month": 80_000,
                "turnover_basis_points": 0,
                "deposit_cents": 0,
                "vat_opted": True,
                "discount_schedule": "[]",
                "starter_trade_name": f"Zaak {n}",
                "created_at": datetime.combine(start, datetime.min.time(), UTC)
                - timedelta(days=20),
            }
        )
    rows["placements"] = placements
    rows["collectives"] = [
        {
            "id": 1,
            "organisation_id": 1,
            "area_id": 1,
            "name": "Samen",
            "organisation_fee_bp": 1000,
            "fund_bp": 500,
            "landlord_rule": "pro_rata",
            "created_at": long_ago,
        }
    ]
    current = today.replace(day=1)
    settlements, postings, entries = [], [], []
    for m in range(1, MONTHS + 1):
        month = add_months(current, -m)
        booked = add_months(month, 1) - timedelta(days=1)
        received = [rng.randint(50_000, 150_000) for _ in range(100)]
        total = sum(received)
        fee, fund = total // 10, total // 20
        settlements.append(
            {
                "id": m,
                "collective_id": 1,
                "period": month,
                "status": "paid",
                "received_cents": total,
                "landlords_cents": total - fee - fund,
                "organisation_cents": fee,
                "fund_cents": fund,
                "calculated_at": now,
            }
        )
        postings.append(
            {
                "id": 2 * m - 1,
                "organisation_id": 1,
                "kind": "settlement",
                "description": "s",
                "key": f"settlement:{m}",
                "booked_on": booked,
                "created_at": now,
            }
        )
        postings.append(
            {
                "id": 2 * m,
                "organisation_id": 1,
                "kind": "payout",
                "description": "p",
                "key": f"payout:settlement:{m}",
                "booked_on": booked,
                "created_at": now,
            }
        )
        for i, cents in enumerate(received):
            entries.append((2 * m - 1, f"income/unit/{let_units[i]}", cents))
        entries += [
            (2 * m - 1, "payable/landlord/2", -(total - fee - fund)),
            (2 * m - 1, "revenue/org/1", -fee),
            (2 * m - 1, "fund/collective/1", -fund),
            (2 * m, "payable/landlord/2", total - fee - fund),
            (2 * m, "bank/org/1", -(total - fee - fund)),
        ]
    rows["settlements"] = settlements
    rows["ledger_postings"] = postings
    rows["ledger_entries"] = [
        {"posting_id": p, "organisation_id": 1, "account": a, "amount_cents": c}
        for p, a, c in entries
    ]
    return rows


def snapshot_rows(units: list[dict], today: date) -> list[dict]:
    """60 months of snapshots: the area and each street, from a drifting copy of the units."""
    rng = random.Random(SEED + 1)
    current = today.replace(day=1)
    now = clock.now()
    rows = []
    snapshot_id = 0
    for m in range(MONTHS, 0, -1):
        month = add_months(current, -m)
        reference = add_months(month, 1) - timedelta(days=1)
        per_street: dict[str, list[int]] = {}
        for unit in units:
            if unit["status"] == "withdrawn":
                continue
            vacant = rng.random() < 0.08 + 0.04 * math.sin(m / 9)
            days = int(rng.expovariate(1 / 500)) if vacant else 0
            figures = per_street.setdefault(unit["street"], [0] * 10)
            vvo = unit["floor_area_vvo"]
            figures[0] += 1
            figures[2] += vvo
            if vacant:
                figures[1] += 1
                figures[3] += vvo
                k = 0 if days < 365 else 1 if days <= 1095 else 2
                figures[4 + k] += 1
                figures[7 + k] += vvo
        total = [sum(col) for col in zip(*per_street.values(), strict=True)]
        for street, figures in [("", total), *sorted(per_street.items())]:
            snapshot_id += 1
            rows.append(
                {
                    "id": snapshot_id,
                    "area_id": 1,
                    "street": street,
                    "street_key": street.lower(),
                    "street_id": int(street.split()[-1]) if street else None,
                    "period": month,
                    "reference_date": reference,
                    "units_total": figures[0],
                    "units_vacant": figures[1],
                    "floor_area_total_m2": figures[2],
                    "floor_area_vacant_m2": figures[3],
                    "frictional_units": figures[4],
                    "long_term_units": figures[5],
                    "structural_units": figures[6],
                    "frictional_m2": figures[7],
                    "long_term_m2": figures[8],
                    "structural_m2": figures[9],
                    "taken_at": now,
                }
            )
    return rows


def load(app, today: date) -> dict[str, int]:
    """COPY every table, move the sequences past the ids, VACUUM ANALYZE."""
    from vrijstad.auth.services import hash_password
    from vrijstad.extensions import db

    with app.app_context():
        password_hash = hash_password(PASSWORD)
        rows = build_rows(today, password_hash)
        rows["vacancy_snapshots"] = snapshot_rows(rows["units"], today)
        tables = db.metadata.tables
        order = [
            "users",
            "organisations",
            "memberships",
            "areas",
            "streets",
            "street_profiles",
            "units",
            "starter_profiles",
            "applications",
            "offers",
            "placements",
            "collectives",
            "settlements",
            "ledger_postings",
            "ledger_entries",
            "vacancy_snapshots",
        ]
        started = time.perf_counter()
        with db.engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for name in order:
                columns = list(rows[name][0])
                names = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{tables[name].name}" ({names}) FROM STDIN') as copy:
                    for row in rows[name]:
                        copy.write_row([row[c] for c in columns])
                if "id" in columns:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
        log(f"loaded in {time.perf_counter() - started:.1f} s")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    return {
        name: len(rows[name])
        for name in ("units", "vacancy_snapshots", "applications", "placements", "ledger_entries")
    }


# --- measurements -----------------------------------------------------------------------------


class SqlClock:
    """Time spent in the database driver, and statements sent, since the last reset."""

    def __init__(self, engine) -> None:
        self.seconds = 0.0
        self.statements = 0
        self._started: list[float] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *args) -> None:
        self._started.append(time.perf_counter())

    def _after(self, *args) -> None:
        self.seconds += time.perf_counter() - self._started.pop()
        self.statements += 1

    def reset(self) -> None:
        self.seconds, self.statements = 0.0, 0


def measure(client, sql_clock: SqlClock, url: str, times: int, headers=None, check=None) -> dict:
    """Median and p95 of a request, and the SQL time and statements it contains."""
    pages, sql, statements = [], [], []
    for n in range(WARMUP + times):
        sql_clock.reset()
        started = time.perf_counter()
        response = contextvars.Context().run(client.get, url, headers=headers or {})
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.text[:300]}")
        if check is not None and n == 0:
            check(response)
        if n >= WARMUP:
            pages.append(elapsed)
            sql.append(sql_clock.seconds)
            statements.append(sql_clock.statements)
    return {
        "median_ms": ms(statistics.median(pages)),
        "p95_ms": ms(p95(pages)),
        "sql_median_ms": ms(statistics.median(sql)),
        "statements": round(statistics.median(statements)),
    }


def run(url: str) -> None:
    from flask_migrate import upgrade

    from vrijstad import create_app
    from vrijstad.api import services as api_services
    from vrijstad.auth.models import User
    from vrijstad.extensions import db
    from vrijstad.organisations.models import Organisation

    today = clock.today()
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        OUTBOX_DIR=tempfile.mkdtemp(),
        API_RATE_LIMIT="1000000 per minute",
        WTF_CSRF_ENABLED=False,
        API_TOKEN_RATE_LIMIT="1000000 per minute",
    )
    with app.app_context():
        log("building the schema with the migrations")
        upgrade(revision="heads")
        db.engine.dispose()
    counts = load(app, today)
    log(f"rows: {counts}")
    with app.app_context():
        staff = db.session.get(User, 1)
        _token, plain = api_services.create_token(staff, db.session.get(Organisation, 1), "bench")
        db.session.commit()
        sql_clock = SqlClock(db.engine)
        client = app.test_client()
        answer = client.post("/login", data={"email": "staff@bench.example", "password": PASSWORD})
        if answer.status_code != 302:
            raise SystemExit("the bench's staff member could not log in")
        first = add_months(today.replace(day=1), 1 - MONTHS)

        def full_page(response) -> None:
            text = response.text
            if text.count("<tr>") < STREETS or "Vacancy dashboard: Centrum" not in text:
                raise SystemExit("the dashboard did not show every street")

        results = {}
        log(f"timing the dashboard page ({TIMED_PAGE} requests each)")
        five_years = f"/dashboard/areas/1?from={first:%Y-%m}&to={today:%Y-%m}"
        results["dashboard_page_5y"] = measure(
            client, sql_clock, five_years, TIMED_PAGE, check=full_page
        )
        results["dashboard_page_12m"] = measure(
            client, sql_clock, "/dashboard/areas/1", TIMED_PAGE, check=full_page
        )
        log(f"timing the API pages ({TIMED_API} requests each)")
        auth = {"Authorization": f"Bearer {plain}"}
        api = {
            "api_areas": ("/api/v1/areas", None),
            "api_units_page": ("/api/v1/units?area_id=1&page=10&per_page=50", None),
            "api_units_page_token": ("/api/v1/units?area_id=1&page=10&per_page=50", auth),
            "api_unit": ("/api/v1/units/1000", auth),
            "api_vacancy_60_months": ("/api/v1/areas/1/vacancy?per_page=100", None),
            "api_street_vacancy": (
                "/api/v1/areas/1/vacancy?street=Straat%20075&per_page=100",
                None,
            ),
        }
        for name, (path, headers) in api.items():
            results[name] = measure(client, sql_clock, path, TIMED_API, headers=headers)
        db.session.remove()
        db.engine.dispose()
    for name, figures in results.items():
        target = TARGET_PAGE_MS if name.startswith("dashboard") else TARGET_API_MS
        emit(
            f"{name}_median_ms",
            figures["median_ms"],
            "ms",
            p95_ms=figures["p95_ms"],
            sql_median_ms=figures["sql_median_ms"],
            statements=figures["statements"],
            target_ms=target,
            target_met=figures["median_ms"] < target,
        )
    emit(
        "units",
        counts["units"],
        "units",
        snapshots=counts["vacancy_snapshots"],
        months=MONTHS,
        streets=STREETS,
    )


def main() -> None:
    # A terminated (or overrunning) run still drops its database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("the benchmark ran too long; stopped"))
    signal.alarm(HARD_LIMIT_S)
    started = time.perf_counter()
    admin_url = postgres_admin_url()
    if admin_url is None:
        return
    name = f"vrijstad_bench_dash_{os.getpid()}"
    admin = sa.create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        run(admin_url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
        log(f"dropped {name}; done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
