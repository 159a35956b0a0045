"""The production install as an operator runs it: `make install` in a fresh copy of the
project, without the development tools, then the migrations and gunicorn with the deploy kit.

It downloads nothing pip's and npm's caches already hold, but still takes a minute or two; it
runs in `make test` and is skipped when PyPI or the npm registry cannot be reached.
Deselect it while working with `-m "not install"`.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.infra.conftest import free_port, production_env
from tests.infra.test_deploy import START_TIMEOUT, _stop

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT = 900  # seconds for `make install` on a busy machine
DEV_TOOLS = ("pytest", "moto", "playwright", "localstripe")
REGISTRIES = (("pypi.org", 443), ("files.pythonhosted.org", 443), ("registry.npmjs.org", 443))

pytestmark = pytest.mark.install


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


def project_files() -> list[str]:
    """The files of the working tree git knows or would add: what a release would ship,
    with uncommitted changes, without the ignored ones (.venv, node_modules, static/vendor)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def copy_project(target: Path) -> None:
    for name in project_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)


def installed_distributions(python: Path) -> set[str]:
    script = (
        "import importlib.metadata as m, json, re\n"
        "print(json.dumps([re.sub(r'[-_.]+', '-', d.metadata['Name']).lower()\n"
        "                  for d in m.distributions()]))"
    )
    result = subprocess.run(
        [python, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout))


def test_make_install_in_a_clean_folder_serves_the_app_without_dev_tools(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("runs once, with the SQLite run: the installed server has its own database")
    for tool in ("git", "make", "npm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    offline = [host for host, port in REGISTRIES if not reachable(host, port)]
    if offline:
        pytest.skip(f"no network: cannot reach {', '.join(offline)}")
    dev_pins = (ROOT / "requirements-dev.txt").read_text().lower()
    assert all(f"\n{tool}==" in dev_pins for tool in DEV_TOOLS)  # the check below means something

    project = tmp_path / "vrijstad"
    copy_project(project)
    assert not (project / ".venv").exists() and not (project / "static/vendor").exists()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NOTIFY_SOCKET")},
        "PATH": os.pathsep.join(
            p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(str(ROOT))
        ),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "npm_config_prefer_offline": "true",  # the cache first, the registry for what it lacks
    }
    started = time.monotonic()
    result = subprocess.run(
        ["make", "install"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,  # noqa: S607
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"make install took {time.monotonic() - started:.0f} s")
    bin_dir = project / ".venv" / "bin"

    installed = installed_distributions(bin_dir / "python")
    assert {"flask", "gunicorn", "psycopg", "vrijstad"} <= installed
    assert sorted(installed & set(DEV_TOOLS)) == []
    assert (project / "static/vendor/htmx/htmx.min.js").is_file()
    assert (project / "vrijstad/translations/nl/LC_MESSAGES/messages.mo").is_file()

    port = free_port()
    server_env = production_env(env, tmp_path, port)
    upgrade = subprocess.run(
        [bin_dir / "flask", "--app", "vrijstad", "db", "upgrade"],
        cwd=project,
        env=server_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]

    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [bin_dir / "gunicorn", "--config", "deploy/gunicorn.conf.py"],
            cwd=project,
            env=server_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        with requests.Session() as session:
            session.trust_env = False
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                assert process.poll() is None, log.read_text(errors="replace")
                try:
                    health = session.get(f"{base}/healthz", timeout=START_TIMEOUT)
                    break
                except requests.ConnectionError:  # not listening yet
                    assert time.monotonic() < deadline, log.read_text(errors="replace")
                    time.sleep(0.2)
            ready = session.get(f"{base}/readyz", timeout=30)
            home = session.get(f"{base}/", timeout=30)
            stylesheet = session.get(f"{base}/static/vendor/pico/pico.min.css", timeout=30)
    finally:
        _stop(process)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready" and ready.json()["checks"]["database"] == "ok"
    assert home.status_code == 200 and "/static/vendor/pico/pico.min.css?v=" in home.text
    assert stylesheet.status_code == 200
    assert sys.executable not in log.read_text(errors="replace")  # the copy's venv served it
