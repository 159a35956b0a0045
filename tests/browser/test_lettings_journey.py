"""A starter completes a profile and applies; the landlord shortlists, plans a viewing and
offers; the starter accepts; the unit no longer shows in search."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_out, logged_in, open_my_menu, pass_second_step
from tests.conftest import PASSWORD
from vrijstad import clock
from vrijstad.pdf import Document


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_role("textbox", name="E-mailadres", exact=True).fill(email)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    pass_second_step(page, email)
    expect(logged_in(page)).to_be_attached()


def test_from_profile_to_placement(
    page: Page, live_server, make_user, make_org, make_unit, tmp_path
):
    organisation = make_org()
    unit = make_unit(area=organisation.areas[0], street="Kerkstraat", house_number=12)
    starter = make_user("starter", email="lotte@example.nl", name="Lotte Smit")
    plan = tmp_path / "plan.pdf"
    doc = Document("Ondernemingsplan Lotte Leeft")
    doc.paragraph("Yoga en een kleine winkel.")
    plan.write_bytes(doc.output())

    # The starter fills in her profile; the bar shows what is missing.
    log_in(page, starter.email)
    open_my_menu(page)
    page.get_by_role("navigation").get_by_role("link", name="Mijn profiel").click()
    expect(page.get_by_role("heading", name="Je profiel is voor 0% compleet")).to_be_visible()
    page.get_by_label("Handelsnaam", exact=True).fill("Lotte Leeft")
    page.get_by_label("Je concept", exact=True).fill("Yogastudio met een kleine winkel")
    page.get_by_label("Branchegroep", exact=True).select_option("services")
    page.get_by_label("KvK-nummer", exact=True).fill("1234567")  # one digit short
    page.get_by_label("IBAN", exact=True).fill("NL91ABNA0417164300")
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.get_by_text("precies 8 cijfers")).to_be_visible()
    page.get_by_label("KvK-nummer", exact=True).fill("12345678")
    page.get_by_label("Kleinste vloeroppervlak (m²)").fill("50")
    page.get_by_label("Grootste vloeroppervlak (m²)").fill("150")
    page.get_by_label("Maandbudget voor huur (excl. btw)").fill("2.000")
    page.get_by_label("Dijkerveen · Centrum", exact=True).check()
    page.get_by_label("Vroegste startdatum").fill((clock.today() + timedelta(days=20)).isoformat())
    page.get_by_label("Soort ruimte").select_option("popup")
    page.get_by_role("button", name="Profiel opslaan").click()
    expect(page.get_by_text("Je profiel is opgeslagen.")).to_be_visible()
    page.locator("#plan-file").set_input_files(str(plan))
    page.get_by_role("button", name="Plan uploaden").click()
    expect(page.get_by_role("heading", name="Je profiel is voor 100% compleet")).to_be_visible()

    # She finds the unit and applies.
    page.goto(f"/units/{unit.id}")
    page.get_by_role("button", name="Reageer op dit pand").click()
    page.get_by_label("Waarom dit pand?").fill("Een lichte ruimte op een rustige plek: ideaal.")
    page.get_by_role("button", name="Reactie versturen").click()
    expect(page.get_by_text("Je reactie is verstuurd.")).to_be_visible()
    log_out(page)

    # The landlord sees a notification, shortlists on the board without a reload.
    log_in(page, unit.owner.email)
    expect(page.locator(".notifications-link .badge")).to_have_text("1 ongelezen")
    page.get_by_role("navigation").get_by_role("link", name="Pijplijn").click()
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Lotte Smit op de shortlist zetten").click()
    expect(page.get_by_text("Verplaatst naar op de shortlist.")).to_be_visible()
    expect(page.locator('section[data-status="shortlisted"]')).to_contain_text("Lotte Smit")
    assert page.evaluate("window.__noReload") is True  # htmx swapped the board in place

    # Plans a viewing and makes an offer.
    page.locator('section[data-status="shortlisted"]').get_by_role(
        "link", name="Lotte Smit"
    ).click()
    page.get_by_text("Een bezichtiging plannen").click()
    page.locator("#day").fill((clock.today() + timedelta(days=3)).isoformat())
    page.locator("#time").fill("10:30")
    page.get_by_role("button", name="Bezichtiging plannen").click()
    expect(page.get_by_text("De bezichtiging is gepland")).to_be_visible()
    page.get_by_text("Een aanbod doen").click()
    start = clock.today() + timedelta(days=30)
    page.locator("#start_date").fill(start.isoformat())
    page.locator("#end_date").fill((start + timedelta(days=365 * 3)).isoformat())
    page.locator("#base_fee").fill("950")
    page.get_by_role("button", name="Aanbod versturen").click()
    expect(page.locator("#end_date-error")).to_contain_text("gewone winkelhuur")
    page.locator("#end_date").fill((start + timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Aanbod versturen").click()
    expect(page.get_by_text("Het aanbod is naar de starter gestuurd.")).to_be_visible()
    log_out(page)

    # The starter accepts; the agreement is there; the unit is gone from search.
    log_in(page, starter.email)
    page.get_by_role("navigation").get_by_role("link", name="Mijn reacties").click()
    page.get_by_role("link", name="Kerkstraat 12, Dijkerveen").click()
    expect(page.get_by_text("€\u00a0950,00")).to_be_visible()
    page.get_by_role("button", name="Bekijk en accepteer").click()
    # The summary of every term, the draft agreement, and "I have read the terms" first.
    expect(page.get_by_role("heading", name="Waar je mee akkoord gaat")).to_be_visible()
    expect(page.locator("#offer-terms")).to_contain_text("Indexering")
    expect(page.get_by_role("link", name="Conceptovereenkomst downloaden (pdf)")).to_be_visible()
    page.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_text("Vink eerst aan dat je de voorwaarden")).to_be_visible()
    page.get_by_label("Ik heb de voorwaarden gelezen").check()
    page.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_text("Gefeliciteerd!")).to_be_visible()
    expect(page.get_by_role("button", name="Conceptovereenkomst downloaden (pdf)")).to_be_visible()
    page.goto("/units?city=Dijkerveen")
    expect(page.get_by_text("Kerkstraat 12")).to_have_count(0)

    assert page.console_errors == []
    assert page.csp_violations == []
