"""Staff import Dijkerveen's BAG extract and KvK register (after a file with bad lines), read
the hidden-vacancy list with both kinds of row, and add an address to the relations log, where
it waits with its follow-up."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import open_my_menu
from tests.browser.test_reflow import log_in
from tests.opendata.conftest import DATA


def test_staff_import_the_registers_and_follow_up_a_hidden_vacancy(
    page: Page, make_org, make_unit, tmp_path
):
    organisation = make_org()
    area = organisation.areas[0]
    make_unit(area=area, house_number=3)  # listed, where the KvK sample has a hair salon
    log_in(page, organisation.test_staff.email)

    page.goto(f"/dashboard/areas/{area.id}")
    page.get_by_role("link", name="Verborgen leegstand").click()
    expect(page.get_by_text("Niets op de lijst")).to_be_visible()
    page.get_by_role("link", name="BAG-winkelobjecten importeren").click()

    bad = tmp_path / "fout.csv"
    bad.write_text(
        (DATA / "bag_dijkerveen.csv")
        .read_text()
        .replace(";85;", ";ruim;")
        .replace("7411KA", "7411")
    )
    page.get_by_label("Bestand (.csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Importeren").click()
    errors = page.locator("table.import-errors")
    expect(errors).to_contain_text("De postcode '7411' is geen Nederlandse postcode")
    page.get_by_label("Bestand (.csv)").set_input_files(str(DATA / "bag_dijkerveen.csv"))
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("4 regels geïmporteerd.")).to_be_visible()
    expect(page.locator("table.register-imports")).to_contain_text("bag_dijkerveen.csv")

    page.get_by_role("link", name="KvK-vestigingen").click()
    page.get_by_label("Bestand (.csv)").set_input_files(str(DATA / "kvk_dijkerveen.csv"))
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("2 regels geïmporteerd.")).to_be_visible()

    page.get_by_role("link", name="Verborgen leegstand").click()
    rows = page.locator("table.hidden-vacancy tbody tr")
    expect(rows).to_have_count(3)  # Hoogstraat 2 and 4A not offered, 3 maybe stale
    expect(rows.nth(0)).to_contain_text("Geen ingeschreven bedrijf en geen aanbod")
    expect(rows.nth(0)).to_contain_text("85 m²")
    expect(rows.nth(2)).to_contain_text("Aangeboden, maar Kapsalon Knip staat hier ingeschreven")
    rows.nth(0).get_by_role("button", name="Toevoegen aan relaties").click()
    expect(page.get_by_text("Het adres staat bij de relaties")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Eigenaar van Hoogstraat 2, Dijkerveen")
    ).to_be_visible()

    open_my_menu(page)
    page.get_by_role("link", name="Relaties", exact=True).click()
    listed = page.locator("table.relations")
    expect(listed).to_contain_text("Eigenaar van Hoogstraat 2, Dijkerveen")
    expect(listed).to_contain_text("Verborgen leegstand: Hoogstraat 2, Dijkerveen")
    page.get_by_role("navigation").get_by_role("link", name="Te doen").click()
    expect(
        page.get_by_role("link", name="Opvolgen: Eigenaar van Hoogstraat 2, Dijkerveen")
    ).to_be_visible()
    assert page.csp_violations == []
    assert page.console_errors == []
