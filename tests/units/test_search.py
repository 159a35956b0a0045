"""Public search page: what its faster parts draw is what the plain ones drew."""

import re
from datetime import datetime, time, timedelta

import pytest

from vrijstad.extensions import db
from vrijstad.forms import MAX_YEAR
from vrijstad.units.models import PermittedUse, UnitPhoto, UnitStatus


def add_photo(unit, position, name):
    photo = UnitPhoto(
        unit_id=unit.id,
        position=position,
        filename=f"{name}.jpg",
        thumbnail=f"{name}_thumb.jpg",
        width=1600,
        height=1200,
    )
    db.session.add(photo)
    db.session.commit()


def test_result_cards_show_each_units_first_photo(client, make_unit):
    with_photos, without = make_unit(), make_unit()
    add_photo(with_photos, 1, "second")
    add_photo(with_photos, 0, "first")
    page = client.get("/units").text
    assert f'src="/media/units/{with_photos.id}/first_thumb.jpg"' in page
    assert "second_thumb" not in page
    assert f"/media/units/{without.id}/" not in page


def panel(page: str) -> str:
    start = page.index('<aside aria-labelledby="filters-heading">')
    return page[start : page.index("</aside>", start)]


# A search with a value in every filter and one invalid value: its panel shows them all.
SEARCH = {
    "city": "Zwolle",
    "street": "Kerkstraat",
    "min_area": "50",
    "max_area": "-1",
    "max_rent": "900",
    "use": "horeca_1",
    "label": "C",
    "sort": "rent",
}


def test_a_remembered_search_holds_nothing_of_the_user_the_session_or_the_day(
    app, make_user, time_machine
):
    """A search is read and its panel drawn once per language, script root and filter values,
    then served to everyone: what is drawn for a signed-in user today is what an anonymous
    visitor gets a year later, and holds neither the user, their session's CSRF token nor
    the date."""
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from vrijstad import clock
    from vrijstad.i18n import date_filter
    from vrijstad.units.search import PARAMETERS
    from vrijstad.units.search_query import SearchKey, parse

    day = clock.today() + timedelta(days=3)
    # Dates in a later year than `day`, so the year of the day cannot hide in them.
    free = {
        "free_from": (day + timedelta(days=400)).isoformat(),
        "free_until": (day + timedelta(days=430)).isoformat(),
    }
    values = tuple((SEARCH | free).get(name, "") for name in PARAMETERS)
    key = SearchKey(language="nl", script_root="", values=tuple((v,) for v in values))
    user = make_user("landlord", name="Wilhelmina Zonnebloem", email="wilhelmina@example.nl")

    time_machine.move_to(datetime.combine(day, time(10), clock.AMSTERDAM))
    with app.test_request_context("/units"):
        login_user(user)
        token = generate_csrf()
        signed_in = parse(key)
    time_machine.move_to(datetime.combine(day + timedelta(days=366), time(23), clock.AMSTERDAM))
    with app.test_request_context("/units"):
        anonymous = parse(key)

    assert signed_in == anonymous
    assert signed_in.problems == (("Max. m²", ("Nummer moet tussen 0 en 2147483647 liggen.",)),)
    assert len(signed_in.active) == 7  # sort is no filter, max_area is not valid
    drawn = str(signed_in.panel) + repr(signed_in.problems) + repr(signed_in.active)
    for private in (
        "Wilhelmina",
        "wilhelmina@example.nl",
        token,
        day.isoformat(),
        date_filter(day),
        date_filter(day, "long"),
        str(day.year),
    ):
        assert private not in drawn


def test_everyone_gets_their_own_page_around_a_shared_filter_panel(
    app, client, make_unit, make_user, login
):
    make_unit(
        city="Zwolle",
        street="Kerkstraat",
        floor_area_vvo=60,
        rent_cents_per_year=900_000,
        permitted_uses=[PermittedUse.HORECA_1],
    )
    login(make_user("landlord"))
    landlords = client.get("/units", query_string=SEARCH)
    visitors = app.test_client().get("/units", query_string=SEARCH)  # another browser
    token = re.search(r'"X-CSRFToken": "([^"]+)"', landlords.text)[1]
    assert panel(visitors.text) == panel(landlords.text)
    assert token not in visitors.text
    assert 'action="/logout"' in landlords.text and 'action="/logout"' not in visitors.text
    assert "1 pand gevonden" in landlords.text and "1 pand gevonden" in visitors.text


def card_addresses(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/units/\d+">([^<]+)</a></h3>', page)


def test_pages_split_the_results_and_count_them_all(client, make_unit):
    for n in range(1, 30):
        make_unit(house_number=n, rent_cents_per_year=1_200_000 + n * 1200)
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/units?sort=rent&page={number}").text
        assert "29 panden gevonden" in page
        assert f"Pagina {number} van 3" in page
        seen += card_addresses(page)
    assert seen == [f"Hoogstraat {n}" for n in range(1, 30)]


def test_a_page_past_the_end_shows_the_last_page(client, make_unit):
    for n in range(1, 15):
        make_unit(house_number=n)
    for number in ("3", "99999999999999999999"):
        response = client.get(f"/units?sort=rent&page={number}")
        assert response.status_code == 200
        assert "Pagina 2 van 2" in response.text
        assert card_addresses(response.text) == ["Hoogstraat 13", "Hoogstraat 14"]


@pytest.mark.parametrize("path", ["/notifications", "/contests"])
def test_a_huge_page_number_is_not_a_server_error(client, make_user, login, path):
    login(make_user("starter"))
    assert client.get(f"{path}?page=99999999999999999999").status_code == 404


def test_city_is_matched_whatever_its_case_and_suggested_from_public_units(client, make_unit):
    make_unit(city="Den Haag", house_number=1)
    make_unit(city="Dijkerveen", house_number=2)
    make_unit(city="Zwolle", house_number=3, status=UnitStatus.DRAFT)
    for typed in ("Den Haag", "den haag", "  DEN HAAG "):
        page = client.get("/units", query_string={"city": typed}).text
        assert card_addresses(page) == ["Hoogstraat 1"], typed
    page = client.get("/units").text
    assert 'list="city-options"' in page and 'hx-get="/units/cities"' in page
    options = client.get("/units/cities")
    assert options.status_code == 200
    assert re.findall(r'<option value="([^"]+)">', options.text) == ["Den Haag", "Dijkerveen"]
    assert options.cache_control.public and options.cache_control.max_age == 300
    assert "Set-Cookie" not in options.headers


def filter_values(page: str) -> dict[str, str]:
    start = page.index('<form method="get"')
    panel = page[start : page.index("</form>", start)]
    values = dict(re.findall(r'<input [^>]*?id="(\w+)"[^>]*? value="([^"]*)"', panel))
    values |= {"city": re.search(r'id="city" value="([^"]*)"', panel).group(1)}
    sort = panel[panel.index('id="sort"') :]
    values["sort"] = re.search(r'<option selected value="(\w+)">', sort)[1]
    values["heading"] = re.search(r'<h2 id="filters-heading" class="h4">([^<]+)</h2>', page)[1]
    values["invalid"] = ",".join(re.findall(r'<input aria-describedby="(\w+)-error"', panel))
    return {k: v for k, v in values.items() if v}


def test_the_filter_panel_shows_each_searchs_own_filters(client, make_unit):
    """A search is read and its panel drawn once per language and set of filters, then
    reused: each search must still see its own values, errors and language, whatever came
    before."""
    for n in range(14):
        make_unit(city="Zwolle", house_number=n + 1)
    zwolle = "/units?city=Zwolle&max_rent=900&sort=rent"
    first = client.get(zwolle).text
    assert filter_values(first) == {
        "city": "Zwolle",
        "max_rent": "900",
        "sort": "rent",
        "heading": "Filters",
    }
    delft = client.get("/units?city=Delft&street=%3Cb%3EKerk").text
    assert filter_values(delft) == {
        "city": "Delft",
        "street": "&lt;b&gt;Kerk",
        "sort": "newest",
        "heading": "Filters",
    }
    assert filter_values(client.get(zwolle + "&page=2").text) == filter_values(first)
    assert 'placeholder="alle plaatsen"' in client.get(zwolle).text
    client.post("/language", data={"language": "en"})  # the same search, now in English
    english = client.get(zwolle).text
    assert 'placeholder="all cities"' in english and "Max. rent per month" in english
    assert filter_values(english)["max_rent"] == "900"
    client.post("/language", data={"language": "nl"})
    bad = client.get("/units?city=Zwolle&max_rent=veel&min_area=-5")
    assert bad.status_code == 400 and filter_values(bad.text)["invalid"] == "min_area,max_rent"
    assert "Max. huur per maand (€): Ongeldig getal." in bad.text
    again = client.get(zwolle)
    assert again.status_code == 200 and "invalid" not in filter_values(again.text)
    assert "niet geldig" not in again.text


HUGE = "9" * 20  # more than any database integer holds
OUT_OF_RANGE = [
    ("min_area", HUGE, "Min. m²"),
    ("max_area", HUGE, "Max. m²"),
    ("max_rent", HUGE, "Max. huur per maand (€)"),
    ("area", HUGE, "Gebied"),
    ("free_from", "9999-12-31", "Pop-up: vrij vanaf"),
    ("free_until", "9999-12-31", "Pop-up: vrij tot en met"),
    ("max_rent", "500001", "Max. huur per maand (€)"),
    ("city", "Zwolle\x00", "Plaats"),
    ("street", "Kerk\x00straat", "Straat"),
]


@pytest.mark.parametrize(
    ("name", "value", "label"),
    OUT_OF_RANGE,
    ids=[f"{name}={value!r}" for name, value, _ in OUT_OF_RANGE],
)
def test_a_filter_beyond_what_the_database_holds_is_explained_not_a_server_error(
    client, make_unit, name, value, label
):
    make_unit(city="Zwolle")
    others = {"city": "Zwolle"} if name != "city" else {"min_area": "1"}
    response = client.get("/units", query_string=others | {name: value})
    assert response.status_code == 400
    alert = re.search(r'<p class="flash flash-error" role="alert">(.*?)</p>', response.text, re.S)
    assert alert and f"{label}: " in alert[1]
    assert "1 pand gevonden" in response.text  # the other filters still apply
    if name != "area":  # a hidden field: the alert names it
        assert f'<small id="{name}-error" class="field-error">' in response.text
    markers = client.get("/units/map.json", query_string=others | {name: value})
    assert markers.status_code == 200 and len(markers.json["markers"]) == 1


def test_the_largest_filters_a_search_takes_find_what_they_should(client, make_unit):
    make_unit(city="Zwolle", floor_area_vvo=100, rent_cents_per_year=6_000_000_00)
    largest = {
        "min_area": "1",
        "max_area": "2147483647",
        "max_rent": "500000",
        "free_from": f"{MAX_YEAR}-12-31",
    }
    for name, value in largest.items():
        response = client.get("/units", query_string={"city": "Zwolle", name: value})
        assert response.status_code == 200, name
        found = 0 if name == "free_from" else 1  # the unit is not open for short lets
        assert f"{found} pand" in response.text, name
