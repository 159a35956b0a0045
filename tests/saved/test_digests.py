"""The saved searches' e-mail digest (`flask digest`): new matching units, each once, on the
starter's day, with a link that stops it without logging in."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.saved import digests, services
from vrijstad.saved.models import DigestFrequency, DigestUnit, SavedSearch


def _save(starter, frequency=DigestFrequency.DAILY, **query):
    search = services.save_search(starter, query or {"city": "Dijkerveen"}, "Centrum", frequency)
    db.session.commit()
    return search


def _digest(runner, outbox, days: int) -> list:
    """Run the scheduled command `days` after today; the mails it wrote."""
    before = len(outbox())
    with time_machine.travel(clock.now() + timedelta(days=days), tick=True):
        result = runner.invoke(args=["digest"])
    assert result.exit_code == 0, result.output
    return outbox()[before:]


def test_digest_lists_only_new_matching_units_once(ctx, runner, outbox, starter, listed):
    old = listed()  # on offer before the search was saved
    _save(starter, max_rent="2500")
    new = listed(rent_cents_per_year=24_000_00)  # € 2.000 a month
    dear = listed(rent_cents_per_year=60_000_00)  # € 5.000 a month: outside the search
    [mail] = _digest(runner, outbox, days=1)
    assert mail["To"] == starter.email
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert new.address in text and new.address in html
    assert old.address not in text and dear.address not in text
    assert "2.000" in text
    assert (
        mail["List-Unsubscribe"].startswith("<http")
        and "/saved/unsubscribe/" in mail["List-Unsubscribe"]
    )
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _digest(runner, outbox, days=1) == []  # the same day again: nothing twice
    assert _digest(runner, outbox, days=2) == []  # the next day: the unit was sent already
    newer = listed()
    [second] = _digest(runner, outbox, days=3)
    body = second.get_body(("plain",)).get_content()
    assert newer.address in body and new.address not in body
    assert db.session.scalar(sa.select(sa.func.count(DigestUnit.id))) == 2


def test_a_search_run_twice_at_once_is_sent_once(ctx, starter, listed):
    search = _save(starter)
    listed()
    tomorrow = clock.today() + timedelta(days=1)
    first = digests.send_digest(search.id, tomorrow)
    second = digests.send_digest(search.id, tomorrow)  # a second run that also saw it due
    db.session.commit()
    assert first is not None and len(first.units) == 1
    assert second is None


def test_daily_and_weekly_follow_the_clock(ctx, runner, outbox, starter, make_user, listed):
    weekly_starter = make_user("starter")
    _save(starter, DigestFrequency.DAILY)
    _save(weekly_starter, DigestFrequency.WEEKLY)
    listed()
    assert {m["To"] for m in _digest(runner, outbox, days=1)} == {starter.email}
    listed()
    assert {m["To"] for m in _digest(runner, outbox, days=2)} == {starter.email}
    assert _digest(runner, outbox, days=6) == []  # both units already sent to the daily one
    assert {m["To"] for m in _digest(runner, outbox, days=7)} == {weekly_starter.email}
    [weekly] = [m for m in outbox() if m["To"] == weekly_starter.email]
    assert "2 " in weekly["Subject"]  # both units of the week in one mail


def test_unsubscribe_link_works_without_login(ctx, client, runner, outbox, starter, listed):
    search = _save(starter)
    listed()
    [mail] = _digest(runner, outbox, days=1)
    link = mail["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "Centrum" in page.text
    assert client.post(f"/{path}").status_code == 200
    db.session.refresh(search)
    assert search.mailing is False
    listed()
    assert _digest(runner, outbox, days=2) == []


def test_one_click_unsubscribe_by_the_mail_program(ctx, client, starter):
    search = _save(starter)
    token = digests.unsubscribe_token(search)
    response = client.post(
        f"/saved/unsubscribe/{token}",
        data={"List-Unsubscribe": "One-Click"},
        headers={"X-CSRFToken": ""},
    )
    assert response.status_code == 200
    assert db.session.get(SavedSearch, search.id, populate_existing=True).mailing is False


def test_a_tampered_unsubscribe_link_is_refused_with_a_message(ctx, client, starter):
    search = _save(starter)
    token = digests.unsubscribe_token(search)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for response in (
        client.get(f"/saved/unsubscribe/{tampered}"),
        client.post(f"/saved/unsubscribe/{tampered}"),
    ):
        assert response.status_code == 400
        assert "not valid" in response.text or "niet geldig" in response.text
    assert db.session.get(SavedSearch, search.id, populate_existing=True).mailing is True
