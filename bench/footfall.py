"""Footfall for 100 counters × 5 years hourly (issue 26): the import and the figures.

Run from the project root: `.venv/bin/python bench/footfall.py` (`make bench` does).

On PostgreSQL (a database vrijstad_bench_<pid> on a loopback server, dropped at the end;
skipped when none answers) it builds the schema with the migrations, one organisation with an
area of 20 streets and 100 counters (5 per street), and imports for every counter five years
of hourly counts (43,824 lines) as a CSV file in the generic layout, through the same parse
and service the upload page uses (one transaction per file): about 4.4 million rows. It then
times, 25 times each, the dashboard's footfall figures of the area (trend, week pattern, same
week last year, every street), the footfall line of a unit's street, and the open data's 52
weeks of every street; then re-imports one counter's last year to show a period imported
again replaces it.

Stdout: one JSON line per figure. Targets: import ≤ 60 s, dashboard figures median ≤ 300 ms.
Missing a target is reported (target_met false), not an error. Environment:
BENCH_DATABASE_URL, the PostgreSQL admin URL (default
postgresql://postgres@127.0.0.1:5432/postgres); only loopback hosts are used.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.py lives in the project root

import sqlalchemy as sa  # noqa: E402
from search import ms, p95, postgres_admin_url, with_postgres  # noqa: E402

from vrijstad import clock  # noqa: E402

BENCH = "footfall"
STREETS = int(os.environ.get("FOOTFALL_BENCH_STREETS", "20"))
COUNTERS_PER_STREET = 5
YEARS = 5
TIMED = 25
TARGET_IMPORT_S = 60.0
TARGET_FIGURES_MS = 300.0
SEED = 20261204
#: Passers-by per hour of the day (a shopping street), and per weekday (Monday first).
HOURLY = [2, 1, 1, 1, 1, 2, 8, 25, 60, 110, 160, 210, 250, 240, 230, 220, 210, 180, 120, 80]
HOURLY += [50, 30, 15, 6]
WEEKDAY = [0.8, 0.85, 0.9, 0.95, 1.1, 1.5, 0.7]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(figure: str, value, unit: str | None = None, **extra) -> None:
    line = {"bench": BENCH, "backend": "postgresql", "figure": figure, "value": value}
    if unit:
        line["unit"] = unit
    print(json.dumps(line | extra), flush=True)


def counter_file(code: str, first: date, days: int, scale: float, rng: random.Random) -> str:
    """A counter's hours from the first day on, in the generic layout with UTC offsets (the
    days of the clock change have 23 and 25 hours)."""
    lines = ["counter;start;count"]
    for n in range(days):
        day = first + timedelta(days=n)
        factor = scale * WEEKDAY[day.weekday()]
        stamp = (day - timedelta(days=1)).isoformat()
        # The Amsterdam day starts at 23:00 or 22:00 UTC the day before: 23:00 is near enough.
        lines.append(f"{code};{stamp}T23:00:00+00:00;{int(HOURLY[0] * factor)}")
        stamp = day.isoformat()
        lines += [
            f"{code};{stamp}T{hour - 1:02d}:00:00+00:00;{int(base * factor * rng.uniform(0.8, 1.2))}"  # noqa: E501
            for hour, base in enumerate(HOURLY)
            if hour
        ]
    return "\n".join(lines) + "\n"


def timed(call, times: int = TIMED) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append(time.perf_counter() - started)
    return spent


def run(url: str) -> None:
    from flask_migrate import upgrade  # noqa: PLC0415 - after sys.path is set

    from vrijstad import create_app  # noqa: PLC0415
    from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade  # noqa: PLC0415
    from vrijstad.extensions import db  # noqa: PLC0415
    from vrijstad.footfall import figures, importer, services  # noqa: PLC0415
    from vrijstad.footfall.models import Counter, FootfallCount  # noqa: PLC0415
    from vrijstad.organisations.models import Organisation, OrganisationKind  # noqa: PLC0415

    rng = random.Random(SEED)
    today = clock.today()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OUTBOX_DIR=tempfile.mkdtemp())
    with app.app_context():
        log("building the schema with the migrations")
        upgrade(revision="heads")
        organisation = Organisation(
            name="Binnenstad Bench",
            kind=OrganisationKind.BINNENSTADSMANAGEMENT,
            kvk_number="40000001",
            city="Dijkerveen",
        )
        area = Area(
            organisation=organisation, name="Centrum", city="Dijkerveen", kind=AreaKind.CITY_CENTRE
        )
        area.streets = [
            Street(name=f"Straat {n:02d}", grade=StreetGrade.A1) for n in range(STREETS)
        ]
        db.session.add_all([organisation, area])
        db.session.flush()
        counters = [
            Counter(organisation_id=organisation.id, street_id=street.id, code=f"T{s:02d}-{c}")
            for s, street in enumerate(area.streets)
            for c in range(COUNTERS_PER_STREET)
        ]
        db.session.add_all(counters)
        db.session.commit()
        first = figures.week_start(today) - timedelta(days=365 * YEARS + 1)
        days = (figures.week_start(today) - first).days
        log(f"importing {len(counters)} counters × {days} days hourly")
        parsing = spent = cpu = 0.0
        rows = 0
        for counter in counters:
            text = counter_file(counter.code, first, days, rng.uniform(0.3, 2.0), rng)
            started, cpu_started = time.perf_counter(), time.process_time()
            parsed = importer.parse(text)
            parsing += time.perf_counter() - started
            imported = services.import_counts(None, organisation, parsed.rows, parsed.errors)
            db.session.commit()
            spent += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            rows += imported.counts
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(FootfallCount))
        emit(
            "import",
            round(spent, 1),
            "s",
            rows=rows,
            stored=stored,
            counters=len(counters),
            rows_per_s=round(rows / spent),
            parsing_s=round(parsing, 1),
            # The bench process's own CPU time (parse, checks, COPY rows); the rest is waiting
            # for the database, or for a core on a loaded machine.
            python_cpu_s=round(cpu, 1),
            load_average=round(os.getloadavg()[0], 1),
            target=TARGET_IMPORT_S,
            target_met=spent <= TARGET_IMPORT_S,
        )
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        streets = list(area.streets)
        ids = [s.id for s in streets]

        def board() -> None:
            db.session.expire_all()
            found = figures.area_footfall(streets, today)
            if len(found.streets) != STREETS or found.year_ago is None:
                raise SystemExit("the footfall figures missed streets or last year")

        for name, call in (
            ("dashboard_figures", board),
            ("unit_street_line", lambda: figures.weekly_by_street([ids[0]], today)),
            (
                "open_data_52_weeks",
                lambda: figures.street_weeks(
                    ids,
                    figures.last_full_week(today) - 51 * figures.WEEK,
                    figures.last_full_week(today),
                ),
            ),
        ):
            call()
            spent_each = timed(call)
            median = statistics.median(spent_each)
            extra = {}
            if name == "dashboard_figures":
                extra = {"target": TARGET_FIGURES_MS, "target_met": ms(median) <= TARGET_FIGURES_MS}
            emit(name, ms(median), "ms", p95_ms=ms(p95(spent_each)), **extra)

        counter = counters[0]
        text = counter_file(
            counter.code, figures.week_start(today) - timedelta(days=364), 364, 1.0, rng
        )
        started = time.perf_counter()
        parsed = importer.parse(text)
        services.import_counts(None, organisation, parsed.rows, parsed.errors)
        db.session.commit()
        again = time.perf_counter() - started
        after = db.session.scalar(sa.select(sa.func.count()).select_from(FootfallCount))
        emit(
            "reimport_one_counter_year",
            round(again, 2),
            "s",
            rows=len(parsed.rows),
            unchanged_total=after == stored,
        )


def main() -> None:
    admin_url = postgres_admin_url()
    if admin_url is None:
        return
    with_postgres(admin_url, run)


if __name__ == "__main__":
    main()
