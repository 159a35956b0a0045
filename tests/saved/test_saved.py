"""Saving a search and keeping favourites: what a starter sees on the pages."""

from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from vrijstad.extensions import db
from vrijstad.notifications.models import Notification
from vrijstad.notifications.services import notification_text
from vrijstad.privacy import services as privacy
from vrijstad.saved import services
from vrijstad.saved.models import DigestFrequency, Favourite, SavedSearch
from vrijstad.units import services as units
from vrijstad.units.models import PermittedUse, UnitStatus
from vrijstad.units.status import move_unit


def test_saving_from_a_search_url_keeps_its_filters(client, login, starter):
    login(starter)
    url = "/saved/searches/new?city=Dijkerveen&max_rent=2500&use=horeca_1&page=3&min_area=veel&x=1"
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="city=Dijkerveen&amp;max_rent=2500&amp;use=horeca_1"' in page.text
    response = client.post(
        "/saved/searches/new",
        data={
            "name": "Horeca centrum",
            "frequency": "daily",
            "query": "city=Dijkerveen&max_rent=2500&use=horeca_1",
        },
    )
    assert response.status_code == 302
    search = db.session.scalar(sa.select(SavedSearch))
    assert (search.name, search.frequency) == ("Horeca centrum", DigestFrequency.DAILY)
    filters = services.filters_of(search)
    assert (filters.city, filters.max_rent_month_euros, filters.use) == (
        "Dijkerveen",
        2500,
        PermittedUse.HORECA_1,
    )
    mine = client.get("/saved/searches")
    assert "Horeca centrum" in mine.text
    opened = next(
        line for line in mine.text.splitlines() if "Horeca centrum" in line and "href" in line
    )
    href = opened.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert urlsplit(href).path == "/units"
    assert dict(parse_qsl(urlsplit(href).query)) == {
        "city": "Dijkerveen",
        "max_rent": "2500",
        "use": "horeca_1",
    }


def test_the_search_page_offers_to_save_even_an_empty_result(client, login, starter):
    login(starter)
    page = client.get("/units?city=Nergenshuizen")
    assert "No units match" in page.text or "Geen" in page.text
    assert "/saved/searches/new?city=Nergenshuizen" in page.text


def test_rename_change_frequency_and_delete(client, login, starter):
    login(starter)
    search = services.save_search(starter, {"city": "Dijkerveen"}, "Eerste", DigestFrequency.WEEKLY)
    db.session.commit()
    prefix = f"s{search.id}"
    response = client.post(
        f"/saved/searches/{search.id}",
        data={f"{prefix}-name": "Nieuw", f"{prefix}-frequency": "daily"},
    )
    assert response.status_code == 302
    db.session.refresh(search)
    assert (search.name, search.frequency, search.mailing) == (
        "Nieuw",
        DigestFrequency.DAILY,
        False,
    )
    client.post(f"/saved/searches/{search.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count(SavedSearch.id))) == 0


def test_someone_elses_search_is_not_found(client, login, starter, make_user):
    search = services.save_search(starter, {}, "Van Sanne", DigestFrequency.WEEKLY)
    db.session.commit()
    login(make_user("starter"))
    prefix = f"s{search.id}"
    edit = client.post(
        f"/saved/searches/{search.id}",
        data={f"{prefix}-name": "Van mij", f"{prefix}-frequency": "daily"},
    )
    assert edit.status_code == 404
    assert client.post(f"/saved/searches/{search.id}/delete").status_code == 404
    assert "Van Sanne" not in client.get("/saved/searches").text
    db.session.refresh(search)
    assert search.name == "Van Sanne"


def test_a_landlord_cannot_save(client, login, make_user):
    login(make_user("landlord"))
    assert client.get("/saved/searches/new?city=Dijkerveen").status_code == 403


def test_favourite_double_click_leaves_one_row(client, login, starter, listed):
    unit = listed()
    login(starter)
    for _ in range(2):
        response = client.post(f"/units/{unit.id}/favourite", data={"wanted": "1"})
        assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Favourite.id))) == 1
    assert unit.address in client.get("/saved/favourites").text
    assert 'aria-pressed="true"' in client.get(f"/units/{unit.id}").text
    fragment = client.post(
        f"/units/{unit.id}/favourite", data={"wanted": "0"}, headers={"HX-Request": "true"}
    )
    assert 'aria-pressed="false"' in fragment.text and "<html" not in fragment.text
    assert db.session.scalar(sa.select(sa.func.count(Favourite.id))) == 0


def test_a_card_in_the_search_shows_the_heart(client, login, starter, listed):
    unit = listed()
    login(starter)
    client.post(f"/units/{unit.id}/favourite", data={"wanted": "1"})
    page = client.get("/units")
    assert f"/units/{unit.id}/favourite" in page.text
    assert 'aria-pressed="true"' in page.text


def _notices(user) -> list[str]:
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id))
    return [notification_text(n.kind, n.data) for n in rows]


def test_notice_when_a_favourite_is_let(ctx, starter, listed):
    unit = listed()
    services.set_favourite(starter, unit, True)
    db.session.commit()
    move_unit(None, unit, UnitStatus.LET, "verhuurd")
    db.session.commit()
    [text] = _notices(starter)
    assert unit.address in text and ("let" in text or "verhuurd" in text)


def test_notice_when_a_favourites_rent_changes(ctx, starter, listed):
    unit = listed(rent_cents_per_year=2_400_000)
    services.set_favourite(starter, unit, True)
    db.session.commit()
    units.update_unit(unit.owner, unit, {"rent_cents_per_year": 2_160_000})
    db.session.commit()
    [text] = _notices(starter)
    assert "2.000" in text and "1.800" in text
    units.update_unit(unit.owner, unit, {"description": "Nieuwe tekst"})
    db.session.commit()
    assert len(_notices(starter)) == 1  # no rent change, no notice


@pytest.mark.usefixtures("ctx")
def test_erasure_removes_searches_and_favourites_and_export_lists_them(starter, listed):
    unit = listed()
    services.save_search(starter, {"city": "Dijkerveen"}, "Centrum", DigestFrequency.DAILY)
    services.set_favourite(starter, unit, True)
    db.session.commit()
    exported = privacy.export_data(starter)
    assert exported["saved_searches"][0]["query"] == "city=Dijkerveen"
    assert exported["favourites"][0]["unit_id"] == unit.id
    privacy.delete_account(starter, PASSWORD)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(SavedSearch.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Favourite.id))) == 0
