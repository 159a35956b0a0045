"""Matching settings: an organisation's component weights, street profiles, invitations."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock, labels
from vrijstad.core import enum_type
from vrijstad.extensions import Model
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.matching import notice_texts  # noqa: F401 - registers the notices' sentences
from vrijstad.starters.models import BranchGroup

if TYPE_CHECKING:  # the other side of a relationship
    from vrijstad.areas.models import Area, Street
    from vrijstad.letting.models import Collective


class Component(StrEnum):
    """The named components of a fit score, in the order they are shown."""

    SIZE = "size"
    BUDGET = "budget"
    USE = "use"
    LOCATION = "location"
    AVAILABILITY = "availability"
    SPACE_KIND = "space_kind"
    BRANCH_MIX = "branch_mix"
    FOOTFALL = "footfall"


COMPONENT_LABELS = labels.register(
    Component,
    {
        Component.SIZE: _l("Floor area"),
        Component.BUDGET: _l("Budget"),
        Component.USE: _l("Permitted use"),
        Component.LOCATION: _l("Location"),
        Component.AVAILABILITY: _l("Availability"),
        Component.SPACE_KIND: _l("Kind of space"),
        Component.BRANCH_MIX: _l("Branch mix"),
        Component.FOOTFALL: _l("Footfall"),
    },
)
#: The components' names (the weights' column names), in the order they are shown.
COMPONENTS: tuple[str, ...] = tuple(component.value for component in Component)
#: Weights an organisation starts with; each weight is a whole number from 0 to MAX_WEIGHT.
DEFAULT_WEIGHTS = {
    "size": 3,
    "budget": 3,
    "use": 2,
    "location": 2,
    "availability": 1,
    "space_kind": 1,
    "branch_mix": 2,
    #: Counts only for branch groups that live on walk-in trade (see scoring.footfall_fit).
    "footfall": 1,
}
MAX_WEIGHT = 10


class Held(StrEnum):
    """Why a unit or a starter is left out of an allocation and of candidate lists."""

    PLACED = "placed"  # the starter has an active or an agreed, upcoming placement
    OPEN_OFFER = "open_offer"  # the unit has an open offer to a starter
    RESERVED = "reserved"  # the unit is reserved (for a contest's winner)


HELD_LABELS = labels.register(
    Held,
    {
        Held.PLACED: _l("has a place already"),
        Held.OPEN_OFFER: _l("open offer"),
        Held.RESERVED: _l("reserved"),
    },
)


def branch_bit(group: BranchGroup) -> int:
    return 1 << list(BranchGroup).index(BranchGroup(group))


def branches_of(mask: int) -> list[BranchGroup]:
    return [group for group in BranchGroup if mask & branch_bit(group)]


def mask_of(groups) -> int:
    return sum(branch_bit(BranchGroup(g)) for g in set(groups))


class MatchWeights(Model):
    """How much each score component counts for an organisation's units (0–10 each)."""

    __tablename__ = "match_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    size: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["size"])
    budget: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["budget"])
    use: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["use"])
    location: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["location"])
    availability: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["availability"])
    space_kind: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["space_kind"])
    branch_mix: Mapped[int] = mapped_column(default=DEFAULT_WEIGHTS["branch_mix"])
    footfall: Mapped[int] = mapped_column(
        default=DEFAULT_WEIGHTS["footfall"],
        server_default=sa.text(str(DEFAULT_WEIGHTS["footfall"])),
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    __table_args__ = (
        *(
            sa.CheckConstraint(f"{name} BETWEEN 0 AND {MAX_WEIGHT}", name=f"weight_{name}_range")
            for name in COMPONENTS
        ),
        sa.CheckConstraint(" + ".join(COMPONENTS) + " > 0", name="weights_not_all_zero"),
    )

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COMPONENTS}


class StreetProfile(Model):
    """A street's "DNA": the branch groups it wants more of, and those it wants no more of."""

    __tablename__ = "street_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(
        sa.ForeignKey("streets.id", ondelete="CASCADE"), unique=True
    )
    wanted_mask: Mapped[int] = mapped_column(default=0)
    excluded_mask: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    street: Mapped["Street"] = relationship()

    __table_args__ = (
        sa.CheckConstraint("(wanted_mask & excluded_mask) = 0", name="wanted_not_excluded"),
    )

    @property
    def wanted(self) -> list[BranchGroup]:
        return branches_of(self.wanted_mask)

    @property
    def excluded(self) -> list[BranchGroup]:
        return branches_of(self.excluded_mask)


class BranchLimit(Model):
    """At most max_count businesses of a branch group in a street, the ones there now included
    ("at most one bakery in Kerkstraat"); the allocation honours it."""

    __tablename__ = "branch_limits"

    id: Mapped[int] = mapped_column(primary_key=True)
    street_id: Mapped[int] = mapped_column(
        sa.ForeignKey("streets.id", ondelete="CASCADE"), index=True
    )
    branch_group: Mapped[BranchGroup] = mapped_column(enum_type(BranchGroup))
    max_count: Mapped[int]

    street: Mapped["Street"] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("street_id", "branch_group", name="one_limit_per_street_branch"),
        sa.CheckConstraint("max_count BETWEEN 0 AND 99", name="branch_limit_range"),
    )


class MatchInvitation(Model):
    """A starter invited to apply for a unit (once per unit), from a recommendation."""

    __tablename__ = "match_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    starter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("unit_id", "starter_id", name="one_invitation_per_pair"),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name="invitation_score_range"),
    )


class AllocationRun(Model):
    """An allocation staff asked for: its choices and, once computed, the assignment found.

    result holds {"total", "excluded_pairs", "pairs": [[unit id, starter id, score,
    runner-up starter id or null, runner-up score or null], ...], "unassigned_units",
    "unassigned_starters"} (ids only; the page explains the pairs from the current data).
    """

    __tablename__ = "allocation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("areas.id", ondelete="CASCADE"))
    collective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("collectives.id", ondelete="CASCADE")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    unit_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    starter_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    min_score: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[str | None] = mapped_column(sa.String(64))
    #: Staff chose to see held units and starters (an open offer, a place already) and may
    #: have ticked some; without it they are left out when the run is computed.
    with_held: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    area: Mapped["Area"] = relationship()
    collective: Mapped["Collective | None"] = relationship()

    __table_args__ = (
        sa.CheckConstraint("min_score BETWEEN 0 AND 100", name="allocation_min_score_range"),
    )

    @property
    def done(self) -> bool:
        return self.result is not None
