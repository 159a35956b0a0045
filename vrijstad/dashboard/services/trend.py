"""Vacancy month by month: snapshots, and the current month live."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vrijstad.areas.models import Area
from vrijstad.clock import add_months, month_start
from vrijstad.dashboard import queries
from vrijstad.dashboard.models import SnapshotSource
from vrijstad.dashboard.services.periods import Period
from vrijstad.dashboard.services.stock import COUNTS, Stock, Vacancy, live_stock
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _

#: The home page's trend: the vacancy over the last year.
TREND_MONTHS = 12


def trend_rows(
    area: Area, period: Period, street: str | None, today: date, stock: Stock | None
) -> tuple[list[list], list[date]]:
    """One row per month (snapshots; the current month live); also the months with none."""
    recorded = {
        s.period: s
        for s in db.session.scalars(queries.snapshots(area.id, street, period.first, period.last))
    }
    current = month_start(today)
    rows, missing = [], []
    for month in period.months:
        if month == current and stock is not None and stock.live:
            figures = stock.area if street is None else stock.street(street) or Vacancy()
            source = _("now")
        elif month in recorded:
            snap = recorded[month]
            figures = Vacancy(**{name: getattr(snap, name) for name in COUNTS})
            source = _("snapshot") if snap.source == SnapshotSource.RECORDED else _("imported")
        else:
            missing.append(month)
            continue
        rows.append(
            [
                month,
                figures.units_total,
                figures.units_vacant,
                figures.rate_count,
                figures.floor_area_total_m2,
                figures.floor_area_vacant_m2,
                figures.rate_area,
                figures.frictional_units,
                figures.long_term_units,
                figures.structural_units,
                source,
            ]
        )
    return rows, missing


@dataclass(frozen=True)
class VacancyTrend:
    """An area's vacancy rate now and at the start of the months before, where recorded."""

    area: Area
    rate_now: Decimal | None
    since: date | None = None  # the first month of the window that has a snapshot
    rate_then: Decimal | None = None
    rates: tuple[tuple[date, Decimal | None], ...] = ()

    @property
    def change(self) -> Decimal | None:
        """Percentage points from then to now (negative: less vacancy)."""
        if self.rate_now is None or self.rate_then is None:
            return None
        return self.rate_now - self.rate_then


def vacancy_trend(area: Area, today: date, months: int = TREND_MONTHS) -> VacancyTrend:
    """The area's vacancy by count, month by month over the last months (snapshots, and this
    month live): the home page's trend."""
    current = month_start(today)
    period = Period(add_months(current, 1 - months), current)
    rows, _missing = trend_rows(area, period, None, today, live_stock(area, today))
    rates = tuple((row[0], row[3]) for row in rows)
    earlier = [(month, rate) for month, rate in rates if month < current]
    since, rate_then = earlier[0] if earlier else (None, None)
    return VacancyTrend(area, rates[-1][1] if rates else None, since, rate_then, rates)
