"""Staff add counters and upload counts; the figures on the dashboard, the unit page and the
street page."""

import io
from datetime import date

import pytest

from tests.footfall.conftest import hourly_csv
from vrijstad.extensions import db
from vrijstad.footfall.importer import parse
from vrijstad.footfall.models import Counter
from vrijstad.footfall.services import import_counts


def _upload(client, organisation, text: str, counter: str = ""):
    return client.post(
        f"/organisations/{organisation.id}/footfall/import",
        data={"file": (io.BytesIO(text.encode()), "tellingen.csv"), "counter": counter},
        content_type="multipart/form-data",
    )


def _seed(organisation, first: date, days: int, per_hour: int = 100) -> None:
    parsed = parse(hourly_csv(first, days, per_hour))
    import_counts(None, organisation, parsed.rows)
    db.session.commit()


def test_staff_add_a_counter_in_their_street(client, login, counted):
    login(counted.test_staff)
    street = counted.areas[0].streets[0]
    url = f"/organisations/{counted.id}/footfall"
    assert client.get(url).status_code == 200
    added = client.post(url, data={"code": "HS-02", "name": "Noord", "street": street.id})
    assert added.status_code == 302
    twice = client.post(url, data={"code": "HS-02", "street": street.id})
    assert twice.status_code == 422 and "Er is al een teller" in twice.text
    assert client.post(url, data={"code": "a b", "street": street.id}).status_code == 422
    assert db.session.query(Counter).count() == 2


def test_an_upload_imports_or_lists_every_bad_line(client, login, counted):
    login(counted.test_staff)
    done = _upload(client, counted, "datum;uur;aantal\n02-11-2026;13;120\n", counter="HS-01")
    assert done.status_code == 302
    assert "1 tellingen geïmporteerd" in client.get(done.location).text
    bad = _upload(client, counted, "datum;uur;aantal\n02-11-2026;13;x\n32-11-2026;1;5\n", "HS-01")
    assert bad.status_code == 422
    assert "Er is niets geïmporteerd: 2 regels kloppen niet" in bad.text
    assert "&#39;x&#39;" in bad.text and "&#39;32-11-2026&#39;" in bad.text
    unknown = _upload(client, counted, "a;b\n1;2\n")
    assert unknown.status_code == 422 and "bekende indelingen" in unknown.text
    without = _upload(client, counted, "datum;uur;aantal\n02-11-2026;13;120\n")
    assert without.status_code == 422 and "kies de teller" in without.text
    binary = client.post(
        f"/organisations/{counted.id}/footfall/import",
        data={"file": (io.BytesIO(bytes(range(256)) * 8), "tellingen.csv"), "counter": "HS-01"},
        content_type="multipart/form-data",
    )
    assert binary.status_code == 422 and "Dit is geen CSV-bestand" in binary.text


def test_other_organisations_and_the_public_may_not_upload(client, login, counted, make_org):
    assert _upload(client, counted, hourly_csv(date(2026, 11, 2), 1)).status_code == 302
    login(make_org().test_staff)
    assert _upload(client, counted, hourly_csv(date(2026, 11, 2), 1)).status_code == 403
    assert client.get(f"/dashboard/areas/{counted.areas[0].id}/footfall").status_code == 403


@pytest.mark.clock("2026-12-10T10:00+01:00")
def test_the_dashboard_shows_trend_pattern_year_and_streets(client, login, counted):
    _seed(counted, date(2026, 11, 9), 28)
    _seed(counted, date(2025, 12, 1), 7, per_hour=80)
    login(counted.test_staff)
    area = counted.areas[0]
    page = client.get(f"/dashboard/areas/{area.id}/footfall")
    assert page.status_code == 200, page.text
    assert "16.800 passanten" in page.text  # the staff member reads Dutch
    assert "Dezelfde week vorig jaar: 13.440 (+25,0 %)" in page.text
    assert f"/dashboard/areas/{area.id}/footfall" in client.get(f"/dashboard/areas/{area.id}").text


@pytest.mark.clock("2026-12-10T10:00+01:00")
def test_the_unit_page_tells_the_streets_footfall_only_when_counted(client, counted, make_unit):
    area = counted.areas[0]
    unit = make_unit(area=area, street="hoogstraat ")
    elsewhere = make_unit(area=area, street="Kerkstraat")
    assert "passers-by a week" not in client.get(f"/units/{unit.id}?lang=en").text
    _seed(counted, date(2026, 11, 9), 28, per_hour=74)  # 12.432 a week
    assert (
        "± 12,400 passers-by a week in this street" in client.get(f"/units/{unit.id}?lang=en").text
    )
    assert (
        "± 12.400 passanten per week in deze straat" in client.get(f"/units/{unit.id}?lang=nl").text
    )
    assert "passers-by a week" not in client.get(f"/units/{elsewhere.id}?lang=en").text


@pytest.mark.clock("2026-12-10T10:00+01:00")
def test_the_street_page_shows_its_footfall(client, login, counted):
    street = counted.areas[0].streets[0]
    login(counted.test_staff)
    assert "passanten per week" not in client.get(f"/streets/{street.id}").text
    _seed(counted, date(2026, 11, 9), 28)
    assert "± 16.800 passanten per week in deze straat" in client.get(f"/streets/{street.id}").text
