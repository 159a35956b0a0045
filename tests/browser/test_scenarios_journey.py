"""Staff make a scenario for a compacter core from the dashboard, adjust the zones, save it,
make a second one and compare the two side by side."""

from playwright.sync_api import Page, expect

from tests.browser.test_reflow import log_in
from tests.scenarios.conftest import schemes, town

__all__ = ["schemes", "town"]  # the small area of the scenario tests, with its schemes


def test_staff_compare_two_scenarios_side_by_side(page: Page, town, schemes):
    area = town.areas[0]
    log_in(page, town.test_staff.email)

    page.goto(f"/dashboard/areas/{area.id}")
    page.get_by_role("link", name="Scenario's", exact=True).click()
    expect(page.get_by_text("Nog geen scenario's voor dit gebied.")).to_be_visible()
    page.get_by_role("button", name="Nieuw scenario").click()
    # The zones start from the grades: Kerkstraat (B1) is approach.
    expect(page.get_by_label("Kerkstraat")).to_have_value("approach")
    page.get_by_label("Naam").fill("Smalle kern")
    page.get_by_label("Hoogstraat").select_option("approach")
    page.get_by_role("button", name="Opslaan en berekenen").click()
    expect(page.locator("#zones-error")).to_have_text("Maak minstens één straat kernwinkelgebied.")
    page.get_by_label("Hoogstraat").select_option("core")
    page.get_by_role("button", name="Opslaan en berekenen").click()
    expect(
        page.get_by_text("Het scenario is opgeslagen en de cijfers zijn berekend.")
    ).to_be_visible()
    figures = page.locator("#scenario-figures")
    expect(figures.locator(".core-vacancy")).to_have_text("75,0 %")
    expect(figures.locator(".core-vacancy-after")).to_contain_text("25,0 %")
    expect(figures.locator(".subsidy-moves")).to_contain_text("10.500,00")

    page.get_by_role("link", name="Alle scenario's").click()
    page.get_by_role("button", name="Nieuw scenario").click()
    page.get_by_label("Naam").fill("Brede kern")
    page.get_by_label("Kerkstraat").select_option("core")
    page.get_by_role("button", name="Opslaan en berekenen").click()
    expect(page.locator("#scenario-figures .core-vacancy")).to_have_text("60,0 %")

    page.get_by_role("link", name="Alle scenario's").click()
    page.get_by_label("Smalle kern").check()
    page.get_by_label("Brede kern").check()
    page.get_by_role("button", name="Vergelijken").click()
    table = page.locator("#scenario-figures")
    expect(table.locator("thead th")).to_have_count(3)
    expect(table.locator("thead")).to_contain_text("Brede kern")
    expect(table.locator("thead")).to_contain_text("Smalle kern")
    expect(table.locator(".core-vacancy")).to_have_text(["60,0 %", "75,0 %"])
    expect(table.locator(".core-vacancy-after")).to_have_count(2)
    assert page.csp_violations == []
    assert page.console_errors == []
