"""The listing wizard: postcode and number fill the address, each step keeps its data, and a
pin far from the address needs confirming before the unit saves and publishes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.units import services
from vrijstad.units.addresses import AddressServiceDown
from vrijstad.units.models import Unit, UnitStatus

KERKSTRAAT_7 = {"postcode": "7411 hn", "house_number": "7"}  # in the fake's demo addresses
#: The fake's point for Kerkstraat 7, and a point about 60 km away (near Arnhem).
NEAR = ("52.2546", "6.1603")
FAR = ("51.9851", "5.8987")


def address_step(area_id, **overrides):
    data = {
        **KERKSTRAAT_7,
        "street": "Kerkstraat",
        "city": "Dijkerveen",
        "area_id": str(area_id),
        "action": "next",
    }
    return data | overrides


def facts_step(**overrides):
    return {
        "floor_area_vvo": "85",
        "permitted_uses": ["detailhandel"],
        "energy_label": "C",
        "description": "Etalage aan de Kerkstraat.",
        "action": "next",
    } | overrides


@pytest.fixture
def landlord(make_user, login):
    user = make_user("landlord")
    login(user)
    return user


def test_postcode_and_number_fill_the_address(client, landlord):
    response = client.post("/units/wizard", data={**KERKSTRAAT_7, "action": "lookup"})
    assert response.status_code == 200, response.text
    assert 'value="Kerkstraat"' in response.text
    assert 'value="Dijkerveen"' in response.text
    assert 'value="7411 HN"' in response.text
    assert 'value="52.254' in response.text  # the pin starts at the address
    assert "Stap 1 van 6" in response.text


def test_a_bad_postcode_is_a_field_error(client, landlord):
    response = client.post(
        "/units/wizard", data={"postcode": "0123 AB", "house_number": "7", "action": "lookup"}
    )
    assert response.status_code == 422
    assert "Nederlandse postcode" in response.text
    saved = client.post(
        "/units/wizard", data={**KERKSTRAAT_7, "postcode": "12345", "action": "next"}
    )
    assert saved.status_code == 422
    assert "Nederlandse postcode" in saved.text


def test_an_unknown_address_can_be_typed_by_hand(client, landlord, make_org):
    area = make_org().areas[0]
    unknown = {"postcode": "1234 AB", "house_number": "1", "action": "lookup"}
    response = client.post("/units/wizard", data=unknown)
    assert response.status_code == 422
    assert "Geen adres gevonden" in response.text
    typed = address_step(
        area.id, postcode="1234 AB", house_number="1", latitude="52.1", longitude="5.1"
    )
    assert client.post("/units/wizard", data=typed).status_code == 302
    assert client.post("/units/wizard/facts", data=facts_step()).status_code == 302
    unit = db.session.scalar(sa.select(Unit))
    assert (unit.street, unit.address_latitude, unit.bag_id) == ("Kerkstraat", None, None)
    assert (unit.latitude, unit.longitude) == (52.1, 5.1)  # the typed pin, no rule without a point


def test_a_service_that_is_down_is_said_without_a_500(client, landlord, app, monkeypatch):
    class Down:
        def lookup(self, postcode, number, addition=None):
            raise AddressServiceDown("timeout")

    monkeypatch.setitem(app.extensions, "address_lookup", Down())
    response = client.post("/units/wizard", data={**KERKSTRAAT_7, "action": "lookup"})
    assert response.status_code == 422
    assert "niet bereikbaar" in response.text


def test_the_steps_keep_their_data_and_publish(client, landlord, make_org):
    area = make_org().areas[0]
    response = client.post("/units/wizard", data=address_step(area.id))
    assert response.location.endswith("/units/wizard/facts")
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 0  # waits for the facts
    again = client.get("/units/wizard")
    assert 'value="Kerkstraat"' in again.text and 'value="7"' in again.text  # nothing lost
    assert client.post("/units/wizard/facts", data={"action": "back"}).status_code == 422

    back = client.post("/units/wizard/facts", data=facts_step(action="back"))
    unit = db.session.scalar(sa.select(Unit))  # going back saved the draft
    assert back.location.endswith(f"/units/{unit.id}/wizard/address")
    assert client.get(back.location).status_code == 200
    onwards = client.post(back.location, data=address_step(area.id))
    assert onwards.location.endswith(f"/units/{unit.id}/wizard/facts")
    created = client.post(f"/units/{unit.id}/wizard/facts", data=facts_step())
    assert created.location.endswith(f"/units/{unit.id}/wizard/photos")
    db.session.expire_all()
    # The address service's answer: BAG id, the address's point, and the pin there.
    assert unit.bag_id is not None and len(unit.bag_id) == 16
    assert (unit.latitude, unit.longitude) == (unit.address_latitude, unit.address_longitude)
    assert (unit.status, unit.floor_area_vvo, unit.rent_cents_per_year) == (UnitStatus.DRAFT, 85, 0)

    step = f"/units/{unit.id}/wizard"
    assert client.get(f"{step}/photos").status_code == 200
    assert client.post(f"{step}/photos", data={"action": "next"}).location.endswith("/terms")
    terms = {
        "rent_cents_per_year": "18.000",
        "vat_opted": "y",
        "available_from": (clock.today() + timedelta(days=14)).isoformat(),
        "action": "back",
    }
    assert client.post(f"{step}/terms", data=terms).location.endswith("/photos")
    db.session.expire_all()
    assert unit.rent_cents_per_year == 1_800_000  # saved on the way back
    facts = client.get(f"{step}/facts")
    assert 'value="85"' in facts.text and "Stap 2 van 6" in facts.text
    preview = client.get(f"{step}/preview")
    assert "1.500,00" in preview.text and "excl. btw" in preview.text
    published = client.post(f"{step}/publish", data={"action": "publish"})
    assert published.location.endswith(f"/units/{unit.id}")
    db.session.expire_all()
    assert unit.status == UnitStatus.LISTED


def test_a_pin_far_from_the_address_needs_confirming(client, landlord, make_org):
    area = make_org().areas[0]
    far = address_step(area.id, latitude=FAR[0], longitude=FAR[1])
    refused = client.post("/units/wizard", data=far)
    assert refused.status_code == 422
    assert "De pin staat 34,9 km van het adres — klopt dat?" in refused.text
    assert client.post("/units/wizard", data=far | {"pin_confirmed": "y"}).status_code == 302
    client.post("/units/wizard/facts", data=facts_step())
    unit = db.session.scalar(sa.select(Unit))
    assert unit.pin_confirmed and services.publish_problems(unit) != []  # rent still missing

    step = f"/units/{unit.id}/wizard/address"
    moved = address_step(area.id, latitude=NEAR[0], longitude=NEAR[1])
    assert client.post(step, data=moved).status_code == 302  # near needs nothing
    db.session.expire_all()
    assert not unit.pin_confirmed
    again_far = client.post(step, data=address_step(area.id, latitude=FAR[0], longitude=FAR[1]))
    assert again_far.status_code == 422  # moving it far asks again
    assert "km van het adres" in again_far.text


def test_publishing_refuses_a_far_pin_without_confirmation(app, make_unit, make_org):
    """The bug: a careless click 60 km away passed the publish check."""
    area = make_org().areas[0]
    unit = make_unit(
        area=area,
        status=UnitStatus.DRAFT,
        latitude=float(FAR[0]),
        longitude=float(FAR[1]),
        address_latitude=float(NEAR[0]),
        address_longitude=float(NEAR[1]),
    )
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        problems = services.publish_problems(unit)
        assert [p.field for p in problems] == ["pin_confirmed"]
        assert "km van het adres" in problems[0].message
        with pytest.raises(services.UnitError):
            services.change_status(unit.owner, unit, UnitStatus.LISTED)
        db.session.rollback()
        unit.pin_confirmed = True
        assert services.publish_problems(unit) == []


def test_others_cannot_use_the_wizard_on_a_unit(client, make_user, make_unit, login):
    unit = make_unit()
    login(make_user("landlord"))
    assert client.get(f"/units/{unit.id}/wizard/address").status_code == 404
    assert (
        client.post(f"/units/{unit.id}/wizard/terms", data={"rent_cents_per_year": "1"}).status_code
        == 404
    )


def test_only_landlords_start_the_wizard(client, make_user, login):
    login(make_user("starter"))
    assert client.get("/units/wizard").status_code == 403


def test_the_one_page_form_asks_too_when_the_pin_moves_far(client, landlord, make_org):
    area = make_org().areas[0]
    client.post("/units/wizard", data=address_step(area.id))
    client.post("/units/wizard/facts", data=facts_step())
    unit = db.session.scalar(sa.select(Unit))
    form = client.get(f"/units/{unit.id}/edit")
    assert form.status_code == 200 and 'name="pin_confirmed"' not in form.text
    data = {
        **address_step(area.id, latitude=FAR[0], longitude=FAR[1]),
        **facts_step(),
        "rent_cents_per_year": "18.000",
    }
    refused = client.post(f"/units/{unit.id}/edit", data=data)
    assert refused.status_code == 422
    assert 'name="pin_confirmed"' in refused.text and "km van het adres" in refused.text
    assert (
        client.post(f"/units/{unit.id}/edit", data=data | {"pin_confirmed": "y"}).status_code == 302
    )
    db.session.expire_all()
    assert unit.pin_confirmed and unit.latitude == float(FAR[0])


def test_street_and_city_take_the_latin_script_of_dutch_addresses():
    from types import SimpleNamespace

    import pytest
    from wtforms import ValidationError

    from vrijstad.units.forms import address_name

    for name in ("'s-Gravenweg", "Rue de l'Église", "Bürgerstraße", "St.-Jansstraat (achter)"):
        address_name(None, SimpleNamespace(data=name))
    for name in ("Kerk🏪straat", "Kerkstraat<script>", "街道"):
        with pytest.raises(ValidationError):
            address_name(None, SimpleNamespace(data=name))
