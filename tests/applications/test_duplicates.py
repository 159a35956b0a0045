"""A starter's application sent three times at the same moment (a triple click, a retrying
proxy): one application; the others are shown the first one, with a message; no error page.
On PostgreSQL only (see tests/races.py)."""

import pytest
import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from tests.races import at_once, client_of, postgresql_only
from vrijstad.applications.models import Application
from vrijstad.extensions import db


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgresql_only()


def test_three_simultaneous_identical_applications_make_one(app, unit, starter):
    clients = [client_of(app, starter) for _ in range(3)]
    url = f"/units/{unit.id}/apply"
    db.session.remove()

    def apply(client, i):
        response = client.post(url, data={"motivation": MOTIVATION})
        return response.status_code, response.headers.get("Location")

    results = at_once(clients, apply)
    statuses = sorted(r[0] if isinstance(r, tuple) else r for r in results)
    assert statuses == [302, 303, 303], statuses
    application_id = db.session.scalar(sa.select(Application.id))
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1
    assert {location for _status, location in results} == {f"/applications/{application_id}"}
    for client, (status, location) in zip(clients, results, strict=True):
        page = client.get(location)
        assert page.status_code == 200
        assert ("al een open reactie op dit pand" in page.text) == (status == 303)
