"""What a scenario's zoning says, from the data of one day.

The definitions follow the dashboard's, so that the figures agree with it:

* **Stock and vacancy.** The stock is every unit of the area but a withdrawn one; a unit is
  vacant unless it is let. A unit lies in the street whose name it gives, compared as
  ``street_key`` does (trimmed, lower case); a unit whose street is not one of the area's
  streets lies in no zone and is counted apart ("not zoned").
* **Core vacancy now**: the core's vacant units, their floor area (vvo, m²) and their share of
  the core's units in basis points (rounded half up).
* **The moves.** Who could move into the core:
  - every starter with a placement that runs now or is agreed (agreed or active, not past its
    end date) in a unit of an approach or transformation street of the area, and
  - every starter the allocation considers for the area who is not placed anywhere (those
    actively searching).
  The core units they may be given are its vacant units that an allocation may give: open
  (listed or in talks) and not held (no open offer, not reserved). The project's allocation
  (``matching.allocation.allocate``, lowest score 0) decides who fits where: it pairs at most
  one starter per unit, the greatest total fit first, and never a pair its rules exclude (too
  small, too dear, the wrong use, a street's branch limit). A starter the allocation does not
  consider for the area is left out by its own rule. Core vacancy after = vacant − filled.
* **Transformation**: the floor area (vvo) of the transformation streets' stock, vacant and
  all, with unit counts. Assumption: only the units in the register count; upper floors and
  the dwellings above shops are not modelled, so this is what the ground-floor register holds,
  not a building survey.
* **Subsidy**: see :mod:`vrijstad.scenarios.subsidy`.

Figures are plain ints (m², cents, basis points) so that they are stored as computed.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad.areas.models import Area, Street
from vrijstad.auth.models import User
from vrijstad.dashboard.models import street_key
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.matching import allocation, held
from vrijstad.matching.errors import MatchingError
from vrijstad.matching.queries import CURRENT_PLACEMENTS, OPEN_UNIT_STATUSES
from vrijstad.scenarios import subsidy
from vrijstad.scenarios.models import Zone
from vrijstad.units.models import Unit, UnitStatus

OUTSIDE_CORE = (Zone.APPROACH, Zone.TRANSFORMATION)


def share_bp(part: int, whole: int) -> int | None:
    """part / whole in basis points, rounded half up; None when there is no whole."""
    if whole <= 0:
        return None
    return (part * 10000 * 2 + whole) // (2 * whole)


@dataclass(frozen=True)
class Move:
    """A core unit the allocation gives to a starter, and whether the starter leaves a unit
    outside the core for it."""

    unit: Unit
    street: Street | None
    starter_id: int
    from_outside: bool


def _stock(area: Area) -> list[Unit]:
    query = (
        sa.select(Unit)
        .where(Unit.area_id == area.id, Unit.status != UnitStatus.WITHDRAWN)
        .order_by(Unit.id)
    )
    return list(db.session.scalars(query))


def _placed_outside(area: Area, zone_of_key: dict[str, Zone], today: date) -> set[int]:
    """Starters placed now (or agreed) in a unit of an approach or transformation street."""
    rows = db.session.execute(
        sa.select(Placement.starter_id, Unit.street)
        .join(Unit, Unit.id == Placement.unit_id)
        .where(
            Unit.area_id == area.id,
            Placement.status.in_(CURRENT_PLACEMENTS),
            Placement.end_date >= today,
        )
    )
    return {
        starter_id for starter_id, name in rows if zone_of_key.get(street_key(name)) in OUTSIDE_CORE
    }


def _moves(
    actor: User,
    area: Area,
    core_vacant: list[Unit],
    placed_outside: set[int],
    streets_by_key: dict[str, Street],
    today: date,
) -> tuple[list[Move], int, int, int]:
    """The allocation of the movers to the core's free units: the moves, and how many units
    and starters (placed, searching) it chose from."""
    open_units = [u for u in core_vacant if u.status in OPEN_UNIT_STATUSES]
    held_units = held.held_units(open_units)
    units = [u for u in open_units if u.id not in held_units]
    _units, candidates = allocation.allocation_choices(area, today, with_held=True)
    placed_now = held.held_starters([p.user_id for p in candidates], today)
    searching = {p.user_id for p in candidates if p.user_id not in placed_now}
    movers = searching | (placed_outside & {p.user_id for p in candidates})
    if not units or not movers:
        return [], len(units), len(placed_outside), len(searching)
    try:
        found = allocation.allocate(
            actor, area, [u.id for u in units], movers, min_score=0, today=today, with_held=True
        )
    except MatchingError:  # none of them may be allocated after all
        return [], len(units), len(placed_outside), len(searching)
    moves = [
        Move(
            pair.match.unit,
            streets_by_key.get(street_key(pair.match.unit.street)),
            pair.match.starter_id,
            pair.match.starter_id in placed_outside,
        )
        for pair in found.pairs
    ]
    return moves, len(units), len(placed_outside), len(searching)


def compute(actor: User, area: Area, zoning: dict[int, Zone], today: date) -> dict:
    """The scenario's figures on the day (see the module for every definition)."""
    streets = {s.id: s for s in area.streets}
    zone_of_key = {street_key(streets[i].name): zone for i, zone in zoning.items() if i in streets}
    streets_by_key = {street_key(s.name): s for s in streets.values()}
    by_zone: dict[Zone | None, list[Unit]] = {zone: [] for zone in Zone} | {None: []}
    for unit in _stock(area):
        by_zone[zone_of_key.get(street_key(unit.street))].append(unit)

    core = by_zone[Zone.CORE]
    core_vacant = [u for u in core if u.status != UnitStatus.LET]
    placed_outside = _placed_outside(area, zone_of_key, today)
    moves, offered, placed, searching = _moves(
        actor, area, core_vacant, placed_outside, streets_by_key, today
    )
    vacant_after = len(core_vacant) - len(moves)
    transformation = by_zone[Zone.TRANSFORMATION]
    trans_vacant = [u for u in transformation if u.status != UnitStatus.LET]
    return {
        "core": {
            "streets": sum(1 for z in zoning.values() if z == Zone.CORE),
            "units": len(core),
            "vacant": len(core_vacant),
            "vacant_m2": sum(u.floor_area_vvo for u in core_vacant),
            "vacancy_bp": share_bp(len(core_vacant), len(core)),
        },
        "moves": {
            "placed_outside": placed,
            "searching": searching,
            "open_core_units": offered,
            "filled": len(moves),
            "from_outside": sum(1 for m in moves if m.from_outside),
            "vacant_after": vacant_after,
            "vacancy_after_bp": share_bp(vacant_after, len(core)),
        },
        "transformation": {
            "streets": sum(1 for z in zoning.values() if z == Zone.TRANSFORMATION),
            "units": len(transformation),
            "m2": sum(u.floor_area_vvo for u in transformation),
            "vacant": len(trans_vacant),
            "vacant_m2": sum(u.floor_area_vvo for u in trans_vacant),
        },
        "approach": {"units": len(by_zone[Zone.APPROACH])},
        "unzoned_units": len(by_zone[None]),
        "subsidy": subsidy.needed(
            area,
            [
                subsidy.Move(m.unit.rent_cents_per_year, m.street.id if m.street else None)
                for m in moves
            ],
            bool(transformation),
            today,
        ),
    }
