"""Public street pages and the landlord's and starter's own cards on the home page."""

import re
from datetime import date, timedelta

import pytest

from tests.dashboard.test_views import page_text
from vrijstad import clock
from vrijstad.areas.models import Street
from vrijstad.extensions import db
from vrijstad.units.models import UnitStatus


def hoogstraat(city) -> Street:
    return next(s for s in city.area.streets if s.name == "Hoogstraat")


def test_street_page_is_public_once_published(client, login, city, lettings):
    street = hoogstraat(city)
    assert client.get(f"/streets/{street.id}").status_code == 404  # not published yet
    login(city.other_org.test_staff)
    assert client.get(f"/streets/{street.id}").status_code == 404
    assert client.get(f"/dashboard/streets/{street.id}/story").status_code == 403
    client.post("/logout")
    login(city.staff)
    assert "This page is not published" in client.get(f"/streets/{street.id}?lang=en").text
    response = client.post(
        f"/dashboard/streets/{street.id}/story",
        data={"story": "Since 1350 the market street.\n\nNow: makers.", "published": "y"},
    )
    assert response.status_code == 302
    client.post("/logout")
    text = page_text(client.get(f"/streets/{street.id}?lang=en"))
    assert "Since 1350 the market street." in text and "Now: makers." in text
    assert "3 of the 4 units are vacant." in text
    assert "%" not in text  # four units: a percentage would say more than it knows
    assert "Welcome here: Fashion & luxury" in text and "Enough of: Leisure & horeca" in text
    assert "Zaak 0" in text  # the new starter in h1
    assert "Hoogstraat 2" in text and "Hoogstraat 3" in text  # listed units
    assert "Hoogstraat 4" not in text  # a draft is not public


def publish(client, street, story="De Kerkstraat."):
    response = client.post(
        f"/dashboard/streets/{street.id}/story", data={"story": story, "published": "y"}
    )
    assert response.status_code == 302


def test_street_page_without_profile_shows_no_profile_and_a_count(client, login, city):
    street = next(s for s in city.area.streets if s.name == "Kerkstraat")
    login(city.staff)
    story_page = page_text(client.get(f"/dashboard/streets/{street.id}/story?lang=en"))
    assert "This street has no profile yet" in story_page
    profile_url = f"/organisations/{city.org.id}/streets/{street.id}/profile"
    assert profile_url in client.get(f"/dashboard/streets/{street.id}/story").text
    publish(client, street)
    staff_view = client.get(f"/streets/{street.id}?lang=en")
    assert profile_url in staff_view.text
    assert "This street has no profile yet, so the public page shows none." in page_text(staff_view)
    client.post("/logout")
    text = page_text(client.get(f"/streets/{street.id}?lang=nl"))
    assert "1 van de 3 panden staat leeg." in text
    assert "%" not in text and "Leegstand:" not in text
    assert "profiel" not in text.lower()


def test_street_page_gives_the_rate_from_ten_units(client, login, city, make_unit):
    street = hoogstraat(city)
    owner = db.session.get(type(city.staff), city.units["h1"].owner_id)
    for _ in range(6):
        make_unit(owner=owner, area=city.area, street="Hoogstraat", status=UnitStatus.LET)
    db.session.commit()
    login(city.staff)
    publish(client, street)
    client.post("/logout")
    text = page_text(client.get(f"/streets/{street.id}?lang=nl"))
    assert "3 van de 10 panden staan leeg." in text
    assert "Leegstand: 30,0 %" in text


def test_story_form_refuses_too_long_a_story(client, login, city):
    login(city.staff)
    street = hoogstraat(city)
    response = client.post(f"/dashboard/streets/{street.id}/story", data={"story": "x" * 6000})
    assert response.status_code == 422


def test_landlord_card_shows_own_units_and_payouts(client, login, city, books, make_user):
    landlord = db.session.get(type(city.staff), city.units["h1"].owner_id)
    login(landlord)
    text = page_text(client.get("/"))
    assert "Your units" in text
    assert re.search(r"Hoogstraat 2 listed 100", text)  # days vacant
    # 85.00 from this organisation's settlement and 660.45 from the other one's.
    assert "Paid out to you this year: €745.45" in text
    client.post("/logout")
    other = make_user("landlord", locale="en")
    login(other)
    text = page_text(client.get("/"))
    assert "You have no units on Vrijstad yet." in text
    assert "Paid out to you this year: €0.00" in text


@pytest.mark.clock("2026-12-12T12:00")
def test_starter_card_shows_own_applications_invoices_and_deadline(client, login, city, lettings):
    from vrijstad.billing.models import Invoice
    from vrijstad.letting.models import Placement

    starter = lettings[2]
    placement = db.session.query(Placement).filter_by(starter_id=lettings[0].id).one()
    placement.turnover_basis_points = 800
    db.session.add(
        Invoice(
            organisation_id=city.org.id,
            number=7,
            placement_id=placement.id,
            unit_id=placement.unit_id,
            starter_id=lettings[0].id,
            period=clock.this_month() - timedelta(days=40),
            issued_on=clock.today(),
            due_on=clock.today() + timedelta(days=14),
            net_cents=10_000,
            vat_cents=2_100,
            total_cents=12_100,
            supplier={},
            customer={},
        )
    )
    db.session.commit()
    login(starter)
    text = page_text(client.get("/"))
    assert "Your applications and invoices" in text
    assert "Hoogstraat 2" in text  # their open application
    assert "No open invoices." in text
    assert "Next turnover report" not in text
    client.post("/logout")
    login(lettings[0])
    response = client.get("/")
    html, text = response.text, page_text(response)
    assert "Invoice 7" in text and "€121.00 due" in text
    assert "Next turnover report: December 2026, due 10-01-2027." in text
    card = html[
        html.index('id="starter-card"') : html.index("</article>", html.index('id="starter-card"'))
    ]
    assert "Hoogstraat 2" not in card  # not their application (the home page may feature it)


@pytest.mark.clock("2026-12-12T12:00")
def test_starter_card_names_overdue_turnover_months(client, login, city, lettings):
    from vrijstad.letting.models import Placement

    placement = db.session.query(Placement).filter_by(starter_id=lettings[0].id).one()
    placement.turnover_basis_points = 800
    placement.start_date = date(2026, 10, 1)
    db.session.commit()
    login(lettings[0])
    text = page_text(client.get("/"))
    assert "Turnover reports overdue for October 2026, November 2026." in text
    assert "Next turnover report: December 2026, due 10-01-2027." in text
