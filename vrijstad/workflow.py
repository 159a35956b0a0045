"""One writer for every workflow's state: a table of allowed moves decides, nothing else.

Each feature declares its workflow beside its model::

    OFFER_FLOW = Workflow("offer", {OfferStatus.OPEN: {OfferStatus.ACCEPTED, ...}, ...})

and changes a state only through it:

* ``OFFER_FLOW.move(offer, OfferStatus.ACCEPTED)`` checks the table and sets the attribute
  (an illegal move raises :class:`vrijstad.core.TransitionError`, the one error type);
* ``UNIT_FLOW.move_where(Unit, unit.id, UnitStatus.LET)`` is the conditional update for races:
  one ``UPDATE … WHERE id = ? AND status IN (states that may move there)``, true when this
  request won. Extra columns to write in the same statement go in ``values``.

A test (tests/core/test_workflow.py) fails when ``.status =`` is assigned anywhere else in
``vrijstad/``, so the tables cannot be walked around again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from vrijstad.core import TransitionError
from vrijstad.extensions import db, rowcount

S = TypeVar("S", bound=StrEnum)


class Workflow(Generic[S]):
    """The allowed moves of one kind of record, and the only code that writes its state."""

    def __init__(self, name: str, table: Mapping[S, Iterable[S]], attribute: str = "status"):
        self.name = name
        self.attribute = attribute
        self.table: dict[S, frozenset[S]] = {
            source: frozenset(targets) for source, targets in table.items()
        }

    def allows(self, current: S, target: S) -> bool:
        return target in self.table.get(current, frozenset())

    def check(self, current: S, target: S) -> None:
        """Raise TransitionError unless the table allows current → target."""
        if not self.allows(current, target):
            raise TransitionError(f"{self.name}: {current} → {target}")

    def sources(self, target: S) -> frozenset[S]:
        """The states from which ``target`` may be reached."""
        return frozenset(s for s, targets in self.table.items() if target in targets)

    def move(self, record: Any, target: S) -> S:
        """Move ``record`` to ``target`` if the table allows it; returns the previous state."""
        current = getattr(record, self.attribute)
        self.check(current, target)
        setattr(record, self.attribute, target)
        return current

    def move_where(
        self,
        model: type[Any],
        ident: Any,
        target: S,
        *,
        only_from: Iterable[S] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> bool:
        """The conditional update: move row ``ident`` to ``target`` in one statement if its
        current state may reach it (or is one of ``only_from``); true if a row moved.

        The session's copy is refreshed afterwards, so the caller sees the new state.
        """
        allowed = self.sources(target)
        if only_from is not None:
            allowed = allowed & frozenset(only_from)
        column = getattr(model, self.attribute)
        result = db.session.execute(
            sa.update(model)
            .where(model.id == ident, column.in_(allowed))
            .values({self.attribute: target, **(values or {})})
            .execution_options(synchronize_session=False)
        )
        moved = rowcount(result) == 1
        if moved:
            record = db.session.get(model, ident)
            if record is not None:
                db.session.refresh(record)
        return moved
