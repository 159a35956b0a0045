"""The deploy/ kit as an operator installs it: gunicorn's settings serve the app, the systemd
units verify, the example environment file and the timers keep up with the code and README."""

import ast
import json
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
import requests
from gunicorn.config import Config as GunicornConfig

from config import Config
from tests.infra.conftest import free_port, production_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
INSTALL_DIR = "/srv/vrijstad"  # where the units expect the checkout
START_TIMEOUT = 30  # seconds for gunicorn to answer
STOP_TIMEOUT = 10
PGBACKREST = "/usr/bin/pgbackrest"  # where Debian's package puts it


def settings_read(path: Path) -> set[str]:
    """The environment variables a Python file reads: os.environ.get / [...] / _env_*()."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and ast.unparse(func.value) == "os.environ"
            ) or (isinstance(func, ast.Name) and func.id.startswith("_env")):
                names.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(ast.literal_eval(node.slice))
    return names


def test_the_example_environment_documents_every_setting_and_no_other():
    example = (DEPLOY / "vrijstad.env.example").read_text().splitlines()
    documented = {}
    for number, line in enumerate(example):
        if match := re.match(r"^#?([A-Z][A-Z0-9_]*)=", line):
            documented[match.group(1)] = number
    read = settings_read(ROOT / "config.py") | settings_read(DEPLOY / "gunicorn.conf.py")
    assert "DATABASE_URL" in read and "PROXY_FIX_X_FOR" in read  # the parser finds them
    assert sorted(read - set(documented)) == [], "settings missing from vrijstad.env.example"
    assert sorted(set(documented) - read) == [], "settings nothing reads any more"
    for name, number in documented.items():  # each explained by a comment above it
        above = [line for line in example[:number] if not re.match(r"^#?[A-Z][A-Z0-9_]*=", line)]
        assert above[-1].startswith("# "), f"{name} has no comment"


def gunicorn_settings(monkeypatch, **environment) -> dict:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_")
        and name.islower()
        and not callable(value)
        and type(value).__name__ != "module"
    }


def test_gunicorn_settings_are_gunicorns_and_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings = gunicorn_settings(monkeypatch)
    known = GunicornConfig().settings
    assert sorted(set(settings) - set(known)) == []  # gunicorn ignores names it does not know
    assert settings["workers"] == os.cpu_count() * 2 + 1
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert settings["timeout"] > 0 and settings["graceful_timeout"] > 0
    settings = gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="45")
    assert settings["workers"] == 3 and settings["timeout"] == 45


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


def test_gunicorn_with_the_deploy_config_serves_the_app_and_logs_json(tmp_path):
    port = free_port()
    base = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
    env = production_env(base, tmp_path, port) | {"PYTHONUNBUFFERED": "1"}
    log = tmp_path / "gunicorn.log"
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            gunicorn,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        with requests.Session() as session:
            session.trust_env = False
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert process.poll() is None, log.read_text(errors="replace")
                try:
                    response = session.get(
                        f"http://127.0.0.1:{port}/healthz",
                        headers={"X-Forwarded-For": "203.0.113.7"},
                        timeout=START_TIMEOUT,  # the worker may still be loading the app
                    )
                    break
                except requests.ConnectionError:  # not listening yet
                    assert time.monotonic() < deadline, log.read_text(errors="replace")
                    time.sleep(0.2)
        assert response.status_code == 200 and response.json() == {"status": "ok"}
    finally:
        _stop(process)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    [access] = [e for e in lines if e.get("logger") == "gunicorn.access"]
    assert access["path"] == "/healthz" and access["status"] == 200
    assert access["forwarded_for"] == "203.0.113.7" and access["remote_addr"] == "127.0.0.1"
    assert access["request_id"]  # the app's id of the request, also on its own log line


def unit_files() -> list[Path]:
    return sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer"))


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.geteuid() != 0:
            pytest.skip("systemd-analyze is missing: `make deploy-tools` as root installs it")
        pytest.fail("systemd-analyze is missing: run `make deploy-tools` (installs systemd)")
    stand_in = None if shutil.which("pgbackrest") else shutil.which("true")
    for unit in unit_files():  # the checkout stands where the units expect it
        text = unit.read_text().replace(INSTALL_DIR, str(ROOT))
        if stand_in:  # the backup units' program, where pgBackRest is not installed
            text = text.replace(PGBACKREST, stand_in)
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stdout + result.stderr, result.stderr


def scheduled(path: Path) -> str:
    """The flask command a unit runs: 'remind' of '.../flask --app vrijstad remind'."""
    [exec_start] = re.findall(r"^ExecStart=(.*)$", path.read_text(), re.MULTILINE)
    assert exec_start.startswith(f"{INSTALL_DIR}/.venv/bin/flask --app vrijstad ")
    return exec_start.split(" vrijstad ", 1)[1]


def test_every_scheduled_run_of_the_readme_has_a_timer_in_amsterdam_time(runner):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Scheduled runs", 1)[1].split("\n#", 1)[0]
    in_readme = set(re.findall(r"^\| [^|]+ \| `flask --app vrijstad ([a-z-]+)", section, re.M))
    assert {"remind", "invoice", "settle", "snapshot"} <= in_readme
    timed = {}
    for timer in UNITS.glob("*.timer"):
        service = timer.with_suffix(".service")
        text = service.read_text()
        if f"ExecStart={PGBACKREST} " in text:
            continue  # the backups: see test_backup_timers_run_pgbackrest_on_the_kits_stanza
        assert "Type=oneshot" in text and "Environment=TZ=Europe/Amsterdam" in text
        assert re.search(r"^OnCalendar=.* Europe/Amsterdam$", timer.read_text(), re.MULTILINE)
        timed[scheduled(service)] = timer.name
    assert sorted(in_readme) == sorted(timed)
    for command in timed:  # each timer runs a command the app has
        result = runner.invoke(args=[*command.split(), "--help"])
        assert result.exit_code == 0, result.output


def test_backup_timers_run_pgbackrest_on_the_kits_stanza():
    """A full backup on Sunday, a differential one the other nights, of the stanza that
    pgbackrest.conf, the archive_command and the restore drill name, as PostgreSQL's user."""
    config = (DEPLOY / "pgbackrest.conf").read_text()
    [stanza] = re.findall(r"^\[(?!global\])([a-z-]+)\]$", config, re.MULTILINE)
    archiving = (DEPLOY / "postgresql-archiving.conf").read_text()
    assert f"archive_command = 'pgbackrest --stanza={stanza} archive-push %p'" in archiving
    assert re.search(r"^archive_mode = on$", archiving, re.MULTILINE)
    assert f"STANZA={stanza}\n" in (DEPLOY / "restore-drill").read_text()
    days = {"full": "Sun", "diff": "Mon..Sat"}
    for kind, day in days.items():
        service = (UNITS / f"vrijstad-backup-{kind}.service").read_text()
        assert f"ExecStart={PGBACKREST} --stanza={stanza} --type={kind} backup" in service
        assert "User=postgres" in service and "Environment=TZ=Europe/Amsterdam" in service
        timer = (UNITS / f"vrijstad-backup-{kind}.timer").read_text()
        assert re.search(rf"^OnCalendar={day} .* Europe/Amsterdam$", timer, re.MULTILINE)
    readme = (ROOT / "README.md").read_text().split("### Backups", 1)[1].split("\n## ", 1)[0]
    for name in (
        "vrijstad-backup-full.timer",
        "vrijstad-backup-diff.timer",
        "restore-drill",
        "pgbackrest.conf",
        "postgresql-archiving.conf",
        "flask --app vrijstad backup",
    ):
        assert name in readme, name


def test_nginx_accepts_what_the_app_accepts_and_proxies_to_gunicorn(monkeypatch):
    site = (DEPLOY / "nginx-vrijstad.conf").read_text()
    [size] = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(size) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    bind = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["bind"]
    assert f"server {bind};" in site
    assert f"alias {INSTALL_DIR}/static/;" in site
    assert "Strict-Transport-Security" in site


def test_nginx_accepts_the_site(tmp_path):
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx or openssl is not installed")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=vrijstad.example",
            "-keyout",
            tmp_path / "key.pem",
            "-out",
            tmp_path / "cert.pem",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    certificates = "/etc/letsencrypt/live/vrijstad.example"
    site = (DEPLOY / "nginx-vrijstad.conf").read_text()
    site = site.replace(f"{certificates}/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace(f"{certificates}/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-c", tmp_path / "nginx.conf", "-p", tmp_path],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_keeps_versioned_static_files_for_a_year(tmp_path):
    """The site as nginx runs it (on loopback ports, the checkout's static folder): a link with
    a version is kept for a year, one without is revalidated."""
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx or openssl is not installed")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=vrijstad.example",
            "-keyout",
            tmp_path / "key.pem",
            "-out",
            tmp_path / "cert.pem",
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    certificates = "/etc/letsencrypt/live/vrijstad.example"
    plain, tls = free_port(), free_port()
    site = (DEPLOY / "nginx-vrijstad.conf").read_text()
    site = site.replace(f"{certificates}/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace(f"{certificates}/privkey.pem", str(tmp_path / "key.pem"))
    site = site.replace(f"alias {INSTALL_DIR}/static/;", f"alias {ROOT}/static/;")
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{plain};")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{tls} ssl")
    temp = "".join(
        f"  {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  access_log off;\n{temp}  include /etc/nginx/mime.types;\n"
        f"  include {tmp_path}/site.conf;\n}}\n"
    )
    process = subprocess.Popen(
        [nginx, "-c", tmp_path / "nginx.conf", "-p", tmp_path],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"https://127.0.0.1:{tls}/static/css/app.css"
    try:
        with requests.Session() as session:
            session.trust_env = False
            session.verify = False  # the throwaway certificate
            session.headers["Host"] = "vrijstad.example"
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert process.poll() is None, (tmp_path / "error.log").read_text()
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # urllib3: unverified HTTPS request
                        versioned = session.get(f"{base}?v=0123456789ab", timeout=10)
                        unversioned = session.get(base, timeout=10)
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                    time.sleep(0.2)
    finally:
        _stop(process)
    assert versioned.status_code == unversioned.status_code == 200
    assert versioned.content == (ROOT / "static/css/app.css").read_bytes()
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert unversioned.headers["Cache-Control"] == "no-cache"
    assert "max-age=63072000" in versioned.headers["Strict-Transport-Security"]
