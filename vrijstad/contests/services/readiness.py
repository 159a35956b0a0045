"""Whether a desk button can work now: one answer for the service that guards the action and
the page that shows the button (disabled, with the reason and the day it opens), so the two
cannot disagree. Only the date and jury rules are here; the workflow still checks the status."""

from dataclasses import dataclass
from datetime import date, timedelta

from vrijstad import clock
from vrijstad.contests.models import Contest, ContestStatus
from vrijstad.contests.services.base import ContestError
from vrijstad.contests.services.votes import vote_has_closed
from vrijstad.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Readiness:
    """Can it now? If not, the refusal (its reason) and the first day it can, when known."""

    refusal: ContestError | None = None
    opens_on: date | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None

    @property
    def reason(self) -> str:
        return str(self.refusal) if self.refusal is not None else ""

    def require(self) -> None:
        """The service's guard: refuse with the same reason the page shows."""
        if self.refusal is not None:
            raise self.refusal


READY = Readiness()


def can_close_entries(contest: Contest, today: date | None = None) -> Readiness:
    """The entry deadline was promised to entrants: the call closes the day after it."""
    today = today or clock.today()
    if contest.status == ContestStatus.OPEN and today <= contest.entries_close_on:
        return Readiness(
            ContestError(
                _l("Entries are open until %(date)s; close the call after that day."),
                date=contest.entries_close_on,
            ),
            contest.entries_close_on + timedelta(days=1),
        )
    return READY


def can_start_judging(contest: Contest) -> Readiness:
    """Judging starts once a juror has accepted the invitation."""
    if contest.status == ContestStatus.SHORTLISTED and not any(
        j.accepted_at for j in contest.jurors
    ):
        return Readiness(
            ContestError(_l("At least one juror must have accepted the invitation first."))
        )
    return READY


def can_announce(contest: Contest, today: date | None = None) -> Readiness:
    """The winner is announced once the public vote (if any) has closed."""
    today = today or clock.today()
    if contest.has_vote and not vote_has_closed(contest, today):
        assert contest.vote_close_on is not None
        return Readiness(
            ContestError(
                _l("The public vote runs until %(date)s; announce the winner after it has closed."),
                date=contest.vote_close_on,
            ),
            contest.vote_close_on + timedelta(days=1),
        )
    return READY


def can_start_prize(contest: Contest, today: date | None = None) -> Readiness:
    """The prize period runs from the winner's start date."""
    today = today or clock.today()
    if contest.status == ContestStatus.WINNER_ANNOUNCED and today < contest.starts_on:
        return Readiness(
            ContestError(_l("The prize period starts on %(date)s."), date=contest.starts_on),
            contest.starts_on,
        )
    return READY


def readiness(contest: Contest, today: date | None = None) -> dict[str, Readiness]:
    """Each desk action's answer, by the desk's action names."""
    today = today or clock.today()
    return {
        "close": can_close_entries(contest, today),
        "judge": can_start_judging(contest),
        "announce": can_announce(contest, today),
        "start": can_start_prize(contest, today),
    }
