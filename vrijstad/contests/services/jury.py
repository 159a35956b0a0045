"""The shortlist and the jury: invitations, conflicts of interest, scoring."""

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.services import find_user_by_email, normalise_email, register_user
from vrijstad.contests.models import (
    SCORE_MAX,
    SCORE_MIN,
    Conflict,
    Contest,
    ContestEntry,
    ContestStatus,
    EntryStatus,
    Juror,
    JuryScore,
)
from vrijstad.contests.services.access import juror_of, require_staff
from vrijstad.contests.services.base import (
    ContestError,
    check_move,
    lock_contest,
    move_contest,
    move_entry,
    notify_entrants,
)
from vrijstad.contests.services.entries import entry_of
from vrijstad.contests.services.readiness import can_start_judging
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.mail import queue_mail


def shortlist(actor: User, contest: Contest, entry_ids: Iterable[int]) -> Contest:
    """Choose the finalists; the other entrants hear they were not chosen."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    check_move(contest, ContestStatus.SHORTLISTED)
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
        move_entry(actor, entry, target)
    move_contest(actor, contest, ContestStatus.SHORTLISTED, finalists=sorted(chosen))
    notify_entrants(contest, "contest.finalist", [e for e in submitted if e.id in chosen])
    notify_entrants(
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
    require_staff(actor, contest.organisation_id)
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
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    can_start_judging(contest).require()
    move_contest(actor, contest, ContestStatus.JUDGING)
    return contest


def unscored(contest: Contest) -> list[tuple[Juror, int]]:
    """The jurors (who accepted) with finalists still to score, and how many: a finalist a
    juror declared a conflict with is not theirs to score."""
    finalists = {e.id for e in contest.entries if e.status == EntryStatus.FINALIST}
    jurors = [j for j in contest.jurors if j.accepted_at is not None]
    done = {
        (juror_id, entry_id)
        for juror_id, entry_id in db.session.execute(
            sa.select(JuryScore.juror_id, JuryScore.entry_id)
            .where(JuryScore.juror_id.in_([j.id for j in jurors]))
            .union(
                sa.select(Conflict.juror_id, Conflict.entry_id).where(
                    Conflict.juror_id.in_([j.id for j in jurors])
                )
            )
        )
    }
    missing = [(j, sum((j.id, e) not in done for e in finalists)) for j in jurors]
    return [(juror, n) for juror, n in missing if n]


def close_judging(actor: User, contest: Contest, confirm_unscored: bool = False) -> Contest:
    """Close the scoring: from now on the jury sees every score and the ranking. While a juror
    has finalists left to score it closes only when staff confirm they want it anyway."""
    require_staff(actor, contest.organisation_id)
    contest = lock_contest(contest)
    missing = unscored(contest) if contest.status == ContestStatus.JUDGING else []
    if missing and not confirm_unscored:
        raise ContestError(
            _l("Not scored yet: %(jurors)s. Tick the box to close judging anyway."),
            "confirm",
            jurors=", ".join(juror.name for juror, _n in missing),
        )
    move_contest(actor, contest, ContestStatus.JUDGED, unscored=[j.id for j, _n in missing])
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
