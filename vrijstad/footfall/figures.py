"""Footfall figures, read from the counters' day totals (``FootfallDay``).

A street's figure is what one counting point in it sees: the counters' total divided by the
number of counters that reported (two counters in one street do not double its passers-by).
Weeks run Monday to Sunday; a "full" week is one that has ended, so this week never counts.
"""

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
SIX_DAYS = timedelta(days=6)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_full_week(today: date) -> date:
    """The Monday of the last week that has ended."""
    return week_start(today) - WEEK


def _within(ranges: Iterable[tuple[date, date]]) -> sa.ColumnElement[bool]:
    return sa.or_(*(FootfallDay.day.between(first, last) for first, last in ranges))


def week_totals(
    street_ids: Iterable[int], ranges: Iterable[tuple[date, date]]
) -> sa.Select[int, date, int, int]:
    """(street id, week, total, counters that reported) of the streets' counters on the days
    of the ranges (first and last day included), added up in SQL by street and week."""
    return (
        sa.select(
            Counter.street_id,
            FootfallDay.week,
            sa.func.sum(FootfallDay.total),
            sa.func.count(sa.distinct(FootfallDay.counter_id)),
        )
        .join(Counter, Counter.id == FootfallDay.counter_id)
        .where(Counter.street_id.in_(list(street_ids)), _within(ranges))
        .group_by(Counter.street_id, FootfallDay.week)
    )


def day_totals(street_ids: Iterable[int], first: date, last: date) -> sa.Select[date, int, int]:
    """(day, total, counters that reported) of the streets' counters from first to last."""
    return (
        sa.select(FootfallDay.day, sa.func.sum(FootfallDay.total), sa.func.count())
        .join(Counter, Counter.id == FootfallDay.counter_id)
        .where(Counter.street_id.in_(list(street_ids)), _within([(first, last)]))
        .group_by(FootfallDay.day)
    )


@dataclass
class Weeks:
    """Per street and week (its Monday): the counters' total and how many reported."""

    totals: dict[tuple[int, date], int] = field(default_factory=dict)
    counters: dict[tuple[int, date], int] = field(default_factory=dict)

    @classmethod
    def read(cls, street_ids: Iterable[int], ranges: Iterable[tuple[date, date]]) -> "Weeks":
        weeks = cls()
        for street_id, week, total, counters in db.session.execute(week_totals(street_ids, ranges)):
            weeks.totals[(street_id, week)] = int(total)
            weeks.counters[(street_id, week)] = counters
        return weeks

    def per_counter(self, street_id: int, week: date) -> float | None:
        counters = self.counters.get((street_id, week))
        return self.totals[(street_id, week)] / counters if counters else None


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
    weeks = Weeks.read(street_ids, [(first, last + SIX_DAYS)])
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
    #: Per week of the trend, the same week a year before (52 weeks back).
    trend_year_ago: list[int | None]
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
    counters = sum(weeks.counters.get((s, week), 0) for s in street_ids)
    return round(total / counters) if counters else None


def area_footfall(streets: list[Street], today: date) -> AreaFootfall:
    """The footfall figures of an area's streets: two grouped reads of the counters' days."""
    last = last_full_week(today)
    first = last - (TREND_WEEKS - 1) * WEEK
    ids = [s.id for s in streets]
    weeks = Weeks.read(ids, [(first, last + SIX_DAYS), (first - YEAR, last - YEAR + SIX_DAYS)])
    by_weekday: list[int] = [0] * 7
    counter_days: list[int] = [0] * 7
    for day, total, counters in db.session.execute(
        day_totals(ids, last - (USUAL_WEEKS - 1) * WEEK, last + SIX_DAYS)
    ):
        by_weekday[day.weekday()] += int(total)
        counter_days[day.weekday()] += counters
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
        trend_year_ago=[
            _area_week(weeks, ids, first + n * WEEK - YEAR) for n in range(TREND_WEEKS)
        ],
        pattern=[
            round(t / n) if n else None for t, n in zip(by_weekday, counter_days, strict=True)
        ],
        this_year=_area_week(weeks, ids, last),
        year_ago=_area_week(weeks, ids, last - YEAR),
        streets=[
            StreetRow(
                s,
                usual_week(weeks, s.id, last),
                _round(weeks.per_counter(s.id, last)),
                _round(weeks.per_counter(s.id, last - YEAR)),
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
    weeks = Weeks.read(street_ids, [(first, last + SIX_DAYS)])
    return sorted(
        (street_id, week, round(weeks.totals[(street_id, week)] / counters), counters)
        for (street_id, week), counters in weeks.counters.items()
    )
