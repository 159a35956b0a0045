"""Corrections to a published call: its terms stay as published (only a draft is edited), but
staff can publish an erratum (a dated text shown under the call) and move a deadline forward
(the entry deadline or the close of the public vote), never back and never once it has
passed. Every entrant is told of each correction."""

from datetime import date

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.contests.models import Contest, ContestStatus, EntryStatus, Erratum
from vrijstad.contests.services.access import require_staff
from vrijstad.contests.services.base import ContestError, lock_contest, notify_entrants
from vrijstad.extensions import db
from vrijstad.i18n import lazy_gettext as _l

MAX_ERRATUM_CHARS = 2000
#: While the public vote may still be extended.
VOTE_STATUSES = (
    ContestStatus.OPEN,
    ContestStatus.CLOSED,
    ContestStatus.SHORTLISTED,
    ContestStatus.JUDGING,
    ContestStatus.JUDGED,
)


def _require_published(contest: Contest) -> None:
    if contest.status == ContestStatus.DRAFT:
        raise ContestError(_l("A draft is not published yet: change the draft itself."))
    if contest.status == ContestStatus.CANCELLED:
        raise ContestError(_l("This contest was cancelled."))


def _tell_entrants(contest: Contest, kind: str) -> None:
    entrants = [e for e in contest.entries if e.status != EntryStatus.WITHDRAWN]
    notify_entrants(contest, kind, entrants)


def publish_erratum(actor: User, contest: Contest, text: str) -> Erratum:
    """Publish a dated correction under the call; every entrant is told."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    _require_published(contest)
    text = (text or "").strip()
    if not 3 <= len(text) <= MAX_ERRATUM_CHARS:
        raise ContestError(
            _l("Write the correction in 3 to %(max)d characters."), "text", max=MAX_ERRATUM_CHARS
        )
    erratum = Erratum(contest_id=contest.id, text=text, published_by_id=actor.id)
    db.session.add(erratum)
    db.session.flush()
    record_event(actor, "contest.erratum", contest, contest.organisation_id, erratum=erratum.id)
    _tell_entrants(contest, "contest.erratum")
    return erratum


def extend_deadline(
    actor: User, contest: Contest, deadline: str, new_date: date, today: date | None = None
) -> Erratum:
    """Move the entry deadline or the close of the public vote to a later day, before it has
    passed and before the step that follows it; published as an erratum, entrants told."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    today = today or clock.today()
    _require_published(contest)
    if deadline == "entries_close_on":
        if contest.status != ContestStatus.OPEN:
            raise ContestError(_l("Entries are closed; their deadline can no longer move."))
        old, limit = contest.entries_close_on, contest.shortlist_on
        too_late = _l("The entry deadline must stay before the shortlist (%(date)s).")
    elif deadline == "vote_close_on":
        if contest.vote_close_on is None:
            raise ContestError(_l("This contest has no public vote."))
        if contest.status not in VOTE_STATUSES:
            raise ContestError(_l("The public vote is over; its dates can no longer move."))
        old, limit = contest.vote_close_on, contest.winner_on
        too_late = _l("The public vote must close before the winner is announced (%(date)s).")
    else:
        raise ContestError(_l("Choose the deadline to extend."), "deadline")
    if today > old:
        raise ContestError(
            _l("The deadline of %(date)s has passed; it can no longer move."), "new_date", date=old
        )
    if new_date <= old:
        raise ContestError(
            _l("A deadline only moves forward: choose a day after %(date)s."),
            "new_date",
            date=old,
        )
    if new_date >= limit:
        raise ContestError(too_late, "new_date", date=limit)
    setattr(contest, deadline, new_date)
    erratum = Erratum(
        contest_id=contest.id,
        deadline=deadline,
        old_date=old,
        new_date=new_date,
        published_by_id=actor.id,
    )
    db.session.add(erratum)
    db.session.flush()
    record_event(
        actor,
        "contest.deadline_extended",
        contest,
        contest.organisation_id,
        deadline=deadline,
        old=old.isoformat(),
        new=new_date.isoformat(),
    )
    _tell_entrants(contest, "contest.deadline_extended")
    return erratum
