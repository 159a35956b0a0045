"""The public vote: one confirmed vote per mailbox, counted once the address confirmed it."""

import hashlib
import hmac
from datetime import date

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from vrijstad import clock
from vrijstad.auth.services import normalise_email
from vrijstad.contests.models import RESULT_STATUSES, Contest, ContestEntry, ContestStatus, Vote
from vrijstad.contests.services.base import VOTE_LINK_DAYS, VOTE_SALT, ContestError
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import gettext as _
from vrijstad.notifications.mail import queue_mail
from vrijstad.security import link_signing_keys, vote_hash_keys


def vote_is_open(contest: Contest, today: date | None = None) -> bool:
    today = today or clock.today()
    window = contest.vote_window
    return (
        window is not None
        and contest.status
        in (ContestStatus.SHORTLISTED, ContestStatus.JUDGING, ContestStatus.JUDGED)
        and window[0] <= today <= window[1]
    )


def vote_has_closed(contest: Contest, today: date | None = None) -> bool:
    """Whether the vote is over, so its count may be shown and used."""
    window = contest.vote_window
    if window is None:
        return False
    return contest.status in RESULT_STATUSES or (today or clock.today()) > window[1]


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
    contest = db.session.get_one(Contest, vote.contest_id)
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
