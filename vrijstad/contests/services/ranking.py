"""The ranking of the finalists: the jury's weighted mean and the public vote, in exact
fractions so that ties stay ties."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import sqlalchemy as sa

from vrijstad.contests.models import (
    FINALIST_STATUSES,
    RESULT_STATUSES,
    SCORE_MAX,
    Contest,
    ContestEntry,
    ContestStatus,
    JuryScore,
)
from vrijstad.contests.services.votes import vote_counts, vote_has_closed
from vrijstad.extensions import db


@dataclass(frozen=True)
class Ranked:
    """One finalist's place: the jury's weighted mean (1–10), votes and points out of 100."""

    entry_id: int
    rank: int
    tied: bool
    jury: Fraction | None
    jurors: int
    criteria: dict[int, Fraction]
    votes: int
    points: Fraction


def compute_ranking(
    entry_ids: Iterable[int],
    criteria: Iterable[tuple[int, int]],
    scores: Iterable[tuple[int, int, int, int]],
    votes: Mapping[int, int] | None = None,
    vote_share_bp: int = 0,
) -> list[Ranked]:
    """Rank finalists by points: the jury's weighted mean score as a share of the scale, and
    the public vote (relative to the most votes) for its share. Exact fractions, so equal
    results are ties — shown with the same rank, never broken silently."""
    weights = dict(criteria)
    total_weight = sum(weights.values())
    given: dict[int, dict[int, list[int]]] = {}
    jurors: dict[int, set[int]] = {}
    for juror_id, entry_id, criterion_id, score in scores:
        given.setdefault(entry_id, {}).setdefault(criterion_id, []).append(score)
        jurors.setdefault(entry_id, set()).add(juror_id)
    votes = dict(votes or {})
    most_votes = max(votes.values(), default=0)
    share = Fraction(vote_share_bp, 10000)
    rows = []
    for entry_id in entry_ids:
        means = {
            c: Fraction(sum(v), len(v)) for c, v in given.get(entry_id, {}).items() if c in weights
        }
        jury = (
            sum((weights[c] * m for c, m in means.items()), Fraction(0)) / total_weight
            if means and total_weight
            else None
        )
        jury_points = jury * 100 / SCORE_MAX if jury is not None else Fraction(0)
        vote_points = (
            Fraction(100 * votes.get(entry_id, 0), most_votes) if most_votes else Fraction(0)
        )
        points = jury_points * (1 - share) + vote_points * share
        rows.append(
            (entry_id, jury, len(jurors.get(entry_id, ())), means, votes.get(entry_id, 0), points)
        )
    ranked = []
    for entry_id, jury, count, means, n_votes, points in sorted(rows, key=lambda r: (-r[5], r[0])):
        better = sum(1 for r in rows if r[5] > points)
        tied = sum(1 for r in rows if r[5] == points) > 1
        ranked.append(Ranked(entry_id, better + 1, tied, jury, count, means, n_votes, points))
    return ranked


def finalists_of(contest: Contest) -> list[ContestEntry]:
    return [e for e in contest.entries if e.status in FINALIST_STATUSES]


def ranking(contest: Contest, today: date | None = None) -> list[Ranked]:
    """The contest's finalists ranked; the public vote counts once it has closed."""
    finalists = finalists_of(contest)
    rows = db.session.execute(
        sa.select(
            JuryScore.juror_id, JuryScore.entry_id, JuryScore.criterion_id, JuryScore.score
        ).where(JuryScore.entry_id.in_([e.id for e in finalists]))
    ).all()
    votes = vote_counts(contest) if vote_has_closed(contest, today) else None
    return compute_ranking(
        [e.id for e in finalists],
        [(c.id, c.weight) for c in contest.criteria],
        rows,
        votes,
        contest.vote_share_bp if votes is not None else 0,
    )


def scores_visible(contest: Contest) -> bool:
    """Scores and the ranking show only once judging has closed: nobody sees them sooner."""
    return contest.status in (ContestStatus.JUDGED, *RESULT_STATUSES)
