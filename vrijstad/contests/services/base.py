"""What every part of a contest shares: the limits, the error type, the contest row lock,
the two workflows (contest and entry) with their audit events, and telling the entrants."""

from collections.abc import Iterable

import sqlalchemy as sa

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.contests.models import (
    CONTEST_FLOW,
    ENTRY_FLOW,
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
)
from vrijstad.core import DomainError, TransitionError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.notifications.services import notify

PLAN_FIELDS = ("idea", "uniqueness", "target_group", "revenue_model", "success", "help_needed")
MAX_ANSWER_CHARS = 2000
#: About two pages of text: the plan typed into the form may be no longer than the PDF.
MAX_PLAN_CHARS = 6000
MAX_PLAN_PAGES = 2
MAX_UNITS = 10
MAX_CRITERIA = 12
MAX_RENT_FREE_MONTHS = 24
VOTE_SALT = "contest-vote"
VOTE_LINK_DAYS = 2


class ContestError(DomainError):
    """A contest action was refused; field names the form field, if any."""


def lock_contest(contest: Contest) -> Contest:
    """Lock the contest row (FOR UPDATE on PostgreSQL) and read it afresh."""
    return db.session.scalars(
        sa.select(Contest)
        .where(Contest.id == contest.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def check_move(contest: Contest, target: ContestStatus) -> None:
    """Refuse, with the reason, a status change the workflow does not allow."""
    try:
        CONTEST_FLOW.check(contest.status, target)
    except TransitionError as exc:
        raise ContestError(
            _(
                "A contest that is %(current)s cannot become %(target)s.",
                current=label(contest.status),
                target=label(target),
            )
        ) from exc


def move_contest(
    actor: User | None, contest: Contest, target: ContestStatus, **data: object
) -> None:
    """Move the contest along its workflow and record the change."""
    check_move(contest, target)
    previous = CONTEST_FLOW.move(contest, target)
    db.session.flush()
    record_event(
        actor,
        "contest.status",
        contest,
        contest.organisation_id,
        old=previous.value,
        new=target.value,
        **data,
    )


def move_entry(actor: User | None, entry: ContestEntry, target: EntryStatus) -> None:
    """Move an entry along its workflow and record the change."""
    try:
        previous = ENTRY_FLOW.move(entry, target)
    except TransitionError as exc:
        raise ContestError(
            _(
                "An entry that is %(current)s cannot become %(target)s.",
                current=label(entry.status),
                target=label(target),
            )
        ) from exc
    db.session.flush()
    record_event(
        actor,
        "contest.entry_status",
        entry,
        entry.contest.organisation_id,
        old=previous.value,
        new=target.value,
    )


def contest_data(contest: Contest) -> dict[str, str]:
    return {"contest": contest.title}


def notify_entrants(contest: Contest, kind: str, entries: Iterable[ContestEntry]) -> None:
    for entry in entries:
        notify(
            [entry.starter],
            kind,
            "contests.detail",
            {"contest_id": contest.id},
            contest_data(contest),
        )
