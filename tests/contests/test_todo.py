"""A contest's phase change on the staff's "Te doen" list (issue 24)."""

from datetime import timedelta

from tests.contests.conftest import CLOSES
from vrijstad.contests import services
from vrijstad.contests.todo import phases_due
from vrijstad.extensions import db


def test_closing_the_entries_shows_after_the_deadline_and_the_next_step_follows(open_contest, org):
    assert phases_due([org.id], CLOSES) == []  # entrants may enter until the end of the day
    [task] = phases_due([org.id], CLOSES + timedelta(days=1))
    assert task.title == f"Close the entries of {open_contest.title}"
    assert task.due == CLOSES + timedelta(days=1)
    assert task.url == f"/contests/{open_contest.id}/manage"
    services.close_entries(org.test_staff, open_contest, today=CLOSES + timedelta(days=1))
    db.session.commit()
    [task] = phases_due([org.id], CLOSES + timedelta(days=1))
    assert task.title == f"Choose the finalists of {open_contest.title}"
    assert task.due == open_contest.shortlist_on


def test_another_organisations_contest_is_not_on_the_list(open_contest, make_org):
    assert phases_due([make_org().id], CLOSES + timedelta(days=1)) == []
