"""The one writer of a unit's status: every feature (offers, contests, lettings, pop-ups,
privacy) asks here to let, reserve, release or withdraw a unit.

``move_unit`` is the plain move (the table in ``UNIT_FLOW`` decides; an illegal move raises
:class:`vrijstad.core.TransitionError`). ``claim_unit`` is the race-safe move for a unit that
two requests may want at once (accepting an offer, reserving for a contest): one conditional
``UPDATE``, true only for the request that won. Both keep ``vacant_since`` right and record the
change in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.extensions import db
from vrijstad.units import events
from vrijstad.units.models import UNIT_TRANSITIONS, Unit, UnitStatus
from vrijstad.workflow import Workflow

UNIT_FLOW: Workflow[UnitStatus] = Workflow("unit", UNIT_TRANSITIONS)


def organisation_id_of(unit: Unit) -> int | None:
    return unit.area.organisation_id if unit.area else None


def _vacancy_values(unit: Unit, target: UnitStatus) -> dict:
    """The columns that follow a status change: a let unit is no longer vacant, a let unit
    that comes back on offer is vacant again from today."""
    if target == UnitStatus.LET:
        return {"vacant_since": None}
    if unit.status == UnitStatus.LET and target == UnitStatus.LISTED:
        return {"vacant_since": clock.today()}
    return {}


def move_unit(actor, unit: Unit, target: UnitStatus, reason: str = "") -> UnitStatus:
    """Move ``unit`` to ``target`` if the unit workflow allows it; returns the old status."""
    follows = _vacancy_values(unit, target)  # read before the move: it depends on the old status
    previous = UNIT_FLOW.move(unit, target)  # a refused move leaves the unit untouched
    for name, value in follows.items():
        setattr(unit, name, value)
    db.session.flush()
    _record_move(actor, unit, previous, target, reason)
    return previous


def _record_move(actor, unit: Unit, previous: UnitStatus, target: UnitStatus, reason: str) -> None:
    record_event(
        actor,
        "unit.status",
        unit,
        organisation_id_of(unit),
        old=previous.value,
        new=target.value,
        reason=reason or None,
    )
    events.status_changed(unit, UnitStatus(previous), target)


def claim_unit(
    actor,
    unit: Unit,
    target: UnitStatus,
    *,
    only_from: Iterable[UnitStatus],
    reason: str = "",
) -> bool:
    """Move ``unit`` to ``target`` in one conditional update, only from ``only_from``; true
    if this request moved it, false if another got there first (nothing is changed then)."""
    previous = unit.status
    values = {**_vacancy_values(unit, target), "updated_at": clock.now()}
    if not UNIT_FLOW.move_where(Unit, unit.id, target, only_from=only_from, values=values):
        return False
    _record_move(actor, unit, previous, target, reason)
    return True
