"""Footfall figures, read from the counters' day totals (``FootfallDay``).

A street's figure is what one counting point in it sees: the counters' total divided by the
number of counters that reported (two counters in one street do not double its passers-by).
Weeks run Monday to Sunday; a "full" week is one that has ended, so this week never counts.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad.areas.models import Street
from vrijstad.extensions import db
from vrijstad.footfall.models import Counter, FootfallDay

#: Weeks the dashboard's trend shows, and the weeks a street's usual figure is averaged over.
TREND_WEEKS = 12
USUAL_WEEKS = 4
#: A year back on the same weekday: 52 weeks.
YEAR = timedelta(weeks=52)
WEEK = timedelta(weeks=1)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_full_week(today: date) -> date:
    """The Monday of the last week that has ended."""
    return week_start(today) - WEEK


def day_totals(
    street_ids: Iterable[int], ranges: Iterable[tuple[date, date]]
) -> sa.Select[int, int, date, int]:
    """(street id, counter id, day, total) of the streets' counters on the days of the
    ranges (first and last day included); read by the day table's key."""
    within = [FootfallDay.day.between(first, last) for first, last in ranges]
    return (
        sa.select(Counter.street_id, FootfallDay.counter_id, FootfallDay.day, FootfallDay.total)
        .join(Counter, Counter.id == FootfallDay.counter_id)
        .where(Counter.street_id.in_(list(street_ids)), sa.or_(*within))
    )


@dataclass
class Weeks:
    """Per street and week (its Monday): the counters' total and which counters reported."""

    totals: dict[tuple[int, date], int] = field(default_factory=lambda: defaultdict(int))
    counters: dict[tuple[int, date], set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, street_id: int, counter_id: int, day: date, total: int) -> None:
        key = (street_id, week_start(day))
        self.totals[key] += total
        self.counters[key].add(counter_id)

    def per_counter(self, street_id: int, week: date) -> float | None:
        counters = self.counters.get((street_id, week))
        return self.totals[(street_id, week)] / len(counters) if counters else None


def usual_week(weeks: Weeks, street_id: int, last: date, count: int = USUAL_WEEKS) -> int | None:
    """The street's average week over the ``count`` weeks up to ``last`` that have counts."""
    values = [weeks.per_counter(street_id, last - n * WEEK) for n in range(count)]
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known)) if known else None


def weekly_by_street(street_ids: Iterable[int], today: date) -> dict[int, int]:
    """Passers-by a week per street that has counts in the last four full weeks."""
    street_ids = sorted(set(street_ids))
    if not street_ids:
        return {}
    last = last_full_week(today)
    first = last - (USUAL_WEEKS - 1) * WEEK
    weeks = Weeks()
    for row in db.session.execute(day_totals(street_ids, [(first, last + 6 * timedelta(1))])):
        weeks.add(*row)
    found = {s: usual_week(weeks, s, last) for s in street_ids}
    return {s: n for s, n in found.items() if n is not None}


def rounded(count: int) -> int:
    """A count as people say it: three significant digits (12.437 → 12.400), tens at least."""
    if count < 1000:
        return round(count, -1) if count >= 100 else count
    return round(count, 3 - len(str(count)))


@dataclass(frozen=True)
class StreetRow:
    street: Street
    usual: int | None
    last_week: int | None
    year_ago: int | None


@dataclass(frozen=True)
class AreaFootfall:
    """The dashboard's footfall: trend per week, pattern per weekday (Monday first), last
    full week against the same week a year ago, and every counted street."""

    last_week: date
    trend: list[tuple[date, int | None]]
    pattern: list[int | None]
    this_year: int | None
    year_ago: int | None
    streets: list[StreetRow]

    @property
    def change(self) -> float | None:
        if not self.this_year or not self.year_ago:
            return None
        return (self.this_year - self.year_ago) / self.year_ago


def _area_week(weeks: Weeks, street_ids: list[int], week: date) -> int | None:
    """All counters of the area in a week, per counter."""
    total = sum(weeks.totals.get((s, week), 0) for s in street_ids)
    counters = sum(len(weeks.counters.get((s, week), ())) for s in street_ids)
    return round(total / counters) if counters else None


def area_footfall(streets: list[Street], today: date) -> AreaFootfall:
    """The footfall figures of an area's streets, from one read of the counters' days."""
    last = last_full_week(today)
    first = last - (TREND_WEEKS - 1) * WEEK
    pattern_first = last - (USUAL_WEEKS - 1) * WEEK
    ids = [s.id for s in streets]
    weeks, year_ago = Weeks(), Weeks()
    by_weekday: list[int] = [0] * 7
    counter_days: list[int] = [0] * 7
    six = timedelta(days=6)
    rows = db.session.execute(
        day_totals(ids, [(first, last + six), (last - YEAR, last - YEAR + six)])
    )
    for street_id, counter_id, day, total in rows:
        if day >= first:
            weeks.add(street_id, counter_id, day, total)
            if day >= pattern_first:
                by_weekday[day.weekday()] += total
                counter_days[day.weekday()] += 1
        else:
            year_ago.add(street_id, counter_id, day + YEAR, total)
    counted = [
        s
        for s in streets
        if any((s.id, first + n * WEEK) in weeks.counters for n in range(TREND_WEEKS))
    ]
    return AreaFootfall(
        last_week=last,
        trend=[
            (first + n * WEEK, _area_week(weeks, ids, first + n * WEEK)) for n in range(TREND_WEEKS)
        ],
        pattern=[
            round(t / n) if n else None for t, n in zip(by_weekday, counter_days, strict=True)
        ],
        this_year=_area_week(weeks, ids, last),
        year_ago=_area_week(year_ago, ids, last),
        streets=[
            StreetRow(
                s,
                usual_week(weeks, s.id, last),
                _round(weeks.per_counter(s.id, last)),
                _round(year_ago.per_counter(s.id, last)),
            )
            for s in counted
        ],
    )


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def street_weeks(
    street_ids: list[int], first: date, last: date
) -> list[tuple[int, date, int, int]]:
    """(street id, week, passers-by per counter, counters) for the weeks from ``first`` to
    ``last`` (Mondays) that have counts, by street and week."""
    weeks = Weeks()
    for row in db.session.execute(day_totals(street_ids, [(first, last + timedelta(days=6))])):
        weeks.add(*row)
    return sorted(
        (street_id, week, round(weeks.totals[(street_id, week)] / len(counters)), len(counters))
        for (street_id, week), counters in weeks.counters.items()
    )
