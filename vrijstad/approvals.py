"""Four eyes: a money decision above an amount needs two different staff members.

Rules (issue #22, point 5):

- At or below the organisation's threshold (``FOUR_EYES_THRESHOLD_CENTS``, or its entry in
  ``FOUR_EYES_THRESHOLD_OVERRIDES``) one approval decides, as it always did.
- Above it the first approval is recorded ("approved by X, waiting for a second colleague")
  and the subject keeps its state; the caller books nothing yet.
- A second, different member of the same organisation's staff completes it; the same person
  twice is refused. An approval for another amount than the one waiting starts over: the new
  amount needs its own two approvals.
- Double clicks and colleagues at the same moment are safe: the approval row is read under a
  row lock (FOR UPDATE), a first approval is inserted under a unique constraint on (kind,
  subject) in a savepoint, and the second is written by a conditional UPDATE.

A subject is named by a kind of the caller's choosing ("settlement", "subsidy_grant",
"payout_batch", …) and its id; this module knows no feature, so every feature may use it.
"""

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vrijstad import clock
from vrijstad.core import DomainError
from vrijstad.extensions import Model, db, rowcount, savepoint
from vrijstad.i18n import gettext as _
from vrijstad.organisations.services import can_manage

if TYPE_CHECKING:
    from vrijstad.auth.models import User


class ApprovalError(DomainError):
    """A second approval was refused (the same person, or not the organisation's staff)."""


class Approval(Model):
    """The approvals of one money decision above the four-eyes threshold."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What is approved, e.g. 'settlement' or 'subsidy_grant', and its id.
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int]
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    first_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    first_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    second_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    second_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    first_by: Mapped["User"] = relationship(foreign_keys=[first_by_id], viewonly=True)
    second_by: Mapped["User | None"] = relationship(foreign_keys=[second_by_id], viewonly=True)

    __table_args__ = (
        sa.UniqueConstraint("kind", "subject_id", name="one_approval_per_subject"),
        sa.CheckConstraint("amount_cents > 0", name="approval_amount_positive"),
        sa.CheckConstraint(
            "second_by_id IS NULL OR second_by_id <> first_by_id", name="two_different_people"
        ),
    )

    @property
    def complete(self) -> bool:
        return self.second_by_id is not None


def threshold_cents(organisation_id: int) -> int:
    """The amount up to which one approval suffices, in cents, for this organisation."""
    overrides: dict[int, int] = current_app.config.get("FOUR_EYES_THRESHOLD_OVERRIDES", {})
    return overrides.get(organisation_id, current_app.config["FOUR_EYES_THRESHOLD_CENTS"])


def needs_two(amount_cents: int, organisation_id: int) -> bool:
    """Whether an approval of this amount needs a second staff member."""
    return amount_cents > threshold_cents(organisation_id)


def approval_of(kind: str, subject_id: int) -> Approval | None:
    """The approvals recorded for a subject (None when it needed, or has had, none)."""
    return db.session.scalar(
        sa.select(Approval).where(Approval.kind == kind, Approval.subject_id == subject_id)
    )


def waiting(kind: str, subject_id: int) -> Approval | None:
    """The first approval of a subject that waits for a second colleague, if any."""
    found = approval_of(kind, subject_id)
    return found if found is not None and not found.complete else None


def forget(kind: str, subject_id: int) -> None:
    """Drop the approvals of a subject whose decision was undone (a payment file the bank
    rejected): the next decision about it needs its own approvals again."""
    db.session.execute(
        sa.delete(Approval)
        .where(Approval.kind == kind, Approval.subject_id == subject_id)
        .execution_options(synchronize_session="fetch")
    )


def _locked(kind: str, subject_id: int) -> Approval | None:
    return db.session.scalars(
        sa.select(Approval)
        .where(Approval.kind == kind, Approval.subject_id == subject_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def _start(
    kind: str, subject_id: int, amount_cents: int, actor: "User", organisation_id: int
) -> bool:
    """Record a first approval; False when a colleague's first approval came in at this very
    moment (the unique constraint): the caller reads that one."""
    try:
        with savepoint():
            db.session.add(
                Approval(
                    kind=kind,
                    subject_id=subject_id,
                    organisation_id=organisation_id,
                    amount_cents=amount_cents,
                    first_by_id=actor.id,
                    first_at=clock.now(),
                )
            )
    except IntegrityError:
        return False
    return True


def _restart(approval: Approval, amount_cents: int, actor: "User") -> None:
    """Another amount than the one approved: the new amount starts with this approval."""
    approval.amount_cents = amount_cents
    approval.first_by_id = actor.id
    approval.first_at = clock.now()
    approval.second_by_id = None
    approval.second_at = None
    db.session.flush()


def _complete(approval: Approval, actor: "User") -> bool:
    """The second approval, written only if no one gave it yet and the first was another
    person (a conditional UPDATE, on top of the row lock)."""
    result = db.session.execute(
        sa.update(Approval)
        .where(
            Approval.id == approval.id,
            Approval.second_by_id.is_(None),
            Approval.first_by_id != actor.id,
        )
        .values(second_by_id=actor.id, second_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(approval)
    return rowcount(result) == 1


def require_two(
    kind: str, subject_id: int, amount_cents: int, actor: "User", organisation_id: int
) -> bool:
    """Record the actor's approval of a money decision; True when it is complete and the
    caller may go ahead (book, pay, move the state), False when it waits for a colleague.

    ``kind`` and ``subject_id`` name what is approved (e.g. ``"payout_batch"``, its id);
    ``amount_cents`` is the money it moves; ``organisation_id`` the organisation whose staff
    decide. At or below the threshold it is True at once and nothing is recorded. Above it,
    the first call records "approved by the actor" and returns False; a call by a different
    member of the organisation's staff for the same amount completes it and returns True
    (again True for any later call with that amount: the caller's own state check refuses a
    repeat). The same person twice raises ApprovalError, as does someone who is not the
    organisation's staff. Another amount than the one waiting starts over with the actor's
    approval (False). Call it inside the caller's transaction, ideally with the subject's row
    locked; it flushes and never commits."""
    if not can_manage(actor, organisation_id):
        raise ApprovalError(_("Only the organisation's staff can approve this."))
    if not needs_two(amount_cents, organisation_id):
        return True
    approval = _locked(kind, subject_id)
    if approval is None:
        if _start(kind, subject_id, amount_cents, actor, organisation_id):
            return False
        approval = _locked(kind, subject_id)  # a colleague's first approval just committed
        assert approval is not None
    if approval.amount_cents != amount_cents:
        _restart(approval, amount_cents, actor)
        return False
    if approval.complete:
        return True
    if approval.first_by_id == actor.id:
        raise ApprovalError(
            _(
                "You have approved this already. Above the four-eyes amount a second "
                "colleague must approve it too."
            )
        )
    if not _complete(approval, actor):
        raise ApprovalError(_("A colleague has just given the second approval."))
    return True
