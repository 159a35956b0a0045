"""Load: gunicorn (2 workers) on PostgreSQL with 200,000 units, driven for 60 seconds.

Run from the project root: `.venv/bin/python bench/load.py` (`make bench` does).

It creates a database vrijstad_load_<pid> on the loopback PostgreSQL server, builds the schema
with the migrations and loads the search benchmark's data set (200,000 units in 50 cities,
bench/search.py), then starts gunicorn with 2 sync workers in production mode on a free
loopback port. A second process drives it over HTTP/1.1 keep-alive connections for DURATION
seconds with a mix of traffic:

* 50 % search pages: /units with a city and a random mix of filters, sort and page;
* 25 % unit pages: /units/<id> of a public unit;
* 20 % map data: /units/map.json for a city's filters;
* 5 % logins: GET /login, then POST the form with its CSRF token (a real password check).

The login limit per address is raised for the run (all traffic comes from 127.0.0.1; the
limit itself is tested in the suite). Stdout gets one JSON line per figure: requests per
second, p50 / p95 / p99 over all requests and per kind, and the error count (5xx, connection
failures, or an answer other than the one expected). Target: 0 errors and p95 < 200 ms. The
run stops by itself; the database and the server go away at the end, also on SIGTERM.

Environment: BENCH_DATABASE_URL (PostgreSQL admin URL, loopback only), LOAD_DURATION
(seconds, default 60), LOAD_CONNECTIONS (default 4).
"""

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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402

BENCH = "load"
DURATION = float(os.environ.get("LOAD_DURATION", "60"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "4"))
TARGET_P95_MS = 200.0
PASSWORD = "load-test-Wachtwoord-2026"  # noqa: S105 - a throwaway account in a throwaway database
MIX = (("search", 50), ("unit", 25), ("map", 20), ("login", 5))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def emit(figure: str, value, unit: str | None = None, **extra) -> None:
    line = {"bench": BENCH, "backend": "postgresql", "figure": figure, "value": value}
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
    """Schema, the data set, one login account; returns what the driver needs to know."""
    import search
    from flask_migrate import upgrade

    from vrijstad import create_app
    from vrijstad.auth.services import hash_password
    from vrijstad.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, OUTBOX_DIR=str(files / "outbox"),
                     UPLOAD_DIR=str(files / "uploads"))  # fmt: skip
    with app.app_context():
        upgrade(revision="heads")
        data = search.Dataset()
        search.load(app, data)
        app.config["PASSWORD_HASH_METHOD"] = "scrypt"
        password_hash = hash_password(PASSWORD)
        db.session.execute(sa.text("UPDATE users SET password_hash = :h WHERE id <= 20"),
                           {"h": password_hash})  # fmt: skip
        db.session.commit()
        public = db.session.scalars(
            sa.text("SELECT id FROM units WHERE status IN ('listed', 'in_talks') ORDER BY id")
        ).all()
        cities = data.cities
        db.session.remove()
        db.engine.dispose()
    return {"units": list(public), "cities": cities,
            "emails": [f"verhuurder{n}@example.nl" for n in range(1, 21)]}  # fmt: skip


def start_server(url: str, files: Path) -> tuple[subprocess.Popen, int]:
    from gunicorn.config import Config as GunicornConfig

    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
               f"127.0.0.1:{port}", "--error-logfile",
               str(files / "gunicorn.log"), "vrijstad:create_app()"]  # fmt: skip
    if "control_socket_disable" in GunicornConfig().settings:
        command.append("--no-control-socket")
    env = os.environ | {
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
        "SENTRY_DSN": "",
    }
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
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


# --- the driver (a second process) ------------------------------------------------------------


class Client:
    """One keep-alive connection with its own cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

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
    body = urlencode({"csrf_token": token.group(1), "email": rng.choice(setup["emails"]),
                      "password": PASSWORD})  # fmt: skip
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


def report(results: list[tuple[str, float, bool, str]], duration: float) -> None:
    latencies = [seconds * 1000 for _, seconds, _, _ in results]
    errors = [(kind, detail) for kind, _, ok, detail in results if not ok]
    emit("requests", len(results), "requests", seconds=duration, connections=CONNECTIONS)
    emit("requests_per_second", round(len(results) / duration, 1), "req/s")
    for name, fraction in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        emit(name, round(percentile(latencies, fraction), 1), "ms")
    for kind, _ in MIX:
        own = [seconds * 1000 for k, seconds, _, _ in results if k == kind]
        if own:
            emit(f"{kind}_p95_ms", round(percentile(own, 0.95), 1), "ms", count=len(own),
                 median_ms=round(statistics.median(own), 1))  # fmt: skip
    emit("errors", len(errors), "requests", examples=sorted(set(map(str, errors)))[:5])
    emit("target_met", not errors and percentile(latencies, 0.95) < TARGET_P95_MS,
         target=f"0 errors, p95 < {TARGET_P95_MS:.0f} ms")  # fmt: skip


def main() -> None:
    import search

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    admin_url = search.postgres_admin_url()
    if admin_url is None:
        log("skipped: the load run needs PostgreSQL on loopback")
        return

    def body(url: str) -> None:
        with tempfile.TemporaryDirectory(prefix="vrijstad-load-") as tmp:
            files = Path(tmp)
            log("building the data set (200,000 units)")
            setup = prepare(url, files)
            process, port = start_server(url, files)
            try:
                log(f"gunicorn on 127.0.0.1:{port}; driving it for {DURATION:.0f} s "
                    f"over {CONNECTIONS} connections")  # fmt: skip
                receive, send = multiprocessing.Pipe(duplex=False)
                driver = multiprocessing.get_context("spawn").Process(
                    target=drive, args=(port, setup, DURATION, CONNECTIONS, send)
                )
                driver.start()
                results = receive.recv()
                driver.join(timeout=30)
            finally:
                stop(process)
            report(results, DURATION)

    search.with_postgres(admin_url, body)


if __name__ == "__main__":
    main()
