"""Staff add a counter and import a file of counts; the footfall then shows on the dashboard,
on a unit's page and on the street's page."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_reflow import log_in

#: Four full weeks up to Sunday 6 December 2026, 100 passers-by every hour: 16.800 a week.
FIRST = date(2026, 11, 9)


def counts_file(tmp_path) -> str:
    lines = ["datum;uur;aantal"]
    for n in range(28):
        day = FIRST + timedelta(days=n)
        lines += [f"{day:%d-%m-%Y};{hour}:00;100" for hour in range(24)]
    path = tmp_path / "hoogstraat.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.clock("2026-12-10T10:00+01:00")
def test_staff_import_counts_and_see_them_where_people_decide(
    page: Page, make_org, make_unit, tmp_path
):
    organisation = make_org()
    area = organisation.areas[0]
    street = area.streets[0]
    unit = make_unit(area=area, street="Hoogstraat")
    log_in(page, organisation.test_staff.email)

    page.goto(f"/organisations/{organisation.id}/footfall")
    page.get_by_label("Code").fill("HS-01")
    page.get_by_label("Straat").select_option(str(street.id))
    page.get_by_role("button", name="Teller toevoegen").click()
    expect(page.get_by_text("De teller is toegevoegd.")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("HS-01")

    page.get_by_role("link", name="Tellingen importeren").click()
    bad = tmp_path / "fout.csv"
    bad.write_text("datum;uur;aantal\n02-11-2026;13;veel\n31-11-2026;9;5\n", encoding="utf-8")
    page.get_by_label("Bestand met tellingen (.csv)").set_input_files(str(bad))
    page.get_by_label("Teller (voor een bestand zonder tellerkolom)").select_option("HS-01")
    page.get_by_role("button", name="Importeren").click()
    errors = page.locator("table.import-errors")
    expect(errors).to_contain_text("veel")
    expect(errors).to_contain_text("31-11-2026")
    page.get_by_label("Bestand met tellingen (.csv)").set_input_files(counts_file(tmp_path))
    page.get_by_label("Teller (voor een bestand zonder tellerkolom)").select_option("HS-01")
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("672 tellingen geïmporteerd voor 1 tellers.")).to_be_visible()

    page.goto(f"/dashboard/areas/{area.id}")
    page.get_by_role("link", name="Passanten", exact=True).click()
    expect(page.locator("#footfall-last-week")).to_have_text("16.800 passanten")
    expect(page.locator("#footfall-streets")).to_contain_text("Hoogstraat")

    page.goto(f"/units/{unit.id}")
    expect(page.get_by_text("± 16.800 passanten per week in deze straat")).to_be_visible()
    page.goto(f"/streets/{street.id}")
    expect(page.get_by_text("± 16.800 passanten per week in deze straat")).to_be_visible()
    assert page.csp_violations == []
    assert page.console_errors == []
