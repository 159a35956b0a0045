"""Two gunicorn servers and an RQ worker sharing PostgreSQL, Redis and S3: any server will do.

The servers run as production runs them (VRIJSTAD_ENV=production, settings from the
environment) on free loopback ports; a user's requests alternate between them.
"""

import email
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from email import policy
from pathlib import Path

import pytest
import redis
import requests
from gunicorn.config import Config as GunicornConfig
from limits.storage import storage_from_string

from tests.conftest import PASSWORD
from tests.infra.conftest import free_port
from tests.units.test_views import jpeg_bytes

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 40  # seconds for the servers to answer /readyz
JOB_TIMEOUT = 30  # seconds for the worker to start and finish the job
STOP_TIMEOUT = 10  # seconds a process gets to stop after SIGTERM
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Cluster:
    """The running processes, their base URLs and the folders they write to."""

    servers: list[str]
    processes: dict[str, subprocess.Popen]
    log_dir: Path
    outbox: Path
    uploads: Path
    s3_endpoint: str

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-4000:]}" for name in self.processes)

    def check_alive(self) -> None:
        dead = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
        if dead:
            pytest.fail(f"stopped early (exit codes {dead})\n{self.logs()}")


def _start(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> subprocess.Popen:
    with open(log_dir / f"{name}.log", "wb") as out:
        # A session of its own, so a process that ignores SIGTERM can be killed with its children.
        return subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to all (they shut down side by side), SIGKILL to any still running later."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # not reaped yet, so the group is still ours
            process.wait(timeout=STOP_TIMEOUT)


def browser() -> requests.Session:
    """A client with its own cookie jar, like one browser."""
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    return session


def csrf_token(response: requests.Response) -> str:
    match = CSRF_INPUT.search(response.text)
    assert match, f"no CSRF token on {response.url}"
    return match.group(1)


def _wait_until_ready(cluster: Cluster) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with browser() as probe:
        for base in cluster.servers:
            while True:
                cluster.check_alive()
                try:
                    if probe.get(f"{base}/readyz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or still booting
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"{base} not ready after {START_TIMEOUT}s\n{cluster.logs()}")
                time.sleep(0.2)


@pytest.fixture
def cluster(request, database_url, tmp_path):
    """Two app servers and a worker on loopback, stopped (and their logs shown) afterwards."""
    if not database_url.startswith("postgresql"):
        if os.environ.get("TEST_DATABASE_URL"):
            pytest.skip("the servers share a PostgreSQL database: runs on the PostgreSQL run")
        pytest.skip("the servers share a PostgreSQL database: set TEST_DATABASE_URL")
    redis_url = request.getfixturevalue("redis_url")
    s3_config = request.getfixturevalue("s3_config")
    folders = {name: tmp_path / name for name in ("logs", "outbox", "uploads", "jobs")}
    folders["logs"].mkdir()
    env = {
        **os.environ,
        **{key: str(value) for key, value in s3_config.items()},
        "VRIJSTAD_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),  # the same on every server
        "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
        "DATABASE_URL": database_url,  # the suite's database, built by the migrations
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "OUTBOX_DIR": str(folders["outbox"]),
        "UPLOAD_DIR": str(folders["uploads"]),
        "JOB_DIR": str(folders["jobs"]),
        "MAIL_SERVER": "",
        "SENTRY_DSN": "",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    ports = [free_port()]
    while len(ports) < 2:
        ports = sorted({*ports, free_port()})
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "1", "--graceful-timeout", "5"]
    if "control_socket_disable" in GunicornConfig().settings:  # gunicorn 27: one in ~/.gunicorn
        gunicorn.append("--no-control-socket")
    commands = {
        f"server-{n}": [*gunicorn, "--bind", f"127.0.0.1:{port}", "vrijstad:create_app()"]
        for n, port in enumerate(ports, 1)
    }
    commands["worker"] = [sys.executable, "-m", "flask", "--app", "vrijstad", "worker"]
    running = Cluster(
        servers=[f"http://127.0.0.1:{port}" for port in ports],
        processes={},
        log_dir=folders["logs"],
        outbox=folders["outbox"],
        uploads=folders["uploads"],
        s3_endpoint=s3_config["S3_ENDPOINT_URL"],
    )
    try:
        for name, args in commands.items():
            running.processes[name] = _start(name, args, env, folders["logs"])
        _wait_until_ready(running)
        yield running
    finally:
        _stop(list(running.processes.values()))
        print(running.logs())  # shown by pytest when the test failed


def test_two_servers_share_sessions_uploads_limits_and_jobs(
    cluster, make_user, make_unit, redis_url
):
    landlord = make_user("landlord", locale="en")
    unit = make_unit(owner=landlord)  # committed: the servers see it
    login_limit_counts_on_both_servers(cluster, landlord.email)
    storage_from_string(redis_url).reset()  # the minute has passed
    with browser() as user:
        log_in_on_one_continue_on_the_other(cluster, user, landlord.email)
        upload_on_one_see_on_the_other(cluster, user, unit.id)
        queue_on_one_follow_on_the_other(cluster, user, redis_url, landlord.email)


def login_limit_counts_on_both_servers(cluster: Cluster, email_address: str) -> None:
    """Five failed logins spread over both servers; then both refuse even the right password."""
    a, b = cluster.servers
    with browser() as guesser:
        token = csrf_token(guesser.get(f"{a}/login"))
        wrong = {"csrf_token": token, "email": email_address, "password": "Not-The-Password-1"}
        for server in (a, b, a, b, a):
            assert guesser.post(f"{server}/login", data=wrong).status_code == 422
        right = {**wrong, "password": PASSWORD}
        for server in (b, a):
            refused = guesser.post(f"{server}/login", data=right, allow_redirects=False)
            assert refused.status_code == 429


def log_in_on_one_continue_on_the_other(
    cluster: Cluster, user: requests.Session, email_address: str
) -> None:
    """The login form of one server, posted to the other, gives a session both accept."""
    a, b = cluster.servers
    token = csrf_token(user.get(f"{b}/login"))
    login = {"csrf_token": token, "email": email_address, "password": PASSWORD}
    assert user.post(f"{a}/login", data=login, allow_redirects=False).status_code == 302
    account = user.get(f"{b}/account", allow_redirects=False)
    assert account.status_code == 200 and email_address in account.text
    with browser() as stranger:
        assert stranger.get(f"{b}/account", allow_redirects=False).status_code == 302


def upload_on_one_see_on_the_other(cluster: Cluster, user: requests.Session, unit_id: int) -> None:
    """A photo uploaded through one server is shown by the other: a signed link into S3."""
    a, b = cluster.servers
    token = csrf_token(user.get(f"{b}/units/{unit_id}"))
    upload = user.post(
        f"{a}/units/{unit_id}/photos",
        data={"csrf_token": token},
        files={"photo": ("etalage.jpg", jpeg_bytes(), "image/jpeg")},
        allow_redirects=False,
    )
    assert upload.status_code == 302
    page = user.get(f"{b}/units/{unit_id}").text
    [name] = set(re.findall(rf"/media/units/{unit_id}/([0-9a-f]{{32}}\.jpg)", page))
    served = user.get(f"{b}/media/units/{unit_id}/{name}", allow_redirects=False)
    assert served.status_code == 302
    signed = served.headers["Location"]
    assert signed.startswith(cluster.s3_endpoint) and "X-Amz-Signature=" in signed
    with browser() as anyone:
        image = anyone.get(signed)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert image.content[:2] == b"\xff\xd8"
    assert not cluster.uploads.exists()  # no server kept a file of its own


def queue_on_one_follow_on_the_other(
    cluster: Cluster, user: requests.Session, redis_url: str, old_email: str
) -> None:
    """Mail queued by one server is sent by the worker; its status page works on the other."""
    a, b = cluster.servers
    request_id = f"scale-{secrets.token_hex(8)}"
    change = {
        "csrf_token": csrf_token(user.get(f"{b}/account")),
        "email": "nieuw-adres@example.nl",
        "password": PASSWORD,
    }
    response = user.post(
        f"{a}/account/email",
        data=change,
        headers={"X-Request-ID": request_id},
        allow_redirects=False,
    )
    assert response.status_code == 302
    queue = redis.Redis.from_url(redis_url)
    try:  # the notice to the old address and the confirmation link to the new one
        job_ids = sorted({key.decode().split(":")[2] for key in queue.scan_iter("rq:job:*")})
    finally:
        queue.close()
    assert len(job_ids) == 2, job_ids

    deadline = time.monotonic() + JOB_TIMEOUT
    for job_id in job_ids:
        while True:
            cluster.check_alive()
            page = user.get(f"{b}/jobs/{job_id}", headers={"HX-Request": "true"})
            assert page.status_code == 200 and "Sending e-mail" in page.text
            assert "This did not work" not in page.text, page.text
            if "Done." in page.text:
                break
            assert time.monotonic() < deadline, f"job not done after {JOB_TIMEOUT}s\n{page.text}"
            time.sleep(0.2)
    with browser() as stranger:
        assert stranger.get(f"{a}/jobs/{job_ids[0]}").status_code == 404  # only its user sees it

    sent = [
        email.message_from_bytes(mail.read_bytes(), policy=policy.default)["To"]
        for mail in cluster.outbox.glob("*.eml")
    ]
    assert sorted(sent) == sorted([old_email, "nieuw-adres@example.nl"])
    # The worker did it, and its log lines carry the id of the request that queued it.
    lines = [json.loads(line) for line in cluster.log("worker").splitlines() if line[:1] == "{"]
    assert any(
        line.get("request_id") == request_id and line.get("job_id") in job_ids for line in lines
    )
