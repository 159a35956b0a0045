"""Search page: result cards (photo, chips, rent), the count of active filters on the phone's
"Filters" button, and the ways an empty search suggests to widen it."""

import re
from datetime import timedelta

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.popups.models import ShortLetTerms
from vrijstad.units.models import EnergyLabel, PermittedUse
from vrijstad.units.search import PARAMETERS
from vrijstad.units.search_query import SearchKey, parse, widenings


def card(page: str, unit_id: int) -> str:
    start = page.index(f'<li class="unit-card" data-unit-id="{unit_id}">')
    return page[start : page.index("</li>\n", page.index("</article>", start))]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").split())


def test_the_card_shows_the_rent_in_whole_euros_with_or_without_vat(client, make_unit):
    taxed = make_unit(rent_cents_per_year=22_176_00, vat_opted=True)  # € 1.848 a month
    exempt = make_unit(rent_cents_per_year=12_000_06, vat_opted=False)  # € 1.000,01
    page = client.get("/units").text
    assert "€ 1.848 p/m excl. btw" in text(card(page, taxed.id))
    assert "€ 1.000 p/m, geen btw" in text(card(page, exempt.id))
    client.post("/language", data={"language": "en"})
    page = client.get("/units").text
    assert "€1,848 p/m excl. VAT" in text(card(page, taxed.id))
    assert "€1,000 p/m, no VAT" in text(card(page, exempt.id))


def test_the_card_shows_its_facts_as_chips_and_a_placeholder_without_photos(client, make_unit):
    later = clock.today() + timedelta(days=45)
    popup = make_unit(
        permitted_uses=[PermittedUse.DETAILHANDEL, PermittedUse.HORECA_1],
        energy_label=EnergyLabel.A1,
        available_from=later,
    )
    db.session.add(ShortLetTerms(unit_id=popup.id, enabled=True, price_cents_per_day=5000))
    plain = make_unit(energy_label=None, available_from=clock.today() - timedelta(days=3))
    db.session.commit()
    page = client.get("/units").text
    chips = re.findall(r"<li[^>]*>([^<]+)</li>", card(page, popup.id))
    assert chips == [
        "Detailhandel",
        "Horeca categorie 1 (licht)",
        "Energielabel A+",
        f"Vanaf {later.strftime('%d-%m-%Y')}",
        "Pop-up",
    ]
    assert re.findall(r"<li[^>]*>([^<]+)</li>", card(page, plain.id)) == [
        "Detailhandel",
        "Per direct beschikbaar",
    ]
    assert 'class="unit-card-photo unit-card-no-photo" aria-hidden="true"' in card(page, plain.id)


def filter_count(page: str) -> str:
    return re.search(r'<span id="filter-count"[^>]*>([^<]*)</span>', page)[1]


def test_the_filters_button_counts_the_filters_that_apply(client, make_unit):
    make_unit(city="Zwolle")
    assert filter_count(client.get("/units?sort=rent").text) == ""  # an order is no filter
    day = clock.today() + timedelta(days=10)
    search = {
        "city": "Zwolle",
        "max_rent": "900",
        "min_area": "-5",  # not valid: ignored, so not counted
        "free_from": day.isoformat(),
        "free_until": (day + timedelta(days=2)).isoformat(),  # one filter with free_from
        "sort": "size",
    }
    page = client.get("/units", query_string=search)
    assert filter_count(page.text) == "(3)"
    assert "<summary" in page.text and "Filters <span" in page.text
    fragment = client.get("/units?city=Zwolle", headers={"HX-Request": "true"}).text
    assert '<span id="filter-count" hx-swap-oob="true">(1)</span>' in fragment


def search_of(**values: str):
    return parse(SearchKey("nl", "", tuple((values.get(name, ""),) for name in PARAMETERS)))


def test_each_widening_drops_one_filter_and_says_what_it_finds(app, make_unit):
    make_unit(city="Zwolle", rent_cents_per_year=12_000_00)  # € 1.000 a month
    make_unit(city="Delft", rent_cents_per_year=4_800_00, permitted_uses=[PermittedUse.OTHER])
    args = {"city": "Zwolle", "max_rent": "500", "use": "horeca_3", "sort": "rent"}
    with app.test_request_context("/units"):
        parsed = search_of(**args)
        found = widenings(parsed, args)
    assert [(w.dropped.label, w.dropped.value, w.total) for w in found] == [
        ("Plaats", "Zwolle", 0),
        ("Max. huur per maand (€)", "500", 0),
        ("Gebruik", "Horeca categorie 3 (zwaar)", 0),
    ]
    args = {"city": "Zwolle", "max_rent": "500", "sort": "rent"}
    with app.test_request_context("/units"):
        found = widenings(search_of(**args), args)
    assert [(w.dropped.params, w.args, w.total) for w in found] == [
        (("city",), {"max_rent": "500", "sort": "rent"}, 1),
        (("max_rent",), {"city": "Zwolle", "sort": "rent"}, 1),
    ]


def test_an_empty_search_shows_no_map_but_ways_to_widen_and_save_it(client, make_unit):
    make_unit(city="Zwolle", rent_cents_per_year=12_000_00)
    page = client.get("/units?city=Zwolle&max_rent=500&sort=rent").text
    assert "0 panden gevonden" in page and 'id="units-map"' not in page
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>\s*<span class="muted">\(([^)]+)\)', page)
    assert links == [
        ("/units?city=Zwolle&amp;sort=rent", "Zonder “Max. huur per maand (€): 500”", "1 pand"),
        ("/units?max_rent=500&amp;sort=rent", "Zonder “Plaats: Zwolle”", "0 panden"),
    ]
    assert 'href="/saved/searches/new?city=Zwolle&amp;max_rent=500&amp;sort=rent"' in page
    everything = client.get("/units").text
    assert 'id="units-map"' in everything and "Zonder “" not in everything
    nothing = client.get("/units?city=Nergens").text
    assert "Zonder “Plaats: Nergens”" in nothing and "Alle filters wissen" not in nothing
