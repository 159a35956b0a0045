"""Reads for contests: the public list, an organisation's contests, a person's entries and jury
places, and a contest's entries, jurors and scores."""

import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.contests.models import (
    ACTIVE_STATUSES,
    Conflict,
    Contest,
    ContestEntry,
    ContestStatus,
    Juror,
    JuryScore,
    contest_units,
)
from vrijstad.organisations.models import Membership


def public_contests() -> sa.Select:
    """Every published contest, the most recent call first."""
    return (
        sa.select(Contest)
        .where(Contest.status != ContestStatus.DRAFT)
        .order_by(Contest.entries_close_on.desc(), Contest.id.desc())
    )


def managed_contests(user: User) -> sa.Select:
    """The contests of the organisations a user works for (all of them for admins)."""
    query = sa.select(Contest).order_by(Contest.created_at.desc(), Contest.id.desc())
    if user.is_admin:
        return query
    staffed = sa.select(Membership.organisation_id).where(Membership.user_id == user.id)
    return query.where(Contest.organisation_id.in_(staffed))


def entries_of_starter(user: User) -> sa.Select:
    return (
        sa.select(ContestEntry)
        .where(ContestEntry.starter_id == user.id)
        .order_by(ContestEntry.created_at.desc())
    )


def jury_places(user: User) -> sa.Select:
    """The accepted jury places of a user, newest contest first."""
    return (
        sa.select(Juror)
        .join(Contest, Contest.id == Juror.contest_id)
        .where(Juror.user_id == user.id, Juror.accepted_at.is_not(None))
        .order_by(Contest.id.desc())
    )


def entries(contest: Contest) -> sa.Select:
    return (
        sa.select(ContestEntry)
        .where(ContestEntry.contest_id == contest.id)
        .order_by(ContestEntry.created_at, ContestEntry.id)
    )


def contest_of_unit(unit_id: int) -> sa.Select:
    """The published contest that holds a unit as its prize now."""
    return (
        sa.select(Contest)
        .join(contest_units, contest_units.c.contest_id == Contest.id)
        .where(contest_units.c.unit_id == unit_id, Contest.status.in_(ACTIVE_STATUSES))
        .limit(1)
    )


def scores_of_juror(juror: Juror) -> sa.Select:
    """A juror's own scores: (entry_id, criterion_id, score)."""
    return sa.select(JuryScore.entry_id, JuryScore.criterion_id, JuryScore.score).where(
        JuryScore.juror_id == juror.id
    )


def all_scores(contest: Contest) -> sa.Select:
    """Every score of the contest's jury: (juror, entry_id, criterion_id, score)."""
    return (
        sa.select(Juror, JuryScore.entry_id, JuryScore.criterion_id, JuryScore.score)
        .join(JuryScore, JuryScore.juror_id == Juror.id)
        .where(Juror.contest_id == contest.id)
        .order_by(Juror.id, JuryScore.entry_id, JuryScore.criterion_id)
    )


def conflicts(contest: Contest) -> sa.Select:
    """Declared conflicts of interest: (juror, conflict)."""
    return (
        sa.select(Juror, Conflict)
        .join(Conflict, Conflict.juror_id == Juror.id)
        .where(Juror.contest_id == contest.id)
        .order_by(Juror.id, Conflict.entry_id)
    )


def scored_pairs(contest: Contest) -> sa.Select:
    """(juror_id, entry_id) for every finalist a juror has scored: the jury's progress."""
    return (
        sa.select(JuryScore.juror_id, JuryScore.entry_id)
        .join(Juror, Juror.id == JuryScore.juror_id)
        .where(Juror.contest_id == contest.id)
        .distinct()
    )
