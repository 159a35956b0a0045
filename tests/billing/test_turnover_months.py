"""Turnover reports only for finished months inside the placement; the next report due on
the starter's home card is never a past date."""

from datetime import date

import pytest

from vrijstad.dashboard.services.home import turnover_due
from vrijstad.extensions import db
from vrijstad.letting import services as letting

pytestmark = pytest.mark.clock("2026-12-10T10:00")
PROOF = ("k.pdf", b"%PDF-1.4 x")


def test_the_month_of_the_exclusive_end_date_is_not_reported(ctx, place):
    # runs 15 March up to (not including) 1 November: October is its last month
    placement = place(
        base=50_000, turnover_bp=500, start_date=date(2026, 3, 15), end_date=date(2026, 11, 1)
    )
    assert letting.reportable_months(placement, date(2026, 12, 10))[0] == date(2026, 10, 1)
    with pytest.raises(letting.LettingError, match="binnen"):
        letting.submit_turnover(placement.starter, placement, date(2026, 11, 1), 5, PROOF)
    with pytest.raises(letting.LettingError, match="binnen"):
        letting.submit_turnover(placement.starter, placement, date(2026, 2, 1), 5, PROOF)
    assert letting.submit_turnover(placement.starter, placement, date(2026, 10, 1), 5, PROOF)
    due = turnover_due(placement.starter_id, date(2026, 12, 10))
    assert date(2026, 11, 1) not in due.overdue
    assert due.next_month is None  # nothing left to report after October


@pytest.mark.parametrize("day", [1, 9, 10, 11, 28])
def test_the_next_report_due_is_never_in_the_past(ctx, place, day):
    placement = place(base=50_000, turnover_bp=500, start_date=date(2026, 1, 1))
    for month in range(1, 11):
        letting.submit_turnover(placement.starter, placement, date(2026, month, 1), 5, PROOF)
    today = date(2026, 12, day) if day <= 10 else date(2026, 11, day)
    due = turnover_due(placement.starter_id, today)
    assert due.next_deadline is not None and due.next_deadline >= today
    assert all(month < date(2026, 12, 1) for month in due.overdue)


@pytest.mark.clock("2026-12-04T10:00")
def test_the_home_card_names_the_next_report_due_not_a_past_one(client, login, ctx, place):
    """Issue 23: in December the starter's home card named a report "due 10-10-2026"."""
    placement = place(
        base=50_000, turnover_bp=500, start_date=date(2026, 9, 1), end_date=date(2027, 9, 1)
    )
    for month in (9, 10):
        letting.submit_turnover(placement.starter, placement, date(2026, month, 1), 5, PROOF)
    db.session.commit()
    login(placement.starter)
    page = client.get("/").text
    assert "10-12-2026" in page  # November's report, due on the 10th of December
    assert "10-10-2026" not in page and "10-11-2026" not in page
