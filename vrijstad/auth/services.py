"""Accounts: registration, login, password reset and changes."""

import sqlalchemy as sa
from flask import current_app, url_for
from flask_login import LoginManager
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.passwords import password_problem
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.notifications.mail import queue_mail

RESET_SALT = "password-reset"


class AccountError(DomainError):
    """An account action was refused; field names the form field the message belongs to."""

    def __init__(self, message: str, field: str = "password") -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def register_user(email: str, password: str, name: str, role: str, locale: str = "nl") -> User:
    """Create a landlord or starter account."""
    email = normalise_email(email)
    if find_user_by_email(email):
        raise AccountError(_("An account with this e-mail address already exists."), "email")
    problem = password_problem(password, email, name)
    if problem:
        raise AccountError(problem)
    if role not in ("landlord", "starter", "staff"):
        raise AccountError(_("Choose whether you are a landlord or a starter."), "role")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        is_landlord=role == "landlord",
        is_starter=role == "starter",
    )
    db.session.add(user)
    db.session.flush()
    record_event(user, "user.registered", user, role=role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user_by_email(email)
    if user is None:
        # Spend the same time as a real check so response times do not reveal accounts.
        check_password_hash(hash_password("timing-equaliser"), password)
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password after checking the policy."""
    problem = password_problem(password, user.email, user.name)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
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
    record_event(user, "user.email_changed", user, old=old_email, new=new_email)
    queue_mail(
        old_email,
        _("Your e-mail address on Vrijstad was changed"),
        "email_changed",
        user=user,
        old_email=old_email,
    )


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


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
    uid, _sep, fragment = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or user.password_hash[-12:] != fragment:
        return None
    return user


def init_login(login_manager: LoginManager) -> None:
    from vrijstad.i18n import lazy_gettext as _l

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
