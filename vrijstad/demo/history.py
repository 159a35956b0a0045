"""Two years of vacancy history: the monthly snapshots the dashboard's trend reads.

The story of the other parts (units that stood empty until a starter or a contest winner moved
in, the units on offer today) is completed with the other vacancies of the past two years, so
that each area's vacancy falls from where it stood two years ago to where it stands today, with
the ups and downs of real streets. The snapshots are then counted unit by unit from that past,
street by street, exactly as the monthly snapshot would have recorded them."""

from datetime import date, datetime, time, timedelta

from vrijstad import clock
from vrijstad.clock import add_months, month_end, month_start
from vrijstad.dashboard.models import VacancySnapshot, street_key
from vrijstad.dashboard.queries import FRICTIONAL_DAYS, STRUCTURAL_DAYS
from vrijstad.dashboard.services import Vacancy
from vrijstad.demo.base import Demo
from vrijstad.extensions import db
from vrijstad.units.models import Unit

MONTHS = 24
#: Each area's vacancy (share of its units) two years ago.
START_RATE = {"Binnenstad": 0.11, "Aanloopstraten": 0.19, "Stationskwartier": 0.2}

Periods = list[tuple[date, date | None]]


def record_history(demo: Demo) -> int:
    """Snapshots of the 24 months before this one, per area and street; returns the rows."""
    current = month_start(demo.today)
    months = [add_months(current, n) for n in range(-MONTHS, 0)]
    rows = []
    for area in demo.areas:
        units = [u for street in area.streets for u in demo.units[street.name]]
        periods = {u.id: list(demo.vacancies.get(u.id, [])) for u in units}
        _complete_the_past(demo, area.name, units, periods, months)
        for month in months:
            rows += _snapshot(area, units, periods, month)
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)


def _vacant_on(periods: Periods, day: date) -> date | None:
    """The first day of the vacancy the unit was in on that day, if it was vacant."""
    return next(
        (start for start, end in periods if start <= day and (end is None or day < end)), None
    )


def _complete_the_past(
    demo: Demo, area: str, units: list[Unit], periods: dict[int, Periods], months: list[date]
) -> None:
    """Add the vacancies of let units that make the area's curve: from its rate two years ago
    down to today's, give or take a unit."""
    rng = demo.rng
    now = sum(1 for u in units if _vacant_on(periods[u.id], demo.today))
    first = len(units) * START_RATE[area]
    pool = [u for u in units if not periods[u.id]]
    rng.shuffle(pool)
    active: list[tuple[Unit, date]] = []
    for n, month in enumerate(months):
        reference = month_end(month)
        told = sum(1 for u in units if _vacant_on(periods[u.id], reference))
        # Two years ago it stood where it stood; since then a street's ups and downs, smaller
        # in a small area (about ±0.7 of a unit in the centre, ±0.4 in the station district).
        noise = rng.gauss(0, 0.1 * len(units) ** 0.5) if n else 0.0
        target = round(first + (now - first) * n / len(months) + noise)
        wanted = max(target - told, 0)
        while len(active) < wanted and pool:
            unit = pool.pop(0)
            if n == 0:
                start = reference - timedelta(days=rng.randint(30, 900))
            else:
                start = month + timedelta(days=rng.randint(0, (reference - month).days))
            active.append((unit, start))
        while len(active) > wanted:
            unit, start = active.pop(rng.randrange(len(active)))
            end = max(month + timedelta(days=rng.randint(0, 20)), start + timedelta(days=1))
            periods[unit.id].append((start, end))
            pool.append(unit)
    current = month_start(demo.today)
    for unit, start in active:  # let again this month
        end = current + timedelta(days=rng.randint(0, 9))
        periods[unit.id].append((start, end if end <= demo.today else current))


def _snapshot(
    area, units: list[Unit], periods: dict[int, Periods], month: date
) -> list[VacancySnapshot]:
    """The area's rows of the month, as the snapshot at the month's end counts them."""
    reference = month_end(month)
    whole = Vacancy()
    streets = {s.name: Vacancy(street=s.name, street_id=s.id) for s in area.streets}
    for unit in units:
        figures = streets[unit.street]
        since = _vacant_on(periods[unit.id], reference)
        for vacancy in (whole, figures):
            vacancy.units_total += 1
            vacancy.floor_area_total_m2 += unit.floor_area_vvo
            if since is None:
                continue
            days = (reference - since).days
            kind = (
                "frictional"
                if days < FRICTIONAL_DAYS
                else "long_term"
                if days <= STRUCTURAL_DAYS
                else "structural"
            )
            vacancy.units_vacant += 1
            vacancy.floor_area_vacant_m2 += unit.floor_area_vvo
            setattr(vacancy, f"{kind}_units", getattr(vacancy, f"{kind}_units") + 1)
            setattr(vacancy, f"{kind}_m2", getattr(vacancy, f"{kind}_m2") + unit.floor_area_vvo)
    taken = datetime.combine(add_months(month, 1), time(6), clock.AMSTERDAM)
    return [
        VacancySnapshot(
            area_id=area.id,
            street=v.street,
            street_key=street_key(v.street),
            street_id=v.street_id,
            period=month,
            reference_date=reference,
            taken_at=taken,
            **v.counts(),
        )
        for v in [whole, *streets.values()]
    ]
