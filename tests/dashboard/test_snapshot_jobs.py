"""Staff record the month's snapshot from the dashboard: a background job, area by area."""

import sqlalchemy as sa

from tests.fixtures_jobs import job_id_of
from vrijstad import clock, jobs
from vrijstad.areas.models import Area, AreaKind
from vrijstad.dashboard.models import VacancySnapshot
from vrijstad.extensions import db


def recorded_areas() -> list[int]:
    return sorted(db.session.scalars(sa.select(VacancySnapshot.area_id).distinct()))


def add_area(org, name: str) -> Area:
    area = Area(organisation_id=org.id, name=name, city="Dijkerveen", kind=next(iter(AreaKind)))
    db.session.add(area)
    db.session.commit()
    return area


def test_snapshot_button_runs_on_a_worker_area_by_area(client, login, city, rq_worker):
    second = add_area(city.org, "Stationsbuurt")
    login(city.staff)
    page = client.get(f"/dashboard/areas/{city.area.id}")
    action = f'action="/dashboard/organisations/{city.org.id}/snapshot"'
    assert action in page.text and "Record the snapshot now" in page.text
    job_id = job_id_of(client.post(f"/dashboard/organisations/{city.org.id}/snapshot"))
    assert recorded_areas() == []
    rq_worker()
    status = jobs.get_status(job_id)
    assert status.state == "finished", status.error
    assert status.message == "Recording Stationsbuurt (2 of 2)"  # progress per area, in English
    month = clock.today().strftime("%m-%Y")
    assert status.result_label == (f"Snapshot of {month}: 2 areas recorded, 0 already recorded.")
    assert recorded_areas() == sorted([city.area.id, second.id])  # not the other organisation's


def test_snapshot_inline_twice_records_once(client, login, city):
    login(city.staff)
    url = f"/dashboard/organisations/{city.org.id}/snapshot"
    first = client.get(client.post(url).location)
    assert "1 areas recorded, 0 already recorded." in first.text
    rows = db.session.scalar(sa.select(sa.func.count(VacancySnapshot.id)))
    again = client.get(client.post(url).location)
    assert "0 areas recorded, 1 already recorded." in again.text
    assert db.session.scalar(sa.select(sa.func.count(VacancySnapshot.id))) == rows
    assert 'href="/dashboard/"' in again.text


def test_only_the_organisations_staff_start_a_snapshot(client, login, city, redis_down):
    login(city.other_org.test_staff)
    assert client.post(f"/dashboard/organisations/{city.org.id}/snapshot").status_code == 403
    client.post("/logout")
    login(city.staff)
    down = client.post(f"/dashboard/organisations/{city.org.id}/snapshot")
    assert down.status_code == 503 and recorded_areas() == []
