"""The vote hash has its own key; after a rotation an address that voted cannot vote again
while the old key is listed as a fallback."""

import pytest

from tests.contests.conftest import VOTE_OPENS
from vrijstad.contests import services
from vrijstad.contests.services import ContestError
from vrijstad.extensions import db


def _confirm_link(outbox) -> str:
    db.session.commit()  # mail goes out after the commit
    body = outbox()[-1].get_body(("plain",)).get_content()
    return next(line for line in body.splitlines() if "/contests/votes/" in line).rsplit("/", 1)[1]


def test_a_rotated_vote_hash_key_still_knows_who_voted(app, judging, outbox, monkeypatch):
    first, second = judging.test_entries[:2]
    monkeypatch.setitem(app.config, "VOTE_HASH_KEY", "vote-key-2026")
    vote = services.request_vote(judging, first, "kiezer@example.nl", today=VOTE_OPENS)
    services.confirm_vote(_confirm_link(outbox), today=VOTE_OPENS)
    db.session.commit()
    old_hash = vote.email_hash
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-rotated-session-key-" + "x" * 20)
    with pytest.raises(ContestError, match="already voted"):  # the session key is not used
        services.request_vote(judging, second, "kiezer@example.nl", today=VOTE_OPENS)
    monkeypatch.setitem(app.config, "VOTE_HASH_KEY", "vote-key-2027")
    monkeypatch.setitem(app.config, "VOTE_HASH_KEY_FALLBACKS", ["vote-key-2026"])
    with pytest.raises(ContestError, match="already voted"):
        services.request_vote(judging, second, "kiezer@example.nl", today=VOTE_OPENS)
    other = services.request_vote(judging, second, "ander@example.nl", today=VOTE_OPENS)
    assert other.email_hash != old_hash
    monkeypatch.setitem(app.config, "VOTE_HASH_KEY_FALLBACKS", [])
    again = services.request_vote(judging, second, "kiezer@example.nl", today=VOTE_OPENS)
    assert again.id != vote.id  # without the old key the address is a stranger


def test_a_vote_link_signed_before_a_link_key_rotation_still_confirms(
    app, judging, outbox, monkeypatch
):
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY", "link-key-2026")
    services.request_vote(judging, judging.test_entries[0], "kiezer@example.nl", today=VOTE_OPENS)
    token = _confirm_link(outbox)
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY", "link-key-2027")
    with pytest.raises(ContestError, match="not valid"):
        services.confirm_vote(token, today=VOTE_OPENS)
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY_FALLBACKS", ["link-key-2026"])
    services.confirm_vote(token, today=VOTE_OPENS)
    db.session.commit()
    assert services.vote_counts(judging) == {judging.test_entries[0].id: 1}
