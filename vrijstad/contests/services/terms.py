"""A contest's published terms: the data staff give, every check on it, and the hold a contest
keeps on its prize units."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad.contests.models import (
    ACTIVE_STATUSES,
    Contest,
    ContestStatus,
    Criterion,
    PrizeKind,
    contest_units,
)
from vrijstad.contests.services.base import (
    MAX_CRITERIA,
    MAX_RENT_FREE_MONTHS,
    MAX_UNITS,
    ContestError,
)
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.letting.services import LettingError, check_discount_schedule
from vrijstad.organisations.models import Organisation
from vrijstad.starters.models import BranchGroup
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.services import register_hold


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


def clean_text(value: str | None, limit: int, message: str, field_name: str) -> str | None:
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
    if data.vote_open_on is not None and data.vote_close_on is not None:
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


def apply_terms(
    contest: Contest, organisation: Organisation, data: ContestData, today: date
) -> None:
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
    contest.prize_coaching = clean_text(data.prize_coaching, 4000, long_text, "prize_coaching")
    contest.starts_on = data.starts_on
    contest.lease_months = data.lease_months
    contest.lease_terms = clean_text(data.lease_terms, 4000, long_text, "lease_terms")
    contest.excluded_branches = excluded
    contest.exclusions_note = clean_text(data.exclusions_note, 4000, long_text, "exclusions_note")
    contest.min_entries = data.min_entries
    contest.max_finalists = data.max_finalists
    contest.extra_winner_rule = clean_text(
        data.extra_winner_rule, 4000, long_text, "extra_winner_rule"
    )
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
