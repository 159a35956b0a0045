"""Fixtures for short lets: a unit open for short lets, dates ahead, bookings."""

from datetime import date, timedelta

import pytest

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.i18n import force_locale
from vrijstad.popups.models import Booking, BookingStatus, ShortLetTerms


@pytest.fixture
def ctx(app):
    """A request context in English: the tests read the English messages (msgids)."""
    with app.test_request_context(), force_locale("en"):
        yield


DAY = 75_00  # € 75 a day
WEEK = 400_00  # € 400 a week


@pytest.fixture
def short_lets(unit):
    """The unit's short-let terms: € 75 a day, € 400 a week, 1–60 days, 2 days ahead."""
    terms = ShortLetTerms(
        unit_id=unit.id,
        enabled=True,
        price_cents_per_day=DAY,
        price_cents_per_week=WEEK,
        min_stay_days=1,
        max_stay_days=60,
        lead_time_days=2,
    )
    db.session.add(terms)
    db.session.commit()
    return terms


@pytest.fixture
def ahead():
    """A day far enough ahead for any lead time in these tests (a Monday)."""
    day = clock.today() + timedelta(days=14)
    return day - timedelta(days=day.weekday())


@pytest.fixture
def make_booking(unit, starter):
    """Factory: a booking row of the unit, [first, last] inclusive, straight into the database."""

    def make(first: date, last: date, status=BookingStatus.REQUESTED, who=None, unit_id=None):
        booking = Booking(
            unit_id=unit_id or unit.id,
            starter_id=(who or starter).id,
            status=status,
            start_date=first,
            end_date=last + timedelta(days=1),
            price_cents=DAY,
        )
        db.session.add(booking)
        db.session.commit()
        return booking

    return make
