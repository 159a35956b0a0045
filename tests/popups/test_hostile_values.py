"""Short lets with values no calendar or number holds (issue #20): each was a 500."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from vrijstad.extensions import db
from vrijstad.popups.models import BlockedPeriod, Booking


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01"])
def test_blocking_days_in_a_far_year_is_refused_with_a_reason(
    client, login, unit, short_lets, ahead, far
):
    login(unit.owner)
    days = sorted([ahead.isoformat(), far])
    data = {"first_day": days[0], "last_day": days[1], "reason": "Eigen"}
    answer = client.post(f"/units/{unit.id}/short-lets/blocked", data=data)
    assert answer.status_code == 422
    assert "tussen de jaren 1900 en 2200" in answer.text
    assert db.session.scalar(sa.select(sa.func.count(BlockedPeriod.id))) == 0


def test_a_superscript_digit_as_the_quoted_price_is_no_quote(
    client, login, unit, short_lets, starter, ahead
):
    """'²' passes str.isdigit but not int(): the request is taken as if no price was quoted."""
    login(starter)
    last = ahead + timedelta(days=1)
    data = {
        "first_day": ahead.isoformat(),
        "last_day": last.isoformat(),
        "quoted_cents": "²",
        "note": "Een pop-up met boeken",
    }
    answer = client.post(f"/units/{unit.id}/book", data=data)
    assert answer.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1
