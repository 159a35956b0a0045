"""Monthly snapshots of the vacancy, taken per area (by the monthly job or by hand)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import clock, jobs
from vrijstad.areas.models import Area
from vrijstad.clock import add_months, month_end, month_start
from vrijstad.dashboard.models import WHOLE_AREA, SnapshotSource, VacancySnapshot, street_key
from vrijstad.dashboard.services.periods import DashboardError
from vrijstad.dashboard.services.stock import live_stock
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l


def snapshot_reference(period: date, today: date) -> date:
    return min(today, month_end(period))


def check_snapshot_period(period: date, today: date) -> None:
    """A snapshot records the units as they are now: only this month or the previous one."""
    current = month_start(today)
    if period > current:
        raise DashboardError(_("A month in the future cannot be recorded yet."))
    if period < add_months(current, -1):
        raise DashboardError(
            _(
                "A snapshot records the units as they are now, so only the current or the "
                "previous month can be recorded."
            )
        )


def take_snapshot(area: Area, period: date, today: date) -> int:
    """Record the area's vacancy for the month once; returns the rows written (0: had one).
    Rows of the month imported from a history file give way: Vrijstad's own count wins."""
    db.session.execute(
        sa.delete(VacancySnapshot).where(
            VacancySnapshot.area_id == area.id,
            VacancySnapshot.period == period,
            VacancySnapshot.source == SnapshotSource.IMPORTED,
        )
    )
    exists = db.session.scalar(
        sa.select(VacancySnapshot.id).where(
            VacancySnapshot.area_id == area.id,
            VacancySnapshot.period == period,
            VacancySnapshot.street_key == WHOLE_AREA,
        )
    )
    if exists:
        return 0
    reference = snapshot_reference(period, today)
    stock = live_stock(area, reference)
    rows = [(WHOLE_AREA, None, stock.area)] + [(s.street, s.street_id, s) for s in stock.streets]
    db.session.execute(
        sa.insert(VacancySnapshot),
        [
            {
                "area_id": area.id,
                "street": street[:120],
                "street_key": street_key(street)[:120],
                "street_id": street_id,
                "period": period,
                "reference_date": reference,
                "taken_at": clock.now(),
                **figures.counts(),
            }
            for street, street_id, figures in rows
        ],
    )
    return len(rows)


@dataclass
class SnapshotRun:
    period: date
    areas_recorded: int = 0
    areas_skipped: int = 0
    rows: int = 0


def take_snapshots(period: date, today: date, organisation_id: int | None = None) -> SnapshotRun:
    """Record every area's vacancy for the month (of one organisation, or all); areas already
    recorded are left as they are. A background job shows the progress per area."""
    check_snapshot_period(period, today)
    run = SnapshotRun(period)
    query = sa.select(Area).order_by(Area.id)
    if organisation_id is not None:
        query = query.where(Area.organisation_id == organisation_id)
    areas = db.session.scalars(query).all()
    for done, area in enumerate(areas, start=1):
        jobs.set_progress(
            100 * (done - 1) / len(areas),
            _l(
                "Recording %(area)s (%(done)d of %(total)d)",
                area=area.name,
                done=done,
                total=len(areas),
            ),
        )
        written = take_snapshot(area, period, today)
        run.rows += written
        if written:
            run.areas_recorded += 1
        else:
            run.areas_skipped += 1
    return run
