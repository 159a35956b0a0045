"""Accounts: registration, login, password reset and changes.

Nothing here tells a visitor whether an address has an account: registering a taken address
answers as a new one does (its owner is mailed instead), a reset request answers the same
either way, and a login for an unknown address verifies the password against a dummy hash of
the same method, so it takes as long as a wrong password for a known one. Every session and
remember-me cookie carries the user's session token; logging out, changing or resetting the
password gives the user a new one, which ends every session on every device.
"""

import hmac
from functools import cache

import sqlalchemy as sa
from flask import current_app, url_for
from flask_login import LoginManager
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User, new_session_token
from vrijstad.auth.passwords import password_problem
from vrijstad.auth.verification import mark_unverified, verification_link
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.mail import queue_mail
from vrijstad.security import link_signing_keys

RESET_SALT = "password-reset"


class AccountError(DomainError):
    """An account action was refused; field names the form field the message belongs to."""

    field = "password"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


@cache
def _dummy_hash(method: str) -> str:
    """A hash of nothing anyone types, made once per method, to verify unknown logins against."""
    return generate_password_hash(new_session_token(), method=method)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _check_new_account(email: str, password: str, name: str, role: str) -> None:
    problem = password_problem(password, email, name)
    if problem:
        raise AccountError(problem)
    if role not in ("landlord", "starter", "staff"):
        raise AccountError(_("Choose whether you are a landlord or a starter."), "role")


def register_user(
    email: str, password: str, name: str, role: str, locale: str = "nl", verified: bool = False
) -> User:
    """Create a landlord, starter or staff account (invitations check the address first);
    verified: the address is known to be the person's (an invitation mailed to it)."""
    email = normalise_email(email)
    if find_user_by_email(email):
        raise AccountError(_("An account with this e-mail address already exists."), "email")
    _check_new_account(email, password, name, role)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        is_landlord=role == "landlord",
        is_starter=role == "starter",
        email_verified_at=clock.now() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    record_event(user, "user.registered", user, role=role)
    return user


def sign_up(email: str, password: str, name: str, role: str, locale: str = "nl") -> User | None:
    """Registration from the public form: a new account gets a welcome mail with the link that
    confirms its address (until then it may log in, but publishes and applies for nothing); an
    address that has an account gets nothing new, its owner a mail with a reset link (returns
    None)."""
    owner = find_user_by_email(email)
    if owner is None:
        user = register_user(email, password, name, role, locale)
        login = url_for("auth.login", _external=True)
        confirm = verification_link(user)
        subject = _("Welcome to Vrijstad")
        queue_mail(user.email, subject, "welcome", user=user, link=login, verify_link=confirm)
        return user
    _check_new_account(owner.email, password, name, role)
    hash_password(password)  # the work a new account costs, so the answer takes as long
    _mail_register_attempt(owner)
    return None


def _mail_register_attempt(owner: User) -> None:
    if not owner.active:
        return
    queue_mail(
        owner.email,
        _("Someone tried to register with your e-mail address"),
        "register_attempt",
        user=owner,
        link=url_for("auth.reset_password", token=make_reset_token(owner), _external=True),
        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user_by_email(email)
    # One verification on every path, so the time taken does not reveal accounts.
    stored = user.password_hash if user is not None else _dummy_hash(_hash_method())
    correct = check_password_hash(stored, password)
    if user is None or not user.active or not correct:
        return None
    return user


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every session and remember-me cookie stops working."""
    user.session_token = new_session_token()


def set_password(user: User, password: str) -> None:
    """Replace a user's password after checking the policy."""
    problem = password_problem(password, user.email, user.name)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    end_sessions(user)
    record_event(user, "user.password_changed", user)


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError(_("Your current password is not correct."), "current")
    set_password(user, new)


def change_email(user: User, password: str, new_email: str) -> None:
    """Change the login e-mail; the old address is told about it."""
    if not check_password_hash(user.password_hash, password):
        raise AccountError(_("Your current password is not correct."))
    new_email = normalise_email(new_email)
    if new_email == user.email:
        return
    if find_user_by_email(new_email):
        raise AccountError(_("An account with this e-mail address already exists."), "email")
    old_email = user.email
    user.email = new_email
    mark_unverified(user)
    record_event(user, "user.email_changed", user, old=old_email, new=new_email)
    queue_mail(
        old_email,
        _("Your e-mail address on Vrijstad was changed"),
        "email_changed",
        user=user,
        old_email=old_email,
    )


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(link_signing_keys(current_app.config), salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    # The password-hash fragment makes the link single-use: once the password changes it fails.
    return _reset_serializer().dumps({"uid": user.id, "ph": user.password_hash[-16:]})


def request_password_reset(email: str) -> None:
    """Mail a one-time reset link if the address has an account (silent otherwise)."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    link = url_for("auth.reset_password", token=make_reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    queue_mail(
        user.email,
        _("Reset your Vrijstad password"),
        "reset_password",
        user=user,
        link=link,
        minutes=minutes,
    )


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to; AccountError when expired, used or forged."""
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise AccountError(_("This reset link has expired. Request a new one.")) from exc
    except BadSignature as exc:
        raise AccountError(_("This reset link is not valid.")) from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or user.password_hash[-16:] != data.get("ph"):
        raise AccountError(_("This reset link has already been used. Request a new one."))
    return user


def set_locale(user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the user whose id and current session token the cookie holds."""
    uid, _sep, token = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def init_login(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
