"""Pushing counts through the API (a token of the counters' organisation) and reading an
area's weekly footfall as open data."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.footfall.conftest import hourly_csv
from vrijstad.api.services import create_token
from vrijstad.extensions import db
from vrijstad.footfall.importer import parse
from vrijstad.footfall.models import FootfallCount
from vrijstad.footfall.services import import_counts

COUNTS = [
    {"counter": "HS-01", "start": "2026-11-02T09:00:00+01:00", "count": 120},
    {"counter": "HS-01", "start": "2026-11-02T10:00:00+01:00", "count": 130},
]


def _token(organisation) -> dict:
    _row, plain = create_token(organisation.test_staff, organisation, "Teller")
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _stored() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(FootfallCount))


def test_a_token_of_the_counters_organisation_pushes_counts(client, counted):
    headers = _token(counted)
    answer = client.post("/api/v1/footfall?lang=en", json=COUNTS, headers=headers)
    assert answer.status_code == 201, answer.json
    assert answer.json == {"counts": 2, "counters": 1, "first": "2026-11-02", "last": "2026-11-02"}
    # Pushed again: replaced, not doubled.
    assert client.post("/api/v1/footfall?lang=en", json=COUNTS, headers=headers).status_code == 201
    assert _stored() == 2


def test_without_a_token_or_with_a_bad_one_nothing_is_pushed(client, counted):
    answer = client.post("/api/v1/footfall?lang=en", json=COUNTS)
    assert answer.status_code == 401
    assert "API token" in answer.json["message"]
    bad = client.post(
        "/api/v1/footfall?lang=en", json=COUNTS, headers={"Authorization": "Bearer nope"}
    )
    assert bad.status_code == 401
    assert _stored() == 0


def test_another_organisations_token_cannot_push_to_these_counters(client, counted, make_org):
    answer = client.post(
        "/api/v1/footfall?lang=en", json=COUNTS, headers=_token(make_org(staff_role="admin"))
    )
    assert answer.status_code == 422
    assert answer.json["errors"]["json"]["1"] == ["There is no counter with the code HS-01."]
    assert _stored() == 0


def test_bad_items_are_refused_with_their_reasons(client, counted):
    headers = _token(counted)
    items = [*COUNTS, {"counter": "HS-01", "start": "2026-11-02T09:30+01:00", "count": 5}]
    answer = client.post("/api/v1/footfall?lang=en", json=items, headers=headers)
    assert answer.status_code == 422
    assert "not on the hour" in answer.json["errors"]["json"]["3"][0]
    shape = client.post(
        "/api/v1/footfall?lang=en", json=[{"counter": "HS-01", "count": -1}], headers=headers
    )
    assert shape.status_code == 422 and set(shape.json["errors"]["json"]["0"]) == {"start", "count"}
    assert client.post("/api/v1/footfall?lang=en", json=[], headers=headers).status_code == 422
    assert _stored() == 0


@pytest.mark.clock("2026-12-10T10:00+01:00")
def test_the_open_data_gives_each_streets_weeks(client, counted):
    parsed = parse(hourly_csv(date(2026, 11, 23), 14))
    import_counts(None, counted, parsed.rows)
    db.session.commit()
    area = counted.areas[0]
    body = client.get(f"/api/v1/areas/{area.id}/footfall?weeks=3").json
    assert (body["first_week"], body["last_week"]) == ("2026-11-16", "2026-11-30")
    assert [(i["street"], i["week"], i["passers_by"]) for i in body["items"]] == [
        ("Hoogstraat", "2026-11-23", 16_800),
        ("Hoogstraat", "2026-11-30", 16_800),
    ]
    assert client.get(f"/api/v1/areas/{area.id}/footfall?weeks=0").status_code == 422
