"""The unit search in the browser: on a phone (390 px) the filters sit in a sheet behind one
"Filters (N)" button; on a desktop (1,280 px) the cards sit beside the map, a card and its
marker light each other up, and an empty search shows no map but ways to widen and save it."""

import re

from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCROLL_WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"


def test_on_a_phone_the_filters_open_as_a_sheet_with_their_count(page: Page, make_unit):
    make_unit(city="Dijkerveen", rent_cents_per_year=2_400_000)
    page.set_viewport_size(PHONE)
    page.goto("/units?city=Dijkerveen&max_rent=3000")

    button = page.locator("summary", has_text="Filters")
    expect(button).to_have_text(re.compile(r"Filters\s+\(2\)"))
    city = page.locator("#city")
    expect(city).to_be_hidden()
    expect(page.locator(".unit-card")).to_have_count(1)

    button.click()
    expect(city).to_be_visible()
    expect(city).to_have_value("Dijkerveen")
    page.get_by_label("Energielabel minstens").select_option("A")  # htmx: results and count
    expect(page.locator(".result-count")).to_have_text("0 panden gevonden")
    expect(button).to_have_text(re.compile(r"Filters\s+\(3\)"))
    width, screen = page.evaluate(SCROLL_WIDTH)
    assert width <= screen

    page.get_by_role("button", name="Sluiten").click()
    expect(city).to_be_hidden()
    expect(
        page.get_by_role("link", name=re.compile("Zonder “Energielabel minstens: A”"))
    ).to_be_visible()


def test_on_a_desktop_cards_and_markers_light_each_other_up(page: Page, make_unit):
    north = make_unit(street="Noorderstraat", latitude=53.2194, longitude=6.5665)
    south = make_unit(street="Zuiderstraat", latitude=51.4416, longitude=5.4697)
    page.set_viewport_size(DESKTOP)
    page.goto("/units")

    expect(page.locator("summary", has_text="Filters")).to_be_hidden()
    expect(page.get_by_role("combobox", name="Plaats")).to_be_visible()
    north_card = page.locator(f'.unit-card[data-unit-id="{north.id}"]')
    south_card = page.locator(f'.unit-card[data-unit-id="{south.id}"]')
    north_marker = page.locator('#units-map .leaflet-marker-icon[title^="Noorderstraat"]')
    south_marker = page.locator('#units-map .leaflet-marker-icon[title^="Zuiderstraat"]')
    expect(north_marker).to_be_visible()
    expect(south_marker).to_be_visible()
    cards, map_box = north_card.bounding_box(), page.locator("#units-map").bounding_box()
    assert cards and map_box and cards["x"] + cards["width"] <= map_box["x"]  # side by side

    highlighted = re.compile(r"\bis-highlighted\b")
    north_card.hover()
    expect(north_marker).to_have_class(highlighted)
    expect(south_marker).not_to_have_class(highlighted)
    south_card.hover()
    expect(south_marker).to_have_class(highlighted)
    expect(north_marker).not_to_have_class(highlighted)

    north_marker.hover()
    expect(north_card).to_have_class(highlighted)
    expect(south_card).not_to_have_class(highlighted)
    south_marker.click()
    expect(south_card).to_have_class(re.compile(r"\bis-selected\b"))
    expect(page.locator(".leaflet-popup-content a")).to_have_text(re.compile("^Zuiderstraat"))


def test_on_a_desktop_an_empty_search_suggests_how_to_widen_it(page: Page, make_unit):
    make_unit(city="Dijkerveen", rent_cents_per_year=2_400_000)
    page.set_viewport_size(DESKTOP)
    page.goto("/units?city=Dijkerveen&max_rent=500")

    expect(page.locator(".result-count")).to_have_text("0 panden gevonden")
    expect(page.locator("#units-map")).to_have_count(0)
    expect(page.locator("summary", has_text="Filters")).to_have_text(re.compile(r"\(2\)"))
    save = page.get_by_role("button", name="Bewaar deze zoekopdracht")
    expect(save).to_have_attribute("href", "/saved/searches/new?city=Dijkerveen&max_rent=500")
    wider = page.get_by_role("link", name="Zonder “Max. huur per maand (€): 500”")
    expect(wider.locator("xpath=..")).to_contain_text("(1 pand)")
    wider.click()
    expect(page).to_have_url(re.compile(r"/units\?city=Dijkerveen$"))
    expect(page.locator(".unit-card")).to_have_count(1)
    expect(page.locator("#units-map .leaflet-marker-icon")).to_have_count(1)


def test_without_javascript_the_filter_sheet_still_opens_on_a_phone(
    browser, live_server, make_unit
):
    make_unit(city="Dijkerveen")
    context = browser.new_context(
        locale="nl-NL", base_url=live_server, java_script_enabled=False, viewport=PHONE
    )
    try:
        page = context.new_page()
        page.goto("/units?city=Dijkerveen")
        city = page.locator("#city")
        expect(city).to_be_hidden()
        page.locator("summary", has_text="Filters (1)").click()
        expect(city).to_be_visible()
        city.fill("Nergens")
        page.get_by_role("button", name="Zoeken").click()
        expect(page).to_have_url(re.compile(r"city=Nergens"))
        expect(page.locator(".result-count")).to_have_text("0 panden gevonden")
        expect(city).to_be_hidden()  # the new page opens with the sheet closed
    finally:
        context.close()
