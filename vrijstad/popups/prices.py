"""Pop-up prices: the cheapest mix of week and day rates, and the fee per month it makes."""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from vrijstad.clock import add_months


@dataclass(frozen=True)
class Price:
    """The price of a stay: whole weeks at the week rate, the other days at the day rate."""

    days: int
    weeks: int
    extra_days: int
    total_cents: int
    #: Days within the stay on which the unit is not let (closed weekdays): not charged.
    closed_days: int = 0


def compute_price(
    days: int, day_cents: int | None, week_cents: int | None, days_per_week: int = 7
) -> Price:
    """The cheapest mix of week and day rates covering `days` bookable days.

    A week is as many days as the unit is let in a week (`days_per_week`: five when only
    Tuesday to Saturday are bookable). A week may cover fewer remaining days when that is
    cheaper than paying them by the day (six days at € 100 cost less as one week at € 500).
    With only a week rate, every started week is paid; with only a day rate, every day.
    """
    if days < 1:
        raise ValueError("a stay lasts at least one day")
    if day_cents is None and week_cents is None:
        raise ValueError("no price set")
    if not 1 <= days_per_week <= 7:
        raise ValueError("a week has one to seven bookable days")
    most_weeks = -(-days // days_per_week)
    options = []
    for weeks in range(0, most_weeks + 1) if week_cents is not None else [0]:
        extra = max(0, days - days_per_week * weeks)
        if extra and day_cents is None:
            continue
        total = weeks * (week_cents or 0) + extra * (day_cents or 0)
        options.append((total, weeks, extra))
    total, weeks, extra = min(options)  # the cheapest; on a tie, the fewest weeks
    return Price(days=days, weeks=weeks, extra_days=extra, total_cents=total)


def monthly_fee_cents(price_cents: int, start: date, end: date) -> int:
    """The placement's base fee per month for a booking of [start, end) at a total price.

    A placement states a fee per month. A booking of at most one calendar month is one
    month's let, so its fee is the whole price (nothing is spread or rounded away). A longer
    booking's price is spread over its length in average months (365.25 / 12 = 30.4375 days)
    and rounded half up to the cent; the booking keeps the exact total the starter agreed to.
    """
    if end <= add_months(start, 1):
        return price_cents
    per_month = Fraction(price_cents * 1461, 48 * (end - start).days)
    return int(per_month + Fraction(1, 2))
