"""Price arithmetic: weeks at the week rate, other days at the day rate, the cheapest mix."""

from datetime import date, timedelta

import pytest

from vrijstad.popups.services import Price, compute_price, monthly_fee_cents


@pytest.mark.parametrize(
    ("days", "day", "week", "expected"),
    [
        (1, 75_00, 400_00, Price(1, 0, 1, 75_00)),
        (2, 75_00, 400_00, Price(2, 0, 2, 150_00)),
        (7, 75_00, 400_00, Price(7, 1, 0, 400_00)),
        (10, 75_00, 400_00, Price(10, 1, 3, 625_00)),  # a week and three days
        (14, 75_00, 400_00, Price(14, 2, 0, 800_00)),
        # Six days by the day (€ 450) cost more than a week (€ 400): one week is cheaper.
        (6, 75_00, 400_00, Price(6, 1, 0, 400_00)),
        (13, 75_00, 400_00, Price(13, 2, 0, 800_00)),
        # Five days by the day (€ 375) cost less than a week.
        (5, 75_00, 400_00, Price(5, 0, 5, 375_00)),
        # Exact cents: 9 days = one week + 2 days.
        (9, 123_45, 700_01, Price(9, 1, 2, 700_01 + 2 * 123_45)),
        # A week rate dearer than seven days never applies.
        (8, 10_00, 100_00, Price(8, 0, 8, 80_00)),
        # Only a day rate, or only a week rate (every started week is paid).
        (9, 50_00, None, Price(9, 0, 9, 450_00)),
        (8, None, 300_00, Price(8, 2, 0, 600_00)),
        (7, None, 300_00, Price(7, 1, 0, 300_00)),
    ],
)
def test_cheapest_mix_of_weeks_and_days(days, day, week, expected):
    assert compute_price(days, day, week) == expected


def test_a_week_is_as_many_days_as_the_unit_is_let_in_a_week():
    # Let Tuesday to Saturday: ten open days are two weeks, six are a week and a day.
    assert compute_price(10, 75_00, 300_00, days_per_week=5) == Price(10, 2, 0, 600_00)
    assert compute_price(6, 75_00, 300_00, days_per_week=5) == Price(6, 1, 1, 375_00)


def test_a_tie_takes_the_fewest_weeks():
    assert compute_price(4, 100_00, 400_00) == Price(4, 0, 4, 400_00)


def test_no_days_or_no_price_is_a_programming_error():
    with pytest.raises(ValueError):
        compute_price(0, 75_00, 400_00)
    with pytest.raises(ValueError):
        compute_price(3, None, None)


def test_monthly_fee_of_a_short_booking_is_its_price():
    assert monthly_fee_cents(150_00, date(2027, 3, 6), date(2027, 3, 8)) == 150_00
    # Up to one calendar month (31 January → 28 February, the end being exclusive).
    assert monthly_fee_cents(2000_00, date(2027, 1, 31), date(2027, 2, 28)) == 2000_00


def test_monthly_fee_of_a_longer_booking_is_spread_over_average_months():
    # 61 days for € 2.000: 2000 × 30,4375 / 61 = 997,9508… → € 997,95.
    assert monthly_fee_cents(2000_00, date(2027, 3, 1), date(2027, 5, 1)) == 997_95
    # 487 days for 1.000.008 cents: 1.000.008 × 1461 / (48 × 487) = 62.500,5 cents → rounds up.
    start = date(2027, 1, 1)
    assert monthly_fee_cents(1_000_008, start, start + timedelta(days=487)) == 62_501
