"""The dashboard pages: figures as staff see them, downloads equal to the page, permissions."""

import csv
import io
import json
import re
from html import unescape

import pytest
from babel.dates import format_date
from openpyxl import load_workbook

from vrijstad import clock
from vrijstad.dashboard import services
from vrijstad.dashboard.figures import Kind, format_cell
from vrijstad.dashboard.models import VacancySnapshot
from vrijstad.dashboard.services import market
from vrijstad.dashboard.views import FIGURE_KEYS, TABS
from vrijstad.exports import csv_cell


def page_text(response) -> str:
    """The page's text with tags and repeated white space removed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.text)))


def every_tab(client, area_id: int) -> str:
    """The text of every tab of the area's dashboard, one after the other."""
    return " ".join(page_text(client.get(f"/dashboard/areas/{area_id}?tab={tab}")) for tab in TABS)


def test_staff_see_the_figures(client, login, city, lettings, books):
    login(city.staff)
    response = client.get(f"/dashboard/areas/{city.area.id}")
    assert response.status_code == 200
    text = every_tab(client, city.area.id)
    assert "Vacancy dashboard: Centrum" in text
    assert "57.1 %" in text and "50.0 %" in text  # by count and by floor area
    assert "4 of 7 units" in text and "500 of 1,000 m²" in text
    assert "national 6.0 %" in text and "national 5.4 %" in text
    assert "Above the healthy 5.0 %." in text
    assert "Hoogstraat 75.0 %" not in text  # the street row has its grade between
    assert re.search(r"Hoogstraat A1 4 3 75\.0 % 500 400 80\.0 % 1 1 1", text)
    assert re.search(r"Kerkstraat B1 3 1 33\.3 % 500 100 20\.0 % 0 1 0", text)
    assert "Hoogstraat 4" in text  # the structural case
    assert re.search(r"Applications 4 Offers 2 Placements 2", text)
    assert "€100.00" in text and "€85.00" in text  # collected and paid out to landlords
    vacancy = client.get(f"/dashboard/areas/{city.area.id}?tab=vacancy")
    assert "data-chart=" in vacancy.text and "chart.umd.js" in vacancy.text
    # No inline script: the CSP forbids it.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", vacancy.text)


def test_htmx_period_change_returns_the_figures_only(client, login, city):
    login(city.staff)
    response = client.get(
        f"/dashboard/areas/{city.area.id}?street=Kerkstraat", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "street Kerkstraat" in page_text(response)
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("key", FIGURE_KEYS)
def test_csv_and_xlsx_equal_the_page(client, login, city, lettings, books, key, app):
    login(city.staff)
    response = client.get(f"/dashboard/areas/{city.area.id}/figures/{key}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    with app.test_request_context("/?lang=en"):
        today = clock.today()
        figure = services.build_dashboard(
            city.area, services.choose_period(None, None, today), None, today
        ).figures[key]
    assert rows[0] == [c.label for c in figure.columns]
    assert rows[1:] == [
        [csv_cell(v, c.kind) for v, c in zip(row, figure.columns, strict=True)]
        for row in figure.rows
    ]
    # The page shows the very same values, formatted for the reader (a long list: its size).
    page = every_tab(client, city.area.id)
    for row in figure.rows if figure.on_page else ():
        cells = [format_cell(v, c.kind, "en") for v, c in zip(row, figure.columns, strict=True)]
        assert " ".join(cells) in page, cells
    if not figure.on_page:
        assert f"{len(figure.rows)} rows: too many for the page" in page
    workbook = load_workbook(
        io.BytesIO(client.get(f"/dashboard/areas/{city.area.id}/figures/{key}.xlsx").data)
    )
    sheet = workbook.worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == [c.label for c in figure.columns]
    for got, row in zip(values[1:], figure.rows, strict=True):
        for value, expected, column in zip(got, row, figure.columns, strict=True):
            if column.kind == Kind.EUR:
                assert round(value * 100) == expected
            elif column.kind == Kind.MONTH:
                assert value == expected.strftime("%Y-%m")
            elif column.kind == Kind.DATE:
                assert value.date() == expected
            elif column.kind == Kind.PERCENT:  # a real percentage: 36,0 % is 0.36
                assert value == (None if expected is None else pytest.approx(float(expected) / 100))
            else:
                assert value == expected


def test_all_figures_in_one_workbook(client, login, city):
    login(city.staff)
    response = client.get(f"/dashboard/areas/{city.area.id}/figures/all.xlsx?street=Hoogstraat")
    assert response.status_code == 200
    assert "hoogstraat" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.worksheets) == len(FIGURE_KEYS)
    assert client.get(f"/dashboard/areas/{city.area.id}/figures/all.csv").status_code == 404
    assert client.get(f"/dashboard/areas/{city.area.id}/figures/nope.csv").status_code == 404
    assert client.get(f"/dashboard/areas/{city.area.id}/figures/trend.pdf").status_code == 404


def test_map_points_are_the_vacant_units(client, login, city):
    login(city.staff)
    points = client.get(f"/dashboard/areas/{city.area.id}/map.json").json["points"]
    classes = {p["address"]: p["class"] for p in points}
    assert classes == {
        "Hoogstraat 2": "frictional",
        "Hoogstraat 3": "long_term",
        "Hoogstraat 4": "structural",
        "Kerkstraat 6": "long_term",
    }


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13",
        "to=abc",
        "from=2020-05&to=2020-01",
        "to=2999-01",
        "from=2000-01",
        "street=Nergensstraat",
        "street=%00",
        "from=%F0%9F%92%A9",
        "street=" + "x" * 500,
    ],
)
def test_bad_input_is_a_400_with_a_reason(client, login, city, query):
    login(city.staff)
    for path in ("", "/figures/trend.csv", "/map.json"):
        response = client.get(f"/dashboard/areas/{city.area.id}{path}?{query}")
        if path == "/map.json" and not query.startswith("street"):
            assert response.status_code == 200  # the map shows today: no period
            continue
        assert response.status_code == 400, (path, query)
        assert re.search(r"month|street", page_text(response)), page_text(response)


def test_another_organisation_gets_403(client, login, city):
    login(city.other_org.test_staff)
    base = f"/dashboard/areas/{city.area.id}"
    for path in ("", "/figures/trend.csv", "/figures/all.xlsx", "/map.json"):
        assert client.get(base + path).status_code == 403
    assert client.get(f"/dashboard/organisations/{city.org.id}/references").status_code == 403
    assert client.get(f"/organisations/{city.org.id}/api-tokens/").status_code == 403


def test_anonymous_must_log_in_and_landlords_have_no_dashboard(client, login, city, make_user):
    response = client.get(f"/dashboard/areas/{city.area.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user("landlord"))
    assert client.get(f"/dashboard/areas/{city.area.id}").status_code == 403
    assert client.get("/dashboard/").status_code == 403


def test_unknown_and_huge_ids_are_404(client, login, city):
    login(city.staff)
    assert client.get("/dashboard/areas/999999").status_code == 404
    assert client.get("/dashboard/areas/99999999999999999999").status_code == 404
    assert client.get("/streets/99999999999999999999").status_code == 404


def test_index_leads_to_the_only_area(client, login, city, make_user):
    login(city.staff)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/dashboard/areas/{city.area.id}")


def test_admin_sets_the_reference_figures(client, login, city):
    login(city.staff)
    assert client.get(f"/dashboard/organisations/{city.org.id}/references").status_code == 403
    client.post("/logout")
    login(city.admin)
    path = f"/dashboard/organisations/{city.org.id}/references"
    assert client.get(path).status_code == 200
    response = client.post(
        path, data={"national_count": "7,3", "national_area": "", "healthy_max": "4.5"}
    )
    assert response.status_code == 302
    assert client.post(path, data={"national_count": "130"}).status_code == 422
    text = page_text(client.get(f"/dashboard/areas/{city.area.id}"))
    assert "national 7.3 %" in text and "national 5.4 %" in text
    assert "Above the healthy 4.5 %." in text


def test_history_stays_on_the_page_after_edits(client, login, city, runner):
    from vrijstad.extensions import db
    from vrijstad.units.models import Unit, UnitStatus

    last_month = services.add_months(clock.this_month(), -1).strftime("%Y-%m")
    result = runner.invoke(args=["snapshot", "--period", last_month])
    assert result.exit_code == 0, result.output
    assert "2 area(s) recorded (5 rows), 0 already recorded" in result.output
    unit = db.session.get(Unit, city.units["k2"].id)
    unit.status, unit.vacant_since = UnitStatus.LET, None
    db.session.commit()
    login(city.staff)
    text = page_text(client.get(f"/dashboard/areas/{city.area.id}?to={last_month}"))
    assert "4 of 7 units" in text and "Stock as recorded for" in text
    text = page_text(client.get(f"/dashboard/areas/{city.area.id}"))
    assert "3 of 7 units" in text
    again = runner.invoke(args=["snapshot", "--period", last_month])
    assert "0 area(s) recorded (0 rows), 2 already recorded" in again.output
    future = runner.invoke(args=["snapshot", "--period", "2999-01"])
    assert future.exit_code != 0 and future.output.startswith("Error: ")
    assert db.session.query(VacancySnapshot).count() == 5
    assert runner.invoke(args=["snapshot", "--period", "2026-13"]).exit_code != 0


def test_month_without_snapshot_says_so(client, login, city):
    login(city.staff)
    month = services.add_months(clock.this_month(), -3).strftime("%Y-%m")
    response = client.get(f"/dashboard/areas/{city.area.id}?to={month}")
    assert response.status_code == 200
    assert f"No snapshot was recorded for {month}" in page_text(response)


def test_a_long_list_is_counted_on_the_page_and_downloaded_whole(
    client, login, city, lettings, monkeypatch
):
    monkeypatch.setattr(market, "PAGE_LIST_LIMIT", 2)
    login(city.staff)
    text = page_text(client.get(f"/dashboard/areas/{city.area.id}?tab=letting"))
    assert "3 rows: too many for the page, download the list." in text
    assert "Zaak 1" not in text
    rows = client.get(f"/dashboard/areas/{city.area.id}/figures/starters_list.csv").text
    assert [line.split(";")[0] for line in rows.splitlines()[1:]] == ["Zaak 1", "Zaak 2", "Zaak 3"]


def _chart(page: str, key: str) -> dict:
    section = page[page.index(f'id="h-{key}"') :]
    return json.loads(unescape(re.search(r"data-chart='([^']*)'", section)[1]))


def test_charts_count_in_whole_numbers_and_name_months_in_dutch(client, login, city, lettings):
    """Counts (the funnel, durations, branches) get an axis of whole numbers; amounts and
    percentages do not; the months on the trend read as the reader's language names them, and
    the funnel's column says what it counts ("Aantal", not "Nummer")."""
    login(city.staff)
    client.post("/language", data={"language": "nl"})
    page = " ".join(
        client.get(f"/dashboard/areas/{city.area.id}?tab={tab}").text
        for tab in ("vacancy", "letting")
    )
    assert _chart(page, "funnel")["count"] is True
    assert _chart(page, "durations")["count"] is True
    assert _chart(page, "trend")["count"] is False
    month = _chart(page, "trend")["labels"][-1]
    assert month == format_date(clock.this_month(), "LLL yyyy", locale="nl")
    funnel = page[page.index('id="h-funnel"') :]
    assert "Aantal" in funnel[: funnel.index("</table>")]
    assert "Nummer" not in funnel[: funnel.index("</table>")]


#: The charts each tab draws (by the id of the heading above each).
TAB_CHARTS = {
    "overview": set(),
    "vacancy": {"trend", "durations"},
    "letting": {"branches", "funnel"},
    "money": {"money"},
    "subsidies": set(),  # no scheme in this city: the table says so, no chart
    "contests": set(),
}


def test_each_tab_is_its_own_page_with_only_its_charts(client, login, city, lettings, books):
    login(city.staff)
    assert set(TAB_CHARTS) == set(TABS)
    for tab, expected in TAB_CHARTS.items():
        response = client.get(f"/dashboard/areas/{city.area.id}?tab={tab}")
        assert response.status_code == 200, tab
        assert f'?tab={tab}" aria-current="page"' in response.text
        drawn = {
            key
            for key in ("trend", "durations", "branches", "funnel", "money", "subsidies")
            if f'id="h-{key}"' in response.text
            and "data-chart="
            in response.text[response.text.index(f'id="h-{key}"') :].split("</section>")[0]
        }
        assert drawn == expected, tab
        assert ("chart.umd.js" in response.text) == bool(expected), tab
        assert ("leaflet.js" in response.text) == (tab == "vacancy"), tab
    assert client.get(f"/dashboard/areas/{city.area.id}?tab=nope").status_code == 404


def test_the_tabs_keep_the_period_and_the_form_keeps_the_tab(client, login, city):
    login(city.staff)
    response = client.get(f"/dashboard/areas/{city.area.id}?tab=money&street=Kerkstraat")
    assert f"/dashboard/areas/{city.area.id}?tab=vacancy&amp;street=Kerkstraat" in response.text
    assert '<input type="hidden" name="tab" value="money">' in response.text


def test_the_overview_sets_the_bylaw_beside_the_carrots(client, login, city):
    from datetime import date

    from vrijstad.bylaw.services import save_bylaw
    from vrijstad.extensions import db

    login(city.staff)
    text = page_text(client.get(f"/dashboard/areas/{city.area.id}"))
    assert "Stick and carrot" in text and "No vacancy bylaw is recorded" in text
    assert "Running contests 0 Subsidy applications 0 Units in collective letting 0" in text
    save_bylaw(city.staff, city.org, "Gemeente Dijkerveen", date(2020, 1, 1))
    db.session.commit()
    text = page_text(client.get(f"/dashboard/areas/{city.area.id}"))
    assert re.search(r"clock running \(under six months\) \d+ report due \d+ reported 0", text)
