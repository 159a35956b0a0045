"""How a contest reads: its prize in words, the lines of a discount schedule and the
published timeline."""

from dataclasses import dataclass
from datetime import date

from vrijstad import clock
from vrijstad.contests.models import Contest, PrizeKind
from vrijstad.i18n import gettext as _
from vrijstad.letting.services import percent


def prize_label(contest: Contest) -> str:
    if contest.prize_kind == PrizeKind.RENT_FREE:
        return _("%(n)d months without rent", n=contest.prize_months)
    return _("a sliding rent discount over %(n)d months", n=contest.prize_months)


def schedule_lines(schedule: list) -> list[str]:
    """'Months 1–6: 100 % discount' per step of a discount schedule."""
    lines = []
    for step in schedule or ():
        start, end = int(step["from"]), int(step["to"])
        months = str(start) if start == end else f"{start}–{end}"
        lines.append(
            _(
                "Months %(months)s: %(pct)s discount",
                months=months,
                pct=percent(int(step["pct_bp"])),
            )
        )
    return lines


@dataclass(frozen=True)
class Phase:
    """A step of the contest's timeline: past, now or still to come."""

    label: str
    starts_on: date
    ends_on: date | None
    state: str


def phases(contest: Contest, today: date | None = None) -> list[Phase]:
    """The published timeline, in date order."""
    today = today or clock.today()
    steps: list[tuple[str, date, date | None]] = [
        (_("Entries"), contest.entries_open_on, contest.entries_close_on),
        (_("Finalists announced"), contest.shortlist_on, None),
        (_("Pitch to the jury"), contest.pitch_on, None),
        (_("Winner announced"), contest.winner_on, None),
        (_("The winner starts"), contest.starts_on, None),
    ]
    if contest.vote_window is not None:
        steps.append((_("Public vote"), *contest.vote_window))
    result = []
    for label, start, end in sorted(steps, key=lambda step: step[1]):
        last = end or start
        state = "past" if today > last else ("now" if today >= start else "future")
        result.append(Phase(label, start, end, state))
    return result
