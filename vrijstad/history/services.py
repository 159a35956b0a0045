"""Backfilling an area's monthly vacancy snapshots from a historic vacancy file.

Rules:
* Only months before this one: this month is still running, and Vrijstad records it itself.
* A month Vrijstad recorded itself (a snapshot of the monthly run, or taken by hand) is never
  replaced: a line for it is refused. Imported months fill the gaps around the recorded ones,
  mostly the years before Vrijstad was used. A later recording of an imported month replaces
  the imported rows (see ``take_snapshot``).
* Importing a month again replaces every imported row of that month (the area's and each
  street's), so a corrected file can be imported over the old one without doubling.
* Every month has a row for the whole area (the dashboard reads it). A month the file gives
  only street lines for gets the sum of those streets as its whole-area row, as the file
  covers them; a month with a whole-area line and street lines must not have streets that
  add up to more than the whole area.
* A street must be one of the area's streets or one its units name (compared trimmed and in
  lower case); a month and street may appear once.
* All or nothing: any bad line refuses the file, with every bad line's number and reason.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.core import DomainError
from vrijstad.dashboard.models import WHOLE_AREA, SnapshotSource, VacancySnapshot, street_key
from vrijstad.dashboard.services.periods import EARLIEST_YEAR
from vrijstad.database import insert_rows
from vrijstad.extensions import db, rowcount
from vrijstad.history.reading import COUNT_FIELDS, HistoryLine, LineError
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.i18n import present
from vrijstad.units.models import Unit

#: The figures a street line's sum is compared with the whole area's on, and their names.
COMPARED = {
    "units_total": _l("units"),
    "units_vacant": _l("vacant units"),
    "floor_area_total_m2": _l("m²"),
    "floor_area_vacant_m2": _l("vacant m²"),
}


class HistoryError(DomainError):
    """Lines of a vacancy history are bad; nothing of it was imported."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(
            _l("%(count)s lines are not right; nothing was imported.", count=len(errors))
        )
        self.errors = sorted(errors, key=lambda error: error.line)


@dataclass(frozen=True)
class Imported:
    months: int
    rows: int
    replaced: int
    first: date
    last: date


def known_streets(area: Area) -> dict[str, tuple[str, int | None]]:
    """The streets a history may name (by street_key): the area's registered streets (name,
    id) and the streets its units name (as the units spell them)."""
    found: dict[str, tuple[str, int | None]] = {}
    for name in db.session.scalars(
        sa.select(Unit.street).where(Unit.area_id == area.id).distinct()
    ):
        if name and name.strip():
            found.setdefault(street_key(name), (" ".join(name.split()), None))
    for street in area.streets:
        found[street_key(street.name)] = (street.name, street.id)
    return found


def recorded_months(area_id: int) -> dict[date, date]:
    """The months Vrijstad recorded itself for the area, with the day each was counted to."""
    return dict(
        db.session.execute(
            sa.select(VacancySnapshot.period, VacancySnapshot.reference_date).where(
                VacancySnapshot.area_id == area_id,
                VacancySnapshot.street_key == WHOLE_AREA,
                VacancySnapshot.source == SnapshotSource.RECORDED,
            )
        ).all()
    )


def _check(
    area: Area, lines: list[HistoryLine], errors: list[LineError], today: date
) -> dict[date, list[HistoryLine]]:
    """The good lines by month; adds an error for every line the database or another line
    of the file refuses."""
    current = clock.month_start(today)
    recorded = recorded_months(area.id)
    streets = known_streets(area)
    seen: dict[tuple[date, str], int] = {}
    months: dict[date, list[HistoryLine]] = defaultdict(list)
    for line in lines:
        problem = None
        key = (line.month, street_key(line.street))
        if line.month > current:
            problem = _l("%(month)s lies in the future.", month=f"{line.month:%Y-%m}")
        elif line.month == current:
            problem = _l(
                "%(month)s is this month: it is still running, and Vrijstad records it itself.",
                month=f"{line.month:%Y-%m}",
            )
        elif line.month.year < EARLIEST_YEAR:
            problem = _l("The dashboard shows months from %(year)s on.", year=EARLIEST_YEAR)
        elif line.month in recorded:
            problem = _l(
                "Vrijstad recorded %(month)s itself (counted to %(day)s); a recorded month is "
                "never replaced. Leave this month out of the file.",
                month=f"{line.month:%Y-%m}",
                day=present(recorded[line.month]),
            )
        elif line.street and street_key(line.street) not in streets:
            problem = _l(
                "%(street)s is not a street of %(area)s (nor of its units).",
                street=line.street,
                area=area.name,
            )
        elif key in seen:
            problem = _l(
                "%(month)s and this street were given before, on line %(line)s.",
                month=f"{line.month:%Y-%m}",
                line=seen[key],
            )
        if problem is not None:
            errors.append(LineError(line.line, str(problem)))
            continue
        seen[key] = line.line
        months[line.month].append(line)
    return months


def _whole_area(month: date, lines: list[HistoryLine], errors: list[LineError]) -> dict:
    """The month's whole-area figures: its whole-area line's (streets adding up to no more),
    or the sum of its street lines."""
    whole = next((line for line in lines if not line.street), None)
    sums = {
        field: sum(line.counts[field] for line in lines if line.street) for field in COUNT_FIELDS
    }
    if whole is None:
        return sums
    over = [
        str(
            _l(
                "%(sum)s %(what)s against %(total)s",
                sum=sums[field],
                what=name,
                total=whole.counts[field],
            )
        )
        for field, name in COMPARED.items()
        if sums[field] > whole.counts[field]
    ]
    if over:
        errors.append(
            LineError(
                whole.line,
                str(
                    _l(
                        "The streets of %(month)s add up to more than this line for the whole "
                        "area: %(figures)s.",
                        month=f"{month:%Y-%m}",
                        figures=", ".join(over),
                    )
                ),
            )
        )
    return whole.counts


def import_history(
    actor,
    area: Area,
    lines: list[HistoryLine],
    errors: list[LineError],
    today: date | None = None,
) -> Imported:
    """Write the file's months as the area's imported snapshots, replacing the imported rows
    of those months; HistoryError with every bad line (the parse's and these checks') and
    nothing written. In the caller's transaction."""
    today = today or clock.today()
    # One import of an area at a time (PostgreSQL): two uploads of the same months would
    # otherwise both delete the old rows and insert the new ones twice.
    db.session.execute(sa.select(Area.id).where(Area.id == area.id).with_for_update())
    errors = list(errors)
    by_month = _check(area, lines, errors, today)
    wholes = {month: _whole_area(month, found, errors) for month, found in by_month.items()}
    if errors:
        raise HistoryError(errors)
    if not by_month:
        raise DomainError(_l("The file has no months to import."))
    streets = known_streets(area)
    now = clock.now()
    rows = []
    for month, found in sorted(by_month.items()):
        common = {
            "area_id": area.id,
            "period": month,
            "reference_date": clock.month_end(month),
            "taken_at": now,
            "source": SnapshotSource.IMPORTED.value,
        }
        rows.append(
            {**common, "street": WHOLE_AREA, "street_key": WHOLE_AREA, "street_id": None}
            | wholes[month]
        )
        for line in found:
            if line.street:
                name, street_id = streets[street_key(line.street)]
                rows.append(
                    {
                        **common,
                        "street": name[:120],
                        "street_key": street_key(name)[:120],
                        "street_id": street_id,
                    }
                    | line.counts
                )
    replaced = rowcount(
        db.session.execute(
            sa.delete(VacancySnapshot).where(
                VacancySnapshot.area_id == area.id,
                VacancySnapshot.source == SnapshotSource.IMPORTED,
                VacancySnapshot.period.in_(list(by_month)),
            )
        )
    )
    insert_rows(VacancySnapshot.__table__, rows)
    first, last = min(by_month), max(by_month)
    record_event(
        actor,
        "vacancy.history_imported",
        area,
        area.organisation_id,
        months=len(by_month),
        rows=len(rows),
        first=f"{first:%Y-%m}",
        last=f"{last:%Y-%m}",
    )
    return Imported(len(by_month), len(rows), replaced, first, last)


def imported_months(area_id: int) -> list[date]:
    """The area's months that came from a history file, oldest first."""
    return list(
        db.session.scalars(
            sa.select(VacancySnapshot.period)
            .where(
                VacancySnapshot.area_id == area_id,
                VacancySnapshot.street_key == WHOLE_AREA,
                VacancySnapshot.source == SnapshotSource.IMPORTED,
            )
            .order_by(VacancySnapshot.period)
        )
    )
