"""A visitor's first steps in Chromium: register, log in and out, log in, switch to English."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_out, open_my_menu

NAME = "Fatima de Vries"
EMAIL = "fatima@example.nl"
PASSWORD = "Zonnig-Terras-2026"  # noqa: S105
WRONG = "E-mailadres of wachtwoord is niet juist."


def assert_no_browser_errors(page: Page) -> None:
    page.wait_for_load_state("load")
    assert page.csp_violations == [], "Content-Security-Policy violations"
    assert page.console_errors == [], "console errors"


def log_in(page: Page, email: str, password: str) -> None:
    page.get_by_role("textbox", name="E-mailadres", exact=True).fill(email)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()


def test_register_log_out_log_in_and_switch_to_english(page: Page, live_server):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lege winkels, nieuwe ondernemers")

    # by text: the nav's "Registreren" is an <a role="button">, so its role is "button"
    page.get_by_role("navigation").get_by_text("Registreren", exact=True).click()
    expect(page).to_have_url(f"{live_server}/register")
    page.get_by_role("textbox", name="Volledige naam", exact=True).fill(NAME)
    page.get_by_role("textbox", name="E-mailadres", exact=True).fill(EMAIL)
    page.get_by_role("radio", name="een starter op zoek naar een winkel").check()
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("textbox", name="Herhaal wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("checkbox", name=re.compile("^Ik ga akkoord met de voorwaarden")).check()
    page.get_by_role("button", name="Account aanmaken").click()

    # The same answer whether or not the address had an account: the e-mail tells which.
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_role("status")).to_have_text(
        "Dank je. We hebben je een e-mail gestuurd; je kunt nu inloggen."
    )
    log_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", name=f"Hallo {NAME}")).to_be_visible()
    expect(page.get_by_role("heading", name="Starter", exact=True)).to_be_visible()

    log_out(page)
    expect(page.get_by_role("status")).to_have_text("Je bent uitgelogd.")
    expect(page.get_by_role("heading", name=re.compile("^Hallo"))).to_have_count(0)

    page.get_by_role("navigation").get_by_role("link", name="Inloggen").click()
    expect(page).to_have_url(f"{live_server}/login")
    log_in(page, EMAIL, "Regenachtig-Plein-2026")
    password = page.get_by_role("textbox", name="Wachtwoord", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(WRONG)
    expect(page.locator("#password-error")).to_have_text(WRONG)
    expect(page.get_by_role("alert")).to_have_text("Verbeter de gemarkeerde velden hieronder.")

    log_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("heading", name=f"Hallo {NAME}")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Empty shops, new entrepreneurs")
    expect(page.get_by_role("heading", name=f"Hello {NAME}")).to_be_visible()
    open_my_menu(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    assert_no_browser_errors(page)


def test_wrong_password_is_refused_in_dutch_next_to_the_field(page: Page, make_user):
    user = make_user("starter", email="starter@example.nl", password=PASSWORD)

    page.goto("/login")
    log_in(page, user.email, PASSWORD + "!")

    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    password = page.get_by_role("textbox", name="Wachtwoord", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(WRONG)
    expect(password).to_have_value("")
    expect(page.get_by_role("textbox", name="E-mailadres", exact=True)).to_have_value(user.email)
    expect(page.get_by_role("heading", name=re.compile("^Hallo"))).to_have_count(0)

    assert_no_browser_errors(page)
