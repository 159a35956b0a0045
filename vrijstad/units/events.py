"""What happens to a unit, told to the features that listen (the units feature sits below
them and cannot call them itself): a status change (``move_unit``, ``claim_unit``) and a new
rent (``update_unit``). A listener runs inside the change's transaction; what it adds is
committed or rolled back with the change."""

from collections.abc import Callable

from vrijstad.units.models import Unit, UnitStatus

StatusListener = Callable[[Unit, UnitStatus, UnitStatus], None]
RentListener = Callable[[Unit, int, int], None]

_STATUS: list[StatusListener] = []
_RENT: list[RentListener] = []


def on_status_change(listener: StatusListener) -> StatusListener:
    """Register ``listener(unit, old, new)`` (used as a decorator); once per function."""
    if listener not in _STATUS:
        _STATUS.append(listener)
    return listener


def on_rent_change(listener: RentListener) -> RentListener:
    """Register ``listener(unit, old_cents_per_year, new_cents_per_year)``."""
    if listener not in _RENT:
        _RENT.append(listener)
    return listener


def status_changed(unit: Unit, old: UnitStatus, new: UnitStatus) -> None:
    if old != new:
        for listener in _STATUS:
            listener(unit, old, new)


def rent_changed(unit: Unit, old: int | None, new: int | None) -> None:
    if old and new and old != new:  # a first rent (a draft) is no change to tell
        for listener in _RENT:
            listener(unit, old, new)
