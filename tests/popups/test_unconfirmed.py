"""A starter whose e-mail address is unconfirmed books no pop-up days: the page says why."""

from datetime import timedelta

import sqlalchemy as sa

from vrijstad.extensions import db
from vrijstad.popups.models import Booking


def test_an_unconfirmed_starter_cannot_book_and_is_told_why(
    client, login, unit, short_lets, starter, ahead
):
    starter.email_verified_at = None
    db.session.commit()
    login(starter)
    last = ahead + timedelta(days=2)
    data = {"first_day": ahead.isoformat(), "last_day": last.isoformat(), "quoted_cents": "22500"}
    response = client.post(f"/units/{unit.id}/book", data=data)
    assert response.status_code == 403
    assert "Bevestig eerst je e-mailadres" in response.text
    assert 'action="/account/confirm"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0
    starter.email_verified_at = starter.created_at
    db.session.commit()
    assert client.post(f"/units/{unit.id}/book", data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 1
