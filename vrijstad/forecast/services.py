"""The forecast of an area's streets, ready for the dashboard and the staff's tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from vrijstad import clock
from vrijstad.forecast.history import area_panel, street_name_key
from vrijstad.forecast.model import estimate, forecast

#: Months of history the chances are estimated from.
HISTORY_MONTHS = 60
HORIZONS = (3, 6, 12)


@dataclass(frozen=True)
class StreetOutlook:
    """One street: its units and empty units now, and per horizon (months) the expected
    vacancy rate with its 80 % band; ``crosses`` is the first horizon at which the expected
    rate passes the healthy maximum (None if it stays below, or is above already)."""

    street: str
    units: int
    empty_now: int
    expected: dict[int, float]
    low: dict[int, float]
    high: dict[int, float]
    crosses: int | None

    @property
    def rate_now(self) -> float:
        return self.empty_now / self.units if self.units else 0.0


def month_ends(last: date, count: int) -> list[date]:
    """``count`` month-ends up to the end of ``last``'s month, oldest first."""
    return [clock.month_end(clock.add_months(last, step - count + 1)) for step in range(count)]


def street_outlook(
    area_id: int, healthy_max: float, today: date | None = None
) -> list[StreetOutlook]:
    """Per street of the area, from the units' histories up to today (this month's end counts
    as today's state): the vacancy 3, 6 and 12 months ahead, most worrying first."""
    today = today or clock.today()
    panel = area_panel(area_id, month_ends(today, HISTORY_MONTHS))
    if not panel.unit_ids:
        return []
    chances = estimate(panel.states, panel.streets, len(panel.street_names))
    now = panel.states[:, -1]
    rows: dict[int, dict[str, dict[int, float]]] = {}
    units: dict[int, int] = {}
    for item in forecast(chances, now, panel.streets, HORIZONS):
        row = rows.setdefault(item.street, {"expected": {}, "low": {}, "high": {}})
        units[item.street] = item.units
        row["expected"][item.horizon] = item.rate
        row["low"][item.horizon] = item.low / item.units
        row["high"][item.horizon] = item.high / item.units
    empty = np.bincount(panel.streets[now > 0], minlength=len(panel.street_names))
    outlook = []
    for street, row in rows.items():
        empty_now = int(empty[street])
        rate_now = empty_now / units[street]
        crosses = None
        if rate_now <= healthy_max:
            crosses = next((h for h in HORIZONS if row["expected"][h] > healthy_max), None)
        outlook.append(
            StreetOutlook(
                panel.street_names[street],
                units[street],
                empty_now,
                row["expected"],
                row["low"],
                row["high"],
                crosses,
            )
        )
    outlook.sort(key=lambda s: (s.crosses is None, -s.expected[HORIZONS[-1]], s.street))
    return outlook


def outlook_of_street(
    area_id: int, street: str, healthy_max: float, today: date | None = None
) -> StreetOutlook | None:
    """One street's outlook (its chances still learnt with the whole area's), or None when
    the street has no units on record."""
    key = street_name_key(street)
    found = street_outlook(area_id, healthy_max, today)
    return next((row for row in found if street_name_key(row.street) == key), None)
