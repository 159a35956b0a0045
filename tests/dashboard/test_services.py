"""Dashboard figures against the hand-computed city centre of conftest.py."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from vrijstad import clock
from vrijstad.dashboard import services
from vrijstad.dashboard.models import VacancySnapshot
from vrijstad.extensions import db
from vrijstad.units.models import Unit, UnitStatus


@pytest.fixture
def ctx(app):
    with app.test_request_context("/?lang=en"):
        yield


def board(city, first=None, last=None, street=None):
    today = clock.today()
    period = services.choose_period(first, last, today)
    return services.build_dashboard(city.area, period, street, today)


def test_vacancy_by_count_and_floor_area(ctx, city):
    stock = services.live_stock(city.area, clock.today())
    area = stock.area
    assert (area.units_total, area.units_vacant) == (7, 4)
    assert (area.floor_area_total_m2, area.floor_area_vacant_m2) == (1000, 500)
    assert area.rate_count == Decimal("57.1")  # 4 / 7
    assert area.rate_area == Decimal("50.0")
    hoog, kerk = stock.streets
    assert (hoog.street, hoog.units_total, hoog.units_vacant, hoog.rate_count) == (
        "Hoogstraat",
        4,
        3,
        Decimal("75.0"),
    )
    assert (hoog.floor_area_vacant_m2, hoog.rate_area) == (400, Decimal("80.0"))
    # "Kerkstraat" and "kerkstraat " are one street; the withdrawn unit is not in the stock.
    assert (kerk.street, kerk.units_total, kerk.units_vacant, kerk.rate_count) == (
        "Kerkstraat",
        3,
        1,
        Decimal("33.3"),
    )
    assert (kerk.floor_area_total_m2, kerk.rate_area, kerk.grade) == (500, Decimal("20.0"), "B1")


def test_duration_classes_and_boundaries(ctx, city):
    area = services.live_stock(city.area, clock.today()).area
    assert (area.frictional_units, area.long_term_units, area.structural_units) == (1, 2, 1)
    assert (area.frictional_m2, area.long_term_m2, area.structural_m2) == (200, 150, 150)
    # Exactly three years (1095 days) is still long-term, as Unit.vacancy_class says; a day
    # later it is structural; exactly one year is long-term.
    k2 = city.units["k2"]
    assert k2.vacancy_class().value == "long_term"
    later = services.live_stock(city.area, clock.today() + timedelta(days=1)).area
    assert (later.long_term_units, later.structural_units) == (1, 2)
    h2 = db.session.get(Unit, city.units["h2"].id)
    h2.vacant_since = clock.today() - timedelta(days=365)
    db.session.commit()
    area = services.live_stock(city.area, clock.today()).area
    assert (area.frictional_units, area.long_term_units) == (0, 3)


def test_dashboard_figures(ctx, city, lettings, books):
    result = board(city)
    figures = result.figures
    assert figures["headline"].rows == [
        ["By number of units", Decimal("57.1"), Decimal("6.0"), Decimal("5.0")],
        ["By floor area", Decimal("50.0"), Decimal("5.4"), Decimal("5.0")],
    ]
    assert figures["durations"].rows == [
        ["frictional (< 1 year)", 1, 200],
        ["long-term (1–3 years)", 2, 150],
        ["structural (> 3 years)", 1, 150],
    ]
    h4 = city.units["h4"]
    assert figures["structural"].rows == [["Hoogstraat 4", h4.vacant_since, 1200, 150]]
    assert figures["funnel"].rows == [
        ["Units listed", 7],
        ["Applications", 4],
        ["Offers", 2],
        ["Placements", 2],
    ]
    assert figures["days_to_let"].rows == [[2, 20]]  # 30 and 10 days: median 20
    assert figures["branches"].rows == [
        ["Hoogstraat", "Fashion & luxury", 0, "wanted", "asked for, none yet"],
        ["Hoogstraat", "Leisure & horeca", 1, "excluded", "more than the street wants"],
    ]
    assert figures["starters_open"].rows == [["6 months", 3], ["12 months", 2]]
    assert [row[0] for row in figures["starters_list"].rows] == ["Zaak 1", "Zaak 2", "Zaak 3"]
    money = figures["money"].rows
    assert money[-1] == [clock.this_month(), 10_000, 8_500, 1_000, 500, 8_500]
    assert all(row[1:] == [0, 0, 0, 0, 0] for row in money[:-1])
    assert figures["fund"].rows == [[clock.today(), 300]]  # 500 in, 200 spent
    trend = figures["trend"].rows
    assert trend[-1][:4] == [clock.this_month(), 7, 4, Decimal("57.1")]
    assert len(result.missing_months) == 23  # no snapshots before this month


def test_street_filter(ctx, city, lettings):
    figures = board(city, street="kerkstraat").figures
    assert figures["headline"].rows[0][1] == Decimal("33.3")
    assert [r[0] for r in figures["streets"].rows] == ["Kerkstraat"]
    assert figures["funnel"].rows == [
        ["Units listed", 4],
        ["Applications", 1],
        ["Offers", 0],
        ["Placements", 1],
    ]
    assert figures["structural"].rows == []
    with pytest.raises(services.DashboardError):
        services.check_street(city.area, "Nergensstraat")


def test_organisation_references_replace_the_configured(ctx, city):
    services.save_references(city.admin, city.org, 730, None, 400)
    db.session.commit()
    refs = services.references_for(city.org.id)
    assert (refs.national_count_bp, refs.national_area_bp, refs.healthy_max_bp) == (730, 540, 400)
    with pytest.raises(services.DashboardError):
        services.save_references(city.staff, city.org, 700, None, None)  # staff, not admin


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-13", None, "YYYY-MM"),
        ("1999-12", None, "YYYY-MM"),
        ("nov", None, "YYYY-MM"),
        ("2020-05", "2020-01", "comes after"),
        (None, "2999-01", "after the current month"),
        ("2000-01", None, "at most 120 months"),
    ],
)
def test_period_picker_refuses_nonsense(ctx, first, last, message):
    with pytest.raises(services.DashboardError, match=message):
        services.choose_period(first, last, date(2026, 11, 29))


def test_period_defaults_to_the_last_two_years(ctx):
    period = services.choose_period(None, None, date(2026, 11, 29))
    assert (period.first, period.last) == (date(2024, 12, 1), date(2026, 11, 1))
    assert len(period.months) == 24


def test_months_between():
    assert services.months_between(date(2026, 5, 31), date(2026, 11, 30)) == 6
    assert services.months_between(date(2026, 5, 31), date(2026, 11, 29)) == 5
    assert services.months_between(date(2025, 11, 29), date(2026, 11, 29)) == 12


def test_snapshot_keeps_history_after_edits(ctx, city):
    today = clock.today()
    last_month = services.add_months(today.replace(day=1), -1)
    run = services.take_snapshots(last_month, today)
    db.session.commit()
    assert (run.areas_recorded, run.rows) == (2, 5)  # area + 2 streets; other area + 1 street
    h2 = db.session.get(Unit, city.units["h2"].id)
    h2.status = UnitStatus.LET
    h2.vacant_since = None
    db.session.commit()
    recorded = services.recorded_stock(city.area, last_month)
    assert (recorded.area.units_vacant, recorded.area.rate_count) == (4, Decimal("57.1"))
    assert services.live_stock(city.area, today).area.units_vacant == 3
    again = services.take_snapshots(last_month, today)  # idempotent: nothing rewritten
    db.session.commit()
    assert (again.areas_recorded, again.areas_skipped, again.rows) == (0, 2, 0)
    result = board(city, last=last_month.strftime("%Y-%m"))
    assert result.figures["headline"].rows[0][1] == Decimal("57.1")
    assert result.figures["trend"].rows[-1][2] == 4
    assert db.session.query(VacancySnapshot).count() == 5
    # A street is found in the history however it is typed.
    street = board(city, last=last_month.strftime("%Y-%m"), street=" KERKSTRAAT")
    assert street.figures["trend"].rows[-1][1:4] == [3, 1, Decimal("33.3")]


def test_snapshot_refuses_other_months(ctx, city):
    today = date(2026, 11, 15)
    with pytest.raises(services.DashboardError):
        services.take_snapshots(date(2026, 12, 1), today)
    with pytest.raises(services.DashboardError):
        services.take_snapshots(date(2026, 9, 1), today)


@pytest.mark.clock("2026-12-12T12:00")
def test_turnover_due_separates_overdue_months_from_the_next_deadline(ctx, city, lettings):
    from vrijstad.letting.models import Placement, TurnoverReport

    placement = db.session.query(Placement).filter_by(starter_id=lettings[0].id).one()
    placement.turnover_basis_points = 800
    placement.start_date = date(2026, 9, 20)
    db.session.commit()
    sep, oct, nov, dec = (date(2026, month, 1) for month in (9, 10, 11, 12))
    due = services.turnover_due(lettings[0].id, date(2026, 12, 12))
    assert due.overdue == [sep, oct, nov]  # November was due on 10 December
    assert (due.next_month, due.next_deadline) == (dec, date(2027, 1, 10))
    early = services.turnover_due(lettings[0].id, date(2026, 12, 5))
    assert early.overdue == [sep, oct]
    assert (early.next_month, early.next_deadline) == (nov, date(2026, 12, 10))
    for month in (sep, oct, nov):
        db.session.add(TurnoverReport(placement_id=placement.id, period=month, turnover_cents=1))
    db.session.commit()
    due = services.turnover_due(lettings[0].id, date(2026, 12, 12))
    assert due.overdue == [] and due.next_deadline == date(2027, 1, 10)


def test_latest_start_agrees_with_months_between():
    for reference in (date(2026, 11, 30), date(2026, 11, 29), date(2027, 2, 28), date(2028, 2, 29)):
        for months in (6, 12):
            cutoff = services.latest_start(reference, months)
            assert services.months_between(cutoff, reference) >= months
            assert services.months_between(cutoff + timedelta(days=1), reference) < months
