"""The public home page: search box, live figures (units on offer, starters placed this
Amsterdam year, the vacancy trend), featured units, street stories and the running contest;
each block left out when it has nothing to show, and read in a fixed number of statements."""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.dashboard.test_views import page_text
from tests.units.test_showcase import place
from vrijstad import clock
from vrijstad.contests.models import Contest, ContestStatus, PrizeKind
from vrijstad.dashboard.models import StreetStory, VacancySnapshot
from vrijstad.dashboard.services import live_stock
from vrijstad.extensions import db
from vrijstad.letting.models import PlacementStatus
from vrijstad.main.services import showcase
from vrijstad.matching.models import StreetProfile, mask_of
from vrijstad.starters.models import BranchGroup
from vrijstad.units.models import UnitPhoto, UnitStatus


@contextmanager
def statements():
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def en(client, url: str = "/"):
    response = client.get(url, query_string={"lang": "en"})
    assert response.status_code == 200
    return response


def add_photo(unit, name: str, position: int = 0) -> None:
    db.session.add(
        UnitPhoto(
            unit_id=unit.id,
            position=position,
            filename=f"{name}.jpg",
            thumbnail=f"{name}-thumb.jpg",
            width=1600,
            height=1000,
        )
    )
    db.session.commit()


def snapshot(area, period: date, total: int, vacant: int) -> None:
    db.session.add(
        VacancySnapshot(
            area_id=area.id,
            period=period,
            reference_date=period,
            units_total=total,
            units_vacant=vacant,
            floor_area_total_m2=total * 100,
            floor_area_vacant_m2=vacant * 100,
            frictional_units=vacant,
            long_term_units=0,
            structural_units=0,
            frictional_m2=vacant * 100,
            long_term_m2=0,
            structural_m2=0,
        )
    )
    db.session.commit()


def publish(street, story: str = "Old market street.", **profile) -> None:
    db.session.add(StreetStory(street_id=street.id, story=story, published=True))
    if profile:
        db.session.add(StreetProfile(street_id=street.id, **profile))
    db.session.commit()


def contest(org, unit, status: ContestStatus, opens: date, closes: date, title: str) -> Contest:
    call = Contest(
        organisation_id=org.id,
        status=status,
        title=title,
        description="Win a shop in the old town.",
        prize_kind=PrizeKind.RENT_FREE,
        starts_on=closes + timedelta(days=60),
        lease_months=12,
        entries_open_on=opens,
        entries_close_on=closes,
        shortlist_on=closes + timedelta(days=7),
        pitch_on=closes + timedelta(days=20),
        winner_on=closes + timedelta(days=30),
    )
    call.units = [unit]
    db.session.add(call)
    db.session.commit()
    return call


@pytest.mark.clock("2026-03-15T12:00+01:00")
def test_figures_count_units_on_offer_and_starters_placed_this_year(
    app, make_org, make_unit, make_user
):
    area = make_org().areas[0]
    listed, talks = make_unit(area=area), make_unit(area=area, status=UnitStatus.IN_TALKS)
    make_unit(area=area, status=UnitStatus.RESERVED)
    make_unit(area=area, status=UnitStatus.DRAFT)
    let = make_unit(area=area, status=UnitStatus.LET, vacant_since=None)
    anna, bram, cas, dirk = (make_user("starter") for _ in range(4))
    place(let, anna, start=date(2026, 1, 1))
    place(listed, anna, PlacementStatus.ENDED, start=date(2026, 2, 1))  # anna again: counted once
    place(talks, bram, PlacementStatus.AGREED, start=date(2026, 12, 31))  # later this year
    place(let, cas, start=date(2025, 12, 31))  # last year
    place(let, dirk, PlacementStatus.AGREED, start=date(2027, 1, 1))  # next year
    with app.test_request_context():
        found = showcase(clock.today())
    assert found.on_offer == 3  # listed, in talks, reserved
    assert found.placed_this_year == 2  # anna and bram


@pytest.mark.clock("2026-12-31T23:30+00:00")  # already 1 January 2027 in Amsterdam
def test_this_year_is_the_year_in_amsterdam(app, make_org, make_unit, make_user):
    unit = make_unit(area=make_org().areas[0])
    place(unit, make_user("starter"), start=date(2026, 12, 1))
    place(unit, make_user("starter"), start=date(2027, 1, 1))
    with app.test_request_context():
        assert showcase(clock.today()).placed_this_year == 1


@pytest.mark.clock("2026-03-15T12:00+01:00")
def test_the_trend_compares_now_with_the_first_snapshot_of_the_year(
    app, client, make_org, make_unit
):
    quiet = make_org().areas[0]
    make_unit(area=quiet)
    area = make_org().areas[0]  # the area with the most units
    for _ in range(3):
        make_unit(area=area)
    make_unit(area=area, status=UnitStatus.LET, vacant_since=None)
    snapshot(area, date(2025, 3, 1), 10, 9)  # more than a year ago: outside the window
    snapshot(area, date(2025, 6, 1), 10, 3)
    snapshot(area, date(2026, 1, 1), 10, 2)
    with app.test_request_context():
        trend = showcase(clock.today()).trend
        now = live_stock(area, clock.today()).area.rate_count
    assert trend is not None and trend.area.id == area.id
    assert trend.since == date(2025, 6, 1) and trend.rate_then == Decimal("30.0")
    assert trend.rate_now == now == Decimal("75.0")
    assert trend.change == Decimal("45.0")
    assert [month for month, _ in trend.rates] == [
        date(2025, 6, 1),
        date(2026, 1, 1),
        date(2026, 3, 1),
    ]
    response = en(client)
    text = page_text(response)
    assert "75.0 % vacancy in Centrum, Dijkerveen" in text
    assert "up from 30.0 % in June 2025" in text
    assert response.text.count("<rect ") == 3  # one bar a month with figures


def test_an_empty_site_shows_the_search_and_no_empty_blocks(client):
    response = en(client)
    text = page_text(response)
    assert 'role="search"' in response.text and 'action="/units"' in response.text
    for block in ("figures-heading", "featured-heading", "streets-heading", "contest-heading"):
        assert block not in response.text
    assert "on offer now" not in text and "placed this year" not in text


def test_the_search_box_sends_city_street_and_use_to_the_unit_search(client, make_unit):
    unit = make_unit(city="Dijkerveen", street="Kerkstraat")
    response = en(client)
    for name in ('name="city"', 'name="street"', 'name="use"'):
        assert name in response.text
    search = {"city": "Dijkerveen", "street": "Kerkstraat", "use": "detailhandel", "lang": "en"}
    results = client.get("/units", query_string=search)
    assert results.status_code == 200 and f'href="/units/{unit.id}"' in results.text


@pytest.mark.clock("2026-03-15T12:00+01:00")
def test_home_shows_featured_units_streets_and_the_open_contest(
    client, make_org, make_unit, make_user
):
    org = make_org()
    area = org.areas[0]
    plain = make_unit(area=area, street="Kerkstraat")
    pictured = make_unit(area=area, street="Molenstraat")
    add_photo(pictured, "front")
    make_unit(area=area, street="Verstopt", status=UnitStatus.DRAFT)
    make_unit(area=area, street="Bezet", status=UnitStatus.IN_TALKS)  # on offer, not featured
    place(make_unit(area=area, status=UnitStatus.LET), make_user("starter"), start=date(2026, 2, 1))
    hoogstraat = area.streets[0]
    publish(
        hoogstraat,
        wanted_mask=mask_of([BranchGroup.FASHION_LUXURY]),
        note="Makers and menders wanted.",
    )
    today = clock.today()
    call = contest(
        org, plain, ContestStatus.OPEN, today - timedelta(days=5), date(2026, 4, 30), "Win!"
    )
    contest(org, plain, ContestStatus.DRAFT, today, today + timedelta(days=9), "Concept")
    response = en(client)
    html, text = response.text, page_text(response)
    assert "3 units on offer now" in text and "1 starter placed this year" in text
    featured = html[
        html.index("featured-heading") : html.index("</section>", html.index("featured-heading"))
    ]
    assert featured.index(f'/units/{pictured.id}"') < featured.index(f'/units/{plain.id}"')
    assert f'src="/media/units/{pictured.id}/front-thumb.jpg"' in featured
    assert 'loading="lazy"' in featured and 'width="480" height="300"' in featured
    assert "Verstopt" not in text and "Bezet" not in featured
    assert f'href="/streets/{hoogstraat.id}"' in html and "Makers and menders wanted." in text
    assert f'href="/contests/{call.id}"' in html and "Enter by 30-04-2026" in text
    assert "Concept" not in text


def test_streets_without_a_profile_or_unpublished_are_not_featured(client, make_org):
    area = make_org().areas[0]
    publish(area.streets[0])  # no profile
    response = en(client)
    assert "streets-heading" not in response.text


def test_closed_and_future_contests_are_not_shown(client, make_org, make_unit):
    org = make_org()
    unit = make_unit(area=org.areas[0])
    today = clock.today()
    contest(
        org,
        unit,
        ContestStatus.OPEN,
        today + timedelta(days=1),
        today + timedelta(days=20),
        "Later",
    )
    contest(
        org,
        unit,
        ContestStatus.CLOSED,
        today - timedelta(days=30),
        today - timedelta(days=1),
        "Over",
    )
    assert "contest-heading" not in en(client).text


def test_the_home_page_reads_in_as_many_statements_for_one_unit_as_for_many(
    client, make_org, make_unit
):
    org = make_org()
    area = org.areas[0]
    first = make_unit(area=area)
    add_photo(first, "one")
    publish(area.streets[0], note="A note.")
    en(client)  # warm up: nothing cached counts
    with statements() as few:
        en(client)
    for n in range(8):
        add_photo(make_unit(area=area, street=f"Straat {n}"), f"photo{n}")
    with statements() as many:
        en(client)
    assert len(many) == len(few) <= 12, many
