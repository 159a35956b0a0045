"""An area's units × months panel, rebuilt from the units and their status history.

Each month's state is the unit's state at the end of the month (Amsterdam dates): not on
record before the unit was added or while it is withdrawn, occupied while let, otherwise
vacant for as many months as it has been empty. The status history is the audit trail's
``unit.status`` events (every status change records one, with the old and the new status);
a unit that was never let counts as vacant since its ``vacant_since`` date, or since it was
added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db
from vrijstad.forecast.model import MAX_MONTHS, OCCUPIED, UNKNOWN, IntArray
from vrijstad.units.models import Unit, UnitStatus


@dataclass(frozen=True)
class Panel:
    """States per unit and month-end, the street index of each unit and the streets' names."""

    months: list[date]
    states: IntArray
    streets: IntArray
    street_names: list[str]
    unit_ids: list[int]


def street_name_key(name: str) -> str:
    return " ".join(name.split()).lower()


def area_panel(area_id: int, months: list[date]) -> Panel:
    """The panel of an area's units over the given month-ends (oldest first)."""
    units = list(
        db.session.scalars(sa.select(Unit).where(Unit.area_id == area_id).order_by(Unit.id))
    )
    changes: dict[int, list[tuple[date, str, str]]] = defaultdict(list)
    if units:
        events = db.session.execute(
            sa.select(AuditEvent.subject_id, AuditEvent.created_at, AuditEvent.data)
            .where(
                AuditEvent.action == "unit.status",
                AuditEvent.subject_type == "Unit",
                AuditEvent.subject_id.in_([unit.id for unit in units]),
            )
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
        for event in events:
            if event.subject_id is None:
                continue
            data: dict = event.data or {}
            changes[event.subject_id].append(
                (clock.local_date(event.created_at), str(data.get("old")), str(data.get("new")))
            )
    names: dict[str, int] = {}
    street_names: list[str] = []
    streets = np.zeros(len(units), dtype=np.int64)
    states = np.full((len(units), len(months)), UNKNOWN, dtype=np.int64)
    for row, unit in enumerate(units):
        key = street_name_key(unit.street)
        if key not in names:
            names[key] = len(street_names)
            street_names.append(unit.street.strip())
        streets[row] = names[key]
        history = changes.get(unit.id, [])
        status = history[0][1] if history else unit.status.value
        added = clock.local_date(unit.created_at) if unit.created_at else months[0]
        ever_let = any(UnitStatus.LET.value in (old, new) for _when, old, new in history)
        empty_from: date | None = None
        if status != UnitStatus.LET.value:
            empty_from = (None if ever_let else unit.vacant_since) or added
        pointer = 0
        for column, month_end in enumerate(months):
            while pointer < len(history) and history[pointer][0] <= month_end:
                when, _old, new = history[pointer]
                if new != UnitStatus.LET.value and (
                    status == UnitStatus.LET.value or empty_from is None
                ):
                    empty_from = when
                status = new
                pointer += 1
            if month_end < added or status == UnitStatus.WITHDRAWN.value:
                continue
            if status == UnitStatus.LET.value:
                states[row, column] = OCCUPIED
                continue
            start = empty_from or added
            since = clock.months_between(start, month_end)
            states[row, column] = min(max(since, 0) + 1, MAX_MONTHS)
    return Panel(months, states, streets, street_names, [unit.id for unit in units])
