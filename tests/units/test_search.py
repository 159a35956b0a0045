"""Public search page: what its faster parts draw is what the plain ones drew."""

import re

import pytest
from flask import request

from vrijstad.extensions import db
from vrijstad.units.forms import SearchForm
from vrijstad.units.models import UnitPhoto, UnitStatus


def add_photo(unit, position, name):
    photo = UnitPhoto(unit_id=unit.id, position=position, filename=f"{name}.jpg",
                      thumbnail=f"{name}_thumb.jpg", width=1600, height=1200)  # fmt: skip
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


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?lang=en",
        "?city=Dijkerveen&min_area=50&max_area=250&max_rent=2500&use=detailhandel&sort=rent",
        "?use=horeca_2&label=C&available_by=2027-01-31&street=%3Cb%3E%22Kerk%22&lang=en",
        "?use=bogus&label=Z&sort=cheap&min_area=-5&max_rent=veel&available_by=morgen",
    ],
)
def test_search_form_draws_what_the_wtforms_widgets_draw(app, query):
    with app.test_request_context("/units" + query):
        form = SearchForm(request.args)
        form.validate()
        for field in form:
            invalid = {"aria-invalid": "true", "aria-describedby": f"{field.id}-error"}
            drawn = [field(), field(**invalid)]
            field.widget = type(field).widget  # WTForms' own widget for the field
            assert drawn == [field(), field(**invalid)], field.name


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
        "city": "Zwolle", "max_rent": "900", "sort": "rent", "heading": "Filters",
    }  # fmt: skip
    delft = client.get("/units?city=Delft&street=%3Cb%3EKerk").text
    assert filter_values(delft) == {"city": "Delft", "street": "&lt;b&gt;Kerk", "sort": "newest",
                                    "heading": "Filters"}  # fmt: skip
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
