"""Short-let pages: who may open each route, the calendar fragment, the live price, the feed."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template_string
from icalendar import Calendar
from pypdf import PdfReader

from tests.popups.conftest import DAY, WEEK
from vrijstad import clock
from vrijstad.extensions import db, limiter
from vrijstad.letting.models import Placement
from vrijstad.popups.models import BlockedPeriod, Booking, BookingStatus, ShortLetTerms


@pytest.fixture
def people(org, unit, starter, make_user, make_org, make_starter):
    """Everyone who might try a route: the unit's side, outsiders, and two starters."""
    return {
        "owner": unit.owner,
        "staff": org.test_staff,
        "other_landlord": make_user("landlord"),
        "other_staff": make_org().test_staff,
        "starter": starter,
        "starter_b": make_starter(name="Bram Buiten"),
    }


def as_(client, login, user):
    """Log in as someone else (the login rate limit is not what these tests are about)."""
    client.post("/logout")
    limiter.reset()
    login(user)
    return client


def english(client):
    client.post("/language", data={"language": "en"})


# Terms, blocked days, feed token -----------------------------------------------------------


def test_terms_page_is_for_the_landlords_side_only(client, login, people, unit):
    url = f"/units/{unit.id}/short-lets"
    assert client.get(url).status_code == 302  # to the login page
    for who, status in [
        ("owner", 200),
        ("staff", 200),
        ("other_landlord", 404),
        ("other_staff", 404),
        ("starter", 404),
    ]:
        assert as_(client, login, people[who]).get(url).status_code == status, who
    for who in ("other_landlord", "other_staff", "starter"):
        as_(client, login, people[who])
        assert client.post(url, data={"enabled": "y", "price_day": "75"}).status_code == 404
        blocked = client.post(
            f"{url}/blocked", data={"first_day": "2099-01-01", "last_day": "2099-01-02"}
        )
        assert blocked.status_code == 404
        assert client.post(f"{url}/feed-token").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(ShortLetTerms.id))) == 0


def test_owner_opens_the_unit_for_short_lets(client, login, unit):
    login(unit.owner)
    english(client)
    data = {
        "enabled": "y",
        "price_day": "75",
        "price_week": "400",
        "min_stay": "2",
        "max_stay": "30",
        "lead_time": "3",
        "weekdays": ["4", "5", "6"],
    }
    response = client.post(f"/units/{unit.id}/short-lets", data=data, follow_redirects=True)
    assert "The short-let terms are saved." in response.text
    terms = db.session.scalar(sa.select(ShortLetTerms))
    assert (terms.price_cents_per_day, terms.price_cents_per_week) == (DAY, WEEK)
    assert (terms.min_stay_days, terms.max_stay_days, terms.lead_time_days) == (2, 30, 3)
    assert terms.weekdays_mask == 0b1110000
    assert f"/calendar/{terms.ical_token}.ics" in response.text


def test_invalid_terms_are_422_with_the_reason(client, login, unit):
    login(unit.owner)
    english(client)
    data = {"enabled": "y", "min_stay": "5", "max_stay": "4", "lead_time": "2", "weekdays": "0"}
    response = client.post(f"/units/{unit.id}/short-lets", data=data)
    assert response.status_code == 422
    assert "State a price per day, per week or both." in response.text
    assert db.session.scalar(sa.select(sa.func.count(ShortLetTerms.id))) == 0


def test_block_and_unblock_days(client, login, unit, short_lets, ahead, make_user):
    login(unit.owner)
    english(client)
    url = f"/units/{unit.id}/short-lets/blocked"
    bad = client.post(
        url,
        data={"first_day": ahead.isoformat(), "last_day": (ahead - timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 422
    assert "The last day cannot be before the first day." in bad.text
    data = {"first_day": ahead.isoformat(), "last_day": ahead.isoformat(), "reason": "Eigen"}
    assert client.post(url, data=data).status_code == 302
    period = db.session.scalar(sa.select(BlockedPeriod))
    as_(client, login, make_user("landlord"))
    assert client.post(f"{url}/{period.id}/delete").status_code == 404
    as_(client, login, unit.owner)
    assert client.post(f"{url}/{period.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(BlockedPeriod.id))) == 0


# The calendar fragment ---------------------------------------------------------------------


def test_calendar_fragment_shows_booked_and_blocked_days(
    client, unit, short_lets, make_booking, ahead
):
    make_booking(ahead, ahead + timedelta(days=1), BookingStatus.ACCEPTED)
    db.session.add(
        BlockedPeriod(
            unit_id=unit.id,
            start_date=ahead + timedelta(days=3),
            end_date=ahead + timedelta(days=4),
        )
    )
    db.session.commit()
    month = ahead.strftime("%Y-%m")
    response = client.get(f"/units/{unit.id}/calendar?month={month}", headers={"HX-Request": "1"})
    assert response.status_code == 200
    assert "<html" not in response.text  # a fragment
    assert f'data-date="{ahead.isoformat()}" data-state="booked"' in response.text
    assert f'data-date="{(ahead + timedelta(days=3)).isoformat()}" data-state="blocked"' in (
        response.text
    )
    assert f'data-month="{month}"' in response.text
    assert f"/units/{unit.id}/calendar?month=" in response.text  # hx-get to the next month


def test_calendar_is_hidden_when_not_open_or_not_visible(client, login, unit, make_unit):
    assert client.get(f"/units/{unit.id}/calendar").status_code == 404  # no terms
    login(unit.owner)
    assert client.get(f"/units/{unit.id}/calendar").status_code == 200  # the owner sees it
    draft = make_unit(owner=unit.owner, status="draft")
    client.post("/logout")
    assert client.get(f"/units/{draft.id}/calendar").status_code == 404
    assert client.get("/units/99999/calendar").status_code == 404


def test_unit_page_section_renders_from_its_include(app, unit, short_lets, make_booking, ahead):
    make_booking(ahead, ahead, BookingStatus.ACCEPTED)
    with app.test_request_context(f"/units/{unit.id}?month={ahead.strftime('%Y-%m')}"):
        html = render_template_string('{% include "popups/_unit_panel.html" %}', unit=unit)
    assert 'id="short-lets"' in html
    assert f'data-date="{ahead.isoformat()}" data-state="booked"' in html
    assert f"/units/{unit.id}/book" in html


# Booking requests and the live price -------------------------------------------------------


def test_only_starters_book_and_only_open_units(client, login, people, unit, make_unit, ahead):
    url = f"/units/{unit.id}/book"
    login(people["starter"])
    assert client.get(url).status_code == 404  # not open for short lets yet
    db.session.add(ShortLetTerms(unit_id=unit.id, enabled=True, price_cents_per_day=DAY))
    db.session.commit()
    assert client.get(url).status_code == 200
    for who in ("owner", "other_landlord", "other_staff"):
        assert as_(client, login, people[who]).get(url).status_code == 403, who


def test_starter_requests_dates_at_the_price_shown(client, login, unit, short_lets, starter, ahead):
    login(starter)
    english(client)
    last = ahead + timedelta(days=8)
    price = client.get(
        f"/units/{unit.id}/book/price",
        query_string={"first_day": ahead.isoformat(), "last_day": last.isoformat()},
        headers={"HX-Request": "1"},
    )
    assert price.status_code == 200
    assert "Price: €550.00 excl. VAT" in price.text  # one week and two days
    assert 'name="quoted_cents" value="55000"' in price.text
    data = {
        "first_day": ahead.isoformat(),
        "last_day": last.isoformat(),
        "quoted_cents": "55000",
        "note": "Een pop-up met boeken",
    }
    response = client.post(f"/units/{unit.id}/book", data=data, follow_redirects=True)
    assert "Your request has been sent to the landlord." in response.text
    booking = db.session.scalar(sa.select(Booking))
    assert (booking.start_date, booking.last_day, booking.price_cents) == (ahead, last, 550_00)
    assert "€550.00" in client.get("/my/bookings").text


def test_refused_dates_are_422_with_the_reason(client, login, unit, short_lets, starter):
    login(starter)
    english(client)
    past = clock.today() - timedelta(days=3)
    query = {"first_day": past.isoformat(), "last_day": clock.today().isoformat()}
    price = client.get(f"/units/{unit.id}/book/price", query_string=query)
    assert price.status_code == 200  # a preview: the reason is its answer
    assert "These dates lie in the past." in price.text
    response = client.post(f"/units/{unit.id}/book", data=query)
    assert response.status_code == 422
    assert "These dates lie in the past." in response.text
    assert client.get(f"/units/{unit.id}/book/price").status_code == 200  # no dates yet
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


# Requests list and actions -----------------------------------------------------------------


def test_requests_list_is_for_the_landlords_side(client, login, people, unit, make_booking, ahead):
    make_booking(ahead, ahead + timedelta(days=1))
    url = f"/units/{unit.id}/bookings"
    for who, status in [
        ("owner", 200),
        ("staff", 200),
        ("other_landlord", 404),
        ("other_staff", 404),
        ("starter", 404),
        ("starter_b", 404),
    ]:
        assert as_(client, login, people[who]).get(url).status_code == status, who


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_accept_and_decline_permissions(
    client, login, people, unit, short_lets, make_booking, ahead, action
):
    booking = make_booking(ahead, ahead + timedelta(days=1))
    url = f"/bookings/{booking.id}/{action}"
    assert client.post(url).status_code == 302  # anonymous: to the login page
    for who, status in [
        ("other_landlord", 404),
        ("other_staff", 404),
        ("starter_b", 404),
        ("starter", 403),
    ]:
        assert as_(client, login, people[who]).post(url).status_code == status, who
    assert db.session.get(Booking, booking.id).status == BookingStatus.REQUESTED
    response = as_(client, login, people["owner"]).post(url)
    assert response.status_code == 302
    assert response.location.endswith(f"/units/{unit.id}/bookings")
    db.session.expire_all()
    expected = BookingStatus.ACCEPTED if action == "accept" else BookingStatus.DECLINED
    assert db.session.get(Booking, booking.id).status == expected


def test_staff_accepts_and_a_placement_appears(
    client, login, people, unit, short_lets, make_booking, ahead
):
    booking = make_booking(ahead, ahead + timedelta(days=1))
    login(people["staff"])
    english(client)
    response = client.post(f"/bookings/{booking.id}/accept", follow_redirects=True)
    assert "The booking is accepted; the days are booked." in response.text
    placement = db.session.scalar(sa.select(Placement))
    assert placement.start_date == ahead


def test_cancel_permissions(client, login, people, unit, short_lets, make_booking, ahead):
    booking = make_booking(ahead, ahead + timedelta(days=1))
    url = f"/bookings/{booking.id}/cancel"
    for who in ("other_landlord", "other_staff", "starter_b"):
        assert as_(client, login, people[who]).post(url).status_code == 404, who
    response = as_(client, login, people["starter"]).post(url)
    assert response.location.endswith("/my/bookings")
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.CANCELLED


def test_my_bookings_shows_only_mine(client, login, people, unit, make_booking, ahead):
    make_booking(ahead, ahead + timedelta(days=1), who=people["starter_b"])
    assert client.get("/my/bookings").status_code == 302
    login(people["starter"])
    english(client)
    assert "You have no bookings yet." in client.get("/my/bookings").text


def test_buttons_need_the_csrf_token(client, login, unit, short_lets, make_booking, ahead):
    booking = make_booking(ahead, ahead + timedelta(days=1))
    login(unit.owner)
    assert client.post(f"/bookings/{booking.id}/accept", csrf=False).status_code == 400
    assert db.session.get(Booking, booking.id).status == BookingStatus.REQUESTED


# The iCalendar feed ------------------------------------------------------------------------


def test_feed_with_the_secret_link(client, login, unit, short_lets, make_booking, ahead):
    make_booking(ahead, ahead + timedelta(days=1), BookingStatus.ACCEPTED)
    response = client.get(f"/calendar/{short_lets.ical_token}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [ahead]


def test_feed_with_a_wrong_token_is_404(client, login, unit, short_lets):
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    assert client.get(f"/calendar/{short_lets.ical_token[:-1]}.ics").status_code == 404
    old = short_lets.ical_token
    login(unit.owner)
    assert client.post(f"/units/{unit.id}/short-lets/feed-token").status_code == 302
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    db.session.expire_all()
    assert client.get(f"/calendar/{db.session.get(ShortLetTerms, short_lets.id).ical_token}.ics")


# Public search: "free between A and B" -------------------------------------------------------


def test_search_for_units_free_between_two_dates(
    client, unit, short_lets, make_unit, make_booking, ahead
):
    unit.street = "Vrije Gracht"
    booked = make_unit(area=unit.area, street="Volle Gracht")
    db.session.add(ShortLetTerms(unit_id=booked.id, enabled=True, price_cents_per_day=DAY))
    make_unit(area=unit.area, street="Gesloten Gracht")  # not open for short lets
    db.session.commit()
    make_booking(
        ahead + timedelta(days=2),
        ahead + timedelta(days=3),
        BookingStatus.ACCEPTED,
        unit_id=booked.id,
    )

    def found(**dates) -> set[str]:
        text = client.get("/units", query_string={k: v.isoformat() for k, v in dates.items()}).text
        return {s for s in ("Vrije Gracht", "Volle Gracht", "Gesloten Gracht") if s in text}

    assert found() == {"Vrije Gracht", "Volle Gracht", "Gesloten Gracht"}
    assert found(free_from=ahead, free_until=ahead + timedelta(days=4)) == {"Vrije Gracht"}
    assert found(free_from=ahead, free_until=ahead + timedelta(days=1)) == {
        "Vrije Gracht",
        "Volle Gracht",
    }
    assert found(free_from=ahead + timedelta(days=3)) == {"Vrije Gracht"}  # one date: that day
    response = client.get(
        "/units", query_string={"free_from": ahead.isoformat(), "free_until": "2000-01-01"}
    )
    assert response.status_code == 400  # the search page's answer to an invalid filter


def test_a_five_day_placement_shows_its_last_day_and_the_price_of_the_stay(
    client, login, people, unit, short_lets, make_booking, ahead
):
    """Issue 23: a 5-day pop-up showed "€ 375 per maand" and an end date one day late."""
    tuesday, saturday = ahead + timedelta(days=1), ahead + timedelta(days=5)
    booking = make_booking(tuesday, saturday)
    booking.price_cents = 5 * DAY
    db.session.commit()
    as_(client, login, people["staff"])
    client.post(f"/bookings/{booking.id}/accept")
    page = as_(client, login, people["starter"]).get("/my/placements").text
    assert "375,00 voor 5 dagen" in page and "per maand" not in page
    assert saturday.strftime("%d-%m-%Y") in page
    assert (saturday + timedelta(days=1)).strftime("%d-%m-%Y") not in page
    placement = db.session.scalar(sa.select(Placement))
    pdf = client.get(f"/placements/{placement.id}/agreement.pdf").data
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Laatste dag" in text and saturday.strftime("%d-%m-%Y") in text
    assert "Vergoeding voor het hele verblijf" in text and "per maand" not in text
