"""Staff import a vacancy history for their area: a bad file lists its bad lines, a good one
backfills the months, and the dashboard's trend shows them as imported. The footfall page
shows its weekly trend as a chart. Months and weeks count back from today."""

from playwright.sync_api import Page, expect

from tests.browser.test_reflow import log_in
from tests.footfall.conftest import daily_csv
from tests.history.conftest import history_csv, line, months_ago
from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.footfall import figures
from vrijstad.footfall.importer import parse
from vrijstad.footfall.models import Counter
from vrijstad.footfall.services import import_counts


def test_staff_backfill_the_vacancy_and_see_it_in_the_trend(page: Page, make_org, tmp_path):
    organisation = make_org()
    area = organisation.areas[0]
    log_in(page, organisation.test_staff.email)

    page.goto(f"/dashboard/areas/{area.id}")
    page.get_by_role("link", name="Leegstandsgeschiedenis importeren").click()
    expect(page.locator("#history-state")).to_contain_text("nog geen maanden geïmporteerd")

    bad = tmp_path / "fout.csv"
    bad.write_bytes(
        history_csv(
            line(months_ago(5), "Hoogstraat", 10, 12),
            line(months_ago(5), "Dorpsstraat"),
        )
    )
    page.get_by_label("Leegstandsgeschiedenis (.csv of .xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Importeren").click()
    errors = page.locator("table.import-errors")
    expect(errors).to_contain_text("12 lege panden is meer dan de 10 panden in totaal")
    expect(errors).to_contain_text("Dorpsstraat is geen straat van Centrum")
    expect(errors.locator("tbody tr")).to_have_count(2)

    # A year of history, 14 to 3 months ago: 20 units, vacancy falling from 6 to 3.
    good = tmp_path / "historie.csv"
    months = [months_ago(n) for n in range(14, 2, -1)]
    good.write_bytes(
        history_csv(
            *(
                line(month, "Hoogstraat", 20, 6 - n // 4, 2000, 100 * (6 - n // 4))
                for n, month in enumerate(months)
            )
        )
    )
    page.get_by_label("Leegstandsgeschiedenis (.csv of .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("12 maanden geïmporteerd")).to_be_visible()
    expect(page.locator("#h-trend")).to_be_visible()
    trend_section = page.locator("section[aria-labelledby=h-trend]")
    expect(trend_section.locator("canvas")).to_be_visible()
    trend_section.locator("details summary").click()
    trend = page.locator("#figure-trend table")
    expect(trend).to_contain_text(f"{months[0]:%Y-%m}")
    expect(trend).to_contain_text(f"{months[-1]:%Y-%m}")
    expect(trend.locator("tbody tr", has_text="geïmporteerd")).to_have_count(12)
    expect(trend.locator("tbody tr", has_text=f"{months[0]:%Y-%m}")).to_contain_text("30,0 %")
    assert page.csp_violations == []
    assert page.console_errors == []


def test_the_footfall_page_shows_the_weekly_trend_as_a_chart(page: Page, make_org):
    organisation = make_org()
    area = organisation.areas[0]
    counter = Counter(organisation_id=organisation.id, street_id=area.streets[0].id, code="HS-01")
    db.session.add(counter)
    db.session.commit()
    last = figures.last_full_week(clock.today())
    for first, per_hour in (
        (last - 3 * figures.WEEK, 100),
        (last - figures.YEAR - 3 * figures.WEEK, 80),
    ):
        import_counts(None, organisation, parse(daily_csv(first, 7 * 4, per_hour)).rows)
    db.session.commit()
    log_in(page, organisation.test_staff.email)

    page.goto(f"/dashboard/areas/{area.id}/footfall")
    chart = page.locator("#footfall-chart canvas")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute(
        "aria-label", "Lijngrafiek van de passanten per week, met dezelfde weken vorig jaar"
    )
    # Chart.js drew on the canvas (the script ran and found its data).
    page.wait_for_function(
        "() => { const c = document.querySelector('#footfall-chart canvas');"
        " return c && c._vrijstadChart && c._vrijstadChart.data.datasets.length === 2; }"
    )
    page.get_by_text("De cijfers").click()
    expect(page.locator("#footfall-trend")).to_contain_text("16.800")
    expect(page.locator("#footfall-trend")).to_contain_text("13.440")
    assert page.csp_violations == []
    assert page.console_errors == []
