"""Relations' tasks on the staff's list: each follow-up due within a week, until it is done."""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for

from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.relations.models import Relation
from vrijstad.todo.registry import Task, register_provider

#: A follow-up shows this many days before its date.
FOLLOW_UP_DAYS = 7


def follow_up_rows(
    organisation_ids: Sequence[int], today: date
) -> sa.Select[int, str, date | None, str | None, int]:
    """The organisations' relations with a follow-up due within FOLLOW_UP_DAYS days."""
    return sa.select(
        Relation.id,
        Relation.name,
        Relation.follow_up_on,
        Relation.follow_up_what,
        Relation.organisation_id,
    ).where(
        Relation.organisation_id.in_(organisation_ids),
        Relation.follow_up_on <= today + timedelta(days=FOLLOW_UP_DAYS),
    )


def follow_ups(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each follow-up of a relation that is due."""
    rows = db.session.execute(follow_up_rows(organisation_ids, today))
    return [
        Task(
            title=_("Follow up %(name)s", name=name),
            detail=what or "",
            due=on,
            url=url_for("relations.detail", relation_id=relation_id),
            kind="relations.follow_up",
            organisation_id=organisation_id,
        )
        for relation_id, name, on, what, organisation_id in rows
    ]


register_provider("relations.follow_up", follow_ups, rows=follow_up_rows)
