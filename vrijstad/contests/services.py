"""Win een winkel: create and open a contest, take entries, shortlist, judge, vote, announce the
winner (a placement with the prize's discount schedule) and evaluate afterwards.

Every status change is one function that checks who may do it and whether the workflow allows
it, records an audit event and notifies the people concerned (mail after the commit). Functions
that depend on the date take ``today`` so rules can be tested without waiting.
"""

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.services import find_user_by_email, normalise_email, register_user
from vrijstad.auth.verification import require_verified_email
from vrijstad.clock import add_months
from vrijstad.contests.models import (
    ACTIVE_STATUSES,
    CONTEST_TRANSITIONS,
    ENTRY_TRANSITIONS,
    FINALIST_STATUSES,
    RESULT_STATUSES,
    SCORE_MAX,
    SCORE_MIN,
    Award,
    Conflict,
    Contest,
    ContestEntry,
    ContestStatus,
    Criterion,
    EntryStatus,
    Juror,
    JuryScore,
    Outcome,
    PrizeKind,
    Vote,
    contest_units,
)
from vrijstad.core import DomainError, TransitionError, check_transition
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import PLACEMENT_TRANSITIONS, PlacementStatus
from vrijstad.letting.services import (
    LettingError,
    PlacementTerms,
    check_discount_schedule,
    percent,
    place_starter,
)
from vrijstad.notifications.mail import queue_mail
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.security import link_signing_keys, vote_hash_keys
from vrijstad.starters.forms import branch_label
from vrijstad.starters.models import BranchGroup, SpaceKind
from vrijstad.starters.services import ProfileError, check_pdf
from vrijstad.storage import delete_after_commit, put_in_transaction
from vrijstad.units.models import UNIT_TRANSITIONS, Unit, UnitStatus
from vrijstad.units.services import register_hold

PLAN_FIELDS = ("idea", "uniqueness", "target_group", "revenue_model", "success", "help_needed")
MAX_ANSWER_CHARS = 2000
#: About two pages of text: the plan typed into the form may be no longer than the PDF.
MAX_PLAN_CHARS = 6000
MAX_PLAN_PAGES = 2
MAX_UNITS = 10
MAX_CRITERIA = 12
MAX_RENT_FREE_MONTHS = 24
VOTE_SALT = "contest-vote"
VOTE_LINK_DAYS = 2


class ContestError(DomainError):
    """A contest action was refused; field names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# Labels ------------------------------------------------------------------------------------


def status_label(status: ContestStatus) -> str:
    return {
        ContestStatus.DRAFT: _("draft"),
        ContestStatus.OPEN: _("open for entries"),
        ContestStatus.CLOSED: _("entries closed"),
        ContestStatus.SHORTLISTED: _("finalists chosen"),
        ContestStatus.JUDGING: _("jury at work"),
        ContestStatus.JUDGED: _("judging closed"),
        ContestStatus.WINNER_ANNOUNCED: _("winner announced"),
        ContestStatus.RUNNING: _("prize period running"),
        ContestStatus.EVALUATED: _("evaluated"),
        ContestStatus.CANCELLED: _("cancelled"),
    }[ContestStatus(status)]


def entry_status_label(status: EntryStatus) -> str:
    return {
        EntryStatus.SUBMITTED: _("entered"),
        EntryStatus.FINALIST: _("finalist"),
        EntryStatus.NOT_SHORTLISTED: _("not on the shortlist"),
        EntryStatus.WINNER: _("winner"),
        EntryStatus.WITHDRAWN: _("withdrawn"),
    }[EntryStatus(status)]


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.CONTINUED: _("continued on the regular terms"),
        Outcome.STOPPED: _("stopped; the owner took the unit back"),
        Outcome.OFFERED_AGAIN: _("stopped; the unit is offered again"),
    }[Outcome(outcome)]


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
    steps = [
        (_("Entries"), contest.entries_open_on, contest.entries_close_on),
        (_("Finalists announced"), contest.shortlist_on, None),
        (_("Pitch to the jury"), contest.pitch_on, None),
        (_("Winner announced"), contest.winner_on, None),
        (_("The winner starts"), contest.starts_on, None),
    ]
    if contest.has_vote:
        steps.append((_("Public vote"), contest.vote_open_on, contest.vote_close_on))
    result = []
    for label, start, end in sorted(steps, key=lambda step: step[1]):
        last = end or start
        state = "past" if today > last else ("now" if today >= start else "future")
        result.append(Phase(label, start, end, state))
    return result


# Who may do what ---------------------------------------------------------------------------


def can_manage_contest(user: User, contest: Contest) -> bool:
    """The organisation's staff and platform admins."""
    return user.is_authenticated and can_manage(user, contest.organisation_id)


def can_view_contest(user: User, contest: Contest) -> bool:
    """Everyone, once it is published; a draft only its organisation."""
    return contest.status != ContestStatus.DRAFT or can_manage_contest(user, contest)


def juror_of(user: User, contest: Contest) -> Juror | None:
    """The user's accepted place on the contest's jury, if any."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Juror).where(
            Juror.contest_id == contest.id,
            Juror.user_id == user.id,
            Juror.accepted_at.is_not(None),
        )
    )


def can_see_entry(user: User, entry: ContestEntry) -> bool:
    """The entrant, the organisation's staff, and the contest's jurors (finalists only)."""
    if not user.is_authenticated:
        return False
    if entry.starter_id == user.id or can_manage_contest(user, entry.contest):
        return True
    return entry.is_finalist and juror_of(user, entry.contest) is not None


def _staff(actor: User, organisation_id: int) -> None:
    if not actor.is_authenticated or not can_manage(actor, organisation_id):
        raise ContestError(_("Only the organisation's staff can do this."))


def _lock(contest: Contest) -> Contest:
    """Lock the contest row (FOR UPDATE on PostgreSQL) and read it afresh."""
    return db.session.scalars(
        sa.select(Contest)
        .where(Contest.id == contest.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _check_move(contest: Contest, target: ContestStatus) -> None:
    """Refuse, with the reason, a status change the workflow does not allow."""
    try:
        check_transition(CONTEST_TRANSITIONS, contest.status, target)
    except TransitionError as exc:
        raise ContestError(
            _(
                "A contest that is %(current)s cannot become %(target)s.",
                current=status_label(contest.status),
                target=status_label(target),
            )
        ) from exc


def _move(actor: User | None, contest: Contest, target: ContestStatus, **data) -> None:
    _check_move(contest, target)
    previous = contest.status
    contest.status = target
    db.session.flush()
    record_event(
        actor,
        "contest.status",
        contest,
        contest.organisation_id,
        old=previous.value,
        new=target.value,
        **data,
    )


def _move_entry(actor: User | None, entry: ContestEntry, target: EntryStatus) -> None:
    try:
        check_transition(ENTRY_TRANSITIONS, entry.status, target)
    except TransitionError as exc:
        raise ContestError(
            _(
                "An entry that is %(current)s cannot become %(target)s.",
                current=entry_status_label(entry.status),
                target=entry_status_label(target),
            )
        ) from exc
    previous = entry.status
    entry.status = target
    db.session.flush()
    record_event(
        actor,
        "contest.entry_status",
        entry,
        entry.contest.organisation_id,
        old=previous.value,
        new=target.value,
    )


def _move_unit(
    actor: User | None, unit: Unit, target: UnitStatus, organisation_id: int, reason: str
) -> None:
    check_transition(UNIT_TRANSITIONS, unit.status, target)
    previous = unit.status
    unit.status = target
    record_event(
        actor,
        "unit.status",
        unit,
        organisation_id,
        old=previous.value,
        new=target.value,
        reason=reason,
    )


def _contest_data(contest: Contest) -> dict:
    return {"contest": contest.title}


def _notify_entrants(contest: Contest, kind: str, entries: Iterable[ContestEntry]) -> None:
    for entry in entries:
        notify(
            [entry.starter],
            kind,
            "contests.detail",
            {"contest_id": contest.id},
            _contest_data(contest),
        )


# Creating and opening ----------------------------------------------------------------------


@dataclass
class ContestData:
    title: str
    description: str
    unit_ids: list[int]
    prize_kind: PrizeKind
    entries_open_on: date
    entries_close_on: date
    shortlist_on: date
    pitch_on: date
    winner_on: date
    starts_on: date
    lease_months: int
    criteria: list[tuple[str, int]]
    rent_free_months: int | None = None
    discount_schedule: list[dict] = field(default_factory=list)
    prize_budget_cents: int = 0
    prize_coaching: str | None = None
    lease_terms: str | None = None
    excluded_branches: list[str] = field(default_factory=list)
    exclusions_note: str | None = None
    min_entries: int = 3
    max_finalists: int = 5
    extra_winner_rule: str | None = None
    vote_open_on: date | None = None
    vote_close_on: date | None = None
    vote_share_bp: int = 0


def _text(value: str | None, limit: int, message: str, field_name: str) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise ContestError(message, field_name)
    return value or None


def _schedule(data: ContestData) -> list[dict]:
    if data.prize_kind == PrizeKind.RENT_FREE:
        months = data.rent_free_months or 0
        if not 1 <= months <= MAX_RENT_FREE_MONTHS:
            raise ContestError(_("Give between 1 and 24 months without rent."), "rent_free_months")
        schedule = [{"from": 1, "to": months, "pct_bp": 10000}]
    else:
        if not data.discount_schedule:
            raise ContestError(
                _("Give the discount per month, e.g. 1-6: 100, 7-8: 75."), "discount_schedule"
            )
        try:
            schedule = check_discount_schedule(data.discount_schedule)
        except (LettingError, KeyError, TypeError, ValueError) as exc:
            raise ContestError(
                str(exc)
                if isinstance(exc, LettingError)
                else _("Give the discount per month, e.g. 1-6: 100, 7-8: 75."),
                "discount_schedule",
            ) from exc
    if max(step["to"] for step in schedule) > data.lease_months:
        raise ContestError(
            _("The discount runs longer than the winner's placement."), "lease_months"
        )
    return schedule


def _check_dates(data: ContestData, today: date) -> None:
    if data.entries_close_on < today:
        raise ContestError(_("The entry deadline cannot be in the past."), "entries_close_on")
    order = [
        (
            "entries_close_on",
            data.entries_open_on,
            data.entries_close_on,
            _("Entries close on or after the day they open."),
        ),
        (
            "shortlist_on",
            data.entries_close_on + timedelta(days=1),
            data.shortlist_on,
            _("The shortlist follows the entry deadline."),
        ),
        (
            "pitch_on",
            data.shortlist_on,
            data.pitch_on,
            _("The pitch comes on or after the shortlist."),
        ),
        (
            "winner_on",
            data.pitch_on,
            data.winner_on,
            _("The winner is announced on or after the pitch."),
        ),
        (
            "starts_on",
            data.winner_on,
            data.starts_on,
            _("The winner starts on or after the announcement."),
        ),
    ]
    for field_name, earliest, value, message in order:
        if value < earliest:
            raise ContestError(message, field_name)
    if (data.vote_open_on is None) != (data.vote_close_on is None):
        raise ContestError(_("Give both dates of the public vote, or neither."), "vote_close_on")
    if data.vote_open_on is not None:
        if data.vote_open_on < data.shortlist_on:
            raise ContestError(
                _("The public vote opens once the finalists are known."), "vote_open_on"
            )
        if not data.vote_open_on <= data.vote_close_on < data.winner_on:
            raise ContestError(
                _("The public vote closes after it opens and before the winner is announced."),
                "vote_close_on",
            )
    if not 0 <= data.vote_share_bp <= 5000:
        raise ContestError(
            _("The public vote counts for 0 to 50 percent of the result."), "vote_share"
        )
    if data.vote_share_bp and data.vote_open_on is None:
        raise ContestError(
            _("Give the dates of the public vote, or let it count for 0 percent."), "vote_open_on"
        )


def _check_criteria(criteria: list[tuple[str, int]]) -> list[tuple[str, int]]:
    clean, seen = [], set()
    for name, weight in criteria:
        name = (name or "").strip()
        if not name or len(name) > 120:
            raise ContestError(_("Name each criterion (at most 120 characters)."), "criteria")
        if name.casefold() in seen:
            raise ContestError(_("Criterion %(name)s appears twice.", name=name), "criteria")
        if not 1 <= weight <= 100:
            raise ContestError(_("Each weight is between 1 and 100."), "criteria")
        seen.add(name.casefold())
        clean.append((name, weight))
    if not 1 <= len(clean) <= MAX_CRITERIA:
        raise ContestError(_("Give the jury between 1 and 12 criteria."), "criteria")
    return clean


def _check_units(
    organisation: Organisation, unit_ids: list[int], contest: Contest | None
) -> list[Unit]:
    ids = list(dict.fromkeys(unit_ids))
    if not 1 <= len(ids) <= MAX_UNITS:
        raise ContestError(_("Choose between 1 and 10 units."), "units")
    area_ids = [area.id for area in organisation.areas]
    units = list(
        db.session.scalars(
            sa.select(Unit).where(Unit.id.in_(ids), Unit.area_id.in_(area_ids)).order_by(Unit.id)
        )
    )
    if len(units) != len(ids):
        raise ContestError(_("Choose units in your own areas."), "units")
    for unit in units:
        if unit.status not in (UnitStatus.LISTED, UnitStatus.IN_TALKS):
            raise ContestError(
                _(
                    "%(unit)s is not available: only listed units can be a prize.",
                    unit=unit.address,
                ),
                "units",
            )
        other = contest_holding(unit.id, exclude=contest.id if contest else None)
        if other is not None:
            raise ContestError(
                _(
                    "%(unit)s is already the prize of %(contest)s.",
                    unit=unit.address,
                    contest=other.title,
                ),
                "units",
            )
    return units


@register_hold
def _contest_hold(unit: Unit) -> str | None:
    """A running contest holds its prize until the winner is announced or it is cancelled."""
    contest = db.session.scalars(
        sa.select(Contest)
        .join(contest_units, contest_units.c.contest_id == Contest.id)
        .where(contest_units.c.unit_id == unit.id, Contest.status.in_(ACTIVE_STATUSES))
        .limit(1)
    ).first()
    if contest is None:
        return None
    return _(
        "This unit is the prize of the contest “%(contest)s”: its status changes through "
        "the contest (announce the winner, or cancel the contest).",
        contest=contest.title,
    )


def contest_holding(unit_id: int, exclude: int | None = None) -> Contest | None:
    """The draft or running contest a unit is the prize of, if any."""
    query = (
        sa.select(Contest)
        .join(contest_units, contest_units.c.contest_id == Contest.id)
        .where(
            contest_units.c.unit_id == unit_id,
            Contest.status.in_((ContestStatus.DRAFT, *ACTIVE_STATUSES)),
        )
    )
    if exclude is not None:
        query = query.where(Contest.id != exclude)
    return db.session.scalars(query.limit(1)).first()


def _apply(contest: Contest, organisation: Organisation, data: ContestData, today: date) -> None:
    title = (data.title or "").strip()
    if not 3 <= len(title) <= 160:
        raise ContestError(_("Give the contest a title of 3 to 160 characters."), "title")
    description = (data.description or "").strip()
    if not 20 <= len(description) <= 10000:
        raise ContestError(_("Describe the contest in 20 to 10,000 characters."), "description")
    if not 1 <= data.lease_months <= 60:
        raise ContestError(_("The winner's placement lasts 1 to 60 months."), "lease_months")
    schedule = _schedule(data)
    if not 0 <= data.prize_budget_cents <= 1_000_000_00:
        raise ContestError(_("Enter a budget between € 0 and € 1.000.000."), "prize_budget")
    try:
        excluded = sorted({BranchGroup(value).value for value in data.excluded_branches})
    except ValueError as exc:
        raise ContestError(_("Choose known branch groups."), "excluded_branches") from exc
    if len(excluded) == len(BranchGroup):
        raise ContestError(_("Leave at least one branch group open."), "excluded_branches")
    if not 1 <= data.min_entries <= 500:
        raise ContestError(_("The minimum number of entries is between 1 and 500."), "min_entries")
    if not 1 <= data.max_finalists <= 20:
        raise ContestError(_("Choose 1 to 20 finalists at most."), "max_finalists")
    _check_dates(data, today)
    criteria = _check_criteria(data.criteria)
    units = _check_units(organisation, data.unit_ids, contest if contest.id else None)
    long_text = _("Keep this text under 4,000 characters.")
    contest.title = title
    contest.description = description
    contest.prize_kind = data.prize_kind
    contest.discount_schedule = schedule
    contest.prize_budget_cents = data.prize_budget_cents
    contest.prize_coaching = _text(data.prize_coaching, 4000, long_text, "prize_coaching")
    contest.starts_on = data.starts_on
    contest.lease_months = data.lease_months
    contest.lease_terms = _text(data.lease_terms, 4000, long_text, "lease_terms")
    contest.excluded_branches = excluded
    contest.exclusions_note = _text(data.exclusions_note, 4000, long_text, "exclusions_note")
    contest.min_entries = data.min_entries
    contest.max_finalists = data.max_finalists
    contest.extra_winner_rule = _text(data.extra_winner_rule, 4000, long_text, "extra_winner_rule")
    for name in (
        "entries_open_on",
        "entries_close_on",
        "shortlist_on",
        "vote_open_on",
        "vote_close_on",
        "pitch_on",
        "winner_on",
    ):
        setattr(contest, name, getattr(data, name))
    contest.vote_share_bp = data.vote_share_bp if data.vote_open_on else 0
    contest.units = units
    contest.criteria = [
        Criterion(position=i, name=name, weight=weight) for i, (name, weight) in enumerate(criteria)
    ]


def create_contest(
    actor: User, organisation: Organisation, data: ContestData, today: date | None = None
) -> Contest:
    """Staff draft a contest for units of their organisation's areas."""
    _staff(actor, organisation.id)
    contest = Contest(organisation_id=organisation.id, created_by_id=actor.id)
    _apply(contest, organisation, data, today or clock.today())
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
    _staff(actor, contest.organisation_id)
    if contest.status != ContestStatus.DRAFT:
        raise ContestError(_("Only a draft can be changed: the call has been published."))
    _apply(contest, contest.organisation, data, today or clock.today())
    db.session.flush()
    record_event(actor, "contest.updated", contest, contest.organisation_id)
    return contest


def open_contest(actor: User, contest: Contest, today: date | None = None) -> Contest:
    """Publish the call: its units are reserved for the contest and take no other applications."""
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    today = today or clock.today()
    if contest.status == ContestStatus.DRAFT and today > contest.entries_close_on:
        raise ContestError(_("The entry deadline has passed; change the dates first."))
    if contest.status == ContestStatus.DRAFT and (not contest.units or not contest.criteria):
        raise ContestError(_("A contest needs at least one unit and one criterion."))
    _move(actor, contest, ContestStatus.OPEN)
    for unit in contest.units:
        if contest_holding(unit.id, exclude=contest.id) is not None:
            raise ContestError(
                _("%(unit)s is already the prize of another contest.", unit=unit.address)
            )
        reserved = db.session.execute(
            sa.update(Unit)
            .where(Unit.id == unit.id, Unit.status == UnitStatus.LISTED)
            .values(status=UnitStatus.RESERVED, updated_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        if reserved.rowcount != 1:
            raise ContestError(
                _(
                    "%(unit)s is no longer simply listed (it may be in talks or "
                    "let); settle that first.",
                    unit=unit.address,
                )
            )
        db.session.refresh(unit)
        record_event(
            actor,
            "unit.status",
            unit,
            contest.organisation_id,
            old=UnitStatus.LISTED.value,
            new=UnitStatus.RESERVED.value,
            reason="contest",
            contest=contest.id,
        )
    return contest


def close_entries(actor: User, contest: Contest, today: date | None = None) -> Contest:
    """Close the call once its deadline has passed (the deadline was promised to entrants)."""
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    today = today or clock.today()
    if contest.status == ContestStatus.OPEN and today <= contest.entries_close_on:
        raise ContestError(
            _(
                "Entries are open until %(date)s; close the call after that day.",
                date=date_filter(contest.entries_close_on),
            )
        )
    _move(actor, contest, ContestStatus.CLOSED)
    return contest


def cancel_contest(actor: User, contest: Contest, reason: str) -> Contest:
    """Stop a contest (e.g. too few entries); its units are listed again and entrants told."""
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise ContestError(
            _("Give the reason in 3 to 500 characters; entrants will read it."), "reason"
        )
    held = contest.status in ACTIVE_STATUSES
    _move(actor, contest, ContestStatus.CANCELLED, reason=reason)
    contest.cancel_reason = reason
    if held:
        for unit in contest.units:
            if unit.status == UnitStatus.RESERVED:
                _move_unit(
                    actor, unit, UnitStatus.LISTED, contest.organisation_id, "contest cancelled"
                )
    entrants = [e for e in contest.entries if e.status != EntryStatus.WITHDRAWN]
    _notify_entrants(contest, "contest.cancelled", entrants)
    return contest


# Entries -----------------------------------------------------------------------------------


@dataclass
class EntryData:
    trade_name: str
    branch_group: BranchGroup
    preferred_unit_id: int | None = None
    idea: str | None = None
    uniqueness: str | None = None
    target_group: str | None = None
    revenue_model: str | None = None
    success: str | None = None
    help_needed: str | None = None


def entry_of(starter: User, contest: Contest) -> ContestEntry | None:
    if not starter.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(ContestEntry).where(
            ContestEntry.contest_id == contest.id, ContestEntry.starter_id == starter.id
        )
    )


def entries_open(contest: Contest, today: date | None = None) -> bool:
    today = today or clock.today()
    return (
        contest.status == ContestStatus.OPEN
        and contest.entries_open_on <= today <= contest.entries_close_on
    )


def _check_window(contest: Contest, today: date) -> None:
    if contest.status in (ContestStatus.DRAFT, ContestStatus.CANCELLED):
        raise ContestError(_("This contest takes no entries."))
    if contest.status == ContestStatus.OPEN and today < contest.entries_open_on:
        raise ContestError(
            _("Entries open on %(date)s.", date=date_filter(contest.entries_open_on))
        )
    if not entries_open(contest, today):
        raise ContestError(
            _(
                "Entries closed on %(date)s; no new entries or changes are accepted.",
                date=date_filter(contest.entries_close_on),
            )
        )


def _safe_filename(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?').strip(". ")[:150]
    base = base or "plan"
    return base if base.lower().endswith(".pdf") else base + ".pdf"


def _check_plan(plan: tuple[str, bytes]) -> int:
    try:
        pages = check_pdf(plan[1])
    except ProfileError as exc:
        raise ContestError(str(exc), "plan") from exc
    if pages > MAX_PLAN_PAGES:
        raise ContestError(_("Your plan has %(n)d pages; at most 2 are allowed.", n=pages), "plan")
    return pages


def submit_entry(
    starter: User,
    contest: Contest,
    data: EntryData,
    plan: tuple[str, bytes] | None = None,
    today: date | None = None,
) -> ContestEntry:
    """Enter (or change one's entry) while the call is open: the plan in the form's fields, or
    as a PDF of at most two pages."""
    if not starter.is_authenticated or not starter.is_starter:
        raise ContestError(_("Only starters can enter a contest."))
    require_verified_email(starter)
    _check_window(contest, today or clock.today())
    if juror_of(starter, contest) is not None:
        raise ContestError(_("Jurors cannot enter the contest they judge."))
    entry = entry_of(starter, contest)
    if entry is not None and entry.status != EntryStatus.SUBMITTED:
        raise ContestError(
            _(
                "Your entry is %(status)s and can no longer change.",
                status=entry_status_label(entry.status),
            )
        )
    trade_name = (data.trade_name or "").strip()
    if not 1 <= len(trade_name) <= 120:
        raise ContestError(
            _("Give your (future) trade name, at most 120 characters."), "trade_name"
        )
    branch = BranchGroup(data.branch_group)
    if branch.value in contest.excluded_branches:
        raise ContestError(
            _(
                "This contest takes no entries in the branch group %(branch)s.",
                branch=branch_label(branch),
            ),
            "branch_group",
        )
    if data.preferred_unit_id and data.preferred_unit_id not in {u.id for u in contest.units}:
        raise ContestError(_("Choose one of the contest's units."), "preferred_unit")
    answers = {}
    for name in PLAN_FIELDS:
        answers[name] = _text(
            getattr(data, name),
            MAX_ANSWER_CHARS,
            _("Keep each answer under 2,000 characters."),
            name,
        )
    if sum(len(a or "") for a in answers.values()) > MAX_PLAN_CHARS:
        raise ContestError(
            _(
                "Your plan is longer than two pages (about 6,000 characters). "
                "Shorten it, or upload it as a PDF."
            ),
            "idea",
        )
    pages = _check_plan(plan) if plan is not None else None
    has_pdf = plan is not None or (entry is not None and entry.plan_key)
    missing = [name for name in PLAN_FIELDS if not answers[name]]
    if missing and not has_pdf:
        raise ContestError(
            _(
                "Answer every question of the plan, or upload your plan as a PDF "
                "of at most two pages."
            ),
            missing[0],
        )
    created = entry is None
    try:
        with savepoint():  # a new entry is made inside it: a race fails here, not the session
            if created:
                entry = ContestEntry(contest_id=contest.id, starter_id=starter.id)
                db.session.add(entry)
            entry.trade_name = trade_name
            entry.branch_group = branch
            entry.preferred_unit_id = data.preferred_unit_id or None
            for name, value in answers.items():
                setattr(entry, name, value)
            entry.updated_at = clock.now()
    except sa.exc.IntegrityError as exc:  # a double click that raced the check above
        raise ContestError(_("You have already entered this contest.")) from exc
    if plan is not None:
        old_key = entry.plan_key
        key = f"contests/{contest.id}/entries/{entry.id}-{uuid.uuid4().hex}.pdf"
        put_in_transaction(key, plan[1], "application/pdf")
        entry.plan_key, entry.plan_filename, entry.plan_pages = key, _safe_filename(plan[0]), pages
        if old_key:
            delete_after_commit(old_key)
        db.session.flush()
    record_event(
        starter,
        "contest.entered" if created else "contest.entry_changed",
        entry,
        contest.organisation_id,
        contest=contest.id,
    )
    if created:
        _notify_entrants(contest, "contest.entered", [entry])
    return entry


def withdraw_entry(starter: User, entry: ContestEntry) -> ContestEntry:
    """The entrant withdraws (also as a finalist, until the winner is announced)."""
    if entry.starter_id != starter.id:
        raise ContestError(_("This is not your entry."))
    if entry.contest.status not in ACTIVE_STATUSES:
        raise ContestError(_("The contest is over; the entry can no longer be withdrawn."))
    _move_entry(starter, entry, EntryStatus.WITHDRAWN)
    return entry


# Shortlist and jury ------------------------------------------------------------------------


def shortlist(actor: User, contest: Contest, entry_ids: Iterable[int]) -> Contest:
    """Choose the finalists; the other entrants hear they were not chosen."""
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    _check_move(contest, ContestStatus.SHORTLISTED)
    submitted = [e for e in contest.entries if e.status == EntryStatus.SUBMITTED]
    if len(submitted) < contest.min_entries:
        raise ContestError(
            _(
                "Only %(n)d entries arrived and the call asked for at least %(min)d. "
                "Cancel the contest, as the call said.",
                n=len(submitted),
                min=contest.min_entries,
            )
        )
    chosen = set(entry_ids)
    if not chosen <= {e.id for e in submitted}:
        raise ContestError(_("Choose the finalists among this contest's entries."), "finalists")
    if not 1 <= len(chosen) <= contest.max_finalists:
        raise ContestError(
            _("Choose between 1 and %(max)d finalists.", max=contest.max_finalists), "finalists"
        )
    for entry in submitted:
        target = EntryStatus.FINALIST if entry.id in chosen else EntryStatus.NOT_SHORTLISTED
        _move_entry(actor, entry, target)
    _move(actor, contest, ContestStatus.SHORTLISTED, finalists=sorted(chosen))
    _notify_entrants(contest, "contest.finalist", [e for e in submitted if e.id in chosen])
    _notify_entrants(
        contest, "contest.not_shortlisted", [e for e in submitted if e.id not in chosen]
    )
    return contest


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


JURY_OPEN = (
    ContestStatus.DRAFT,
    ContestStatus.OPEN,
    ContestStatus.CLOSED,
    ContestStatus.SHORTLISTED,
    ContestStatus.JUDGING,
)


def invite_juror(actor: User, contest: Contest, email: str, name: str) -> Juror:
    """Invite someone by e-mail to the jury; the link lets them sign up or log in."""
    _staff(actor, contest.organisation_id)
    if contest.status not in JURY_OPEN:
        raise ContestError(_("The jury can no longer change."))
    email = normalise_email(email or "")
    name = (name or "").strip()
    if "@" not in email or len(email) > 254:
        raise ContestError(_("Enter a valid e-mail address."), "email")
    if not 1 <= len(name) <= 120:
        raise ContestError(_("Give the juror's name."), "name")
    if db.session.scalar(
        sa.select(Juror.id).where(Juror.contest_id == contest.id, Juror.email == email)
    ):
        raise ContestError(_("This person is already invited to the jury."), "email")
    user = find_user_by_email(email)
    if user is not None and entry_of(user, contest) is not None:
        raise ContestError(_("An entrant cannot be on the jury."), "email")
    token = secrets.token_urlsafe(32)
    juror = Juror(
        contest_id=contest.id,
        email=email,
        name=name,
        token_hash=_hash_token(token),
        invited_by_id=actor.id,
        expires_at=clock.now() + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]),
    )
    db.session.add(juror)
    db.session.flush()
    record_event(actor, "contest.juror_invited", juror, contest.organisation_id, email=email)
    queue_mail(
        email,
        _("Invitation to the jury of %(contest)s", contest=contest.title),
        "contest_juror",
        contest=contest,
        juror=juror,
        inviter=actor,
        link=url_for("contests.jury_invitation", token=token, _external=True),
        expires_at=juror.expires_at,
    )
    return juror


def juror_for_token(token: str) -> Juror:
    """The open jury invitation behind a link; ContestError when unknown, used or expired."""
    juror = db.session.scalar(sa.select(Juror).where(Juror.token_hash == _hash_token(token)))
    if juror is None or juror.contest.status not in JURY_OPEN:
        raise ContestError(_("This invitation is not valid."))
    if juror.accepted_at is not None:
        raise ContestError(_("This invitation has already been accepted."))
    if clock.as_utc(juror.expires_at) < clock.now():
        raise ContestError(_("This invitation has expired. Ask for a new one."))
    return juror


def accept_jury_invitation(
    juror: Juror, user: User | None, name: str = "", password: str = "", locale: str = "nl"
) -> User:
    """Join the jury; without an account one is made that has no rights besides the jury's."""
    if user is None or not user.is_authenticated:
        if find_user_by_email(juror.email):
            raise ContestError(_("Log in with %(email)s to accept.", email=juror.email))
        user = register_user(
            juror.email, password, name, role="staff", locale=locale, verified=True
        )  # no role; the invitation came by mail
    elif user.email != juror.email:
        raise ContestError(
            _("This invitation was sent to %(email)s; log in with that address.", email=juror.email)
        )
    if entry_of(user, juror.contest) is not None:
        raise ContestError(_("An entrant cannot be on the jury."))
    juror.user_id = user.id
    juror.accepted_at = clock.now()
    db.session.flush()
    record_event(user, "contest.juror_joined", juror, juror.contest.organisation_id)
    return user


def start_judging(actor: User, contest: Contest) -> Contest:
    """Open the scoring: the accepted jurors score the finalists."""
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    if contest.status == ContestStatus.SHORTLISTED and not any(
        j.accepted_at for j in contest.jurors
    ):
        raise ContestError(_("At least one juror must have accepted the invitation first."))
    _move(actor, contest, ContestStatus.JUDGING)
    return contest


def close_judging(actor: User, contest: Contest) -> Contest:
    """Close the scoring: from now on the jury sees every score and the ranking."""
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    _move(actor, contest, ContestStatus.JUDGED)
    return contest


def _juror(user: User, contest: Contest) -> Juror:
    juror = juror_of(user, contest)
    if juror is None:
        raise ContestError(_("You are not on this contest's jury."))
    return juror


def _finalist(contest: Contest, entry: ContestEntry) -> None:
    if entry.contest_id != contest.id or not entry.is_finalist:
        raise ContestError(_("Only the finalists are judged."))


def has_scored(juror: Juror, entry: ContestEntry) -> bool:
    return bool(
        db.session.scalar(
            sa.select(JuryScore.id)
            .where(JuryScore.juror_id == juror.id, JuryScore.entry_id == entry.id)
            .limit(1)
        )
    )


def conflict_of(juror: Juror, entry: ContestEntry) -> Conflict | None:
    return db.session.scalar(
        sa.select(Conflict).where(Conflict.juror_id == juror.id, Conflict.entry_id == entry.id)
    )


def declare_conflict(user: User, entry: ContestEntry, note: str) -> Conflict:
    """A juror declares a conflict of interest with a finalist and does not score it."""
    contest = entry.contest
    juror = _juror(user, contest)
    _finalist(contest, entry)
    if contest.status not in (ContestStatus.SHORTLISTED, ContestStatus.JUDGING):
        raise ContestError(_("Conflicts of interest are declared before and during judging."))
    if has_scored(juror, entry):
        raise ContestError(_("You have already scored this finalist."))
    if conflict_of(juror, entry) is not None:
        raise ContestError(
            _("You have already declared a conflict of interest with this finalist.")
        )
    note = (note or "").strip()
    if not 3 <= len(note) <= 500:
        raise ContestError(
            _("Say briefly how you know this entrant (3 to 500 characters)."), "note"
        )
    try:
        with savepoint():  # made inside it: a simultaneous declaration fails here
            conflict = Conflict(juror_id=juror.id, entry_id=entry.id, note=note)
            db.session.add(conflict)
    except sa.exc.IntegrityError as exc:
        raise ContestError(
            _("You have already declared a conflict of interest with this finalist.")
        ) from exc
    record_event(user, "contest.conflict", conflict, contest.organisation_id, entry=entry.id)
    return conflict


def score_entry(
    user: User, entry: ContestEntry, scores: Mapping[int, int | None]
) -> list[JuryScore]:
    """A juror scores a finalist on every criterion, once; a score cannot be changed."""
    contest = entry.contest
    juror = _juror(user, contest)
    _finalist(contest, entry)
    if contest.status != ContestStatus.JUDGING:
        raise ContestError(_("Scores are given only while the jury is at work."))
    if conflict_of(juror, entry) is not None:
        raise ContestError(
            _("You declared a conflict of interest with this finalist, so you do not score it.")
        )
    if has_scored(juror, entry):
        raise ContestError(_("You have already scored this finalist; a score cannot be changed."))
    criteria = {c.id for c in contest.criteria}
    if set(scores) != criteria or any(scores[c] is None for c in criteria):
        raise ContestError(_("Score every criterion."), "scores")
    for value in scores.values():
        if not isinstance(value, int) or not SCORE_MIN <= value <= SCORE_MAX:
            raise ContestError(
                _("Scores run from %(min)d to %(max)d.", min=SCORE_MIN, max=SCORE_MAX), "scores"
            )
    rows = [
        JuryScore(juror_id=juror.id, entry_id=entry.id, criterion_id=c, score=scores[c])
        for c in sorted(criteria)
    ]
    try:
        with savepoint():  # added inside it: a simultaneous second submit fails here
            db.session.add_all(rows)
    except sa.exc.IntegrityError as exc:  # a second submit that raced the check above
        raise ContestError(
            _("You have already scored this finalist; a score cannot be changed.")
        ) from exc
    record_event(user, "contest.scored", entry, contest.organisation_id, juror=juror.id)
    return rows


# Ranking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """One finalist's place: the jury's weighted mean (1–10), votes and points out of 100."""

    entry_id: int
    rank: int
    tied: bool
    jury: Fraction | None
    jurors: int
    criteria: dict[int, Fraction]
    votes: int
    points: Fraction


def compute_ranking(
    entry_ids: Iterable[int],
    criteria: Iterable[tuple[int, int]],
    scores: Iterable[tuple[int, int, int, int]],
    votes: Mapping[int, int] | None = None,
    vote_share_bp: int = 0,
) -> list[Ranked]:
    """Rank finalists by points: the jury's weighted mean score as a share of the scale, and
    the public vote (relative to the most votes) for its share. Exact fractions, so equal
    results are ties — shown with the same rank, never broken silently."""
    weights = dict(criteria)
    total_weight = sum(weights.values())
    given: dict[int, dict[int, list[int]]] = {}
    jurors: dict[int, set[int]] = {}
    for juror_id, entry_id, criterion_id, score in scores:
        given.setdefault(entry_id, {}).setdefault(criterion_id, []).append(score)
        jurors.setdefault(entry_id, set()).add(juror_id)
    votes = dict(votes or {})
    most_votes = max(votes.values(), default=0)
    share = Fraction(vote_share_bp, 10000)
    rows = []
    for entry_id in entry_ids:
        means = {
            c: Fraction(sum(v), len(v)) for c, v in given.get(entry_id, {}).items() if c in weights
        }
        jury = (
            sum((weights[c] * m for c, m in means.items()), Fraction(0)) / total_weight
            if means and total_weight
            else None
        )
        jury_points = jury * 100 / SCORE_MAX if jury is not None else Fraction(0)
        vote_points = (
            Fraction(100 * votes.get(entry_id, 0), most_votes) if most_votes else Fraction(0)
        )
        points = jury_points * (1 - share) + vote_points * share
        rows.append(
            (entry_id, jury, len(jurors.get(entry_id, ())), means, votes.get(entry_id, 0), points)
        )
    ranked = []
    for entry_id, jury, count, means, n_votes, points in sorted(rows, key=lambda r: (-r[5], r[0])):
        better = sum(1 for r in rows if r[5] > points)
        tied = sum(1 for r in rows if r[5] == points) > 1
        ranked.append(Ranked(entry_id, better + 1, tied, jury, count, means, n_votes, points))
    return ranked


def finalists_of(contest: Contest) -> list[ContestEntry]:
    return [e for e in contest.entries if e.status in FINALIST_STATUSES]


def ranking(contest: Contest, today: date | None = None) -> list[Ranked]:
    """The contest's finalists ranked; the public vote counts once it has closed."""
    finalists = finalists_of(contest)
    rows = db.session.execute(
        sa.select(
            JuryScore.juror_id, JuryScore.entry_id, JuryScore.criterion_id, JuryScore.score
        ).where(JuryScore.entry_id.in_([e.id for e in finalists]))
    ).all()
    votes = vote_counts(contest) if vote_has_closed(contest, today) else None
    return compute_ranking(
        [e.id for e in finalists],
        [(c.id, c.weight) for c in contest.criteria],
        rows,
        votes,
        contest.vote_share_bp if votes is not None else 0,
    )


def scores_visible(contest: Contest) -> bool:
    """Scores and the ranking show only once judging has closed: nobody sees them sooner."""
    return contest.status in (ContestStatus.JUDGED, *RESULT_STATUSES)


# The public vote ---------------------------------------------------------------------------


def vote_is_open(contest: Contest, today: date | None = None) -> bool:
    today = today or clock.today()
    return (
        contest.has_vote
        and contest.status
        in (ContestStatus.SHORTLISTED, ContestStatus.JUDGING, ContestStatus.JUDGED)
        and contest.vote_open_on <= today <= contest.vote_close_on
    )


def vote_has_closed(contest: Contest, today: date | None = None) -> bool:
    """Whether the vote is over, so its count may be shown and used."""
    if not contest.has_vote:
        return False
    return contest.status in RESULT_STATUSES or (today or clock.today()) > contest.vote_close_on


#: Mail providers that deliver "m.e@" to "me@": dots in the local part mean nothing there.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def voter_address(email: str) -> str:
    """The mailbox an address delivers to, for one vote per voter: lower case, without a
    plus suffix ("me+1@" is "me@"), without dots where the provider ignores them."""
    local, _at, domain = normalise_email(email).rpartition("@")
    domain = domain.rstrip(".")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def _email_hashes(email: str) -> list[str]:
    """The voter's mailbox hashed under each vote-hash key (the last is the current key's):
    the address itself is never stored."""
    message = voter_address(email).encode()
    keys = vote_hash_keys(current_app.config)
    return [hmac.new(key.encode(), message, hashlib.sha256).hexdigest() for key in keys]


def _vote_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(link_signing_keys(current_app.config), salt=VOTE_SALT)


def request_vote(
    contest: Contest, entry: ContestEntry, email: str, today: date | None = None
) -> Vote:
    """Record a vote, not yet counted, and mail a signed link that confirms it."""
    today = today or clock.today()
    if not vote_is_open(contest, today):
        raise ContestError(_("The public vote is not open."))
    if entry.contest_id != contest.id or not entry.is_finalist:
        raise ContestError(_("Choose one of the finalists."), "entry")
    email = normalise_email(email or "")
    local, _at, domain = email.rpartition("@")
    if not local or not domain or len(email) > 254 or not voter_address(email).split("@")[0]:
        raise ContestError(_("Enter a valid e-mail address."), "email")
    hashes = _email_hashes(email)
    digest = hashes[-1]
    vote = db.session.scalar(
        sa.select(Vote).where(Vote.contest_id == contest.id, Vote.email_hash.in_(hashes))
    )
    if vote is not None and vote.confirmed_at is not None:
        raise ContestError(_("This e-mail address has already voted in this contest."), "email")
    try:
        with savepoint():  # a new vote is made inside it: a race fails here, not the session
            if vote is None:
                vote = Vote(contest_id=contest.id, email_hash=digest, entry_id=entry.id)
                db.session.add(vote)
            vote.entry_id = entry.id
            vote.created_at = clock.now()
    except sa.exc.IntegrityError as exc:  # the same address at the same moment
        raise ContestError(
            _("A vote from this address is already waiting for confirmation; check your e-mail."),
            "email",
        ) from exc
    token = _vote_serializer().dumps({"v": vote.id, "e": entry.id})
    queue_mail(
        email,
        _("Confirm your vote in %(contest)s", contest=contest.title),
        "contest_vote",
        contest=contest,
        entry=entry,
        days=VOTE_LINK_DAYS,
        link=url_for("contests.confirm_vote", token=token, _external=True),
    )
    return vote


def vote_for_token(token: str) -> Vote:
    """The vote a confirmation link stands for; ContestError when the link is no good."""
    invalid = _("This confirmation link is not valid or has expired. Vote again to get a new one.")
    try:
        payload = _vote_serializer().loads(token, max_age=VOTE_LINK_DAYS * 86400)
        vote_id, entry_id = int(payload["v"]), int(payload["e"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ContestError(invalid) from exc
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        raise ContestError(invalid)
    if vote.entry_id != entry_id:
        raise ContestError(
            _("You changed your vote after this link was sent; use the link in the latest e-mail.")
        )
    return vote


def confirm_vote(token: str, today: date | None = None) -> Vote:
    """Count a vote: the address proved it is real. Confirming twice changes nothing."""
    vote = vote_for_token(token)
    if vote.confirmed_at is not None:
        return vote
    contest = db.session.get(Contest, vote.contest_id)
    if not vote_is_open(contest, today):
        raise ContestError(_("The public vote has closed; this vote was not counted."))
    vote.confirmed_at = clock.now()
    db.session.flush()
    return vote


def vote_counts(contest: Contest) -> dict[int, int]:
    """Confirmed votes per finalist; unconfirmed votes never count."""
    rows = db.session.execute(
        sa.select(Vote.entry_id, sa.func.count(Vote.id))
        .where(Vote.contest_id == contest.id, Vote.confirmed_at.is_not(None))
        .group_by(Vote.entry_id)
    ).all()
    return {entry_id: count for entry_id, count in rows}


# Winner, running, evaluation ---------------------------------------------------------------


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
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    today = today or clock.today()
    _check_move(contest, ContestStatus.WINNER_ANNOUNCED)
    if contest.has_vote and not vote_has_closed(contest, today):
        raise ContestError(
            _(
                "The public vote runs until %(date)s; announce the winner after it has closed.",
                date=date_filter(contest.vote_close_on),
            )
        )
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
        _move_entry(actor, entry, EntryStatus.WINNER)
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
            _move_unit(actor, unit, UnitStatus.LISTED, contest.organisation_id, "no winner")
    _move(actor, contest, ContestStatus.WINNER_ANNOUNCED)
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
            _contest_data(contest),
        )
    for award in awards:
        notify(
            [award.unit.owner],
            "contest.unit_won",
            "contests.detail",
            {"contest_id": contest.id},
            _contest_data(contest)
            | {
                "unit": f"{award.unit.address}, {award.unit.city}",
                "winner": award.entry.trade_name,
            },
        )
    return awards


def start_prize_period(actor: User, contest: Contest, today: date | None = None) -> Contest:
    """Mark the prize period as running once the winner's placement has started."""
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    today = today or clock.today()
    if contest.status == ContestStatus.WINNER_ANNOUNCED and today < contest.starts_on:
        raise ContestError(
            _("The prize period starts on %(date)s.", date=date_filter(contest.starts_on))
        )
    _move(actor, contest, ContestStatus.RUNNING)
    return contest


def prize_ends_on(contest: Contest) -> date:
    return add_months(contest.starts_on, contest.prize_months)


def evaluate_award(
    actor: User, award: Award, outcome: Outcome, note: str | None, today: date | None = None
) -> Award:
    """Record how a prize worked out; a winner who stopped ends the placement, and the unit
    can be offered again. Once every award is evaluated, so is the contest."""
    contest = award.contest
    _staff(actor, contest.organisation_id)
    contest = _lock(contest)
    today = today or clock.today()
    if contest.status != ContestStatus.RUNNING:
        raise ContestError(_("The evaluation is recorded while the prize period runs or after it."))
    if award.outcome is not None:
        raise ContestError(_("The evaluation of this prize has already been recorded."))
    outcome = Outcome(outcome)
    if outcome == Outcome.CONTINUED and today < prize_ends_on(contest):
        raise ContestError(
            _(
                "The prize period runs until %(date)s; record whether the winner "
                "continued after that.",
                date=date_filter(prize_ends_on(contest)),
            ),
            "outcome",
        )
    note = _text(note, 4000, _("Keep this text under 4,000 characters."), "note")
    placement, unit = award.placement, award.unit
    if outcome in (Outcome.STOPPED, Outcome.OFFERED_AGAIN):
        if placement.status != PlacementStatus.ENDED:
            check_transition(PLACEMENT_TRANSITIONS, placement.status, PlacementStatus.ENDED)
            placement.status = PlacementStatus.ENDED
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
            _move_unit(
                actor, unit, UnitStatus.LISTED, contest.organisation_id, "contest winner stopped"
            )
            unit.vacant_since = today
            unit.listed_at = clock.now()
    award.outcome = outcome
    award.evaluation_note = note
    award.evaluated_at = clock.now()
    award.evaluated_by_id = actor.id
    db.session.flush()
    record_event(actor, "contest.evaluated", award, contest.organisation_id, outcome=outcome.value)
    if all(a.outcome is not None for a in contest.awards):
        _move(actor, contest, ContestStatus.EVALUATED)
    return award
