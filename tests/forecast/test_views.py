"""The outlook page: staff of the area's organisation see every street's forecast."""

from datetime import timedelta

from vrijstad import clock
from vrijstad.areas.models import Street, StreetGrade
from vrijstad.dashboard.models import StreetStory
from vrijstad.extensions import db
from vrijstad.units.models import UnitStatus


def test_staff_see_each_streets_outlook_and_others_are_refused(client, login, make_org, make_unit):
    organisation = make_org()
    area = organisation.areas[0]
    for n in range(10):
        empty = n < 2
        make_unit(
            area=area,
            street="Hoogstraat",
            status=UnitStatus.LISTED if empty else UnitStatus.LET,
            vacant_since=clock.today() - timedelta(days=700) if empty else None,
        )
    login(organisation.test_staff)
    page = client.get(f"/dashboard/areas/{area.id}/forecast")
    assert page.status_code == 200
    assert "Hoogstraat" in page.text
    assert "20,0" in page.text or "20.0" in page.text  # two of ten empty now
    assert "In 12 months" in page.text or "Over 12 maanden" in page.text
    dashboard = client.get(f"/dashboard/areas/{area.id}")
    assert f"/dashboard/areas/{area.id}/forecast" in dashboard.text
    client.post("/logout")
    login(make_org().test_staff)
    assert client.get(f"/dashboard/areas/{area.id}/forecast").status_code == 403


def test_the_street_page_shows_its_outlook_to_staff_only(client, login, make_org, make_unit):
    organisation = make_org()
    area = organisation.areas[0]
    street = Street(area_id=area.id, name="Kerkstraat", grade=StreetGrade.A1)
    db.session.add(street)
    db.session.add(StreetStory(street=street, story="Een mooie straat.", published=True))
    db.session.commit()
    for n in range(10):
        empty = n < 2
        make_unit(
            area=area,
            street="Kerkstraat",
            status=UnitStatus.LISTED if empty else UnitStatus.LET,
            vacant_since=clock.today() - timedelta(days=700) if empty else None,
        )
    public = client.get(f"/streets/{street.id}")
    assert public.status_code == 200
    assert "Vooruitblik leegstand" not in public.text and "Vacancy outlook" not in public.text
    login(organisation.test_staff)
    page = client.get(f"/streets/{street.id}")
    assert "Vooruitblik leegstand" in page.text or "Vacancy outlook" in page.text
    assert "20,0" in page.text or "20.0" in page.text  # two of ten empty now
    assert f"/dashboard/areas/{area.id}/forecast" in page.text
    client.post("/logout")
    login(make_org().test_staff)  # staff of another organisation see the public page only
    other = client.get(f"/streets/{street.id}")
    assert other.status_code == 200 and f"/dashboard/areas/{area.id}/forecast" not in other.text
