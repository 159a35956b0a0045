"""Lighthouse (mobile) on the public pages: home, search, a unit, a street and a contest.

Run from the project root: `.venv/bin/python bench/lighthouse.py` (`make bench` does).

It loads the Dijkerveen demo (`flask demo-data`) into a temporary SQLite database, starts the
app as production runs it (gunicorn, VRIJSTAD_ENV=production over plain http on loopback,
static files served by the app itself, so compressed by it and not by nginx) and runs the
npm package `lighthouse` (package.json's devDependencies) with Debian's Chromium, headless,
on its default mobile preset (a Moto G Power on slow 4G, simulated). The unit, street and
contest are the first ones the search, the street index and the contest list link to. Map
tiles come from outside, so MAP_TILE_URL is empty here: maps show their markers without tiles.

Stdout: one JSON line per page and category (performance, accessibility, best-practices,
seo), the median score 0-100 of LIGHTHOUSE_RUNS runs (default 3; each run's score is in
"runs"); the issue's target is 95 for each. Stderr: for every page, the audits
that cost points (id, score, what Lighthouse shows), to see what to fix. When Node, Chromium
or the lighthouse package is missing it prints one line with "skipped" and the reason and
exits 0. Environment: CHROME_PATH (default: chromium on the PATH), LIGHTHOUSE_PAGES (a comma-
separated subset of the page names), LIGHTHOUSE_REPORT_DIR (keep each page's JSON report there).
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 95
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = ("home", "search", "unit", "street", "contest")
#: Links to follow from a listing page to one of its items.
ITEM_LINKS = {
    "unit": ("/units", re.compile(r'href="(/units/\d+)"')),
    "street": ("/streets", re.compile(r'href="(/streets/\d+)"')),
    "contest": ("/contests", re.compile(r'href="(/contests/\d+)"')),
}
#: Lighthouse's runs per page: each figure is their median, as Lighthouse advises (one run
#: moves several points with the machine's load).
RUNS = 3
WORKERS = 2
SERVER_START_TIMEOUT = 60
LIGHTHOUSE_TIMEOUT = 240


def emit(figure: str, value, unit: str | None = None, **extra) -> None:
    line = {"bench": BENCH, "figure": figure, "value": value}
    if unit is not None:
        line["unit"] = unit
    print(json.dumps(line | extra), flush=True)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def skip(reason: str) -> None:
    print(json.dumps({"bench": BENCH, "skipped": True, "reason": reason}), flush=True)
    sys.exit(0)


def find_chrome() -> str | None:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app server stopped (exit {server.returncode})")
        try:
            fetch(f"{base}/healthz")
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the app server did not answer in time")


def page_urls(base: str) -> dict[str, str]:
    """Each page's URL: the item pages are the first their listing links to."""
    urls = {"home": f"{base}/", "search": f"{base}/units"}
    for name, (listing, pattern) in ITEM_LINKS.items():
        found = pattern.search(fetch(base + listing))
        if found is None:
            raise RuntimeError(f"{listing} links to no {name} page")
        urls[name] = base + found.group(1)
    return urls


def run_lighthouse(name: str, url: str, chrome: str, workdir: Path) -> dict:
    report = workdir / "report.json"
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        # Root in a container has no user namespaces for Chromium's sandbox.
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
    ]
    env = os.environ | {"CHROME_PATH": chrome}
    subprocess.run(command, check=True, env=env, timeout=LIGHTHOUSE_TIMEOUT, cwd=workdir)
    keep = os.environ.get("LIGHTHOUSE_REPORT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(report, Path(keep) / f"{name}.json")
    return json.loads(report.read_text())  # the last run's report is the one kept


def lost_points(result: dict) -> list[str]:
    """For stderr: the audits that cost points, and the performance audits (insights,
    opportunities) that Lighthouse flags without a weight of their own."""
    lines = []
    audits = result["audits"]
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = audits[ref["id"]]
            score = audit.get("score")
            if score is None or score >= 1:
                continue
            weighted = ref.get("weight", 0) > 0
            if weighted or (category == "performance" and score < 0.9):
                shown = audit.get("displayValue") or ""
                kind = "" if weighted else " (no weight)"
                lines.append(f"  {category}: {ref['id']}{kind} score {score} {shown}".rstrip())
    return lines


def start_app(workdir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    python = sys.executable
    flask = [python, "-m", "flask", "--app", "vrijstad"]
    subprocess.run([*flask, "db", "upgrade"], check=True, env=env, capture_output=True)
    loaded = subprocess.run([*flask, "demo-data"], check=True, env=env, capture_output=True)
    log(loaded.stdout.decode().splitlines()[0] if loaded.stdout else "demo loaded")
    port = free_port()
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            "vrijstad:create_app()",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    if shutil.which("node") is None:
        skip("node is missing")
    chrome = find_chrome()
    if chrome is None:
        skip("chromium is missing (set CHROME_PATH)")
    if not LIGHTHOUSE.exists():
        skip("the npm package lighthouse is missing (npm ci installs it)")
    wanted = [p for p in os.environ.get("LIGHTHOUSE_PAGES", ",".join(PAGES)).split(",") if p]
    runs = max(1, int(os.environ.get("LIGHTHOUSE_RUNS", str(RUNS))))

    with tempfile.TemporaryDirectory(prefix="vrijstad-lighthouse-") as tmp:
        workdir = Path(tmp)
        env = os.environ | {
            "VRIJSTAD_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
            "DATABASE_URL": f"sqlite:///{workdir / 'lighthouse.db'}",
            "UPLOAD_DIR": str(workdir / "uploads"),
            "MAP_TILE_URL": "",
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        server, base = start_app(workdir, env)
        try:
            wait_until_up(base, server)
            urls = page_urls(base)
            for url in urls.values():  # each worker compiles its templates before a run counts
                for _ in range(WORKERS):
                    fetch(url)
            for name in wanted:
                url = urls[name]
                log(f"{name}: {url}")
                started = time.perf_counter()
                scores: dict[str, list[int]] = {category: [] for category in CATEGORIES}
                for _ in range(runs):
                    result = run_lighthouse(name, url, chrome, workdir)
                    for category in CATEGORIES:
                        score = result["categories"][category]["score"]
                        scores[category].append(round((score or 0) * 100))
                for line in lost_points(result):  # the last run's
                    log(line)
                for category in CATEGORIES:
                    value = statistics.median_low(scores[category])
                    emit(
                        f"{name}_{category}",
                        value,
                        "score",
                        target=TARGET,
                        met=value >= TARGET,
                        runs=scores[category],
                    )
                log(f"  ({time.perf_counter() - started:.0f} s)")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
