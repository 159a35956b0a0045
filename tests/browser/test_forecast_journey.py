"""Staff see a street's vacancy outlook: the alert on "Te doen" leads to the area's outlook,
where each street has its expected vacancy 3, 6 and 12 months ahead with its 80 % band, and
the street's own page shows the same outlook to them (not to the public)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.test_reflow import log_in
from tests.forecast.test_todo import tipping_street
from vrijstad import clock


def test_staff_follow_the_alert_to_the_outlook_with_its_band(page: Page, make_org, make_unit):
    organisation = make_org()
    area = organisation.areas[0]
    tipping_street(area, make_unit, clock.today())
    street = next(s for s in area.streets if s.name == "Hoogstraat")
    log_in(page, organisation.test_staff.email)

    page.get_by_role("navigation").get_by_role("link", name="Te doen").click()
    alert = page.get_by_role(
        "link", name="Hoogstraat gaat naar verwachting over de gezonde leegstandsgrens"
    )
    expect(alert).to_be_visible()
    alert.click()

    expect(page.get_by_role("heading", name=f"Vooruitblik leegstand: {area.name}")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Hoogstraat")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Hoogstraat"))
    band = re.compile(r"\d+,\d\s%\s*\(\d+,\d\s%\s–\s\d+,\d\s%\)")
    for cell in range(2, 5):  # 3, 6 and 12 months: the expected share and its band
        expect(row.get_by_role("cell").nth(cell)).to_have_text(band)
    quiet = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Kerkstraat"))
    expect(quiet).to_be_visible()

    page.goto(f"/streets/{street.id}")
    expect(page.get_by_role("heading", name="Vooruitblik leegstand")).to_be_visible()
    page.context.clear_cookies()  # the public sees the street, not its outlook
    page.goto(f"/streets/{street.id}")
    expect(page.get_by_role("heading", name="Vooruitblik leegstand")).to_have_count(0)
    assert page.csp_violations == []
    assert page.console_errors == []
