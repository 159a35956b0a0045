"""The state of play: units and starters an allocation or a candidate list leaves out.

A unit is held while it has an open offer to a starter or is reserved (for a contest's
winner); a starter is held while they have a placement that runs now or is agreed to start.
Staff may ask to see them marked with the reason instead of hidden (and then choose them on
purpose); by default they are left out.
"""

from collections.abc import Iterable
from datetime import date

from vrijstad.extensions import db
from vrijstad.matching import queries
from vrijstad.matching.models import Held
from vrijstad.starters.models import StarterProfile
from vrijstad.units.models import Unit, UnitStatus


def held_units(units: Iterable[Unit]) -> dict[int, Held]:
    """Unit id → why it is held, for the held ones among the units."""
    units = list(units)
    held = {unit.id: Held.RESERVED for unit in units if unit.status == UnitStatus.RESERVED}
    if units:
        offered = db.session.scalars(queries.units_with_open_offer([u.id for u in units]))
        held |= dict.fromkeys(offered, Held.OPEN_OFFER)
    return held


def held_starters(starter_ids: Iterable[int], today: date) -> dict[int, Held]:
    """Starter (user) id → why they are held, for the held ones among the starters."""
    ids = list(starter_ids)
    if not ids:
        return {}
    return dict.fromkeys(db.session.scalars(queries.placed_starters(ids, today)), Held.PLACED)


def without_held(
    units: list[Unit], profiles: list[StarterProfile], today: date
) -> tuple[list[Unit], list[StarterProfile]]:
    """The units and starters that are not held."""
    units_out = held_units(units)
    starters_out = held_starters([p.user_id for p in profiles], today)
    return (
        [unit for unit in units if unit.id not in units_out],
        [p for p in profiles if p.user_id not in starters_out],
    )
