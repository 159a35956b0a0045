"""The call's life at the desk: draft, change, open (reserving the units), close, cancel."""

from datetime import date

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.contests.models import ACTIVE_STATUSES, Contest, ContestStatus, EntryStatus
from vrijstad.contests.services.access import require_staff
from vrijstad.contests.services.base import (
    ContestError,
    lock_contest,
    move_contest,
    notify_entrants,
)
from vrijstad.contests.services.readiness import can_close_entries
from vrijstad.contests.services.terms import ContestData, apply_terms, contest_holding
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import Organisation
from vrijstad.units.models import UnitStatus
from vrijstad.units.status import claim_unit, move_unit


def create_contest(
    actor: User, organisation: Organisation, data: ContestData, today: date | None = None
) -> Contest:
    """Staff draft a contest for units of their organisation's areas."""
    require_staff(actor, organisation.id)
    contest = Contest(organisation_id=organisation.id, created_by_id=actor.id)
    apply_terms(contest, organisation, data, today or clock.today())
    db.session.add(contest)
    db.session.flush()
    record_event(
        actor, "contest.created", contest, organisation.id, units=[u.id for u in contest.units]
    )
    return contest


def update_contest(
    actor: User, contest: Contest, data: ContestData, today: date | None = None
) -> Contest:
    """Change a draft; once a contest is open its terms are published and stay as they are."""
    require_staff(actor, contest.organisation_id)
    if contest.status != ContestStatus.DRAFT:
        raise ContestError(_("Only a draft can be changed: the call has been published."))
    apply_terms(contest, contest.organisation, data, today or clock.today())
    db.session.flush()
    record_event(actor, "contest.updated", contest, contest.organisation_id)
    return contest


def open_contest(actor: User, contest: Contest, today: date | None = None) -> Contest:
    """Publish the call: its units are reserved for the contest and take no other applications."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    today = today or clock.today()
    if contest.status == ContestStatus.DRAFT and today > contest.entries_close_on:
        raise ContestError(_("The entry deadline has passed; change the dates first."))
    if contest.status == ContestStatus.DRAFT and (not contest.units or not contest.criteria):
        raise ContestError(_("A contest needs at least one unit and one criterion."))
    move_contest(actor, contest, ContestStatus.OPEN)
    for unit in contest.units:
        if contest_holding(unit.id, exclude=contest.id) is not None:
            raise ContestError(
                _("%(unit)s is already the prize of another contest.", unit=unit.address)
            )
        if not claim_unit(
            actor, unit, UnitStatus.RESERVED, only_from=(UnitStatus.LISTED,), reason="contest"
        ):
            raise ContestError(
                _(
                    "%(unit)s is no longer simply listed (it may be in talks or "
                    "let); settle that first.",
                    unit=unit.address,
                )
            )
    return contest


def close_entries(actor: User, contest: Contest, today: date | None = None) -> Contest:
    """Close the call once its deadline has passed (the deadline was promised to entrants)."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    can_close_entries(contest, today or clock.today()).require()
    move_contest(actor, contest, ContestStatus.CLOSED)
    return contest


def cancel_contest(actor: User, contest: Contest, reason: str) -> Contest:
    """Stop a contest (e.g. too few entries); its units are listed again and entrants told."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise ContestError(
            _("Give the reason in 3 to 500 characters; entrants will read it."), "reason"
        )
    held = contest.status in ACTIVE_STATUSES
    move_contest(actor, contest, ContestStatus.CANCELLED, reason=reason)
    contest.cancel_reason = reason
    if held:
        for unit in contest.units:
            if unit.status == UnitStatus.RESERVED:
                move_unit(actor, unit, UnitStatus.LISTED, reason="contest cancelled")
    entrants = [e for e in contest.entries if e.status != EntryStatus.WITHDRAWN]
    notify_entrants(contest, "contest.cancelled", entrants)
    return contest
