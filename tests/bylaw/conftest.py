"""Fixtures for the vacancy bylaw: an organisation with a bylaw and a unit vacant since a day."""

from datetime import date

import pytest

from vrijstad.bylaw import services
from vrijstad.extensions import db

#: The tests run on this day (``@pytest.mark.clock``); a unit vacant since SIX_MONTHS_AGO
#: must be reported today exactly.
NOW = "2026-12-10T10:00+01:00"
TODAY = date(2026, 12, 10)
SIX_MONTHS_AGO = date(2026, 6, 10)
YEAR_AGO = date(2025, 12, 10)


@pytest.fixture
def english(app):
    """Services' refusals and tasks read in English, as inside an English request."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def org(english, make_org):
    organisation = make_org()
    services.save_bylaw(
        organisation.test_staff, organisation, "Gemeente Dijkerveen", date(2020, 1, 1)
    )
    db.session.commit()
    return organisation


@pytest.fixture
def vacant_unit(org, make_unit, make_user):
    """A unit in the organisation's area, vacant since SIX_MONTHS_AGO."""

    def make(since: date = SIX_MONTHS_AGO, **overrides):
        owner = make_user("landlord", name="Henk de Eigenaar")
        return make_unit(owner=owner, area=org.areas[0], vacant_since=since, **overrides)

    return make
