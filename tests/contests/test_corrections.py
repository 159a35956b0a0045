"""Safe desk actions: buttons that cannot work yet are disabled with the reason and the day
they open (the service refuses with the same words); a published call takes errata and later
deadlines, each told to every entrant; closing the jury warns about missing scores."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.contests.conftest import AFTER_CLOSE, CLOSES, TODAY, VOTE_CLOSES, all_scores
from vrijstad.contests import services
from vrijstad.contests.models import ContestStatus, Erratum
from vrijstad.contests.services import ContestError
from vrijstad.extensions import db
from vrijstad.notifications.models import Notification


def english(user):
    user.locale = "en"
    db.session.commit()
    return user


def notices(kind: str) -> set[int]:
    return set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == kind)))


def _button(page: str, label: str) -> str:
    found = re.search(rf"<button[^>]*>{re.escape(label)}</button>", page)
    assert found, label
    return found.group(0)


# Buttons that cannot work yet ---------------------------------------------------------------


def test_closing_the_entries_before_the_deadline_is_a_disabled_button_with_its_date(
    client, login, open_contest, org
):
    login(english(org.test_staff))
    page = client.get(f"/contests/{open_contest.id}/manage").text
    assert "disabled" in _button(page, "Close the entries")
    opens = (CLOSES + timedelta(days=1)).strftime("%d-%m-%Y")
    assert f"Possible from {opens}" in page
    readiness = services.readiness(open_contest)["close"]
    assert not readiness.ok and readiness.opens_on == CLOSES + timedelta(days=1)
    assert readiness.reason in page  # the page and the service say the same
    with pytest.raises(ContestError) as refused:
        services.close_entries(org.test_staff, open_contest)
    assert str(refused.value) == readiness.reason
    assert services.readiness(open_contest, AFTER_CLOSE)["close"].ok


def test_announcing_before_the_vote_closes_is_disabled_until_the_day_after(
    client, login, judging, org
):
    services.close_judging(org.test_staff, judging, confirm_unscored=True)
    db.session.commit()
    login(english(org.test_staff))
    page = client.get(f"/contests/{judging.id}/manage").text
    assert "disabled" in _button(page, "Announce the winner")
    assert (VOTE_CLOSES + timedelta(days=1)).strftime("%d-%m-%Y") in page
    ready = services.readiness(judging, VOTE_CLOSES + timedelta(days=1))["announce"]
    assert ready.ok


# Closing the jury warns about missing scores -----------------------------------------------


def test_closing_the_jury_lists_who_has_not_scored_and_needs_a_confirmation(
    client, login, judging, org
):
    first, second = judging.test_jurors
    for entry in judging.test_entries:
        services.score_entry(first, entry, all_scores(judging, 7))
    services.score_entry(second, judging.test_entries[0], all_scores(judging, 6))
    db.session.commit()
    login(org.test_staff)  # in Dutch
    page = client.get(f"/contests/{judging.id}/manage").text
    assert "Nog niet gescoord" in page and "Wethouder (2 finalisten)" in page
    assert "Bank (" not in page
    url = f"/contests/{judging.id}/status/close-judging"
    refused = client.post(url)
    assert refused.status_code == 409 and "Wethouder" in refused.text
    db.session.refresh(judging)
    assert judging.status == ContestStatus.JUDGING
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    db.session.refresh(judging)
    assert judging.status == ContestStatus.JUDGED


def test_a_fully_scored_jury_closes_without_a_question(judging, org):
    for juror in judging.test_jurors:
        for entry in judging.test_entries:
            services.score_entry(juror, entry, all_scores(judging, 7))
    assert services.unscored(judging) == []
    services.close_judging(org.test_staff, judging)
    assert judging.status == ContestStatus.JUDGED


# Errata and later deadlines -----------------------------------------------------------------


def test_an_erratum_is_dated_on_the_public_page_and_told_to_every_entrant(
    client, login, open_contest, enter, org
):
    entrants = {enter(open_contest).starter_id, enter(open_contest).starter_id}
    db.session.commit()
    login(english(org.test_staff))
    text = "The unit at Hoogstraat 1 has 85 m², not 95 m² as the call said."
    short = client.post(f"/contests/{open_contest.id}/errata", data={"text": "x"})
    assert short.status_code == 422
    done = client.post(f"/contests/{open_contest.id}/errata", data={"text": text})
    assert done.status_code == 302
    assert notices("contest.erratum") == entrants
    public = client.get(f"/contests/{open_contest.id}").text
    assert text in public and TODAY.strftime("%d-%m-%Y") in public


def test_the_entry_deadline_moves_only_forward_and_only_before_it_passed(
    client, login, open_contest, enter, org
):
    entrant = enter(open_contest).starter_id
    db.session.commit()
    staff = org.test_staff
    with pytest.raises(ContestError, match="only moves forward"):
        services.extend_deadline(staff, open_contest, "entries_close_on", CLOSES)
    with pytest.raises(ContestError, match="before the shortlist"):
        services.extend_deadline(staff, open_contest, "entries_close_on", open_contest.shortlist_on)
    with pytest.raises(ContestError, match="has passed"):
        services.extend_deadline(
            staff, open_contest, "entries_close_on", CLOSES + timedelta(days=2), AFTER_CLOSE
        )
    db.session.rollback()
    login(english(staff))
    later = CLOSES + timedelta(days=3)
    response = client.post(
        f"/contests/{open_contest.id}/deadline",
        data={"deadline": "entries_close_on", "new_date": later.isoformat()},
    )
    assert response.status_code == 302
    db.session.refresh(open_contest)
    assert open_contest.entries_close_on == later
    assert notices("contest.deadline_extended") == {entrant}
    public = client.get(f"/contests/{open_contest.id}").text
    assert (
        f"The entry deadline is extended from {CLOSES.strftime('%d-%m-%Y')} "
        f"to {later.strftime('%d-%m-%Y')}" in public
    )
    erratum = db.session.scalar(sa.select(Erratum))
    assert (erratum.old_date, erratum.new_date) == (CLOSES, later)


def test_the_vote_can_be_extended_but_not_past_the_winner(judging, org):
    staff = org.test_staff
    with pytest.raises(ContestError, match="before the winner"):
        services.extend_deadline(staff, judging, "vote_close_on", judging.winner_on)
    services.extend_deadline(staff, judging, "vote_close_on", VOTE_CLOSES + timedelta(days=2))
    assert judging.vote_close_on == VOTE_CLOSES + timedelta(days=2)
    with pytest.raises(ContestError, match="Entries are closed"):
        services.extend_deadline(staff, judging, "entries_close_on", TODAY + timedelta(days=20))


def test_a_draft_takes_no_erratum_and_a_published_call_is_still_not_editable(
    client, login, make_contest, open_contest, org
):
    with pytest.raises(ContestError, match="draft"):
        services.publish_erratum(org.test_staff, make_contest(), "A correction of a draft.")
    login(english(org.test_staff))
    response = client.get(f"/contests/{open_contest.id}/edit")
    assert response.status_code == 302
