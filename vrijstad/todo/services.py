"""The "Te doen" list of a staff member: the open tasks of the organisations they work for."""

from collections.abc import Sequence
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
