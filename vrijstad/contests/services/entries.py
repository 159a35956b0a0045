"""Entering a contest: the plan in the form or as a PDF, changing and withdrawing it."""

import uuid
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.contests.models import (
    ACTIVE_STATUSES,
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
)
from vrijstad.contests.services.access import juror_of
from vrijstad.contests.services.base import (
    MAX_ANSWER_CHARS,
    MAX_PLAN_CHARS,
    MAX_PLAN_PAGES,
    PLAN_FIELDS,
    ContestError,
    move_entry,
    notify_entrants,
)
from vrijstad.contests.services.terms import clean_text
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.labels import label
from vrijstad.starters.forms import branch_label
from vrijstad.starters.models import BranchGroup
from vrijstad.starters.services import ProfileError, check_pdf
from vrijstad.storage import delete_after_commit, put_in_transaction


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
        raise ContestError(_l("Entries open on %(date)s."), date=contest.entries_open_on)
    if not entries_open(contest, today):
        raise ContestError(
            _l("Entries closed on %(date)s; no new entries or changes are accepted."),
            date=contest.entries_close_on,
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
                status=label(entry.status),
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
        answers[name] = clean_text(
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
            if entry is None:
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
        notify_entrants(contest, "contest.entered", [entry])
    return entry


def withdraw_entry(starter: User, entry: ContestEntry) -> ContestEntry:
    """The entrant withdraws (also as a finalist, until the winner is announced)."""
    if entry.starter_id != starter.id:
        raise ContestError(_("This is not your entry."))
    if entry.contest.status not in ACTIVE_STATUSES:
        raise ContestError(_("The contest is over; the entry can no longer be withdrawn."))
    move_entry(starter, entry, EntryStatus.WITHDRAWN)
    return entry
