"""The operator's read-only view of jobs and queues (/admin/jobs): RQ's queues, workers and
failed jobs from real Redis, the app's own job records, for platform admins only."""

import re

import pytest
from rq import SimpleWorker, Worker

from tests.infra import jobfuncs
from tests.infra.conftest import closed_port_url
from vrijstad import jobs
from vrijstad.extensions import db

PAGE = "/admin/jobs"


@pytest.fixture
def admin(make_user, login, client):
    user = make_user("admin")
    login(user)
    client.post("/language", data={"language": "en"})
    return user


def row(page: str, row_id: str) -> list[str]:
    """The numbers in a table row, by the row's id."""
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert match, page
    return re.findall(r'<td class="number">(\d+)</td>', match.group(1))


@pytest.mark.parametrize("role", ["starter", "landlord", "staff"])
def test_only_platform_admins_see_the_jobs(
    client, configured, make_user, make_org, login, role, redis_url
):
    configured(REDIS_URL=redis_url)
    user = make_org(staff_role="admin").test_staff if role == "staff" else make_user(role)
    login(user)
    page = client.get(PAGE)
    assert page.status_code == 403
    assert "Jobs and queues" not in client.get("/").text


def test_anonymous_visitors_are_sent_to_log_in(client, configured):
    configured(REDIS_URL="")
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_queues_workers_and_the_latest_failed_job(
    app, client, configured, redis_url, admin, tmp_path
):
    app = configured(REDIS_URL=redis_url)
    crashed = jobs.enqueue(jobfuncs.crash, str(tmp_path), job_title="Report of the month")
    done = jobs.enqueue(jobfuncs.add, 1, 2, job_title="Adding up")
    db.session.commit()
    jobs.work(app, burst=True, worker_class=SimpleWorker)
    waiting = jobs.enqueue(jobfuncs.add, 3, 4, job_title="Waiting in line")
    db.session.commit()
    worker = Worker(["default"], connection=jobs.queue_connection(), name="worker-on-web-1")
    worker.register_birth()
    try:
        page = client.get(PAGE)
    finally:
        worker.register_death()
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.text
    # default: 1 queued, 0 started, 1 finished, 1 failed, 0 deferred, 0 scheduled
    assert row(text, "queue-default") == ["1", "0", "1", "1", "0", "0"]
    assert "worker-on-web-1" in text
    failed = re.search(r'<article class="failed-job".*?</article>', text, re.S).group(0)
    assert "Report of the month" in failed and "queue default" in failed
    assert "ZeroDivisionError: internal detail" in failed  # the real error, for operators
    assert "Traceback (most recent call last)" in failed  # its first lines
    reason = jobs.get_status(crashed.id).error  # what the user sees, in the worker's language
    assert "(ZeroDivisionError)." in reason and f"Shown to the user as: {reason}" in failed
    assert f'href="/jobs/{crashed.id}"' in failed and "1 attempt" in failed
    # the app's own records, newest first
    titles = re.findall(r'<a href="/jobs/\w+">([^<]+)</a></td>', text)
    assert titles == ["Waiting in line", "Adding up", "Report of the month"]
    assert f'href="/jobs/{done.id}"' in text and f'href="/jobs/{waiting.id}"' in text
    # linked from the admin pages' navigation
    assert f'href="{PAGE}" aria-current="page"' in text
    assert f'href="{PAGE}"' in client.get("/admin/organisations").text


def test_no_worker_and_no_failures_are_said_plainly(client, configured, redis_url, admin):
    configured(REDIS_URL=redis_url)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert row(page.text, "queue-default") == ["0"] * 6
    assert "No worker is running" in page.text and "No failed jobs." in page.text


def test_without_redis_the_page_says_jobs_run_in_the_request(client, configured, admin):
    configured(REDIS_URL="")
    page = client.get(PAGE)
    assert page.status_code == 200 and "REDIS_URL is not set" in page.text
    assert "<table" not in page.text


def test_unreachable_redis_is_reported_not_a_500(client, configured, admin):
    configured(REDIS_URL=closed_port_url("redis") + "/0")
    page = client.get(PAGE)
    assert page.status_code == 503 and "Redis cannot be reached (ConnectionError)" in page.text
    assert "Traceback" not in page.text


def test_the_page_is_in_dutch(client, configured, redis_url, admin):
    configured(REDIS_URL=redis_url)
    client.post("/language", data={"language": "nl"})
    page = client.get(PAGE)
    assert "Taken en wachtrijen" in page.text and "Geen mislukte taken." in page.text
