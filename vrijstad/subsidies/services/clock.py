"""The decision clock: 8 weeks from the complete submission, suspended while information is
awaited, extended once by 12 weeks."""

from datetime import date, timedelta

from vrijstad import clock
from vrijstad.subsidies.models import (
    SubsidyApplication,
)

DECISION_WEEKS = 8
EXTENSION_WEEKS = 12


# The decision clock ------------------------------------------------------------------------


def decision_deadline(application: SubsidyApplication, on: date | None = None) -> date | None:
    """8 weeks from the complete submission, plus the days the clock stood still, plus 12
    weeks once extended. While information is awaited the date moves on day by day."""
    if application.submitted_at is None:
        return None
    due = clock.local_date(application.submitted_at) + timedelta(weeks=DECISION_WEEKS)
    due += timedelta(days=application.suspended_days)
    if application.extended_on is not None:
        due += timedelta(weeks=EXTENSION_WEEKS)
    if application.suspended_since is not None:
        running = ((on or clock.today()) - application.suspended_since).days
        due += timedelta(days=max(running, 0))
    return due


def days_late(application: SubsidyApplication) -> int:
    """Days the decision came after its deadline (0 when on time or not decided)."""
    if application.decided_on is None:
        return 0
    due = decision_deadline(application, application.decided_on)
    return max((application.decided_on - due).days, 0) if due else 0


# The objection term ------------------------------------------------------------------------

OBJECTION_WEEKS = 6


def objection_deadline(sent_on: date) -> date:
    """The last day to object to a decision (Awb 6:7, 6:8): six weeks from the day after the
    decision was sent, so the same weekday six weeks on. A last day on a Saturday or Sunday
    moves to the Monday (Algemene termijnenwet art. 1; public holidays are not counted here)."""
    due = sent_on + timedelta(weeks=OBJECTION_WEEKS)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    return due
