"""Load: gunicorn on PostgreSQL with 200,000 units and the Dijkerveen demo city, two profiles.

Run from the project root: `.venv/bin/python bench/load.py` (`make bench` does; both profiles),
or `bench/load.py --profile city --duration 10` for a quick run of one.

It creates a database vrijstad_bench_<pid> on the loopback PostgreSQL server, builds the schema
with the migrations, loads the search benchmark's data set (200,000 units in 50 cities,
bench/search.py), then the Dijkerveen demo city on top (`flask demo-data`: its organisation,
staff, areas with two years of vacancy snapshots, lettings, contests and subsidies) and
STARTERS generated starters with a profile. Every account's password is hashed as production
hashes it (scrypt). The database and the server go away at the end, also on SIGTERM.

**mix** (the first profile): gunicorn with 2 sync workers, LOAD_CONNECTIONS (default 4)
keep-alive connections for DURATION seconds:

* 50 % search pages: /units with a city and a random mix of filters, sort and page;
* 25 % unit pages: /units/<id> of a public unit;
* 20 % map data: /units/map.json for a city's filters;
* 5 % logins: GET /login, then POST the form with its CSRF token (a real password check).

Target: 0 errors and p95 < 200 ms.

**city** (as a city would bring it): gunicorn started with the deploy kit's configuration
(deploy/gunicorn.conf.py: its worker count, timeouts, max_requests and JSON access log) and
CITY_CLIENTS (32) clients, each with its own cookies and keep-alive connection, spread over
DRIVERS driver processes, each doing the journeys of its role for DURATION seconds, reading
each page THINK seconds on average (LOAD_THINK or --think, default 2; people read pages for
longer, so this is a busy city) before the next request:

* visitors (18): search with filters, unit pages, map data, now and then a log in;
* starters (10; logged in as a generated starter): search, unit pages, map data, and apply for
  a unit (the form, the POST with a motivation, the application page it leads to; a third of
  them to a Dijkerveen unit, the others anywhere), now and then logging in afresh;
* staff (4; logged in as Dijkerveen's manager or staff member): the application pipeline,
  the vacancy dashboard of the city centre, unit pages and search.

Then the same clients do the same journeys back to back, without pauses, for DURATION seconds
(what the stack serves at most), and then ask the same server for /healthz for DURATION
seconds: the ceiling of the stack (gunicorn, the app's request handling, the driver) on this
machine, and the city's saturated throughput as a share of it. Latency figures come from the
run with pauses. Figures: requests, errors (a 5xx, a connection failure or an answer
other than the one expected), p50/p95/p99 over all requests and per journey (each request of a
journey counts, its logins too), requests per second, /healthz requests per second and the ratio,
the server's own p50/p95 from gunicorn's access log (the rest of a request's time is spent
queueing and in the driver) and the machine's load average before and after. Target: 0 errors
and p95 <= 250 ms.

Login limits are raised for the run (all traffic comes from 127.0.0.1; the limits themselves are
tested in the suite). There is no Redis: rate limits count per worker, jobs run in the request.

Environment: BENCH_DATABASE_URL (PostgreSQL admin URL, loopback only), LOAD_DURATION
(seconds, default 60; --duration), LOAD_PROFILE (mix, city or all, default all; --profile),
LOAD_CONNECTIONS (mix only, default 4).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402

BENCH = "load"
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "4"))
PROFILES = ("mix", "city")
KIT_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
TARGET_P95_MS = {"mix": 200.0, "city": 250.0}
PASSWORD = "load-test-Wachtwoord-2026"  # noqa: S105 - a throwaway account in a throwaway database
MIX = (("search", 50), ("unit", 25), ("map", 20), ("login", 5))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# The city profile: who the clients are, and what each role does (journey, weight).
CITY = "Dijkerveen"
STARTERS = 200  # generated starters with a profile, for the apply journeys
DRIVERS = 4  # driver processes; each runs its share of the clients as threads
WARMUP = float(os.environ.get("LOAD_WARMUP", "5"))  # seconds of journeys before the measured run
#: Seconds a person looks at a page before the next request (on average; each pause is drawn
#: between half and one and a half times it). People read: real pauses run to tens of seconds,
#: so 2 s makes 32 clients a busy city. --think 0 runs them back to back (saturation).
THINK = float(os.environ.get("LOAD_THINK", "2"))
ROLES = (("visitor", 18), ("starter", 10), ("staff", 4))
CITY_CLIENTS = sum(count for _, count in ROLES)
JOURNEYS = {
    "visitor": (("search", 45), ("unit", 30), ("map", 20), ("login", 5)),
    "starter": (("search", 25), ("unit", 25), ("map", 10), ("apply", 35), ("login", 5)),
    "staff": (("pipeline", 40), ("dashboard", 30), ("unit", 15), ("search", 15)),
}
JOURNEY_NAMES = ("search", "unit", "map", "login", "apply", "pipeline", "dashboard")
MOTIVATION = (
    "Ik zoek een winkel voor mijn concept en dit pand past bij de plek en de maat die ik nodig "
    "heb. Ik kan binnen een maand beginnen."
)

PROFILE = "mix"  # the profile whose figures are being printed


def emit(figure: str, value, unit: str | None = None, **extra) -> None:
    line = {
        "bench": BENCH,
        "backend": "postgresql",
        "profile": PROFILE,
        "figure": figure,
        "value": value,
    }
    if unit:
        line["unit"] = unit
    print(json.dumps(line | extra), flush=True)


def log(message: str) -> None:
    print(f"[{BENCH}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str, files: Path) -> dict:
    """Schema, the data sets, the accounts; returns what the drivers need to know."""
    import search
    from flask_migrate import upgrade

    from vrijstad import clock, create_app
    from vrijstad.areas.models import Area
    from vrijstad.auth.models import User
    from vrijstad.auth.services import hash_password
    from vrijstad.demo import load_demo_data
    from vrijstad.demo.base import MANAGER, ORGANISATION_NAME, STAFF
    from vrijstad.extensions import db
    from vrijstad.organisations.models import Organisation
    from vrijstad.starters.models import BranchGroup, StarterProfile
    from vrijstad.units.models import PermittedUse

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        OUTBOX_DIR=str(files / "outbox"),
        UPLOAD_DIR=str(files / "uploads"),
        JOB_DIR=str(files / "jobs"),
        PASSWORD_HASH_METHOD="scrypt",
    )
    with app.app_context():
        upgrade(revision="heads")
        data = search.Dataset()
        search.load(app, data)
        # The data set has a Dijkerveen too: its organisation is renamed, so the demo's is
        # built beside it (the demo is not loaded twice, and knows its own by the name).
        db.session.execute(
            sa.update(Organisation)
            .where(Organisation.name == ORGANISATION_NAME)
            .values(name=f"{ORGANISATION_NAME} (data set)")
        )
        db.session.commit()
        started = time.perf_counter()
        load_demo_data()
        db.session.commit()
        log(f"loaded the {CITY} demo in {time.perf_counter() - started:.1f} s")
        for n in range(1, STARTERS + 1):
            user = User(
                email=f"starter{n}@load.example",
                name=f"Starter {n}",
                password_hash="set below",
                is_starter=True,
                email_verified_at=clock.now(),
            )  # a confirmed address may apply
            db.session.add(user)
            db.session.flush()
            db.session.add(
                StarterProfile(
                    user_id=user.id,
                    trade_name=f"Winkel {n}",
                    city=CITY,
                    concept="Een winkel met lokale producten en een werkplaats achterin.",
                    branch_group=BranchGroup.LEISURE_GOODS,
                    required_use=PermittedUse.DETAILHANDEL,
                    min_area_m2=40,
                    max_area_m2=200,
                    budget_cents_per_month=250_000,
                )
            )
        db.session.commit()
        password_hash = hash_password(PASSWORD)
        db.session.execute(sa.update(User).values(password_hash=password_hash))
        db.session.commit()
        public = (
            "SELECT u.id FROM units u {} WHERE u.status IN ('listed', 'in_talks') ORDER BY u.id"
        )
        units = db.session.scalars(sa.text(public.format(""))).all()
        city_units = db.session.scalars(
            sa.text(public.format("JOIN areas a ON a.id = u.area_id AND a.city = :city")),
            {"city": CITY},
        ).all()
        [centre] = db.session.scalars(
            sa.select(Area.id).where(Area.city == CITY, Area.name == "Binnenstad")
        ).all()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        db.session.remove()
        db.engine.dispose()
    return {
        "units": list(units),
        "city_units": list(city_units),
        "centre": centre,
        "cities": data.cities,
        "emails": [f"verhuurder{n}@example.nl" for n in range(1, 21)],
        "starters": [f"starter{n}@load.example" for n in range(1, STARTERS + 1)],
        "staff": [MANAGER, STAFF],
    }


def start_server(url: str, files: Path, kit: bool) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free loopback port: with the deploy kit's configuration (kit) or with the
    first profile's 2 workers."""
    from gunicorn.config import Config as GunicornConfig

    port = free_port()
    if kit:
        command = [sys.executable, "-m", "gunicorn", "--config", str(KIT_CONFIG)]
    else:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "vrijstad:create_app()",
        ]
        if "control_socket_disable" in GunicornConfig().settings:
            command.append("--no-control-socket")
    env = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "NOTIFY_SOCKET")}
    env |= {
        "VRIJSTAD_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "SESSION_COOKIE_SECURE": "0",
        "UPLOAD_DIR": str(files / "uploads"),
        "OUTBOX_DIR": str(files / "outbox"),
        "JOB_DIR": str(files / "jobs"),
        "LOGIN_RATE_LIMIT": "1000000 per minute",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SENTRY_DSN": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    log_file = open(files / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 - the server's stderr
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log_file,  # noqa: S603
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return process, port
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise SystemExit("gunicorn did not start")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


REQUEST_KINDS = (
    ("map", re.compile(r"^/units/map\.json$")),
    ("apply", re.compile(r"^/units/\d+/apply$")),
    ("unit", re.compile(r"^/units/\d+$")),
    ("search", re.compile(r"^/units$")),
    ("application", re.compile(r"^/applications/\d+$")),
    ("login", re.compile(r"^/login$")),
    ("pipeline", re.compile(r"^/pipeline$")),
    ("dashboard", re.compile(r"^/dashboard/")),
)


def server_times(files: Path, port: int) -> dict[str, list[float]]:
    """Milliseconds each request took inside gunicorn by kind of page (its JSON access log),
    "all" for every page but /healthz."""
    times: dict[str, list[float]] = {"all": []}
    for line in (files / f"gunicorn-{port}.log").read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("logger") != "gunicorn.access" or entry["path"] == "/healthz":
            continue
        kind = next((k for k, pattern in REQUEST_KINDS if pattern.match(entry["path"])), "other")
        times.setdefault(kind, []).append(float(entry["duration_ms"]))
        times["all"].append(float(entry["duration_ms"]))
    return times


# --- the drivers (separate processes) ---------------------------------------------------------


class Client:
    """One keep-alive connection with its own cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.location = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Accept-Language": "nl"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            answer = self.connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0, ""
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.location = answer.headers.get("Location", "")
        return answer.status, text


def search_path(rng: random.Random, cities: list[str]) -> str:
    query = {"city": rng.choice(cities)}
    if rng.random() < 0.6:
        query["min_area"] = rng.choice([20, 50, 80])
        query["max_area"] = rng.choice([150, 250, 400])
    if rng.random() < 0.5:
        query["max_rent"] = rng.choice([1500, 2500, 4000])
    if rng.random() < 0.4:
        query["use"] = rng.choice(["detailhandel", "dienstverlening", "horeca_1"])
    query["sort"] = rng.choice(["newest", "rent", "rent_desc", "size", "rent_m2"])
    if rng.random() < 0.3:
        query["page"] = rng.randint(2, 4)
    return "/units?" + urlencode(query)


def one(client: Client, kind: str, rng: random.Random, setup: dict) -> tuple[bool, str]:
    """Send one request of a kind; (as expected, detail)."""
    if kind == "search":
        status, _ = client.request("GET", search_path(rng, setup["cities"]))
        return status == 200, str(status)
    if kind == "unit":
        status, _ = client.request("GET", f"/units/{rng.choice(setup['units'])}")
        return status == 200, str(status)
    if kind == "map":
        query = urlencode({"city": rng.choice(setup["cities"]), "max_rent": 4000})
        status, _ = client.request("GET", f"/units/map.json?{query}")
        return status == 200, str(status)
    client.cookies.clear()
    status, page = client.request("GET", "/login")
    token = CSRF.search(page)
    if status != 200 or token is None:
        return False, f"login form {status}"
    body = urlencode(
        {"csrf_token": token.group(1), "email": rng.choice(setup["emails"]), "password": PASSWORD}
    )
    status, _ = client.request("POST", "/login", body)
    client.cookies.clear()
    return status == 302, f"login {status}"


def drive(port: int, setup: dict, duration: float, connections: int, out) -> None:
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    results: list[tuple[str, float, bool, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        client = Client(port)
        mine = []
        while time.monotonic() < stop_at:
            kind = rng.choices(kinds, weights=weights)[0]
            started = time.perf_counter()
            ok, detail = one(client, kind, rng, setup)
            mine.append((kind, time.perf_counter() - started, ok, detail))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.send(results)
    out.close()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report_mix(results: list[tuple[str, float, bool, str]], duration: float) -> None:
    latencies = [seconds * 1000 for _, seconds, _, _ in results]
    errors = [(kind, detail) for kind, _, ok, detail in results if not ok]
    emit("requests", len(results), "requests", seconds=duration, connections=CONNECTIONS)
    emit("requests_per_second", round(len(results) / duration, 1), "req/s")
    for name, fraction in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        emit(name, round(percentile(latencies, fraction), 1), "ms")
    for kind, _ in MIX:
        own = [seconds * 1000 for k, seconds, _, _ in results if k == kind]
        if own:
            emit(
                f"{kind}_p95_ms",
                round(percentile(own, 0.95), 1),
                "ms",
                count=len(own),
                median_ms=round(statistics.median(own), 1),
            )
    emit("errors", len(errors), "requests", examples=sorted(set(map(str, errors)))[:5])
    target = TARGET_P95_MS["mix"]
    emit(
        "target_met",
        not errors and percentile(latencies, 0.95) < target,
        target=f"0 errors, p95 < {target:.0f} ms",
    )


# --- the city profile -------------------------------------------------------------------------

#: One request of a journey: (journey, step, seconds, as expected, detail).
Sample = tuple[str, str, float, bool, str]


class Person:
    """A client of the city profile: a role, a connection with its cookies, what it did."""

    def __init__(self, port: int, role: str, number: int, setup: dict, think: float = 0) -> None:
        self.client = Client(port)
        self.think = think
        self.role = role
        self.rng = random.Random(number)
        self.setup = setup
        self.samples: list[Sample] = []
        self.journeys = [journey for journey, _ in JOURNEYS[role]]
        self.weights = [weight for _, weight in JOURNEYS[role]]
        # Each starter client logs in as its own starters, in turn: no two clients share one.
        self.accounts = setup["starters"][number::CITY_CLIENTS] if role == "starter" else []
        self.logged_in = False

    def send(
        self,
        journey: str,
        step: str,
        method: str,
        path: str,
        expected: tuple[int, ...],
        body: str | None = None,
    ) -> tuple[bool, str]:
        started = time.perf_counter()
        status, text = self.client.request(method, path, body)
        ok = status in expected
        self.samples.append((journey, step, time.perf_counter() - started, ok, f"{step} {status}"))
        if self.think:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)  # reading the page
        return ok, text

    def form_token(self, journey: str, step: str, path: str) -> str | None:
        ok, page = self.send(journey, step, "GET", path, (200,))
        token = CSRF.search(page) if ok else None
        return token.group(1) if token else None

    def log_in(self, journey: str) -> bool:
        """Log in afresh: as a starter of this client's own, staff, or a landlord (visitors)."""
        self.client.cookies.clear()
        self.logged_in = False
        if self.role == "starter":
            self.accounts.append(self.accounts.pop(0))
            email = self.accounts[0]
        elif self.role == "staff":
            email = self.rng.choice(self.setup["staff"])
        else:
            email = self.rng.choice(self.setup["emails"])
        token = self.form_token(journey, "login form", "/login")
        if token is None:
            return False
        body = urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
        ok, _ = self.send(journey, "login", "POST", "/login", (302,), body)
        if self.role == "visitor":  # a visitor looks around logged out again
            self.client.cookies.clear()
        self.logged_in = ok and self.role != "visitor"
        return ok

    def journey(self) -> None:
        journey = self.rng.choices(self.journeys, weights=self.weights)[0]
        setup, rng = self.setup, self.rng
        needs_login = journey in ("apply", "pipeline", "dashboard") and not self.logged_in
        if needs_login and not self.log_in(journey):
            return
        if journey == "search":
            self.send(journey, "search", "GET", search_path(rng, setup["cities"]), (200,))
        elif journey == "unit":
            self.send(journey, "unit", "GET", f"/units/{rng.choice(setup['units'])}", (200,))
        elif journey == "map":
            query = urlencode({"city": rng.choice(setup["cities"]), "max_rent": 4000})
            self.send(journey, "map", "GET", f"/units/map.json?{query}", (200,))
        elif journey == "login":
            self.log_in(journey)
        elif journey == "apply":
            units = setup["city_units"] if rng.random() < 1 / 3 else setup["units"]
            unit = rng.choice(units)
            token = self.form_token(journey, "apply form", f"/units/{unit}/apply")
            if token is None:
                return
            body = urlencode({"csrf_token": token, "motivation": MOTIVATION})
            ok, _ = self.send(journey, "apply", "POST", f"/units/{unit}/apply", (302, 303), body)
            if ok:  # the application's page (or the earlier one's, when applied before)
                location = urlsplit(self.client.location)
                path = location.path + (f"?{location.query}" if location.query else "")
                self.send(journey, "application", "GET", path, (200,))
        elif journey == "pipeline":
            self.send(journey, "pipeline", "GET", "/pipeline", (200,))
        elif journey == "dashboard":
            self.send(journey, "dashboard", "GET", f"/dashboard/areas/{setup['centre']}", (200,))


def drive_city(
    port: int,
    setup: dict,
    duration: float,
    people: list[tuple[int, str]],
    health: bool,
    think: float,
    ready,
    out,
) -> None:
    """Run some of the city's clients as threads; send back every request's sample.

    Each client logs in (a starter or staff member arrives logged in) and warms up for WARMUP
    seconds (each worker reads its templates and catalogues once, as a server that has been
    up for a while has); the measured run starts in every driver process at once."""
    results: list[Sample] = []
    lock = threading.Lock()
    warm_until = time.monotonic() + (0 if health else WARMUP)
    warmed = threading.Barrier(len(people) + 1)
    go = threading.Event()
    window: list[float] = []  # [stop at], set when every process is ready

    def person(number: int, role: str) -> None:
        someone = Person(port, role, number, setup)
        if not health:
            if role != "visitor":
                someone.log_in("login")
            while time.monotonic() < warm_until:
                someone.journey()
        someone.samples.clear()
        someone.think = think
        warmed.wait()
        go.wait()
        while time.monotonic() < window[0]:
            if health:
                someone.send("healthz", "healthz", "GET", "/healthz", (200,))
            else:
                someone.journey()
        with lock:
            results.extend(someone.samples)

    threads = [threading.Thread(target=person, args=pair) for pair in people]
    for thread in threads:
        thread.start()
    warmed.wait()
    ready.wait()  # every driver process has its clients logged in and warm
    window.append(time.monotonic() + duration)
    go.set()
    for thread in threads:
        thread.join()
    out.send(results)
    out.close()


def run_drivers(
    port: int, setup: dict, duration: float, health: bool, think: float = 0
) -> list[Sample]:
    """CITY_CLIENTS clients over DRIVERS processes (one Python process would be the bottleneck)."""
    people = [(n, role) for n, role in enumerate(r for r, count in ROLES for _ in range(count))]
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(DRIVERS)
    drivers, pipes = [], []
    for d in range(DRIVERS):
        receive, send = context.Pipe(duplex=False)
        driver = context.Process(
            target=drive_city,
            args=(port, setup, duration, people[d::DRIVERS], health, think, ready, send),
        )
        driver.start()
        drivers.append(driver)
        pipes.append(receive)
    results: list[Sample] = []
    for receive in pipes:
        results.extend(receive.recv())
    for driver in drivers:
        driver.join(timeout=30)
    return results


def report_city(
    results: list[Sample],
    saturated: list[Sample],
    ceiling: list[Sample],
    duration: float,
    think: float,
    server: dict[str, list[float]],
    load: tuple[float, float],
) -> None:
    latencies = [seconds * 1000 for _, _, seconds, _, _ in results]
    errors = [(journey, detail) for journey, _, _, ok, detail in results + saturated if not ok]
    emit(
        "requests",
        len(results),
        "requests",
        seconds=duration,
        clients=CITY_CLIENTS,
        roles=dict(ROLES),
        think_s=think,
    )
    emit(
        "requests_per_second",
        round(len(results) / duration, 1),
        "req/s",
        note=f"at {think:g} s per page read",
    )
    throughput = len(saturated) / duration
    emit(
        "saturated_requests_per_second",
        round(throughput, 1),
        "req/s",
        p95_ms=round(percentile([s * 1000 for _, _, s, _, _ in saturated], 0.95), 1),
        note="the same clients without pauses: what the stack serves at most",
    )
    for name, fraction in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        emit(name, round(percentile(latencies, fraction), 1), "ms")
    for journey in JOURNEY_NAMES:
        own = [seconds * 1000 for j, _, seconds, _, _ in results if j == journey]
        if own:
            steps = sorted({step for j, step, *_ in results if j == journey})
            emit(
                f"{journey}_p95_ms",
                round(percentile(own, 0.95), 1),
                "ms",
                count=len(own),
                p50_ms=round(statistics.median(own), 1),
                requests=steps,
            )
    emit("errors", len(errors), "requests", examples=sorted(set(map(str, errors)))[:5])
    healthz = len(ceiling) / duration
    ceiling_errors = sum(1 for *_, ok, _ in ceiling if not ok)
    emit(
        "healthz_requests_per_second",
        round(healthz, 1),
        "req/s",
        errors=ceiling_errors,
        p95_ms=round(percentile([s * 1000 for _, _, s, _, _ in ceiling], 0.95), 1),
    )
    emit(
        "throughput_ratio",
        round(throughput / healthz, 3) if healthz else None,
        note="city req/s without pauses over /healthz req/s, same server and clients",
    )
    if server["all"]:  # the warm-up's requests too
        emit(
            "server_p50_ms",
            round(percentile(server["all"], 0.50), 1),
            "ms",
            note="inside gunicorn (access log, warm-up too); the rest is queueing",
        )
        emit("server_p95_ms", round(percentile(server["all"], 0.95), 1), "ms")
    for kind, times in sorted(server.items()):
        if kind != "all":
            log(
                f"server time of {kind}: p50 {percentile(times, 0.5):.0f} ms, "
                f"p95 {percentile(times, 0.95):.0f} ms, {len(times)} requests"
            )
    emit(
        "load_average",
        list(load),
        note="1-minute load average before and after the run",
        cpus=os.cpu_count(),
    )
    target = TARGET_P95_MS["city"]
    emit(
        "target_met",
        not errors and percentile(latencies, 0.95) <= target,
        target=f"0 errors, p95 <= {target:.0f} ms",
    )


def run_mix(url: str, files: Path, setup: dict, duration: float) -> None:
    global PROFILE
    PROFILE = "mix"
    process, port = start_server(url, files, kit=False)
    try:
        log(
            f"mix: gunicorn (2 workers) on 127.0.0.1:{port}; driving it for {duration:.0f} s "
            f"over {CONNECTIONS} connections"
        )
        receive, send = multiprocessing.Pipe(duplex=False)
        driver = multiprocessing.get_context("spawn").Process(
            target=drive, args=(port, setup, duration, CONNECTIONS, send)
        )
        driver.start()
        results = receive.recv()
        driver.join(timeout=30)
    finally:
        stop(process)
    report_mix(results, duration)


def run_city(url: str, files: Path, setup: dict, duration: float, think: float) -> None:
    global PROFILE
    PROFILE = "city"
    before = os.getloadavg()[0]
    process, port = start_server(url, files, kit=True)
    try:
        log(
            f"city: gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:{port}; {CITY_CLIENTS} "
            f"clients for {duration:.0f} s reading each page {think:g} s, then {duration:.0f} s "
            f"without pauses, then /healthz for {duration:.0f} s"
        )
        results = run_drivers(port, setup, duration, health=False, think=think)
        saturated = run_drivers(port, setup, duration, health=False) if think else results
        ceiling = run_drivers(port, setup, duration, health=True)
    finally:
        stop(process)
    after = os.getloadavg()[0]
    report_city(
        results, saturated, ceiling, duration, think, server_times(files, port), (before, after)
    )


def main() -> None:
    import search

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--profile", choices=[*PROFILES, "all"], default=os.environ.get("LOAD_PROFILE", "all")
    )
    parser.add_argument("--duration", type=float, default=DURATION, help="seconds per run")
    parser.add_argument(
        "--think",
        type=float,
        default=THINK,
        help="city: seconds a person reads a page (0: back to back)",
    )
    args = parser.parse_args()
    profiles = PROFILES if args.profile == "all" else (args.profile,)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    admin_url = search.postgres_admin_url()
    if admin_url is None:
        log("skipped: the load run needs PostgreSQL on loopback")
        return

    def body(url: str) -> None:
        with tempfile.TemporaryDirectory(prefix="vrijstad-load-") as tmp:
            files = Path(tmp)
            log(f"building the data set (200,000 units and the {CITY} demo)")
            setup = prepare(url, files)
            if "mix" in profiles:
                run_mix(url, files, setup, args.duration)
            if "city" in profiles:
                run_city(url, files, setup, args.duration, args.think)

    search.with_postgres(admin_url, body)


if __name__ == "__main__":
    main()
