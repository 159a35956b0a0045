"""The "Te doen" list of a staff member: the open tasks of the organisations they work for."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import g

from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.organisations.services import organisations_of
from vrijstad.todo.registry import Task, by_urgency, providers


def open_tasks(
    organisation_ids: Sequence[int], today: date, counted_only: bool = False
) -> list[Task]:
    """Every provider's tasks for these organisations, most urgent first."""
    if not organisation_ids:
        return []
    found: list[Task] = []
    for provider in providers(counted_only):
        found.extend(provider.tasks(organisation_ids, today))
    return by_urgency(found, today)


def tasks_of(user: User, today: date) -> list[Task]:
    """The open tasks of the organisations the user works for (none for anyone else); the
    navigation's count of this request is taken from the same list."""
    ids = [organisation.id for organisation in organisations_of(user)]
    tasks = open_tasks(ids, today)
    counted = {provider.kind for provider in providers(counted_only=True)}
    g.todo_count = sum(1 for task in tasks if task.kind in counted)
    return tasks


def count_tasks(organisation_ids: Sequence[int], today: date) -> int:
    """How many counted tasks there are: the providers with a query of one row per task in
    one statement, the others by running them."""
    if not organisation_ids:
        return 0
    counted = providers(counted_only=True)
    counts = [
        sa.select(sa.func.count())
        .select_from(provider.rows(organisation_ids, today).subquery())
        .scalar_subquery()
        for provider in counted
        if provider.rows is not None
    ]
    total = sum(int(n) for n in db.session.execute(sa.select(*counts)).one()) if counts else 0
    for provider in counted:
        if provider.rows is None:
            total += len(provider.tasks(organisation_ids, today))
    return total


def task_count(user: User, today: date) -> int:
    """The navigation's count: the counted providers' tasks, computed once per request."""
    if "todo_count" not in g:
        ids = [organisation.id for organisation in organisations_of(user)]
        g.todo_count = count_tasks(ids, today)
    return g.todo_count


#: Tasks on one page of the list (the most urgent first).
PER_PAGE = 50


@dataclass(frozen=True)
class TaskPage:
    """One page of the list, and how many tasks each group (a kind's feature) has in all."""

    items: list[Task]
    page: int
    pages: int
    total: int
    by_group: dict[str, int]
    group: str | None


def group_of(task: Task) -> str:
    """The feature a task comes from: "billing" for "billing.overdue"."""
    return task.kind.split(".", 1)[0]


def page_of(
    tasks: Sequence[Task], page: int, group: str | None = None, per_page: int | None = None
) -> TaskPage:
    """Page ``page`` (from 1; past the last: the last) of the tasks, in their order, only
    those of ``group`` when given; the counts per group are of every task."""
    by_group = Counter(group_of(task) for task in tasks)
    chosen = [task for task in tasks if group is None or group_of(task) == group]
    per_page = per_page or PER_PAGE
    pages = max(1, -(-len(chosen) // per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return TaskPage(
        items=chosen[start : start + per_page],
        page=page,
        pages=pages,
        total=len(chosen),
        by_group=dict(sorted(by_group.items())),
        group=group,
    )
