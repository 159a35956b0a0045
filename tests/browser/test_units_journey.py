"""A landlord lists and publishes a unit with a photo; a visitor finds it by filtering."""

import io
import re
from datetime import timedelta

from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_out
from tests.conftest import PASSWORD
from vrijstad import clock


def photo_file(tmp_path):
    path = tmp_path / "etalage.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 90)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_landlord_publishes_with_photo_and_visitor_filters(
    page: Page, live_server, make_user, make_org, make_unit, tmp_path
):
    organisation = make_org()
    area = organisation.areas[0]
    make_unit(area=area, floor_area_vvo=400, rent_cents_per_year=9_000_000)  # too big, too dear
    landlord = make_user("landlord", email="eigenaar@example.nl")

    page.goto("/login")
    page.get_by_role("textbox", name="E-mailadres", exact=True).fill(landlord.email)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.goto("/units/new")

    page.locator("#street").fill("Kerkstraat")
    page.locator("#house_number").fill("7")
    page.locator("#postcode").fill("0123 AB")
    page.locator("#city").click()  # leaving the field runs the inline check
    expect(page.locator("#field-postcode .field-error")).to_contain_text("Nederlandse postcode")
    page.locator("#postcode").fill("7411 hn")
    page.locator("#city").fill("Dijkerveen")
    expect(page.locator("#field-postcode .field-error")).to_have_count(0)
    page.locator("#area_id").select_option(str(area.id))
    page.locator("#pin-map").click()  # placing the pin fills the coordinates
    expect(page.locator("#latitude")).not_to_have_value("")
    page.locator("#floor_area_vvo").fill("85")
    page.get_by_label("Detailhandel").check()
    page.locator("#energy_label").select_option("B")
    page.locator("#rent_cents_per_year").fill("18.000")
    page.locator("#available_from").fill((clock.today() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Pand opgeslagen als concept")).to_be_visible()

    page.locator("#photo").set_input_files(str(photo_file(tmp_path)))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.get_by_role("img", name="Foto 1 van Kerkstraat 7")).to_be_visible()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("Het pand is nu aangeboden.")).to_be_visible()
    log_out(page)

    page.goto("/units")
    expect(page.get_by_text("2 panden gevonden")).to_be_visible()
    page.locator("#max_area").fill("100")
    page.locator("#max_rent").fill("2000")
    expect(page.get_by_text("1 pand gevonden")).to_be_visible()
    expect(page).to_have_url(re.compile(r"max_area=100&max_rent=2000"))  # shareable
    expect(page.locator("#city-options option[value=Dijkerveen]")).to_have_count(1)  # suggested
    page.locator("#city").fill("dijkerveen")  # typed in any case
    expect(page).to_have_url(re.compile(r"city=dijkerveen"))
    expect(page.get_by_text("1 pand gevonden")).to_be_visible()
    page.get_by_role("link", name="Kerkstraat 7").click()
    expect(page.locator(".facts").get_by_text("€ 1.500,00")).to_be_visible()
    assert page.csp_violations == []
    assert page.console_errors == []
