"""Contests' tasks on the staff's list: a phase whose date has come (close the entries after
the deadline, choose the finalists, start and close the jury, announce, start the prize)."""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel.speaklater import LazyString

from vrijstad.contests.models import Contest, ContestStatus
from vrijstad.extensions import db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.labels import label
from vrijstad.todo.registry import Severity, Task, register_provider

#: A phase change shows on the list this many days before its date.
AHEAD_DAYS = 7

#: Per status: the date the next step is due on, and what staff do then.
NEXT_STEP: dict[ContestStatus, tuple[sa.orm.InstrumentedAttribute, LazyString]] = {
    ContestStatus.OPEN: (Contest.entries_close_on, _l("Close the entries of %(title)s")),
    ContestStatus.CLOSED: (Contest.shortlist_on, _l("Choose the finalists of %(title)s")),
    ContestStatus.SHORTLISTED: (Contest.pitch_on, _l("Let the jury of %(title)s start")),
    ContestStatus.JUDGING: (Contest.winner_on, _l("Close the jury of %(title)s")),
    ContestStatus.JUDGED: (Contest.winner_on, _l("Announce the winner of %(title)s")),
    ContestStatus.WINNER_ANNOUNCED: (Contest.starts_on, _l("Start the prize period of %(title)s")),
}


def contest_rows(organisation_ids: Sequence[int], today: date) -> sa.Select:
    """The contests whose next step is due within AHEAD_DAYS days or late; the entries close
    only after their deadline (promised to entrants), so that step shows from the day after."""
    horizon = today + timedelta(days=AHEAD_DAYS)
    steps = [
        sa.and_(Contest.status == status, column < today)
        if status == ContestStatus.OPEN
        else sa.and_(Contest.status == status, column <= horizon)
        for status, (column, _title) in NEXT_STEP.items()
    ]
    return sa.select(Contest).where(Contest.organisation_id.in_(organisation_ids), sa.or_(*steps))


def phases_due(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each contest's next step that is due (`contest_rows`)."""
    contests = db.session.scalars(contest_rows(organisation_ids, today))
    tasks = []
    for contest in contests:
        column, title = NEXT_STEP[contest.status]
        due: date = getattr(contest, column.key)
        if contest.status == ContestStatus.OPEN:
            due += timedelta(days=1)
        tasks.append(
            Task(
                title=str(title) % {"title": contest.title},
                detail=label(contest.status),
                due=due,
                url=url_for("contests.manage", contest_id=contest.id),
                kind="contests.phase",
                severity=Severity.ACTION,
                organisation_id=contest.organisation_id,
            )
        )
    return tasks


register_provider("contests.phase", phases_due, rows=contest_rows)
