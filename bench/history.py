"""A historic vacancy file (issue 26): ten years of 150 streets imported into an area.

Run from the project root: `.venv/bin/python bench/history.py` (`make bench` does).

On SQLite (a temporary file) and on PostgreSQL (a database vrijstad_bench_<pid> on a loopback
server, dropped at the end; skipped when none answers) it builds the schema with the
migrations, one organisation with an area of 150 streets, and writes a CSV file of 120 months
before this one × (150 streets + the whole area): 18,120 lines, the size a city centre's
Locatus-style history has. It times the import through the same parse and service the upload
page and `flask history import` use (one transaction), then the same file again (every
imported month replaced, nothing doubled), then the dashboard's trend over those 120 months
(25 times, median).

Stdout: one JSON line per figure. No speed goal is set for this import; the figures show it
fits well inside a request for the upload page's 20,000 lines. Environment:
BENCH_DATABASE_URL, the PostgreSQL admin URL (default
postgresql://postgres@127.0.0.1:5432/postgres); only loopback hosts are used.
"""

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.py lives in the project root

import sqlalchemy as sa  # noqa: E402
from search import ms, p95, postgres_admin_url, with_postgres  # noqa: E402

from vrijstad import clock  # noqa: E402

BENCH = "history"
STREETS = 150
MONTHS = 120
TIMED = 25
SEED = 20261205
HEADER = (
    "maand;straat;panden_totaal;panden_leeg;m2_totaal;m2_leeg;frictioneel_panden;"
    "langdurig_panden;structureel_panden;frictioneel_m2;langdurig_m2;structureel_m2"
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(backend: str, figure: str, value, unit: str | None = None, **extra) -> None:
    line = {"bench": BENCH, "backend": backend, "figure": figure, "value": value}
    if unit:
        line["unit"] = unit
    print(json.dumps(line | extra), flush=True)


def history_file(rng: random.Random) -> bytes:
    """120 months × (150 streets and the whole area as their sum), vacancy split by duration."""
    current = clock.month_start(clock.today())
    lines = [HEADER]
    for back in range(MONTHS, 0, -1):
        month = f"{clock.add_months(current, -back):%Y-%m}"
        whole = [0] * 10
        for street in range(STREETS):
            units = rng.randint(10, 60)
            split = [rng.randint(0, units // 10) for _ in range(3)]
            m2_each = rng.randint(60, 200)
            figures = [units, sum(split), units * m2_each, sum(split) * m2_each]
            figures += split + [n * m2_each for n in split]
            whole = [a + b for a, b in zip(whole, figures, strict=True)]
            lines.append(";".join([month, f"Straat {street:03d}", *map(str, figures)]))
        lines.append(";".join([month, "", *map(str, whole)]))
    return ("\n".join(lines) + "\n").encode()


def run(backend: str, url: str) -> None:
    from flask_migrate import upgrade  # noqa: PLC0415 - after sys.path is set

    from vrijstad import create_app  # noqa: PLC0415
    from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade  # noqa: PLC0415
    from vrijstad.dashboard.models import VacancySnapshot  # noqa: PLC0415
    from vrijstad.dashboard.services.periods import Period  # noqa: PLC0415
    from vrijstad.dashboard.services.trend import trend_rows  # noqa: PLC0415
    from vrijstad.extensions import db  # noqa: PLC0415
    from vrijstad.history import reading, services  # noqa: PLC0415
    from vrijstad.organisations.models import Organisation, OrganisationKind  # noqa: PLC0415

    data = history_file(random.Random(SEED))
    today = clock.today()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OUTBOX_DIR=tempfile.mkdtemp())
    with app.app_context():
        log(f"{backend}: building the schema with the migrations")
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
            Street(name=f"Straat {n:03d}", grade=StreetGrade.A1) for n in range(STREETS)
        ]
        db.session.add_all([organisation, area])
        db.session.commit()

        def import_file() -> tuple[float, float, object]:
            started = time.perf_counter()
            parsed = reading.parse("historie.csv", data)
            parsing = time.perf_counter() - started
            done = services.import_history(None, area, parsed.lines, parsed.errors, today)
            db.session.commit()
            return time.perf_counter() - started, parsing, done

        lines = data.count(b"\n") - 1
        log(f"{backend}: importing {lines} lines")
        spent, parsing, done = import_file()
        emit(
            backend,
            "import",
            round(spent, 2),
            "s",
            lines=lines,
            rows=done.rows,
            months=done.months,
            parsing_s=round(parsing, 2),
            lines_per_s=round(lines / spent),
        )
        spent, _parsing, done = import_file()
        stored = db.session.scalar(sa.select(sa.func.count(VacancySnapshot.id)))
        emit(
            backend,
            "reimport_same_months",
            round(spent, 2),
            "s",
            replaced=done.replaced,
            stored=stored,
            no_doubling=stored == done.rows,
        )
        current = clock.month_start(today)
        period = Period(clock.add_months(current, -MONTHS), current)

        def trend() -> None:
            db.session.expire_all()
            rows, _missing = trend_rows(area, period, None, today, None)
            if len(rows) != MONTHS:
                raise SystemExit("the trend missed imported months")

        trend()
        spent_each = []
        for _ in range(TIMED):
            started = time.perf_counter()
            trend()
            spent_each.append(time.perf_counter() - started)
        emit(
            backend,
            "trend_120_months",
            ms(statistics.median(spent_each)),
            "ms",
            p95_ms=ms(p95(spent_each)),
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/history.db")
    admin_url = postgres_admin_url()
    if admin_url is not None:
        with_postgres(admin_url, lambda url: run("postgresql", url))


if __name__ == "__main__":
    main()
