"""The winner (a placement with the prize's discount schedule), the prize period and its
evaluation."""

from collections.abc import Mapping
from datetime import date, timedelta

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.clock import add_months
from vrijstad.contests.models import Award, Contest, ContestStatus, EntryStatus, Outcome
from vrijstad.contests.services.access import require_staff
from vrijstad.contests.services.base import (
    ContestError,
    check_move,
    contest_data,
    lock_contest,
    move_contest,
    move_entry,
)
from vrijstad.contests.services.ranking import finalists_of
from vrijstad.contests.services.readiness import can_announce, can_start_prize
from vrijstad.contests.services.terms import clean_text
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.models import PLACEMENT_FLOW, PlacementStatus
from vrijstad.letting.services import LettingError, PlacementTerms, place_starter
from vrijstad.notifications.services import notify
from vrijstad.starters.models import SpaceKind
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.status import move_unit


def _placement_terms(contest: Contest, unit: Unit) -> PlacementTerms:
    return PlacementTerms(
        start_date=contest.starts_on,
        end_date=add_months(contest.starts_on, contest.lease_months),
        base_fee_cents_per_month=unit.rent_cents_per_month,
        kind=SpaceKind.POPUP if contest.lease_months <= 24 else SpaceKind.WHOLE_UNIT,
        discount_schedule=list(contest.discount_schedule),
    )


def announce_winners(
    actor: User, contest: Contest, choices: Mapping[int, int | None], today: date | None = None
) -> list[Award]:
    """Announce the winner per unit (staff choose; ties are theirs to settle, by the rule the
    call stated): each win becomes a placement with the prize's discount schedule and lets the
    unit; a unit without a winner is listed again; every entrant is told."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    today = today or clock.today()
    check_move(contest, ContestStatus.WINNER_ANNOUNCED)
    can_announce(contest, today).require()
    units = {u.id: u for u in contest.units}
    finalists = {e.id: e for e in finalists_of(contest) if e.status == EntryStatus.FINALIST}
    if not set(choices) <= set(units):
        raise ContestError(_("Choose winners for this contest's units."), "winners")
    won = {unit_id: entry_id for unit_id, entry_id in choices.items() if entry_id}
    if not won:
        raise ContestError(_("Choose a winner for at least one unit."), "winners")
    if len(set(won.values())) != len(won):
        raise ContestError(_("A finalist can win only one unit."), "winners")
    if not set(won.values()) <= set(finalists):
        raise ContestError(_("Only finalists can win."), "winners")
    awards = []
    for unit_id, entry_id in sorted(won.items()):
        unit, entry = units[unit_id], finalists[entry_id]
        if unit.status != UnitStatus.RESERVED:
            raise ContestError(
                _("%(unit)s is no longer held for this contest.", unit=unit.address), "winners"
            )
        try:
            placement = place_starter(actor, unit, entry.starter, _placement_terms(contest, unit))
        except LettingError as exc:
            raise ContestError(str(exc), "winners") from exc
        award = Award(
            contest_id=contest.id, unit_id=unit.id, entry_id=entry.id, placement_id=placement.id
        )
        db.session.add(award)
        move_entry(actor, entry, EntryStatus.WINNER)
        record_event(
            actor,
            "contest.award",
            award,
            contest.organisation_id,
            unit=unit.id,
            entry=entry.id,
            placement=placement.id,
        )
        awards.append(award)
    for unit in contest.units:
        if unit.id not in won and unit.status == UnitStatus.RESERVED:
            move_unit(actor, unit, UnitStatus.LISTED, reason="no winner")
    move_contest(actor, contest, ContestStatus.WINNER_ANNOUNCED)
    contest.announced_at = clock.now()
    db.session.flush()
    winners = {a.entry_id for a in awards}
    for entry in contest.entries:
        if entry.status == EntryStatus.WITHDRAWN:
            continue
        kind = "contest.won" if entry.id in winners else "contest.announced"
        notify(
            [entry.starter],
            kind,
            "contests.detail",
            {"contest_id": contest.id},
            contest_data(contest),
        )
    for award in awards:
        notify(
            [award.unit.landlord],
            "contest.unit_won",
            "contests.detail",
            {"contest_id": contest.id},
            contest_data(contest)
            | {
                "unit": f"{award.unit.address}, {award.unit.city}",
                "winner": award.entry.trade_name,
            },
        )
    return awards


def start_prize_period(actor: User, contest: Contest, today: date | None = None) -> Contest:
    """Mark the prize period as running once the winner's placement has started."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    today = today or clock.today()
    can_start_prize(contest, today).require()
    move_contest(actor, contest, ContestStatus.RUNNING)
    return contest


def prize_ends_on(contest: Contest) -> date:
    return add_months(contest.starts_on, contest.prize_months)


def evaluate_award(
    actor: User, award: Award, outcome: Outcome, note: str | None, today: date | None = None
) -> Award:
    """Record how a prize worked out; a winner who stopped ends the placement, and the unit
    can be offered again. Once every award is evaluated, so is the contest."""
    contest = award.contest
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    today = today or clock.today()
    if contest.status != ContestStatus.RUNNING:
        raise ContestError(_("The evaluation is recorded while the prize period runs or after it."))
    if award.outcome is not None:
        raise ContestError(_("The evaluation of this prize has already been recorded."))
    outcome = Outcome(outcome)
    if outcome == Outcome.CONTINUED and today < prize_ends_on(contest):
        raise ContestError(
            _l(
                "The prize period runs until %(date)s; record whether the winner "
                "continued after that."
            ),
            "outcome",
            date=prize_ends_on(contest),
        )
    note = clean_text(note, 4000, _("Keep this text under 4,000 characters."), "note")
    placement, unit = award.placement, award.unit
    if outcome in (Outcome.STOPPED, Outcome.OFFERED_AGAIN):
        if placement.status != PlacementStatus.ENDED:
            PLACEMENT_FLOW.move(placement, PlacementStatus.ENDED)
            placement.end_date = min(
                placement.end_date, max(today, placement.start_date + timedelta(days=1))
            )
            record_event(
                actor,
                "placement.ended",
                placement,
                contest.organisation_id,
                reason="contest evaluation",
            )
        if outcome == Outcome.OFFERED_AGAIN and unit.status == UnitStatus.LET:
            move_unit(actor, unit, UnitStatus.LISTED, reason="contest winner stopped")
            unit.vacant_since = today
            unit.listed_at = clock.now()
    award.outcome = outcome
    award.evaluation_note = note
    award.evaluated_at = clock.now()
    award.evaluated_by_id = actor.id
    db.session.flush()
    record_event(actor, "contest.evaluated", award, contest.organisation_id, outcome=outcome.value)
    if all(a.outcome is not None for a in contest.awards):
        move_contest(actor, contest, ContestStatus.EVALUATED)
    return award
