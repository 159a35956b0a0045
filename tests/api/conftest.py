"""The API tests use the dashboard's hand-computed city centre."""

import pytest

from tests.dashboard.conftest import books, city, lettings  # noqa: F401 - fixtures
from vrijstad import clock
from vrijstad.extensions import db


@pytest.fixture
def token(city):  # noqa: F811 - the fixture imported above
    """A token of the city's organisation, as its admin made it."""
    from vrijstad.api import services

    with_token, plain = services.create_token(city.admin, city.org, "Website")
    db.session.commit()
    return plain


@pytest.fixture
def snapshots(city):  # noqa: F811
    """Three recorded months: two back (as recorded then) and the previous one."""

    from vrijstad.dashboard import services

    today = clock.today()
    current = today.replace(day=1)
    for back in (2, 1):
        month = services.add_months(current, -back)
        for area in (city.area, city.other_org.areas[0]):
            services.take_snapshot(area, month, services.month_end(month))
    db.session.commit()
    return [services.add_months(current, -2), services.add_months(current, -1)]
