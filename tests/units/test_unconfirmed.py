"""A landlord whose e-mail address is unconfirmed publishes nothing: the page says why."""

from vrijstad.extensions import db
from vrijstad.units.models import UnitStatus


def test_an_unconfirmed_landlord_cannot_publish_a_unit(
    client, login, make_user, make_unit, make_org
):
    landlord = make_user("landlord", email_verified_at=None)
    unit = make_unit(owner=landlord, area=make_org().areas[0], status=UnitStatus.DRAFT)
    login(landlord)
    response = client.post(f"/units/{unit.id}/status", data={"status": "listed"})
    assert response.status_code == 403
    assert "Bevestig eerst je e-mailadres" in response.text
    db.session.refresh(unit)
    assert unit.status == UnitStatus.DRAFT and unit.listed_at is None
    # Drafts can still be saved and changed meanwhile.
    assert client.get(f"/units/{unit.id}/edit").status_code == 200


def test_a_confirmed_landlord_publishes(client, login, make_user, make_unit, make_org):
    landlord = make_user("landlord")
    unit = make_unit(owner=landlord, area=make_org().areas[0], status=UnitStatus.DRAFT)
    login(landlord)
    response = client.post(f"/units/{unit.id}/status", data={"status": "listed"})
    assert response.status_code == 302
    db.session.refresh(unit)
    assert unit.status == UnitStatus.LISTED
