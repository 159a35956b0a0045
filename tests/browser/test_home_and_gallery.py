"""The home page shows its live figures and featured units; a featured card opens its unit,
whose photos are a strip that steps one photo at a time (buttons and arrow keys) without the
page scrolling sideways; at phone and desktop width, and at the 320 px of the reflow test."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.main.test_home import contest, publish
from tests.units.test_views import jpeg_bytes
from vrijstad import clock
from vrijstad.contests.models import ContestStatus
from vrijstad.extensions import db
from vrijstad.units import photos

SIZES = {
    "narrow": {"width": 320, "height": 800},  # the reflow width (WCAG 1.4.10)
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
STEPPED = "([strip, n]) => Math.abs(strip.scrollLeft - n * strip.clientWidth) < 2"


@pytest.mark.parametrize("size", SIZES)
def test_home_figures_lead_to_a_unit_whose_gallery_steps_one_photo_at_a_time(
    page: Page, app, make_org, make_unit, size
):
    org = make_org()
    area = org.areas[0]
    prize = make_unit(area=area, street="Kerkstraat")
    publish(area.streets[0], note="Makers and menders wanted.")
    today = clock.today()
    contest(org, prize, ContestStatus.OPEN, today, today + timedelta(days=20), "Win de Kerkstraat")
    unit = make_unit(area=area, street="Molenstraat", house_number=9)
    with app.test_request_context():
        for _ in range(3):
            photos.add_photo(unit.owner, unit, jpeg_bytes((1200, 800), exif=False))
        db.session.commit()
    page.set_viewport_size(SIZES[size])

    page.goto("/")
    expect(page.locator(".home-figures")).to_contain_text("2")
    expect(page.get_by_role("link", name="Win de Kerkstraat")).to_be_visible()
    expect(page.get_by_role("link", name="Hoogstraat")).to_be_visible()  # its street story
    card = page.locator(f".featured-units a[href='/units/{unit.id}']")
    expect(card).to_have_text("Molenstraat 9")
    card.click()
    expect(page).to_have_url(f"/units/{unit.id}")

    strip = page.locator(".gallery-strip")
    first = page.get_by_role("img", name="Foto 1 van Molenstraat 9")
    expect(first).to_be_visible()
    assert first.get_attribute("fetchpriority") == "high" and not first.get_attribute("loading")
    wide, view = strip.evaluate("s => [s.scrollWidth, s.clientWidth]")
    assert wide >= 3 * view - 3  # three photos side by side, one in view
    slide = page.locator(".gallery-slide").first.evaluate("s => s.getBoundingClientRect().width")
    assert abs(slide - view) < 2

    page.get_by_role("button", name="Volgende foto").click()
    page.wait_for_function(STEPPED, arg=[strip.element_handle(), 1])
    expect(page.locator(".gallery-count")).to_have_text("2 / 3")
    strip.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(STEPPED, arg=[strip.element_handle(), 2])
    expect(page.get_by_role("button", name="Volgende foto")).to_be_disabled()
    page.get_by_role("button", name="Vorige foto").click()
    page.wait_for_function(STEPPED, arg=[strip.element_handle(), 1])

    if size == "desktop":
        page.get_by_role("link", name="Toon foto 1").click()
        page.wait_for_function(STEPPED, arg=[strip.element_handle(), 0])
    else:
        expect(page.locator(".gallery-thumbs")).to_be_hidden()
    for path in ("/", f"/units/{unit.id}"):
        page.goto(path)
        width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= screen, path
    assert page.console_errors == [] and page.csp_violations == []
