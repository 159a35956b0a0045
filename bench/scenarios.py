"""Scenarios for a compacter core (issue 26, part 4): computing a scenario's figures.

Run from the project root: `.venv/bin/python bench/scenarios.py` (`make bench` does).

On PostgreSQL (a database vrijstad_bench_<pid> on a loopback server, dropped at the end;
skipped when none answers) it builds the schema with the migrations and one area of 40 streets
(grades A1…C spread over them) with 2,000 units (a third vacant, half of those listed), 600
starters based in the city (wishes for size and budget drawn at random) and 200 of them placed
in units of approach and transformation streets. It times, 5 times each, the figures of the
default zoning (the allocation of every mover to the core's free units, the transformation
floor area, the subsidy of a starter-rent scheme) and of a zoning with a core twice as wide.

Stdout: one JSON line per figure. The issue sets no speed goal for scenarios: the figures are
computed when staff save or recompute, not on every view. Environment: BENCH_DATABASE_URL, the
PostgreSQL admin URL (default postgresql://postgres@127.0.0.1:5432/postgres); loopback only.
"""

import json
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.py lives in the project root

from search import ms, postgres_admin_url, with_postgres  # noqa: E402

from vrijstad import clock  # noqa: E402

BENCH = "scenarios"
STREETS = 40
UNITS = 2_000
STARTERS = 600
PLACED = 200
TIMED = 5
SEED = 20261205
GRADES = ["A1", "A2", "B1", "B2", "C"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(figure: str, value, unit: str | None = None, **extra) -> None:
    line = {"bench": BENCH, "backend": "postgresql", "figure": figure, "value": value}
    if unit:
        line["unit"] = unit
    print(json.dumps(line | extra), flush=True)


def run(url: str) -> None:
    from flask_migrate import upgrade  # noqa: PLC0415 - after sys.path is set

    from vrijstad import create_app  # noqa: PLC0415
    from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade  # noqa: PLC0415
    from vrijstad.auth.models import User  # noqa: PLC0415
    from vrijstad.extensions import db  # noqa: PLC0415
    from vrijstad.letting.models import Placement, PlacementStatus  # noqa: PLC0415
    from vrijstad.organisations.models import Organisation, OrganisationKind  # noqa: PLC0415
    from vrijstad.scenarios import figures, services  # noqa: PLC0415
    from vrijstad.scenarios.models import Zone  # noqa: PLC0415
    from vrijstad.starters.models import SpaceKind, StarterProfile  # noqa: PLC0415
    from vrijstad.subsidies.services import create_scheme, preset_rules  # noqa: PLC0415
    from vrijstad.units.models import Unit, UnitStatus  # noqa: PLC0415

    rng = random.Random(SEED)
    today = clock.today()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OUTBOX_DIR=tempfile.mkdtemp())
    with app.app_context(), app.test_request_context():
        log("building the schema with the migrations")
        upgrade(revision="heads")
        organisation = Organisation(
            name="Binnenstad Bench",
            kind=OrganisationKind.BINNENSTADSMANAGEMENT,
            kvk_number="40000002",
            city="Dijkerveen",
        )
        area = Area(
            organisation=organisation, name="Centrum", city="Dijkerveen", kind=AreaKind.CITY_CENTRE
        )
        area.streets = [
            Street(name=f"Straat {n:02d}", grade=StreetGrade(GRADES[n * len(GRADES) // STREETS]))
            for n in range(STREETS)
        ]
        admin = User(email="bench@example.nl", name="Bench", password_hash="x", is_admin=True)
        db.session.add_all([organisation, area, admin])
        db.session.flush()
        units = []
        for n in range(UNITS):
            vacant = rng.random() < 1 / 3
            status = (
                (UnitStatus.LISTED if rng.random() < 0.5 else UnitStatus.DRAFT)
                if vacant
                else UnitStatus.LET
            )
            vvo = rng.randint(30, 300)
            rent = vvo * rng.randint(100_00, 300_00)
            units.append(
                Unit(
                    area_id=area.id,
                    status=status,
                    street=f"Straat {n % STREETS:02d}",
                    house_number=n // STREETS + 1,
                    postcode="7411 KA",
                    city="Dijkerveen",
                    floor_area_vvo=vvo,
                    rent_cents_per_year=rent,
                    rent_per_m2_cents_per_year=rent // vvo,
                    vacant_since=today - timedelta(days=rng.randint(1, 1500)) if vacant else None,
                )
            )
        db.session.add_all(units)
        starters = [
            User(email=f"s{n}@example.nl", name=f"Starter {n}", password_hash="x", is_starter=True)
            for n in range(STARTERS)
        ]
        db.session.add_all(starters)
        db.session.flush()
        for user in starters:
            low = rng.randint(30, 150)
            db.session.add(
                StarterProfile(
                    user_id=user.id,
                    city="Dijkerveen",
                    trade_name=user.name,
                    min_area_m2=low,
                    max_area_m2=low * 2,
                    budget_cents_per_month=rng.randint(500_00, 4_000_00),
                    space_kind=SpaceKind.WHOLE_UNIT,
                )
            )
        outside = [u for u in units if u.status == UnitStatus.LET and int(u.street[-2:]) >= 16]
        for user, unit in zip(starters[:PLACED], outside, strict=False):
            db.session.add(
                Placement(
                    unit_id=unit.id,
                    starter_id=user.id,
                    kind=SpaceKind.WHOLE_UNIT,
                    status=PlacementStatus.ACTIVE,
                    start_date=today - timedelta(days=100),
                    end_date=today + timedelta(days=300),
                    base_fee_cents_per_month=50_000,
                    starter_trade_name=user.name,
                )
            )
        db.session.flush()
        create_scheme(admin, organisation, preset_rules("starter_rent", organisation))
        db.session.commit()

        default = services.default_zoning(area)
        wide = {
            street_id: Zone.CORE if zone == Zone.APPROACH else zone
            for street_id, zone in default.items()
        }
        for name, zoning in (("default_zoning", default), ("core_twice_as_wide", wide)):
            spent, found = [], {}
            for _ in range(TIMED):
                db.session.expire_all()
                started = time.perf_counter()
                found = figures.compute(admin, area, zoning, today)
                spent.append(time.perf_counter() - started)
            emit(
                name,
                ms(statistics.median(spent)),
                "ms",
                max_ms=ms(max(spent)),
                core_units=found["core"]["units"],
                open_core_units=found["moves"]["open_core_units"],
                movers=found["moves"]["placed_outside"] + found["moves"]["searching"],
                filled=found["moves"]["filled"],
                subsidy_cents=found["subsidy"]["moves_cents"],
            )


def main() -> None:
    admin_url = postgres_admin_url()
    if admin_url is None:
        return
    with_postgres(admin_url, run)


if __name__ == "__main__":
    main()
