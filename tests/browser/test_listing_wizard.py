"""A landlord lists a unit on her phone with the wizard: postcode and house number fill the
address and put the pin there, each step keeps what she typed, and the unit goes online."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import logged_in
from tests.browser.test_units_journey import photo_file
from tests.conftest import PASSWORD
from vrijstad import clock

PHONE = {"width": 390, "height": 844}


def test_landlord_lists_a_unit_step_by_step_on_a_phone(
    page: Page, live_server, make_user, make_org, tmp_path
):
    area = make_org().areas[0]
    landlord = make_user("landlord", email="eigenaar@example.nl")
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_role("textbox", name="E-mailadres", exact=True).fill(landlord.email)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(logged_in(page)).to_be_attached()
    page.goto("/my/units")
    page.locator("main").get_by_role("button", name="Pand aanbieden").click()  # a link

    expect(page.get_by_text("Stap 1 van 6")).to_be_visible()
    page.get_by_label("Postcode").fill("7411 hn")
    page.get_by_label("Huisnummer").fill("7")
    page.get_by_role("button", name="Adres opzoeken").click()
    expect(page.locator("#street")).to_have_value("Kerkstraat")
    expect(page.locator("#city")).to_have_value("Dijkerveen")
    expect(page.locator("#bag_id")).to_have_value("9999010000000067")
    expect(page.locator("#latitude")).to_have_value("52.254775")
    expect(page.locator("#pin-map .leaflet-marker-icon")).to_be_visible()  # the pin at the address
    page.locator("#area_id").select_option(str(area.id))
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_text("Stap 2 van 6")).to_be_visible()
    page.locator("#floor_area_vvo").fill("85")
    page.get_by_label("Detailhandel").check()
    page.locator("#energy_label").select_option("B")
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_text("Stap 3 van 6")).to_be_visible()
    page.locator("#photo").set_input_files(str(photo_file(tmp_path)))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.get_by_role("img", name="Foto 1 van Kerkstraat 7")).to_be_visible()
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_text("Stap 4 van 6")).to_be_visible()
    page.locator("#rent_cents_per_year").fill("18.000")
    page.locator("#available_from").fill((clock.today() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Vorige").click()  # back to the photos: the rent is kept
    expect(page.get_by_text("Stap 3 van 6")).to_be_visible()
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.locator("#rent_cents_per_year")).to_have_value("18000")
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_text("Stap 5 van 6")).to_be_visible()
    expect(page.locator(".wizard-preview")).to_contain_text("1.500,00")
    expect(page.locator(".wizard-preview")).to_contain_text("9999010000000067")
    page.get_by_role("button", name="Opslaan en verder").click()

    expect(page.get_by_text("Stap 6 van 6")).to_be_visible()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("Je pand staat online.")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert page.csp_violations == []
    assert page.console_errors == []
