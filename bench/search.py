"""Public unit search on 200,000 units: the /units page against the SQL it runs.

Run from the project root: `.venv/bin/python bench/search.py` (`make bench` does).

For SQLite (a temporary file) and, when a server answers on loopback, PostgreSQL (a database
vrijstad_bench_<pid>, dropped at the end) it builds the schema with the migrations, bulk-loads
200,000 units in 50 cities, then times

* the page: GET /units?city=…&min_area=50&max_area=250&max_rent=2500&use=detailhandel
  &sort=rent&page=3 through the Flask test client, rotating over several cities;
* the SQL: the one statement the page runs (LIMIT 12 OFFSET 24, with each card's cover
  thumbnail and the count of matches), captured from a real request with its parameters and
  replayed on a raw DB-API connection, fetching every row.

The search's form is read and its filter panel drawn once per language and set of filters,
then reused (as for any repeated search); page_new_filters_median_ms is the page with both
done afresh, as for the first search with a set of filters.

Page and SQL are timed in turns, so that both meet the same load on the machine. Stdout gets
one JSON line per figure; progress, the statements, their query plans and a breakdown of where
the page spends its time go to stderr. The target: page p95 < 3 × SQL p95, and on PostgreSQL
also page p95 < 100 ms. Missing the target is reported (target_met false), not an error.

Environment: BENCH_DATABASE_URL, the PostgreSQL admin URL (default
postgresql://postgres@127.0.0.1:5432/postgres); only loopback hosts are used.
"""

import contextvars
import json
import math
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.py lives in the project root

import sqlalchemy as sa  # noqa: E402

BENCH = "search"
UNITS = 200_000
CITIES = 50
CHUNK = 10_000
LANDLORDS = 400
WARMUP = 20  # two requests per city of the rotation
TIMED = 200  # a p95 of 60 samples is the third-slowest: too much luck on a shared machine
PROFILED = 20
NEW_FILTER_SETS = 100  # pages timed with their filter panel drawn afresh
ROTATION = 10  # cities the timed requests rotate over
PER_PAGE = 12
PAGE = 3
SEED = 20261128
PG_ADMIN_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TARGET_RATIO = 3.0
TARGET_PAGE_MS_PG = 100.0

SEARCH = {
    "min_area": 50,
    "max_area": 250,
    "max_rent": 2500,
    "use": "detailhandel",
    "sort": "rent",
}

#: Public statuses are listed (and in_talks); the rest is history or not yet published.
STATUS_WEIGHTS = {"listed": 10, "in_talks": 6, "let": 44, "draft": 15, "withdrawn": 25}
#: How often a unit's zoning allows each use (bits per PermittedUse.bit).
USE_CHANCE = {
    "detailhandel": 0.70,
    "dienstverlening": 0.45,
    "horeca_1": 0.25,
    "horeca_2": 0.10,
    "horeca_3": 0.04,
    "other": 0.10,
}
LABEL_WEIGHTS = {
    "A++++": 1,
    "A+++": 2,
    "A++": 4,
    "A+": 6,
    "A": 14,
    "B": 12,
    "C": 14,
    "D": 10,
    "E": 8,
    "F": 6,
    "G": 8,
    None: 15,
}

CITY_NAMES = [
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
    "Apeldoorn",
    "Haarlem",
    "Arnhem",
    "Enschede",
    "Amersfoort",
    "Zaanstad",
    "Den Bosch",
    "Haarlemmermeer",
    "Zwolle",
    "Leiden",
    "Zoetermeer",
    "Maastricht",
    "Dordrecht",
    "Ede",
    "Alphen aan den Rijn",
    "Alkmaar",
    "Emmen",
    "Westland",
    "Delft",
    "Venlo",
    "Deventer",
    "Sittard-Geleen",
    "Helmond",
    "Oss",
    "Amstelveen",
    "Hilversum",
    "Heerlen",
    "Sudwest-Fryslan",
    "Nissewaard",
    "Hengelo",
    "Purmerend",
    "Roosendaal",
    "Schiedam",
    "Lelystad",
    "Leeuwarden",
    "Almelo",
    "Gouda",
    "Vlaardingen",
    "Dijkerveen",
    "Assen",
]
STREETS = [
    "Hoogstraat",
    "Kerkstraat",
    "Marktstraat",
    "Langestraat",
    "Nieuwstraat",
    "Stationsweg",
    "Dorpsstraat",
    "Kortestraat",
    "Molenstraat",
    "Grote Markt",
    "Havenstraat",
    "Brugstraat",
    "Oudegracht",
    "Torenstraat",
    "Schoolstraat",
    "Zuidwal",
    "Noordeinde",
    "Wijnstraat",
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(backend: str, figure: str, value, unit: str | None = None) -> None:
    line = {"bench": BENCH, "backend": backend, "figure": figure, "value": value}
    if unit:
        line["unit"] = unit
    print(json.dumps(line), flush=True)


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# --- data -------------------------------------------------------------------------------------


class Dataset:
    """Deterministic fake data: cities, landlords, organisations, areas, units and photos."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
        rng = self.rng
        self.cities = CITY_NAMES[:CITIES]
        # Big cities have more shops: weights fall off with rank (largest about 7× the smallest).
        self.city_weights = [1 / math.sqrt(rank) for rank in range(1, CITIES + 1)]
        self.centres = {c: (rng.uniform(50.8, 53.4), rng.uniform(3.6, 7.1)) for c in self.cities}
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())
        self.labels = list(LABEL_WEIGHTS)
        self.label_weights = list(LABEL_WEIGHTS.values())
        self.photos_for: list[int] = []  # ids of public units, filled while generating units

    def users(self) -> list[dict]:
        return [
            {
                "id": n,
                "email": f"verhuurder{n}@example.nl",
                "password_hash": "bench-not-a-password-hash",
                "name": f"Verhuurder {n}",
                "locale": "nl",
                "is_admin": False,
                "is_landlord": True,
                "is_starter": False,
                "active": True,
                "created_at": self.now - timedelta(days=800),
                "password_changed_at": self.now - timedelta(days=800),
                "session_token": f"bench-session-{n}",  # not drawn: the units stay the same
            }
            for n in range(1, LANDLORDS + 1)
        ]

    def organisations(self) -> list[dict]:
        return [
            {
                "id": n,
                "name": f"Binnenstadsmanagement {city}",
                "kind": "binnenstadsmanagement",
                "kvk_number": f"{40000000 + n}",
                "city": city,
                "created_at": self.now - timedelta(days=900),
            }
            for n, city in enumerate(self.cities, start=1)
        ]

    def areas(self) -> list[dict]:
        return [
            {"id": n, "organisation_id": n, "name": "Centrum", "city": city, "kind": "city_centre"}
            for n, city in enumerate(self.cities, start=1)
        ]

    def _uses_mask(self) -> int:
        rng = self.rng
        mask = sum(1 << bit for bit, p in enumerate(USE_CHANCE.values()) if rng.random() < p)
        return mask or 1

    def _unit(self, unit_id: int) -> dict:
        rng = self.rng
        city_index = rng.choices(range(CITIES), weights=self.city_weights)[0]
        city = self.cities[city_index]
        status = rng.choices(self.statuses, weights=self.status_weights)[0]
        vvo = min(600, max(20, round(rng.lognormvariate(math.log(100), 0.7))))
        euro_per_m2 = rng.lognormvariate(math.log(140), 0.45)
        rent_euros = min(120_000, max(6_000, round(vvo * euro_per_m2 / 600) * 600))
        rent = rent_euros * 100
        label = rng.choices(self.labels, weights=self.label_weights)[0]
        listed_at = None
        if status != "draft":
            listed_at = self.now - timedelta(seconds=rng.randrange(730 * 86400))
        created_at = (listed_at or self.now) - timedelta(seconds=rng.randrange(60 * 86400))
        vacant_since = (
            None if status == "let" else (created_at - timedelta(days=rng.randrange(900)))
        )
        lat, lon = self.centres[city]
        street = rng.choice(STREETS)
        if status in ("listed", "in_talks") and rng.random() < 0.75:
            self.photos_for.append(unit_id)
        return {
            "id": unit_id,
            "owner_id": rng.randrange(1, LANDLORDS + 1),
            "area_id": city_index + 1 if rng.random() < 0.8 else None,
            "status": status,
            "street": street,
            "house_number": rng.randrange(1, 300),
            "house_letter": rng.choice("ABC") if rng.random() < 0.1 else None,
            "house_number_addition": None,
            "postcode": f"{rng.randrange(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
            f"{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
            "city": city,
            "bag_id": f"{rng.randrange(10**15, 10**16)}" if rng.random() < 0.8 else None,
            "latitude": lat + rng.gauss(0, 0.01),
            "longitude": lon + rng.gauss(0, 0.015),
            "floor_area_vvo": vvo,
            "floor_area_wvo": round(vvo * 0.85) if rng.random() < 0.5 else None,
            "floor_area_bvo": round(vvo * 1.15) if rng.random() < 0.5 else None,
            "uses_mask": self._uses_mask(),
            "energy_label": label,
            "energy_label_valid_until": (
                date(2027, 1, 1) + timedelta(days=rng.randrange(3650)) if label else None
            ),
            "is_monument": rng.random() < 0.05,
            "rent_cents_per_year": rent,
            "service_charges_cents_per_year": round(rent * rng.uniform(0.03, 0.15)),
            "vat_opted": rng.random() < 0.85,
            "rent_per_m2_cents_per_year": round(rent / vvo),
            "available_from": (self.now + timedelta(days=rng.randrange(-60, 180))).date(),
            "vacant_since": vacant_since.date() if vacant_since else None,
            "description": (
                f"Winkelruimte van {vvo} m² aan de {street} in {city}, "
                "met etalage aan de straatzijde, een opslagruimte en een eigen toilet. "
                "Direct beschikbaar na oplevering in casco-staat."
            ),
            "withdrawn_reason": "Eigenaar heeft zelf een huurder gevonden."
            if status == "withdrawn"
            else None,
            "created_at": created_at,
            "updated_at": listed_at or created_at,
            "listed_at": listed_at,
        }

    def unit_chunks(self) -> Iterator[list[dict]]:
        for start in range(1, UNITS + 1, CHUNK):
            yield [self._unit(n) for n in range(start, min(start + CHUNK, UNITS + 1))]

    def photo_chunks(self) -> Iterator[list[dict]]:
        rng = self.rng
        rows: list[dict] = []
        photo_id = 0
        for unit_id in self.photos_for:
            for position in range(rng.randint(1, 4)):
                photo_id += 1
                name = f"{rng.getrandbits(128):032x}"
                rows.append(
                    {
                        "id": photo_id,
                        "unit_id": unit_id,
                        "position": position,
                        "filename": f"{name}.jpg",
                        "thumbnail": f"{name}_thumb.jpg",
                        "width": 1600,
                        "height": 1200,
                        "created_at": self.now,
                    }
                )
                if len(rows) >= CHUNK:
                    yield rows
                    rows = []
        if rows:
            yield rows


def load(app, data: Dataset) -> tuple[int, int]:
    """Bulk-load the data set; COPY on PostgreSQL, executemany inserts on SQLite."""
    from vrijstad.extensions import db

    tables = db.metadata.tables
    engine = db.engine
    postgres = engine.dialect.name == "postgresql"

    def put(conn, table: sa.Table, rows: list[dict]) -> None:
        if not rows:
            return
        if not postgres:
            conn.execute(sa.insert(table), rows)
            return
        columns = list(rows[0])
        cursor = conn.connection.driver_connection.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    started = time.perf_counter()
    with engine.begin() as conn:
        put(conn, tables["users"], data.users())
        put(conn, tables["organisations"], data.organisations())
        put(conn, tables["areas"], data.areas())
        for chunk in data.unit_chunks():
            put(conn, tables["units"], chunk)
        photos = 0
        for chunk in data.photo_chunks():
            put(conn, tables["unit_photos"], chunk)
            photos += len(chunk)
        if postgres:  # explicit ids were loaded: move the sequences past them
            for name in ("users", "organisations", "areas", "units", "unit_photos"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
    log(f"loaded {UNITS} units and {photos} photos in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # VACUUM too on PostgreSQL: a live table is kept vacuumed by autovacuum, and it must
        # not start in the middle of the measurements.
        conn.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")
    log(f"analyzed in {time.perf_counter() - started:.1f} s")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(tables["units"])).scalar()
        listed = conn.execute(
            sa.select(sa.func.count())
            .select_from(tables["units"])
            .where(tables["units"].c.status == "listed")
        ).scalar()
    return rows, listed


# --- queries ----------------------------------------------------------------------------------


def filters_for(city: str):
    from vrijstad.units.models import PermittedUse
    from vrijstad.units.search import UnitFilters

    return UnitFilters(
        city=city,
        min_area=SEARCH["min_area"],
        max_area=SEARCH["max_area"],
        max_rent_month_euros=SEARCH["max_rent"],
        use=PermittedUse(SEARCH["use"]),
        sort=SEARCH["sort"],
    )


def count_statement(city: str) -> sa.Select:
    """The number of matches of the search in a city."""
    from vrijstad.units.search import search_units

    search = search_units(filters_for(city)).order_by(None).subquery()
    return sa.select(sa.func.count()).select_from(search)


def pick_cities(app, data: Dataset) -> list[str]:
    """Cities of all sizes whose search fills page 3 (more than 36 matches)."""
    from vrijstad.extensions import db

    counts = {}
    with db.engine.connect() as conn:
        for city in data.cities:
            counts[city] = conn.execute(count_statement(city)).scalar()
    full = sorted((n, c) for c, n in counts.items() if n > PAGE * PER_PAGE)
    if len(full) < ROTATION:
        raise SystemExit(f"only {len(full)} cities fill page {PAGE}: check the data set")
    step = len(full) / ROTATION
    chosen = [full[int(i * step)][1] for i in range(ROTATION)]
    matches = ", ".join(f"{c} {counts[c]}" for c in chosen)
    log(f"matches per city (min {full[0][0]}, max {full[-1][0]}); rotating over: {matches}")
    return chosen


def page_url(city: str) -> str:
    from urllib.parse import urlencode

    return "/units?" + urlencode({"city": city, **SEARCH, "page": PAGE})


# --- measurements -----------------------------------------------------------------------------

#: A statement as the page sent it to the DB-API: (kind, SQL, parameters).
Statement = tuple[str, str, object]
#: The statements of the search itself: what the raw SQL figure times.
SEARCH_KINDS = ("items", "count")


def classify(statement: str) -> str:
    text = " ".join(statement.split()).lower()
    if text.startswith("with recursive cities"):
        return "public_cities"
    if text.startswith("select count(*)"):
        return "count"
    if "from units" in text and "limit" in text:
        return "items"  # the page's cards, with each card's cover thumbnail
    if "from unit_photos" in text:
        return "thumbnails"
    return "other: " + text[:60]


def get_page(client, city: str) -> float:
    """One request, timed; it runs in a fresh context as a real request would, with its own
    app context, database session and connection checkout (not the benchmark's own)."""
    started = time.perf_counter()
    response = contextvars.Context().run(client.get, page_url(city))
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {page_url(city)} answered {response.status_code}")
    cards = response.data.count(b'class="unit-card"')
    if cards != PER_PAGE:
        raise SystemExit(f"GET {page_url(city)} showed {cards} units, expected {PER_PAGE}")
    return elapsed


def page_engines(app) -> list[sa.Engine]:
    """The engines a page may run statements on: the app's one (Flask-SQLAlchemy's)."""
    from vrijstad.extensions import db

    return [db.engine]


def page_statements(app, city: str) -> list[Statement]:
    """Every statement one page request runs, with its parameters, as it reached the driver."""

    captured: list[Statement] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((classify(statement), statement, parameters))

    for engine in page_engines(app):
        sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        get_page(app.test_client(), city)
    finally:
        for engine in page_engines(app):
            sa.event.remove(engine, "before_cursor_execute", capture)
    return captured


def run_sql(cursor, statements: list[Statement]) -> float:
    """Run a page's statements on a raw DB-API cursor, fetching every row; seconds taken."""
    started = time.perf_counter()
    results = []
    for _, sql, parameters in statements:
        cursor.execute(sql, parameters)
        results.append(cursor.fetchall())
    elapsed = time.perf_counter() - started
    for (kind, _, _), rows in zip(statements, results, strict=True):
        if (kind == "items" and len(rows) != PER_PAGE) or (
            kind == "count" and rows[0][0] <= PAGE * PER_PAGE
        ):
            raise SystemExit(f"SQL {kind} gave {rows[:1]} ({len(rows)} rows)")
    return elapsed


def time_page_and_sql(app, cities: list[str], statements: dict[str, list[Statement]]):
    """Page requests and the search's statements as raw SQL, taken in turns so that both meet
    the same load on the machine."""
    from vrijstad.extensions import db

    statements = {
        city: [s for s in found if s[0] in SEARCH_KINDS] for city, found in statements.items()
    }
    client = app.test_client()
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for i in range(WARMUP):
            city = cities[i % len(cities)]
            get_page(client, city)
            run_sql(cursor, statements[city])
        pages, sql = [], []
        for i in range(TIMED):
            city = cities[i % len(cities)]
            pages.append(get_page(client, city))
            sql.append(run_sql(cursor, statements[city]))
        cursor.close()
        raw.rollback()
        return pages, sql
    finally:
        raw.close()


def time_new_filter_sets(app, cities: list[str]) -> list[float]:
    """Pages whose search is parsed and filter panel drawn afresh, as for the first search with
    a set of filters (otherwise done once per language and set of filters, then reused)."""
    from vrijstad.units.search import SEARCHES

    client = app.test_client()
    samples = []
    for i in range(NEW_FILTER_SETS):
        app.extensions[SEARCHES].cache_clear()  # see vrijstad.units.search_query
        samples.append(get_page(client, cities[i % len(cities)]))
    return samples


def median_run(cursor, statement: Statement, times: int = 15) -> float:
    """Median seconds to execute a statement and fetch all its rows."""
    samples = []
    for _ in range(times + 2):
        started = time.perf_counter()
        cursor.execute(statement[1], statement[2])
        cursor.fetchall()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples[2:])


def profile_page(app, cities: list[str], statements: dict[str, list[Statement]]) -> None:
    """Where a page request spends its time: statements it runs, the result page, templates.

    Statements are counted during real requests; their cost is timed standalone (execute and
    fetch: SQLite does its work while rows are fetched, after the cursor events fire).
    """
    from flask import before_render_template, template_rendered

    from vrijstad.extensions import db
    from vrijstad.units import search

    counts: dict[str, int] = defaultdict(int)
    spans: dict[str, float] = defaultdict(float)
    marks: dict[str, float] = {}

    def counted(conn, cursor, statement, parameters, context, executemany):
        counts[classify(statement)] += 1

    def render_started(sender, template, context, **extra):
        marks["render"] = time.perf_counter()

    def render_done(sender, template, context, **extra):
        spans["render_template"] += time.perf_counter() - marks.pop("render")

    original_card_page = search.card_page

    def timed_card_page(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original_card_page(*args, **kwargs)
        finally:
            spans["card_page (cards, count)"] += time.perf_counter() - started

    engine = db.engine
    for each in page_engines(app):
        sa.event.listen(each, "after_cursor_execute", counted)
    before_render_template.connect(render_started, app)
    template_rendered.connect(render_done, app)
    search.card_page = timed_card_page
    total = 0.0
    try:
        client = app.test_client()
        for i in range(PROFILED):
            total += get_page(client, cities[i % len(cities)])
    finally:
        search.card_page = original_card_page
        for each in page_engines(app):
            sa.event.remove(each, "after_cursor_execute", counted)
        before_render_template.disconnect(render_started, app)
        template_rendered.disconnect(render_done, app)

    standalone = {}
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in statements[cities[len(cities) // 2]]:
            standalone[statement[0]] = median_run(cursor, statement)
        cursor.close()
        raw.rollback()
    finally:
        raw.close()

    n = PROFILED
    log(f"page breakdown, mean of {n} requests: {ms(total / n)} ms per request")
    for name, seconds in sorted(spans.items()):
        log(f"  {name:<42} {ms(seconds / n):>8} ms")
    sql_total = 0.0
    for kind, number in sorted(counts.items(), key=lambda kv: -standalone.get(kv[0], 0) * kv[1]):
        per_request = number / n
        each = standalone.get(kind)
        if each is None:
            log(f"  SQL {kind}: {per_request:g} per request (not timed)")
            continue
        sql_total += each * per_request
        log(
            f"  SQL {kind:<38} {ms(each * per_request):>8} ms"
            f"  ({per_request:g} per request × {ms(each)} ms standalone)"
        )
    log(f"  {'all SQL':<42} {ms(sql_total):>8} ms")
    log(f"  {'Python (Flask, forms, ORM, Jinja)':<42} {ms(total / n - sql_total):>8} ms")


def explain(app, statements: list[Statement]) -> None:
    from vrijstad.extensions import db

    postgres = db.engine.dialect.name == "postgresql"
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for kind, sql, parameters in statements:
            prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
            cursor.execute(prefix + sql, parameters)
            plan = [row[-1] for row in cursor.fetchall()]
            log(f"EXPLAIN {kind} ({db.engine.dialect.name}), parameters {parameters}:\n  {sql}")
            for line in plan:
                log(f"    {line}")
        cursor.close()
        raw.rollback()
    finally:
        raw.close()


# --- backends ---------------------------------------------------------------------------------


def run_backend(backend: str, url: str, files: Path) -> None:
    from flask_migrate import upgrade

    from vrijstad import create_app
    from vrijstad.extensions import db

    log(f"{backend}: building the schema with the migrations")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        OUTBOX_DIR=str(files / "outbox"),
        UPLOAD_DIR=str(files / "uploads"),
    )
    try:
        with app.app_context():
            upgrade()
            data = Dataset()
            rows, listed = load(app, data)
            cities = pick_cities(app, data)
            statements = {city: page_statements(app, city) for city in cities}
            kinds = [kind for kind, _, _ in statements[cities[0]]]
            log(f"{backend}: a page runs {len(kinds)} statements: {', '.join(kinds)}")
            log(f"{backend}: timing {TIMED} page requests and {TIMED} × its search SQL, in turns")
            pages, sql = time_page_and_sql(app, cities, statements)
            fresh = time_new_filter_sets(app, cities)
            explain(app, statements[cities[len(cities) // 2]])
            profile_page(app, cities, statements)
    finally:
        with app.app_context():
            db.session.remove()
            for engine in page_engines(app):
                engine.dispose()

    page_p95, sql_p95 = p95(pages), p95(sql)
    emit(backend, "rows", rows, "units")
    emit(backend, "listed_rows", listed, "units")
    emit(backend, "page_median_ms", ms(statistics.median(pages)), "ms")
    emit(backend, "page_p95_ms", ms(page_p95), "ms")
    emit(backend, "page_statements", len(kinds))
    emit(backend, "page_new_filters_median_ms", ms(statistics.median(fresh)), "ms")
    emit(backend, "sql_median_ms", ms(statistics.median(sql)), "ms")
    emit(backend, "sql_p95_ms", ms(sql_p95), "ms")
    emit(backend, "ratio_p95", round(page_p95 / sql_p95, 2))
    met = page_p95 < TARGET_RATIO * sql_p95
    if backend == "postgresql":
        met = met and page_p95 * 1000 < TARGET_PAGE_MS_PG
    emit(backend, "target_met", met)


def postgres_admin_url() -> sa.URL | None:
    url = sa.make_url(os.environ.get("BENCH_DATABASE_URL", PG_ADMIN_DEFAULT))
    url = url.set(drivername="postgresql+psycopg")
    host, port = url.host or "127.0.0.1", url.port or 5432
    if host not in LOOPBACK:
        log(f"postgresql: skipped, {host} is not a loopback address")
        return None
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        log(f"postgresql: skipped, nothing answers on {host}:{port} ({exc})")
        return None
    return url


def with_postgres(admin_url: sa.URL, body: Callable[[str], None]) -> None:
    name = f"vrijstad_bench_{os.getpid()}"
    admin = sa.create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        log(f"postgresql: skipped, cannot create a database: {exc}")
        admin.dispose()
        return
    try:
        body(admin_url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
        log(f"postgresql: dropped {name}")


def main() -> None:
    # A terminated run still drops its database and removes its files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vrijstad-bench-") as tmp:
        files = Path(tmp)
        run_backend("sqlite", f"sqlite:///{files / 'bench.db'}", files / "sqlite")
        admin_url = postgres_admin_url()
        if admin_url is not None:
            with_postgres(admin_url, lambda url: run_backend("postgresql", url, files / "pg"))
    log(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
