"""Who may do what in a contest: staff, the public, jurors and entrants."""

import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.contests.models import Contest, ContestEntry, ContestStatus, Juror
from vrijstad.contests.services.base import ContestError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.services import can_manage


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


def require_staff(actor: User, organisation_id: int) -> None:
    if not actor.is_authenticated or not can_manage(actor, organisation_id):
        raise ContestError(_("Only the organisation's staff can do this."))
