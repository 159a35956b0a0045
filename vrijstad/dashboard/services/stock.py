"""Vacancy of an area and its streets: live from the units, or as recorded in a snapshot."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from vrijstad.areas.models import Area
from vrijstad.clock import month_start
from vrijstad.dashboard import queries
from vrijstad.dashboard.models import WHOLE_AREA, VacancySnapshot, street_key
from vrijstad.dashboard.services.periods import Period
from vrijstad.extensions import db


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal (half up); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


COUNTS = (
    "units_total",
    "units_vacant",
    "floor_area_total_m2",
    "floor_area_vacant_m2",
    "frictional_units",
    "long_term_units",
    "structural_units",
    "frictional_m2",
    "long_term_m2",
    "structural_m2",
)


@dataclass
class Vacancy:
    """Stock and vacancy of an area or a street, by count and floor area, by vacancy class."""

    street: str = WHOLE_AREA
    street_id: int | None = None
    grade: str | None = None
    units_total: int = 0
    units_vacant: int = 0
    floor_area_total_m2: int = 0
    floor_area_vacant_m2: int = 0
    frictional_units: int = 0
    long_term_units: int = 0
    structural_units: int = 0
    frictional_m2: int = 0
    long_term_m2: int = 0
    structural_m2: int = 0

    @property
    def rate_count(self) -> Decimal | None:
        return percent(self.units_vacant, self.units_total)

    @property
    def rate_area(self) -> Decimal | None:
        return percent(self.floor_area_vacant_m2, self.floor_area_total_m2)

    def add(self, other: "Vacancy") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}


@dataclass
class Stock:
    """The vacancy of an area and of each of its streets at one moment."""

    reference_date: date
    live: bool
    area: Vacancy
    streets: list[Vacancy]

    def street(self, name: str) -> Vacancy | None:
        key = street_key(name)
        return next((s for s in self.streets if street_key(s.street) == key), None)


def live_stock(area: Area, reference: date) -> Stock:
    """The area's vacancy now, aggregated in SQL per street; streets merged by name."""
    registered = {street_key(s.name): s for s in area.streets}
    merged: dict[str, Vacancy] = {}
    rows = db.session.execute(queries.vacancy_by_street(area.id, reference))
    for name, state, units, m2 in rows:
        key = street_key(name)
        figures = merged.get(key)
        if figures is None:
            street = registered.get(key)
            figures = merged[key] = Vacancy(
                street=street.name if street else name.strip(),
                street_id=street.id if street else None,
                grade=street.grade.value if street else None,
            )
        units, m2 = int(units), int(m2 or 0)
        figures.units_total += units
        figures.floor_area_total_m2 += m2
        if state != "let":
            figures.units_vacant += units
            figures.floor_area_vacant_m2 += m2
            setattr(figures, f"{state}_units", getattr(figures, f"{state}_units") + units)
            setattr(figures, f"{state}_m2", getattr(figures, f"{state}_m2") + m2)
    total = Vacancy()
    for figures in merged.values():
        total.add(figures)
    # A unit without a street name counts for the area, not for any street.
    streets = sorted((v for k, v in merged.items() if k), key=lambda v: v.street.casefold())
    return Stock(reference, True, total, streets)


def recorded_stock(area: Area, period: date) -> Stock | None:
    """The area's vacancy as its snapshot of the month recorded it; None without one."""
    rows = list(db.session.scalars(queries.snapshot_of_month(area.id, period)))
    whole = next((r for r in rows if r.street == WHOLE_AREA), None)
    if whole is None:
        return None
    grades = {s.id: s.grade.value for s in area.streets}

    def figures(row: VacancySnapshot) -> Vacancy:
        return Vacancy(
            street=row.street,
            street_id=row.street_id,
            grade=grades.get(row.street_id) if row.street_id is not None else None,
            **{name: getattr(row, name) for name in COUNTS},
        )

    streets = sorted(
        (figures(r) for r in rows if r.street != WHOLE_AREA), key=lambda v: v.street.casefold()
    )
    return Stock(whole.reference_date, False, figures(whole), streets)


def stock_for(area: Area, period: Period, today: date) -> Stock | None:
    """Now for the current month; for an earlier month, what its snapshot recorded."""
    if period.last == month_start(today):
        return live_stock(area, today)
    return recorded_stock(area, period.last)
