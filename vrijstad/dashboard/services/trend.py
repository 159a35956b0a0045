"""Vacancy month by month: snapshots, and the current month live."""

from datetime import date

from vrijstad.areas.models import Area
from vrijstad.clock import month_start
from vrijstad.dashboard import queries
from vrijstad.dashboard.services.periods import Period
from vrijstad.dashboard.services.stock import COUNTS, Stock, Vacancy
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _


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
            source = _("snapshot")
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
