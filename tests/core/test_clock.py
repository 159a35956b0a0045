"""One clock: "today" is the date in Amsterdam, whatever the server's time zone, and the
scheduled commands run for the Amsterdam month."""

import os
import time
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from vrijstad import clock
from vrijstad.billing.models import Invoice
from vrijstad.extensions import db

# 00:30 on New Year's Day in Amsterdam is still 23:30 on 31 December in UTC (and 18:30 in
# New York): every Dutch date must say 1 January.
NEW_YEAR_NIGHT = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture
def server_in_new_york():
    """The server's own time zone is far from Amsterdam."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_today_is_the_date_in_amsterdam(server_in_new_york):
    with time_machine.travel(NEW_YEAR_NIGHT, tick=False):
        assert clock.now() == NEW_YEAR_NIGHT
        assert clock.now().tzinfo is not None
        assert clock.today() == date(2028, 1, 1)
        assert clock.this_month() == date(2028, 1, 1)
        assert clock.local_date(NEW_YEAR_NIGHT) == date(2028, 1, 1)


def test_a_naive_stored_time_is_read_as_utc():
    naive = datetime(2026, 6, 30, 22, 30)  # SQLite hands back what was stored in UTC
    assert clock.local_date(naive) == date(2026, 7, 1)  # 00:30 summer time in Amsterdam


def test_scheduled_runs_use_the_amsterdam_month(server_in_new_york, ctx, runner, collective, place):
    placement = place(start_date=date(2027, 6, 1), end_date=date(2028, 6, 1))
    with time_machine.travel(NEW_YEAR_NIGHT, tick=True):
        snapshot = runner.invoke(args=["snapshot"])
        assert snapshot.exit_code == 0, snapshot.output
        assert snapshot.output.startswith("Snapshot 2028-01:")
        invoiced = runner.invoke(args=["invoice"])
        assert invoiced.exit_code == 0, invoiced.output
        settled = runner.invoke(args=["settle"])
        assert settled.exit_code == 0, settled.output
    assert f"{collective.name} 2027-12:" in settled.output
    invoice = db.session.scalars(sa.select(Invoice).filter_by(placement_id=placement.id)).one()
    assert invoice.period == date(2028, 1, 1)
    assert invoice.issued_on == date(2028, 1, 1)


@pytest.mark.clock("2028-02-29T12:00+01:00")
def test_the_clock_marker_moves_the_clock():
    assert clock.today() == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year: the month's last day
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),  # over the turn of the year
        (date(2027, 1, 1), -13, date(2025, 12, 1)),
    ],
)
def test_months_are_added_on_the_calendar(day, months, expected):
    assert clock.add_months(day, months) == expected


def test_a_month_has_one_start_end_and_successor():
    assert clock.month_start(date(2028, 2, 17)) == date(2028, 2, 1)
    assert clock.month_end(date(2028, 2, 17)) == date(2028, 2, 29)
    assert clock.month_end(date(2026, 12, 3)) == date(2026, 12, 31)
    assert clock.next_month(date(2026, 12, 31)) == date(2027, 1, 1)


def test_whole_months_between_two_days_count_a_month_end_as_complete():
    assert clock.months_between(date(2026, 5, 31), date(2026, 11, 30)) == 6
    assert clock.months_between(date(2026, 5, 31), date(2026, 11, 29)) == 5
    assert clock.months_between(date(2028, 2, 29), date(2029, 2, 28)) == 12
    assert clock.months_between(date(2026, 12, 3), date(2026, 12, 3)) == 0
