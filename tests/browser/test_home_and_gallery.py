"""The home page shows its live figures and featured units; a featured card opens its unit,
whose photos are a strip that steps one photo at a time (buttons and arrow keys) without the
page scrolling sideways; at phone and desktop width."""

import pytest
from playwright.sync_api import Page, expect

from tests.units.test_views import jpeg_bytes
from vrijstad.extensions import db
from vrijstad.units import photos

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
STEPPED = "([strip, n]) => Math.abs(strip.scrollLeft - n * strip.clientWidth) < 2"


@pytest.mark.parametrize("size", SIZES)
def test_home_figures_lead_to_a_unit_whose_gallery_steps_one_photo_at_a_time(
    page: Page, app, make_org, make_unit, size
):
    area = make_org().areas[0]
    make_unit(area=area, street="Kerkstraat")
    unit = make_unit(area=area, street="Molenstraat", house_number=9)
    with app.test_request_context():
        for _ in range(3):
            photos.add_photo(unit.owner, unit, jpeg_bytes((1200, 800), exif=False))
        db.session.commit()
    page.set_viewport_size(SIZES[size])

    page.goto("/")
    expect(page.locator(".home-figures")).to_contain_text("2")
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
    width, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= screen
    assert page.console_errors == [] and page.csp_violations == []
