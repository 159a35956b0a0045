"""E-mail verification: an account proves it receives mail at its address.

A new account may log in at once, but it publishes and applies for nothing until it has
followed the signed link mailed to its address: every service that publishes a unit or applies
for something (a unit, a contest, a pop-up booking, a subsidy) starts with
`require_verified_email`. The link carries the address it was sent to, so a link for an earlier
address no longer confirms anything after the address changes; it expires after
`EMAIL_VERIFY_MAX_AGE` seconds and is signed with the link keys (and their fallbacks).
Accounts made from an invitation mailed to the address, or by an operator, count as confirmed.
"""

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.notifications.mail import queue_mail
from vrijstad.security import link_signing_keys

VERIFY_SALT = "email-verify"


class EmailNotVerified(DomainError):
    """The action publishes or applies for something, and the account's address is unconfirmed."""


class VerificationLinkError(DomainError):
    """A confirmation link was expired, forged or meant for an earlier address."""


def require_verified_email(user: User) -> None:
    """Refuse to publish or apply for anything for an account whose address is unconfirmed."""
    if user.is_authenticated and not user.email_verified:
        raise EmailNotVerified(
            _(
                "Confirm your e-mail address first: follow the link in the e-mail we sent to "
                "%(email)s. Until then you cannot publish or apply for anything.",
                email=user.email,
            )
        )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(link_signing_keys(current_app.config), salt=VERIFY_SALT)


def make_verify_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "email": user.email})


def verification_link(user: User) -> str:
    return url_for("verification.confirm", token=make_verify_token(user), _external=True)


def link_days() -> int:
    return current_app.config["EMAIL_VERIFY_MAX_AGE"] // (24 * 60 * 60)


def send_verification(user: User) -> None:
    """Mail the user a link that confirms the address (after the commit)."""
    queue_mail(
        user.email,
        _("Confirm your e-mail address for Vrijstad"),
        "verify_email",
        user=user,
        link=verification_link(user),
        days=link_days(),
    )


def mark_unverified(user: User) -> None:
    """The address changed: it must be confirmed again, by a link mailed to it."""
    user.email_verified_at = None
    send_verification(user)


def confirm_email(token: str) -> User:
    """Mark the address in a confirmation link as confirmed; VerificationLinkError if the link
    has expired, is forged, or was sent to an address the account no longer has."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["EMAIL_VERIFY_MAX_AGE"])
    except SignatureExpired as exc:
        raise VerificationLinkError(
            _("This confirmation link has expired. Log in and ask for a new one.")
        ) from exc
    except BadSignature as exc:
        raise VerificationLinkError(_("This confirmation link is not valid.")) from exc
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("email"):
        raise VerificationLinkError(
            _("This confirmation link is for an address the account no longer has.")
        )
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
        record_event(user, "user.email_verified", user, email=user.email)
    return user
