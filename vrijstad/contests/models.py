"""Win een winkel contests: the call, its units and criteria, entries, jury, votes and awards."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.contests import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.core import enum_type
from vrijstad.extensions import Model, db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.starters.models import BranchGroup
from vrijstad.workflow import Workflow

if TYPE_CHECKING:
    from vrijstad.auth.models import User
    from vrijstad.letting.models import Placement
    from vrijstad.organisations.models import Organisation
    from vrijstad.units.models import Unit

#: Jurors score every criterion on this fixed scale.
SCORE_MIN = 1
SCORE_MAX = 10


class ContestStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # taking entries
    CLOSED = "closed"  # entries closed, shortlist to be made
    SHORTLISTED = "shortlisted"  # finalists known; jurors and the public vote get ready
    JUDGING = "judging"  # jurors score the finalists
    JUDGED = "judged"  # judging closed: scores and ranking visible to the jury and staff
    WINNER_ANNOUNCED = "winner_announced"
    RUNNING = "running"  # the prize period runs
    EVALUATED = "evaluated"
    CANCELLED = "cancelled"  # e.g. too few entries


#: The contest workflow: where each status may go next.
CONTEST_TRANSITIONS: dict[ContestStatus, frozenset[ContestStatus]] = {
    ContestStatus.DRAFT: frozenset({ContestStatus.OPEN, ContestStatus.CANCELLED}),
    ContestStatus.OPEN: frozenset({ContestStatus.CLOSED, ContestStatus.CANCELLED}),
    ContestStatus.CLOSED: frozenset({ContestStatus.SHORTLISTED, ContestStatus.CANCELLED}),
    ContestStatus.SHORTLISTED: frozenset({ContestStatus.JUDGING, ContestStatus.CANCELLED}),
    ContestStatus.JUDGING: frozenset({ContestStatus.JUDGED, ContestStatus.CANCELLED}),
    ContestStatus.JUDGED: frozenset({ContestStatus.WINNER_ANNOUNCED, ContestStatus.CANCELLED}),
    ContestStatus.WINNER_ANNOUNCED: frozenset({ContestStatus.RUNNING}),
    ContestStatus.RUNNING: frozenset({ContestStatus.EVALUATED}),
    ContestStatus.EVALUATED: frozenset(),
    ContestStatus.CANCELLED: frozenset(),
}
CONTEST_FLOW: Workflow[ContestStatus] = Workflow("contest", CONTEST_TRANSITIONS)

STATUS_LABELS = labels.register(
    ContestStatus,
    {
        ContestStatus.DRAFT: _l("draft"),
        ContestStatus.OPEN: _l("open for entries"),
        ContestStatus.CLOSED: _l("entries closed"),
        ContestStatus.SHORTLISTED: _l("finalists chosen"),
        ContestStatus.JUDGING: _l("jury at work"),
        ContestStatus.JUDGED: _l("judging closed"),
        ContestStatus.WINNER_ANNOUNCED: _l("winner announced"),
        ContestStatus.RUNNING: _l("prize period running"),
        ContestStatus.EVALUATED: _l("evaluated"),
        ContestStatus.CANCELLED: _l("cancelled"),
    },
)

#: Statuses in which a contest holds its units (they take no ordinary applications).
ACTIVE_STATUSES = (
    ContestStatus.OPEN,
    ContestStatus.CLOSED,
    ContestStatus.SHORTLISTED,
    ContestStatus.JUDGING,
    ContestStatus.JUDGED,
)
#: Statuses after which the result is public.
RESULT_STATUSES = (ContestStatus.WINNER_ANNOUNCED, ContestStatus.RUNNING, ContestStatus.EVALUATED)


class PrizeKind(StrEnum):
    RENT_FREE = "rent_free"  # n months without rent
    SLIDING = "sliding"  # a discount that steps down month by month


class EntryStatus(StrEnum):
    SUBMITTED = "submitted"
    FINALIST = "finalist"
    NOT_SHORTLISTED = "not_shortlisted"
    WINNER = "winner"
    WITHDRAWN = "withdrawn"


ENTRY_TRANSITIONS: dict[EntryStatus, frozenset[EntryStatus]] = {
    EntryStatus.SUBMITTED: frozenset(
        {EntryStatus.FINALIST, EntryStatus.NOT_SHORTLISTED, EntryStatus.WITHDRAWN}
    ),
    EntryStatus.FINALIST: frozenset({EntryStatus.WINNER, EntryStatus.WITHDRAWN}),
    EntryStatus.NOT_SHORTLISTED: frozenset(),
    EntryStatus.WINNER: frozenset(),
    EntryStatus.WITHDRAWN: frozenset(),
}
ENTRY_FLOW: Workflow[EntryStatus] = Workflow("contest entry", ENTRY_TRANSITIONS)

ENTRY_STATUS_LABELS = labels.register(
    EntryStatus,
    {
        EntryStatus.SUBMITTED: _l("entered"),
        EntryStatus.FINALIST: _l("finalist"),
        EntryStatus.NOT_SHORTLISTED: _l("not on the shortlist"),
        EntryStatus.WINNER: _l("winner"),
        EntryStatus.WITHDRAWN: _l("withdrawn"),
    },
)

#: Entries the jury and the public vote see.
FINALIST_STATUSES = (EntryStatus.FINALIST, EntryStatus.WINNER)


class Outcome(StrEnum):
    """How a prize worked out, recorded after the prize period."""

    CONTINUED = "continued"  # the winner stays on the regular terms
    STOPPED = "stopped"  # the winner stopped; the owner takes the unit back
    OFFERED_AGAIN = "offered_again"  # the winner stopped; the unit is listed again


OUTCOME_LABELS = labels.register(
    Outcome,
    {
        Outcome.CONTINUED: _l("continued on the regular terms"),
        Outcome.STOPPED: _l("stopped; the owner took the unit back"),
        Outcome.OFFERED_AGAIN: _l("stopped; the unit is offered again"),
    },
)


contest_units = sa.Table(
    "contest_units",
    db.metadata,
    sa.Column("contest_id", sa.ForeignKey("contests.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Contest(Model):
    """A Win een winkel call of an organisation: units, prize, exclusions, phases and jury."""

    __tablename__ = "contests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    status: Mapped[ContestStatus] = mapped_column(
        enum_type(ContestStatus), default=ContestStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text)

    prize_kind: Mapped[PrizeKind] = mapped_column(enum_type(PrizeKind))
    #: The rent discount by month of the winner's placement, as Placement.discount_schedule.
    discount_schedule: Mapped[list] = mapped_column(sa.JSON, default=list)
    prize_budget_cents: Mapped[int] = mapped_column(default=0)
    prize_coaching: Mapped[str | None] = mapped_column(sa.Text)
    #: The winner's placement: its start and length; the base fee is the unit's own rent.
    starts_on: Mapped[date]
    lease_months: Mapped[int]
    lease_terms: Mapped[str | None] = mapped_column(sa.Text)

    excluded_branches: Mapped[list] = mapped_column(sa.JSON, default=list)
    exclusions_note: Mapped[str | None] = mapped_column(sa.Text)
    min_entries: Mapped[int] = mapped_column(default=3)
    max_finalists: Mapped[int] = mapped_column(default=5)
    extra_winner_rule: Mapped[str | None] = mapped_column(sa.Text)

    entries_open_on: Mapped[date]
    entries_close_on: Mapped[date]
    shortlist_on: Mapped[date]
    vote_open_on: Mapped[date | None]
    vote_close_on: Mapped[date | None]
    #: The public vote's share of the final result, in basis points (2000 = 20 %).
    vote_share_bp: Mapped[int] = mapped_column(default=0)
    pitch_on: Mapped[date]
    winner_on: Mapped[date]

    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )
    announced_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped["Organisation"] = relationship()
    units: Mapped[list["Unit"]] = relationship(secondary=contest_units, order_by="Unit.id")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="contest", order_by="Criterion.position", cascade="all, delete-orphan"
    )
    entries: Mapped[list["ContestEntry"]] = relationship(
        back_populates="contest", order_by="ContestEntry.id"
    )
    jurors: Mapped[list["Juror"]] = relationship(
        back_populates="contest", order_by="Juror.id", cascade="all, delete-orphan"
    )
    awards: Mapped[list["Award"]] = relationship(back_populates="contest", order_by="Award.id")
    errata: Mapped[list["Erratum"]] = relationship(
        order_by="Erratum.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("prize_budget_cents >= 0", name="contest_budget_not_negative"),
        sa.CheckConstraint("lease_months BETWEEN 1 AND 60", name="contest_lease_months_range"),
        sa.CheckConstraint("min_entries >= 1", name="contest_min_entries_positive"),
        sa.CheckConstraint("max_finalists BETWEEN 1 AND 20", name="contest_finalists_range"),
        sa.CheckConstraint("vote_share_bp BETWEEN 0 AND 5000", name="contest_vote_share_range"),
        sa.CheckConstraint("entries_close_on >= entries_open_on", name="contest_entry_dates"),
    )

    @property
    def has_vote(self) -> bool:
        return self.vote_window is not None

    @property
    def vote_window(self) -> tuple[date, date] | None:
        """The public vote's first and last day, if the call has a public vote."""
        if self.vote_open_on is None or self.vote_close_on is None:
            return None
        return self.vote_open_on, self.vote_close_on

    @property
    def prize_months(self) -> int:
        """The months the discount runs (the prize period)."""
        return max((int(step["to"]) for step in self.discount_schedule or ()), default=0)

    @property
    def total_weight(self) -> int:
        return sum(c.weight for c in self.criteria)


class Criterion(Model):
    """A jury criterion with its weight, e.g. financial feasibility 25."""

    __tablename__ = "contest_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(120))
    weight: Mapped[int]

    contest: Mapped[Contest] = relationship(back_populates="criteria")

    __table_args__ = (sa.CheckConstraint("weight BETWEEN 1 AND 100", name="criterion_weight"),)


class ContestEntry(Model):
    """A starter's entry: the plan in the form's fields, or a PDF of at most two pages."""

    __tablename__ = "contest_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    starter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[EntryStatus] = mapped_column(
        enum_type(EntryStatus), default=EntryStatus.SUBMITTED
    )
    trade_name: Mapped[str] = mapped_column(sa.String(120))
    branch_group: Mapped[BranchGroup] = mapped_column(enum_type(BranchGroup))
    preferred_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="SET NULL")
    )
    idea: Mapped[str | None] = mapped_column(sa.Text)
    uniqueness: Mapped[str | None] = mapped_column(sa.Text)
    target_group: Mapped[str | None] = mapped_column(sa.Text)
    revenue_model: Mapped[str | None] = mapped_column(sa.Text)
    success: Mapped[str | None] = mapped_column(sa.Text)
    help_needed: Mapped[str | None] = mapped_column(sa.Text)
    plan_key: Mapped[str | None] = mapped_column(sa.String(200))
    plan_filename: Mapped[str | None] = mapped_column(sa.String(200))
    plan_pages: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    contest: Mapped[Contest] = relationship(back_populates="entries")
    starter: Mapped["User"] = relationship()
    preferred_unit: Mapped["Unit | None"] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("contest_id", "starter_id", name="one_entry_per_starter"),
        sa.CheckConstraint("plan_pages IS NULL OR plan_pages BETWEEN 1 AND 2", name="plan_pages"),
    )

    @property
    def is_finalist(self) -> bool:
        return self.status in FINALIST_STATUSES


class Juror(Model):
    """A jury member of one contest, invited by e-mail; the token is stored hashed."""

    __tablename__ = "contest_jurors"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(120))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    invited_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    contest: Mapped[Contest] = relationship(back_populates="jurors")
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])

    __table_args__ = (sa.UniqueConstraint("contest_id", "email", name="one_juror_per_email"),)


class Conflict(Model):
    """A juror's declared conflict of interest with a finalist: they do not score it."""

    __tablename__ = "contest_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contest_jurors.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(sa.String(500))
    declared_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (sa.UniqueConstraint("juror_id", "entry_id", name="one_conflict_per_pair"),)


class JuryScore(Model):
    """One juror's score of one finalist on one criterion, given once."""

    __tablename__ = "jury_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contest_jurors.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contest_criteria.id", ondelete="CASCADE")
    )
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("juror_id", "entry_id", "criterion_id", name="one_score_per_item"),
        sa.CheckConstraint(f"score BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="score_on_scale"),
    )


class Vote(Model):
    """A public vote for a finalist; it counts once the address confirmed it. Only a hash of
    the e-mail address is kept: enough to allow one vote per address per contest."""

    __tablename__ = "contest_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contest_entries.id", ondelete="CASCADE"), index=True
    )
    email_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (sa.UniqueConstraint("contest_id", "email_hash", name="one_vote_per_email"),)


class Award(Model):
    """A unit won by a finalist: the placement it became and, later, how it worked out."""

    __tablename__ = "contest_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("contest_entries.id"))
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome))
    evaluation_note: Mapped[str | None] = mapped_column(sa.Text)
    evaluated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    evaluated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    contest: Mapped[Contest] = relationship(back_populates="awards")
    unit: Mapped["Unit"] = relationship()
    entry: Mapped[ContestEntry] = relationship()
    placement: Mapped["Placement"] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("contest_id", "unit_id", name="one_award_per_unit"),
        sa.UniqueConstraint("contest_id", "entry_id", name="one_award_per_entry"),
    )


class Erratum(Model):
    """A correction published on a contest after its call went out: a dated text, or a deadline
    moved forward (``deadline`` names it, with the old and the new date). Entrants are told."""

    __tablename__ = "contest_errata"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contests.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str | None] = mapped_column(sa.Text)
    #: "entries_close_on" or "vote_close_on" when the erratum extends that deadline.
    deadline: Mapped[str | None] = mapped_column(sa.String(20))
    old_date: Mapped[date | None]
    new_date: Mapped[date | None]
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (
        sa.CheckConstraint(
            "text IS NOT NULL OR (deadline IS NOT NULL AND new_date > old_date)",
            name="erratum_text_or_later_deadline",
        ),
    )
