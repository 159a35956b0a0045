"""Importing counts: all or nothing, a period imported again replaces, day totals follow."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.footfall.conftest import hourly_csv
from vrijstad.extensions import db
from vrijstad.footfall import figures
from vrijstad.footfall.importer import parse
from vrijstad.footfall.models import Counter, FootfallCount, FootfallDay
from vrijstad.footfall.services import BatchError, FootfallError, add_counter, import_counts


def _import(organisation, text: str, counter: str | None = None):
    parsed = parse(text, counter)
    result = import_counts(organisation.test_staff, organisation, parsed.rows, parsed.errors)
    db.session.commit()
    return result


def _counts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(FootfallCount))


def _day_totals() -> dict[date, int]:
    return dict(db.session.execute(sa.select(FootfallDay.day, FootfallDay.total)).all())


def test_an_import_stores_the_hours_and_each_days_total(counted):
    result = _import(counted, hourly_csv(date(2026, 11, 2), 3))
    assert (result.counts, result.counters) == (72, 1)
    assert _counts() == 72
    assert _day_totals() == {date(2026, 11, d): 2400 for d in (2, 3, 4)}


def test_importing_a_period_again_replaces_it_without_doubling(counted):
    _import(counted, hourly_csv(date(2026, 11, 2), 3))
    _import(counted, hourly_csv(date(2026, 11, 3), 1, per_hour=50))
    assert _counts() == 72
    assert _day_totals() == {
        date(2026, 11, 2): 2400,
        date(2026, 11, 3): 1200,
        date(2026, 11, 4): 2400,
    }
    # Part of a day: the day's total keeps the hours that were not imported again.
    _import(counted, "counter;start;count\nHS-01;2026-11-04 10:00;0\n")
    assert _day_totals()[date(2026, 11, 4)] == 2300
    # A day's count replaces that day's hours.
    _import(counted, "counter;start;count;interval\nHS-01;2026-11-02;5000;day\n")
    assert _counts() == 72 - 24 + 1
    assert _day_totals()[date(2026, 11, 2)] == 5000


def test_a_batch_with_any_bad_line_imports_nothing_and_lists_every_line(counted):
    text = (
        "counter;start;count\n"
        "HS-01;2026-11-02 09:00;10\n"
        "XX-99;2026-11-02 09:00;10\n"
        "HS-01;2026-11-02 09:30;10\n"
        "HS-01;2026-11-02T09:00+01:00;12\n"
        "HS-01;2026-11-02 10:00;ten\n"
    )
    with pytest.raises(BatchError) as refused:
        _import(counted, text)
    db.session.rollback()
    assert [(e.line, e.message) for e in refused.value.errors] == [
        (3, "Er is geen teller met de code XX-99."),
        (4, "Het begin '2026-11-02 09:30' is geen heel uur."),
        (5, "Deze telling stond er al, op regel 2."),
        (6, "De telling 'ten' is geen heel getal van 0 tot 10.000.000."),
    ]
    assert _counts() == 0 and _day_totals() == {}


def test_another_organisations_counter_is_unknown(counted, make_org):
    other = make_org()
    with pytest.raises(BatchError):
        _import(other, hourly_csv(date(2026, 11, 2), 1))
    db.session.rollback()
    assert _counts() == 0


def test_a_counter_is_placed_in_an_own_street_with_a_unique_code(counted, make_org):
    street = counted.areas[0].streets[0]
    added = add_counter(counted.test_staff, counted, street, " HS-02 ", "Noord")
    assert (added.code, added.name) == ("HS-02", "Noord")
    with pytest.raises(FootfallError, match="Er is al een teller"):
        add_counter(counted.test_staff, counted, street, "HS-01", None)
    with pytest.raises(FootfallError, match="straat van je organisatie"):
        add_counter(counted.test_staff, make_org(), street, "HS-09", None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Counter)) == 2


@pytest.mark.clock("2026-12-10T10:00+01:00")
def test_the_areas_figures_with_a_fixed_clock(counted):
    # A second counter in the street: its figure is the average of the two.
    street = counted.areas[0].streets[0]
    add_counter(counted.test_staff, counted, street, "HS-02", None)
    db.session.commit()
    # Four full weeks up to Sunday 6 December: 100 an hour at HS-01, 50 at HS-02.
    _import(counted, hourly_csv(date(2026, 11, 9), 28))
    _import(counted, hourly_csv(date(2026, 11, 9), 28, per_hour=50, code="HS-02"))
    # The same week a year back (Monday 1 December 2025): 60 an hour, only HS-01.
    _import(counted, hourly_csv(date(2025, 12, 1), 7, per_hour=60))
    # This week has not ended: it never counts.
    _import(counted, hourly_csv(date(2026, 12, 7), 3, per_hour=1000))
    board = figures.area_footfall([street], date(2026, 12, 10))
    assert board.last_week == date(2026, 11, 30)
    assert board.this_year == 75 * 24 * 7  # 12.600: the counters' average
    assert board.year_ago == 60 * 24 * 7
    assert board.change == pytest.approx(0.25)
    assert board.pattern == [75 * 24] * 7
    assert [count for _week, count in board.trend] == [None] * 8 + [12_600] * 4
    (row,) = board.streets
    assert (row.usual, row.last_week, row.year_ago) == (12_600, 12_600, 10_080)
    assert figures.weekly_by_street([street.id], date(2026, 12, 10)) == {street.id: 12_600}


def test_counts_are_rounded_as_people_say_them():
    assert [figures.rounded(n) for n in (7, 84, 847, 1234, 12_437, 123_456)] == [
        7,
        84,
        850,
        1230,
        12_400,
        123_000,
    ]
