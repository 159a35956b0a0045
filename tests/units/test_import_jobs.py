"""Unit imports run as a background job: stored upload, progress, result page, retry, 503."""

from pathlib import Path

import pytest

from tests.fixtures_jobs import job_id_of
from tests.units.test_import import all_units, csv_bytes, unit_row, upload
from vrijstad import jobs
from vrijstad.storage import LocalStorage
from vrijstad.units import tasks
from vrijstad.units.importer import applying


def stored_imports(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "imports"
    return sorted(folder.rglob("*.*")) if folder.exists() else []


def result_link(client, job_id: str) -> str:
    """The result link on the page of a finished import job."""
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200 and "<progress" not in page.text, page.text
    start = page.text.index("/units/import/")
    return page.text[page.text.rindex('"', 0, start) + 1 : page.text.index('"', start)]


def test_import_runs_on_a_worker_and_reports_progress(
    app, client, make_org, make_user, login, rq_worker
):
    organisation = make_org()
    landlord = make_user("landlord")
    login(organisation.test_staff)
    rows = [unit_row(landlord, huisnummer=str(n)) for n in (1, 2, 3)]
    job_id = job_id_of(upload(client, organisation, csv_bytes(rows)))
    assert all_units() == []  # nothing yet: the worker has not run
    [stored] = stored_imports(app)
    assert stored.suffix == ".csv"  # the upload waits in storage for the worker
    waiting = client.get(f"/jobs/{job_id}")
    assert "Panden importeren" in waiting.text and 'hx-trigger="every 1s"' in waiting.text

    rq_worker()
    status = jobs.get_status(job_id)
    assert status.state == "finished", status.error
    assert status.message == "Pand 3 van 3 aanmaken"  # the last chunk's progress report
    assert status.result_label == "3 panden geïmporteerd."
    assert [u.house_number for u in all_units()] == [1, 2, 3]
    result = client.get(result_link(client, job_id))
    assert "3 panden geïmporteerd." in result.text
    assert [p.suffix for p in stored_imports(app)] == [".json"]  # the upload is gone


def test_bad_file_on_a_worker_lists_each_row_and_imports_nothing(
    client, make_org, make_user, login, rq_worker
):
    organisation = make_org()
    landlord = make_user("landlord")
    login(organisation.test_staff)
    rows = [unit_row(landlord, huisnummer="1"), unit_row(landlord, huisnummer="x")]
    job_id = job_id_of(upload(client, organisation, csv_bytes(rows)))
    rq_worker()
    assert jobs.get_status(job_id).state == "finished"
    result = client.get(result_link(client, job_id))
    assert "<td>3</td><td><code>huisnummer</code></td>" in result.text
    assert "Er is niets geïmporteerd" in result.text
    assert all_units() == []


def test_a_failed_import_is_retried_without_importing_twice(
    client, make_org, make_user, login, monkeypatch
):
    organisation = make_org()
    landlord = make_user("landlord")
    login(organisation.test_staff)
    data = csv_bytes([unit_row(landlord, huisnummer="1"), unit_row(landlord, huisnummer="2")])
    # The units are committed, then removing the upload fails: the job fails after its work.
    real_delete = LocalStorage.delete
    monkeypatch.setattr(LocalStorage, "delete", lambda self, key: 1 / 0)
    job_id = job_id_of(upload(client, organisation, data))
    status = jobs.get_status(job_id)
    assert status.state == "failed" and "ZeroDivisionError" in status.error
    assert len(all_units()) == 2
    page = client.get(f"/jobs/{job_id}")
    assert "Opnieuw proberen" in page.text

    monkeypatch.setattr(LocalStorage, "delete", real_delete)
    client.post(f"/jobs/{job_id}/retry")
    assert jobs.get_status(job_id).state == "finished"
    assert len(all_units()) == 2  # the import step was not repeated
    assert "2 panden geïmporteerd." in client.get(result_link(client, job_id)).text


def test_a_crash_before_the_commit_imports_nothing_and_a_retry_imports_once(
    client, make_org, make_user, login, monkeypatch
):
    organisation = make_org()
    landlord = make_user("landlord")
    login(organisation.test_staff)
    real_create = applying._create
    calls = []

    def crash_on_the_second(actor, plan):
        calls.append(plan)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_create(actor, plan)

    monkeypatch.setattr(applying, "_create", crash_on_the_second)
    data = csv_bytes([unit_row(landlord, huisnummer="1"), unit_row(landlord, huisnummer="2")])
    job_id = job_id_of(upload(client, organisation, data))
    assert jobs.get_status(job_id).state == "failed"
    assert all_units() == []  # all or nothing
    client.post(f"/jobs/{job_id}/retry")
    assert jobs.get_status(job_id).state == "finished"
    assert [u.house_number for u in all_units()] == [1, 2]


def test_redis_down_is_a_503_and_stores_nothing(
    app, client, make_org, make_user, login, redis_down
):
    organisation = make_org()
    login(organisation.test_staff)
    response = upload(client, organisation, csv_bytes([unit_row(make_user("landlord"))]))
    assert response.status_code == 503
    assert "Er is niets opgeslagen" in response.text
    assert stored_imports(app) == [] and all_units() == []


def test_result_pages_belong_to_the_organisation(client, make_org, make_user, login):
    mine, theirs = make_org(), make_org()
    login(mine.test_staff)
    job_id = job_id_of(upload(client, mine, csv_bytes([unit_row(make_user("landlord"))])))
    link = result_link(client, job_id)
    assert client.get(link).status_code == 200
    token = link.rsplit("/", 1)[1]
    assert client.get(f"/organisations/{mine.id}/units/import/{'0' * 32}").status_code == 404
    assert client.get(f"/organisations/{mine.id}/units/import/..%2Fx").status_code == 404
    client.post("/logout")
    login(theirs.test_staff)
    assert client.get(link).status_code == 403
    assert client.get(f"/organisations/{theirs.id}/units/import/{token}").status_code == 404
    assert client.get(f"/jobs/{job_id}").status_code == 404  # someone else's job


@pytest.mark.parametrize("name", ["panden.csv", "PANDEN.XLSX", "x.exe"])
def test_upload_keys_stay_in_the_organisation_folder(name):
    key = tasks.upload_key(7, tasks.new_token(), name)
    assert key.startswith("imports/units/7/") and key.count("/") == 3
