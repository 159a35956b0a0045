"""Footfall counters and their counts: registering counters, importing and pushing counts.

Rules:
* A counter belongs to one organisation and one of its streets; its code is unique within
  the organisation and is how files and the API name it.
* An import is all or nothing: any bad line (a value, an unknown counter, a count twice)
  refuses the whole batch with every bad line's number and reason.
* Re-importing replaces: for each counter, every count from the batch's first start to its
  last end is deleted before the batch is inserted, in the caller's transaction, so a period
  imported twice is counted once. A day's count replaces that day's hourly counts and back.
* The counters' day totals (``FootfallDay``) are rewritten for the days the batch touches.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.areas.models import Street
from vrijstad.audit.services import record_event
from vrijstad.core import DomainError
from vrijstad.database import copy_rows, insert_rows
from vrijstad.extensions import db
from vrijstad.footfall.figures import week_start
from vrijstad.footfall.importer import LineError, Row
from vrijstad.footfall.models import SPAN, Counter, FootfallCount, FootfallDay
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.organisations.models import Organisation


class FootfallError(DomainError):
    """A counter or a batch of counts is refused."""


class BatchError(FootfallError):
    """Lines of a batch are bad; nothing of it was imported."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(
            _l("%(count)s lines are not right; nothing was imported.", count=len(errors))
        )
        self.errors = errors


@dataclass(frozen=True)
class Imported:
    counts: int
    counters: int
    first: date | None
    last: date | None


def counters_of(organisation_id: int) -> sa.Select:
    return (
        sa.select(Counter)
        .join(Street, Street.id == Counter.street_id)
        .where(Counter.organisation_id == organisation_id)
        .order_by(Street.name, Counter.code)
    )


def add_counter(
    actor, organisation: Organisation, street: Street, code: str, name: str | None
) -> Counter:
    """Register a counting point in one of the organisation's streets."""
    code = code.strip()
    if street.area.organisation_id != organisation.id:
        raise FootfallError(_l("Choose one of your organisation's streets."), field="street")
    taken = db.session.scalar(
        sa.select(Counter.id).where(
            Counter.organisation_id == organisation.id, Counter.code == code
        )
    )
    if taken is not None:
        raise FootfallError(
            _l("A counter with the code %(code)s exists already.", code=code),
            field="code",
            code=code,
        )
    counter = Counter(
        organisation_id=organisation.id,
        street_id=street.id,
        code=code,
        name=(name or "").strip() or None,
    )
    db.session.add(counter)
    db.session.flush()
    record_event(
        actor, "footfall.counter_added", counter, organisation.id, code=code, street=street.name
    )
    return counter


def _check(organisation_id: int, rows: list[Row], errors: list[LineError]) -> dict[str, int]:
    """The counters the rows name (code → id); adds an error for each unknown counter and
    each count given twice or overlapping another of the batch."""
    codes = {row.counter for row in rows}
    known = (
        dict(
            db.session.execute(
                sa.select(Counter.code, Counter.id).where(
                    Counter.organisation_id == organisation_id, Counter.code.in_(codes)
                )
            ).all()
        )
        if codes
        else {}
    )
    seen: dict[tuple[str, datetime], int] = {}
    day_rows: dict[tuple[str, date], int] = {}
    hour_days: dict[tuple[str, date], int] = {}
    for row in rows:
        if row.counter not in known:
            errors.append(
                LineError(
                    row.line,
                    str(_l("There is no counter with the code %(code)s.", code=row.counter)),
                )
            )
            continue
        key = (row.counter, row.start)
        if key in seen:
            errors.append(
                LineError(
                    row.line,
                    str(_l("This count was given before, on line %(line)s.", line=seen[key])),
                )
            )
            continue
        seen[key] = row.line
        (day_rows if row.interval == "day" else hour_days).setdefault(
            (row.counter, row.day), row.line
        )
    for counter_day, line in day_rows.items():
        if counter_day in hour_days:
            errors.append(
                LineError(
                    line,
                    str(
                        _l(
                            "This day's count overlaps the hours on line %(line)s.",
                            line=hour_days[counter_day],
                        )
                    ),
                )
            )
    return known


def import_counts(
    actor, organisation: Organisation, rows: list[Row], errors: list[LineError] | None = None
) -> Imported:
    """Import a batch of counts for the organisation's counters, replacing what the counters
    had for the batch's period; BatchError (nothing written) when any line is bad."""
    errors = list(errors or [])
    known = _check(organisation.id, rows, errors)
    if errors:
        raise BatchError(sorted(errors, key=lambda e: e.line))
    by_counter: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_counter[known[row.counter]].append(row)
    for counter_id, batch in by_counter.items():
        _replace(counter_id, batch)
    days = [row.day for row in rows]
    imported = Imported(
        len(rows), len(by_counter), min(days, default=None), max(days, default=None)
    )
    record_event(
        actor,
        "footfall.imported",
        organisation,
        organisation.id,
        counts=imported.counts,
        counters=imported.counters,
        first=imported.first.isoformat() if imported.first else None,
        last=imported.last.isoformat() if imported.last else None,
    )
    return imported


def _replace(counter_id: int, batch: list[Row]) -> None:
    """Delete the counter's counts of the batch's period, insert the batch, and rewrite the
    day totals of the days it touches."""
    start = min(row.start for row in batch)
    end = max(row.start + SPAN[row.interval] for row in batch)
    db.session.execute(
        sa.delete(FootfallCount).where(
            FootfallCount.counter_id == counter_id,
            FootfallCount.period_start >= start,
            FootfallCount.period_start < end,
        )
    )
    _insert_counts(counter_id, batch)
    totals: dict[date, int] = defaultdict(int)
    for row in batch:
        totals[row.day] += row.passers_by
    first, last = min(totals), max(totals)
    # The first and last day may hold counts outside the batch's period: add them up anew.
    for day in {first, last}:
        totals[day] = _day_total(counter_id, day)
    db.session.execute(
        sa.delete(FootfallDay).where(
            FootfallDay.counter_id == counter_id, FootfallDay.day.between(first, last)
        )
    )
    insert_rows(
        FootfallDay.__table__,
        [
            {"counter_id": counter_id, "day": day, "week": week_start(day), "total": total}
            for day, total in sorted(totals.items())
        ],
    )


def _insert_counts(counter_id: int, batch: list[Row]) -> None:
    """Insert a counter's counts in the session's transaction (COPY on PostgreSQL)."""
    copy_rows(
        FootfallCount.__table__,
        ("counter_id", "period_start", "interval", "count"),
        ((counter_id, r.start, r.interval.value, r.passers_by) for r in batch),
    )


def _day_total(counter_id: int, day: date) -> int:
    """What the counter counted on a local day, from its counts."""
    local = datetime(day.year, day.month, day.day, tzinfo=clock.AMSTERDAM)
    start, end = local.astimezone(UTC), (local + timedelta(days=1)).astimezone(UTC)
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(FootfallCount.count), 0)).where(
            FootfallCount.counter_id == counter_id,
            FootfallCount.period_start >= start,
            FootfallCount.period_start < end,
        )
    )
    return int(total or 0)


def street_of(area_id: int, street: str) -> sa.Select:
    """The area's street of this name (case and outer spaces ignored)."""
    return (
        sa.select(Street)
        .where(
            Street.area_id == area_id,
            sa.func.lower(sa.func.trim(Street.name)) == street.strip().lower(),
        )
        .limit(1)
    )
