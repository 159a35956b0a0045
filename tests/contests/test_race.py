"""The same vote, or the same jury score, sent several times at the same moment: stored once,
the others get a message, nobody an error page. On PostgreSQL only (see tests/races.py)."""

import pytest
import sqlalchemy as sa

from tests.contests.conftest import TODAY, all_scores
from tests.races import at_once, client_of, postgresql_only
from vrijstad.auth.models import User
from vrijstad.contests import services
from vrijstad.contests.models import ContestEntry, JuryScore, Vote
from vrijstad.extensions import db


@pytest.fixture(autouse=True)
def _postgresql(app):
    postgresql_only()


def test_one_address_voting_three_times_at_once_makes_one_vote(app, judging):
    judging.vote_open_on = TODAY
    db.session.commit()
    url, entry_id = f"/contests/{judging.id}/vote", judging.test_entries[1].id
    db.session.remove()

    def vote(client, i):
        data = {
            "entry": str(entry_id),
            "email": ["fan@gmail.com", "f.an@gmail.com", "fan+x@gmail.com"][i],
        }
        return client.post(url, data=data).status_code

    statuses = at_once([client_of(app) for _ in range(3)], vote)
    assert 302 in statuses and set(statuses) <= {302, 422}, statuses
    assert db.session.scalar(sa.select(sa.func.count(Vote.id))) == 1


def test_a_juror_submitting_scores_twice_at_once_scores_once(app, judging):
    juror = judging.test_jurors[0]
    entry = judging.test_entries[0]
    ids = (juror.id, entry.id)
    scores = all_scores(judging, 7)
    db.session.remove()

    def score(client, i):
        with app.app_context(), app.test_request_context():
            user = db.session.get(User, ids[0])
            entry = db.session.get(ContestEntry, ids[1])
            try:
                services.score_entry(user, entry, scores)
                db.session.commit()
                return "scored"
            except services.ContestError as exc:
                db.session.rollback()
                return f"refused: {exc}"
            finally:
                db.session.remove()

    outcomes = at_once([None, None], score)
    assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "scored"], outcomes
    assert db.session.scalar(sa.select(sa.func.count(JuryScore.id))) == len(scores)
