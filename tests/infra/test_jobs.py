"""Background jobs: inline after the commit, and on a real RQ worker against Redis."""

import pytest
from flask_login import login_user
from rq import Retry, SimpleWorker

from tests.infra import jobfuncs
from tests.infra.conftest import closed_port_url
from vrijstad import jobs
from vrijstad.extensions import db


@pytest.fixture(params=["inline", "rq"])
def mode(request, configured):
    """Jobs inline (no REDIS_URL) or on RQ; run_queued() lets a worker do the queued work."""
    if request.param == "inline":
        configured(REDIS_URL="")
        return lambda: None
    app = configured(REDIS_URL=request.getfixturevalue("redis_url"))
    return lambda: jobs.work(app, burst=True, worker_class=SimpleWorker)


def parts(folder) -> list[str]:
    path = folder / "parts.txt"
    return path.read_text().split() if path.exists() else []


def test_job_starts_after_the_commit_and_shows_its_result(mode, tmp_path):
    handle = jobs.enqueue(jobfuncs.build, str(tmp_path), 2, job_title="Report")
    assert jobs.get_status(handle.id).state == "queued"
    assert parts(tmp_path) == []  # nothing before the commit
    db.session.commit()
    mode()
    status = jobs.get_status(handle.id)
    assert (status.state, status.progress) == ("finished", 100)
    assert (status.result_url, status.result_label) == ("/reports/7", "Report 7")
    assert parts(tmp_path) == ["0", "1"]


def test_a_rolled_back_job_never_runs(mode, tmp_path):
    jobs.enqueue(jobfuncs.build, str(tmp_path), 1)
    db.session.rollback()
    db.session.commit()
    mode()
    assert parts(tmp_path) == []


def test_retry_does_not_repeat_finished_steps(mode, tmp_path):
    (tmp_path / "fail-1").touch()
    handle = jobs.enqueue(jobfuncs.build, str(tmp_path), 3)
    db.session.commit()
    mode()
    status = jobs.get_status(handle.id)
    assert status.state == "failed" and status.error == "part 2 could not be built"
    assert (status.progress, status.message) == (66, "part 2 of 3")
    assert parts(tmp_path) == ["0", "1"]

    (tmp_path / "fail-1").unlink()
    jobs.retry(handle.id)
    mode()
    assert jobs.get_status(handle.id).state == "finished"
    assert parts(tmp_path) == ["0", "1", "2"]  # parts 1 and 2 were not written twice
    with pytest.raises(jobs.JobError):
        jobs.retry(handle.id)
    assert parts(tmp_path) == ["0", "1", "2"]


def test_rqs_retry_tries_again_by_itself_without_repeating_steps(configured, redis_url, tmp_path):
    app = configured(REDIS_URL=redis_url)
    handle = jobs.enqueue(jobfuncs.flaky, str(tmp_path), job_retry=Retry(max=2))
    db.session.commit()
    jobs.work(app, burst=True, worker_class=SimpleWorker)
    status = jobs.get_status(handle.id)
    assert (status.state, status.attempts, status.result_url) == ("finished", 2, "/reports/8")
    assert parts(tmp_path) == ["0"]


def test_a_rolled_back_job_frees_its_key(mode, tmp_path):
    first = jobs.enqueue(jobfuncs.build, str(tmp_path), 1, job_key="report-9")
    db.session.rollback()
    assert jobs.get_status(first.id) is None
    second = jobs.enqueue(jobfuncs.build, str(tmp_path), 1, job_key="report-9")
    db.session.commit()
    mode()
    assert jobs.get_status(second.id).state == "finished"
    assert parts(tmp_path) == ["0"]


def test_unexpected_errors_show_a_reason_without_details(mode, tmp_path):
    handle = jobs.enqueue(jobfuncs.crash, str(tmp_path))
    db.session.commit()
    mode()
    status = jobs.get_status(handle.id)
    assert status.state == "failed" and status.progress == 40
    assert "ZeroDivisionError" in status.error and "internal detail" not in status.error


def test_the_same_key_queues_one_job(mode, tmp_path):
    first = jobs.enqueue(jobfuncs.build, str(tmp_path), 1, job_key="report-7")
    second = jobs.enqueue(jobfuncs.build, str(tmp_path), 1, job_key="report-7")
    db.session.commit()
    mode()
    assert first == second
    assert parts(tmp_path) == ["0"]


def test_only_module_level_functions_are_jobs(mode):
    with pytest.raises(ValueError, match="module-level"):
        jobs.enqueue(lambda: 1)


def test_the_request_id_travels_into_the_job(app, mode, tmp_path):
    with app.test_request_context(headers={"X-Request-ID": "req-1234567890"}):
        app.preprocess_request()
        jobs.enqueue(jobfuncs.remember_request_id, str(tmp_path))
        db.session.commit()
    mode()
    assert (tmp_path / "request_id").read_text() == "req-1234567890"


def test_rq_job_waits_for_a_worker(configured, redis_url, tmp_path):
    app = configured(REDIS_URL=redis_url)
    handle = jobs.enqueue(jobfuncs.add, 2, 3)
    db.session.commit()
    assert jobs.get_status(handle.id).state == "queued"
    jobs.work(app, burst=True, worker_class=SimpleWorker)
    assert jobs.get_status(handle.id).state == "finished"


def test_worker_command_runs_queued_jobs(configured, redis_url, runner, tmp_path):
    configured(REDIS_URL=redis_url)
    handle = jobs.enqueue(jobfuncs.build, str(tmp_path), 1)
    db.session.commit()
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert jobs.get_status(handle.id).state == "finished"
    assert parts(tmp_path) == ["0"]


def test_worker_command_needs_redis(configured, runner):
    configured(REDIS_URL="")
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL is not set" in result.output


def test_unreachable_redis_refuses_new_jobs(configured):
    configured(REDIS_URL=closed_port_url("redis") + "/0")
    with pytest.raises(jobs.JobsUnavailable):
        jobs.enqueue(jobfuncs.add, 1, 2)


# --- the status page ------------------------------------------------------------------


def test_status_page_polls_until_done_then_links_the_result(
    client, configured, redis_url, tmp_path
):
    app = configured(REDIS_URL=redis_url)
    handle = jobs.enqueue(jobfuncs.build, str(tmp_path), 1, job_title="Building report 7")
    db.session.commit()

    page = client.get(f"/jobs/{handle.id}")
    assert page.status_code == 200 and "<html" in page.text
    assert "Building report 7" in page.text
    assert 'hx-trigger="every 1s"' in page.text and "<progress" in page.text

    jobs.work(app, burst=True, worker_class=SimpleWorker)
    fragment = client.get(f"/jobs/{handle.id}", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "hx-trigger" not in fragment.text
    assert 'href="/reports/7"' in fragment.text and "Report 7" in fragment.text
    assert fragment.headers["Cache-Control"] == "no-store"


def test_failed_job_offers_a_retry_button(client, configured, tmp_path):
    configured(REDIS_URL="")
    (tmp_path / "fail-0").touch()
    handle = jobs.enqueue(jobfuncs.build, str(tmp_path), 1)
    db.session.commit()
    client.post("/language", data={"language": "en"})
    page = client.get(f"/jobs/{handle.id}")
    assert "part 1 could not be built" in page.text
    assert f'hx-post="/jobs/{handle.id}/retry"' in page.text and "Try again" in page.text

    (tmp_path / "fail-0").unlink()
    assert client.post(f"/jobs/{handle.id}/retry", csrf=False).status_code == 400
    retried = client.post(f"/jobs/{handle.id}/retry", headers={"HX-Request": "true"})
    assert retried.status_code == 200 and 'href="/reports/7"' in retried.text
    assert parts(tmp_path) == ["0"]
    again = client.post(f"/jobs/{handle.id}/retry")
    assert again.status_code == 409 and "Only a failed job can be tried again." in again.text


def test_someone_elses_job_is_not_found(app, client, configured, make_user, login):
    configured(REDIS_URL="")
    owner, other = make_user("landlord"), make_user("landlord")
    with app.test_request_context():
        login_user(owner)
        handle = jobs.enqueue(jobfuncs.add, 1, 2)
        db.session.commit()
    assert client.get("/jobs/unknown").status_code == 404
    assert client.get(f"/jobs/{handle.id}").status_code == 404  # anonymous
    login(owner)
    assert client.get(f"/jobs/{handle.id}").status_code == 200
    client.post("/logout")
    login(other)
    assert client.get(f"/jobs/{handle.id}").status_code == 404


def test_status_page_with_redis_down_is_a_clear_503(client, configured):
    configured(REDIS_URL=closed_port_url("redis") + "/0")
    client.post("/language", data={"language": "en"})
    page = client.get("/jobs/0123abcd")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "Background work cannot be queued right now" in page.text
    assert "Traceback" not in page.text
