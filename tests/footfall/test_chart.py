"""The footfall page's weekly trend as a chart (the table stays its source), with the same
weeks last year as a second line when they were counted. Dates count back from today."""

import html
import json
import re

from tests.footfall.conftest import daily_csv
from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.footfall import figures
from vrijstad.footfall.importer import parse
from vrijstad.footfall.services import import_counts


def _seed(organisation, first, days: int, per_hour: int) -> None:
    parsed = parse(daily_csv(first, days, per_hour))
    assert parsed.errors == []
    import_counts(None, organisation, parsed.rows)
    db.session.commit()


def _chart(text: str) -> dict:
    found = re.search(r"<div id=\"footfall-chart\">.*?data-chart='([^']*)'", text, re.S)
    assert found, "no chart on the page"
    return json.loads(html.unescape(found.group(1)))


def test_the_trend_chart_has_last_years_weeks_when_they_were_counted(client, login, counted):
    last = figures.last_full_week(clock.today())
    _seed(counted, last - figures.WEEK, 14, per_hour=100)  # the last two full weeks
    login(counted.test_staff)
    url = f"/dashboard/areas/{counted.areas[0].id}/footfall"
    chart = _chart(client.get(url).text)
    assert chart["type"] == "line" and len(chart["labels"]) == figures.TREND_WEEKS
    assert [d["label"] for d in chart["datasets"]] == ["Passanten"]
    assert chart["datasets"][0]["data"][-2:] == [16_800, 16_800]

    _seed(counted, last - figures.YEAR, 7, per_hour=50)  # the same week a year before
    page = client.get(url).text
    chart = _chart(page)
    assert [d["label"] for d in chart["datasets"]] == ["Passanten", "Dezelfde week vorig jaar"]
    assert chart["datasets"][1]["data"] == [None] * (figures.TREND_WEEKS - 1) + [8_400]
    assert "chart.umd.js" in page and 'aria-label="Lijngrafiek van de passanten' in page
    # The table holds the same figures, last year's included.
    assert re.search(r"<td>16\.800</td><td>8\.400</td>", page)
    board = figures.area_footfall(list(counted.areas[0].streets), clock.today())
    assert board.trend_year_ago[-1] == 8_400 and board.year_ago == 8_400
