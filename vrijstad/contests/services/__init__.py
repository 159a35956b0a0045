"""Win een winkel: create and open a contest, take entries, shortlist, judge, vote, announce the
winner (a placement with the prize's discount schedule) and evaluate afterwards.

Every status change is one function that checks who may do it and whether the workflow allows
it (``CONTEST_FLOW`` and ``ENTRY_FLOW`` in the models), records an audit event and notifies the
people concerned (mail after the commit). Functions that depend on the date take ``today`` so
rules can be tested without waiting. The parts, one module each:

* ``base``: limits, :class:`ContestError`, the row lock and the two workflows' moves;
* ``access``: who may manage, see, judge;
* ``terms``: the call's terms and their checks, the hold on the prize units;
* ``calls``: draft, change, open, close and cancel the call;
* ``entries``: enter, change, withdraw;
* ``jury``: shortlist, jurors, conflicts, scores;
* ``ranking``: the finalists ranked (jury and public vote);
* ``votes``: the public vote and its confirmation;
* ``awards``: the winner, the prize period, the evaluation;
* ``readiness``: whether a desk action can work now (the guard and the button share it);
* ``corrections``: errata and deadlines moved forward on a published call.
"""

from vrijstad.contests.services.access import (
    can_manage_contest,
    can_see_entry,
    can_view_contest,
    juror_of,
)
from vrijstad.contests.services.awards import (
    announce_winners,
    evaluate_award,
    prize_ends_on,
    start_prize_period,
)
from vrijstad.contests.services.base import (
    MAX_ANSWER_CHARS,
    MAX_CRITERIA,
    MAX_PLAN_CHARS,
    MAX_PLAN_PAGES,
    MAX_RENT_FREE_MONTHS,
    MAX_UNITS,
    PLAN_FIELDS,
    VOTE_LINK_DAYS,
    VOTE_SALT,
    ContestError,
)
from vrijstad.contests.services.calls import (
    cancel_contest,
    close_entries,
    create_contest,
    open_contest,
    update_contest,
)
from vrijstad.contests.services.corrections import extend_deadline, publish_erratum
from vrijstad.contests.services.entries import (
    EntryData,
    entries_open,
    entry_of,
    submit_entry,
    withdraw_entry,
)
from vrijstad.contests.services.jury import (
    JURY_OPEN,
    accept_jury_invitation,
    close_judging,
    conflict_of,
    declare_conflict,
    has_scored,
    invite_juror,
    juror_for_token,
    score_entry,
    shortlist,
    start_judging,
    unscored,
)
from vrijstad.contests.services.ranking import (
    Ranked,
    compute_ranking,
    finalists_of,
    ranking,
    scores_visible,
)
from vrijstad.contests.services.readiness import Readiness, readiness
from vrijstad.contests.services.terms import ContestData, contest_holding
from vrijstad.contests.services.votes import (
    DOTLESS_DOMAINS,
    confirm_vote,
    request_vote,
    vote_counts,
    vote_for_token,
    vote_has_closed,
    vote_is_open,
    voter_address,
)

__all__ = [
    "ContestData",
    "ContestError",
    "DOTLESS_DOMAINS",
    "EntryData",
    "JURY_OPEN",
    "MAX_ANSWER_CHARS",
    "MAX_CRITERIA",
    "MAX_PLAN_CHARS",
    "MAX_PLAN_PAGES",
    "MAX_RENT_FREE_MONTHS",
    "MAX_UNITS",
    "PLAN_FIELDS",
    "Ranked",
    "Readiness",
    "VOTE_LINK_DAYS",
    "VOTE_SALT",
    "accept_jury_invitation",
    "announce_winners",
    "can_manage_contest",
    "can_see_entry",
    "can_view_contest",
    "cancel_contest",
    "close_entries",
    "close_judging",
    "compute_ranking",
    "confirm_vote",
    "conflict_of",
    "contest_holding",
    "create_contest",
    "declare_conflict",
    "entries_open",
    "entry_of",
    "evaluate_award",
    "extend_deadline",
    "finalists_of",
    "has_scored",
    "invite_juror",
    "juror_for_token",
    "juror_of",
    "open_contest",
    "prize_ends_on",
    "publish_erratum",
    "ranking",
    "readiness",
    "request_vote",
    "score_entry",
    "scores_visible",
    "shortlist",
    "start_judging",
    "start_prize_period",
    "submit_entry",
    "unscored",
    "update_contest",
    "vote_counts",
    "vote_for_token",
    "vote_has_closed",
    "vote_is_open",
    "voter_address",
    "withdraw_entry",
]
