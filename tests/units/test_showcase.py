"""A unit's public page around the unit: the call to action, the organisation to contact,
units on offer nearby, its street's page; and the "verhuurd" page of a let unit."""

import io
import re
from datetime import date, timedelta

import pytest

from tests.dashboard.test_views import page_text
from tests.units.test_views import fetch, jpeg_bytes
from vrijstad import clock
from vrijstad.applications import services as applications
from vrijstad.dashboard.models import StreetStory
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.starters.models import SpaceKind
from vrijstad.units.models import UnitStatus


def unit_links(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/units/(\d+)"', html)]


def en(client, url: str):
    return client.get(url, query_string={"lang": "en"})


def publish_street(area, name: str = "Hoogstraat") -> int:
    street = next(s for s in area.streets if s.name == name)
    db.session.add(StreetStory(street_id=street.id, story="Old market street.", published=True))
    db.session.commit()
    return street.id


def place(
    unit,
    starter,
    status=PlacementStatus.ACTIVE,
    started_days_ago: int = 10,
    start: date | None = None,
) -> Placement:
    """A year's placement of the starter in the unit, from ``start`` (or some days ago)."""
    start = start or clock.today() - timedelta(days=started_days_ago)
    placement = Placement(
        unit_id=unit.id,
        starter_id=starter.id,
        organisation_id=unit.area.organisation_id,
        status=status,
        kind=SpaceKind.WHOLE_UNIT,
        start_date=start,
        end_date=start + timedelta(days=365),
        base_fee_cents_per_month=50_000,
        starter_trade_name="Bakkerij De Korf",
    )
    db.session.add(placement)
    db.session.commit()
    return placement


@pytest.fixture
def let_unit(make_unit, org):
    org.email = "info@binnenstad.example"
    org.website = "https://binnenstad.example"
    return make_unit(area=org.areas[0], status=UnitStatus.LET, vacant_since=None)


def test_a_let_unit_answers_its_verhuurd_page(client, let_unit, starter, make_unit, org):
    place(let_unit, starter)
    nearby = make_unit(area=org.areas[0], street="Kerkstraat")
    make_unit(area=org.areas[0], status=UnitStatus.LET)  # let too: not on offer
    make_unit(area=org.areas[0], status=UnitStatus.DRAFT)
    response = en(client, f"/units/{let_unit.id}")
    assert response.status_code == 200
    text = page_text(response)
    assert "This space is let" in text
    assert "Bakkerij De Korf has opened here." in text  # her placement runs: named
    assert "info@binnenstad.example" in text and org.name in text  # whom to ask
    assert "Apply for this unit" not in text and "Log in to apply" not in text
    assert unit_links(response.text) == [nearby.id]  # the other let unit and the draft: not


def test_a_placement_not_started_yet_names_no_tenant(client, let_unit, starter):
    place(let_unit, starter, PlacementStatus.AGREED, started_days_ago=-20)
    text = page_text(en(client, f"/units/{let_unit.id}"))
    assert "This space is let" in text and "Bakkerij De Korf" not in text


def test_the_new_tenant_opens_her_own_shop(client, login, offered, starter):
    """Accepting the offer lets the unit; the link to it from her application still works."""
    with client.application.test_request_context():
        applications.accept_offer(starter, offered)
        db.session.commit()
    unit = offered.unit
    assert unit.status == UnitStatus.LET
    login(starter)
    application = en(client, f"/applications/{offered.id}")
    assert f'href="/units/{unit.id}"' in application.text
    text = page_text(client.get(f"/units/{unit.id}"))  # in her own language, Dutch
    assert "Deze ruimte is verhuurd" in text and "Dit is jouw winkel." in text


def test_the_landlord_still_manages_a_let_unit(client, login, let_unit):
    login(let_unit.owner)
    response = en(client, f"/units/{let_unit.id}")
    assert response.status_code == 200
    assert f'href="/units/{let_unit.id}/edit"' in response.text  # her own tools
    assert 'id="let-heading"' not in response.text


@pytest.mark.parametrize("status", [UnitStatus.DRAFT, UnitStatus.WITHDRAWN])
def test_drafts_and_withdrawn_units_stay_hidden(client, login, make_unit, make_user, org, status):
    unit = make_unit(area=org.areas[0], status=status)
    assert client.get(f"/units/{unit.id}").status_code == 404
    login(make_user("landlord"))
    assert client.get(f"/units/{unit.id}").status_code == 404


def test_the_call_to_action_is_a_button_for_each_visitor(client, login, unit, starter, org):
    org.email = "info@binnenstad.example"
    db.session.commit()
    response = en(client, f"/units/{unit.id}")
    text = page_text(response)
    assert f'role="button" href="/login?next=/units/{unit.id}/apply"' in response.text
    assert "Log in to apply" in text
    assert "Contact" in text and "info@binnenstad.example" in text
    login(starter)
    response = en(client, f"/units/{unit.id}")
    assert f'role="button" href="/units/{unit.id}/apply"' in response.text
    assert "Log in to apply" not in response.text


def test_nearby_units_are_on_offer_and_nearest_first(client, make_unit, org, make_org):
    area = org.areas[0]
    unit = make_unit(area=area, latitude=52.0, longitude=6.0)
    far = make_unit(area=area, latitude=52.02, longitude=6.0)
    near = make_unit(area=area, latitude=52.001, longitude=6.0)
    middle = make_unit(area=area, latitude=52.0, longitude=6.01)  # ~690 m east
    make_unit(area=area, latitude=52.0, longitude=6.0001, status=UnitStatus.LET)
    make_unit(area=area, latitude=52.0, longitude=6.0002, status=UnitStatus.WITHDRAWN)
    make_unit(area=make_org().areas[0], latitude=52.0, longitude=6.0)  # another area
    unpinned = make_unit(area=area, latitude=None, longitude=None)
    fifth = make_unit(area=area, latitude=52.05, longitude=6.0)
    response = en(client, f"/units/{unit.id}")
    nearby = unit_links(response.text.split('id="nearby-heading"')[1])
    assert nearby == [near.id, middle.id, far.id, fifth.id]  # the unpinned one comes last: cut
    assert unpinned.id not in nearby


def test_the_unit_page_links_its_published_street(client, unit, org):
    response = en(client, f"/units/{unit.id}")
    assert "More about the Hoogstraat" not in response.text
    street_id = publish_street(org.areas[0])
    response = en(client, f"/units/{unit.id}")
    assert f'href="/streets/{street_id}"' in response.text
    assert "More about the Hoogstraat" in page_text(response)


def test_a_let_units_photo_shows_on_its_page_a_withdrawn_ones_not(client, login, unit):
    login(unit.owner)
    client.post(f"/units/{unit.id}/photos", data={"photo": (io.BytesIO(jpeg_bytes()), "a.jpg")})
    client.post("/logout")
    db.session.refresh(unit)
    thumbnail = f"/media/units/{unit.id}/{unit.photos[0].thumbnail}"
    unit.status = UnitStatus.LET  # a test sets the stage; the app moves it through the workflow
    db.session.commit()
    response = en(client, f"/units/{unit.id}")
    assert f'src="{thumbnail}"' in response.text
    assert fetch(client, thumbnail)[0] == 200
    unit.status = UnitStatus.WITHDRAWN
    db.session.commit()
    assert fetch(client, thumbnail)[0] == 404
