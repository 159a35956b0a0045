"""The staff's open tasks, each computed by the feature that owns the state.

A feature registers a provider in its ``todo.py`` (imported by the application factory)::

    register_provider("billing.settlements", settlements_to_approve)

A provider takes the organisations' ids and today's date and returns the ``Task`` list of
those organisations, in one query. Tasks are never stored: one disappears as soon as the
state that called for it is gone (the settlement approved, the report checked).

The navigation counts the tasks on every page. A provider whose query yields one row per task
also registers that query (``rows=``, the same function its ``tasks`` builds on): the count
then runs every such query as a ``count(*)`` inside one statement. A provider that filters in
Python (the subsidy clock) is counted by running it. A provider too slow for every page (the
forecast) registers with ``counted=False``: the list shows its tasks, the count leaves them out.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

import sqlalchemy as sa


class Severity(IntEnum):
    """How much a task weighs when two fall due on the same day (higher: first)."""

    NOTE = 1
    ACTION = 2
    URGENT = 3


@dataclass(frozen=True)
class Task:
    """One thing staff should do: what, why, by when, and where to do it."""

    title: str
    detail: str
    due: date | None
    url: str
    kind: str
    severity: Severity = Severity.ACTION
    organisation_id: int | None = None

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today


Provider = Callable[[Sequence[int], date], list[Task]]
Rows = Callable[[Sequence[int], date], sa.Select]


@dataclass(frozen=True)
class Registered:
    kind: str
    tasks: Provider
    counted: bool
    rows: Rows | None


_PROVIDERS: dict[str, Registered] = {}


def register_provider(
    kind: str, tasks: Provider, *, rows: Rows | None = None, counted: bool = True
) -> Provider:
    """Keep a feature's provider under its kind ("feature.what"), with the query of one row
    per task when it has one; returns the provider for local use.

    A kind belongs to one provider: registering it again with another function is refused."""
    known = _PROVIDERS.get(kind)
    if known is not None and known.tasks is not tasks:
        raise ValueError(f"task kind {kind!r} has a provider already")
    _PROVIDERS[kind] = Registered(kind, tasks, counted, rows)
    return tasks


def providers(counted_only: bool = False) -> list[Registered]:
    """The registered providers in a stable order (by kind)."""
    found = sorted(_PROVIDERS.values(), key=lambda item: item.kind)
    return [item for item in found if item.counted or not counted_only]


def by_urgency(tasks: Sequence[Task], today: date) -> list[Task]:
    """Overdue tasks first, then by due date (tasks without one last), the weightier first."""
    return sorted(
        tasks,
        key=lambda task: (
            not task.overdue(today),
            task.due or date.max,
            -task.severity,
            task.title,
        ),
    )
