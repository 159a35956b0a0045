"""Two-step verification: a TOTP code (RFC 6238, an authenticator app) or a recovery code.

Who must use it (when REQUIRE_2FA is on): platform admins, and everyone on an organisation's
staff: organisation admins approve settlements, payouts and fund spending, and any staff member
of a scheme's organisation grants subsidies. They cannot switch it off; an operator can reset it
(`flask users reset-2fa`). Anyone else may switch it on.

It is switched on only after a code from the new secret is confirmed. A code is accepted one
30-second step either side of now; once a step's code is accepted, no code of that step or an
earlier one is (a conditional UPDATE, so two requests at once cannot both use one code). The
ten recovery codes are shown once and kept as salted SHA-256 hashes (they are random, 50 bits
each, so a slow hash would add nothing); each works once, under the same conditional UPDATE.

Switching it on or off, and a reset, give the user a new session token: every older session and
remember-me cookie ends. So a cookie that still works was issued after the last change, which
for a user with two-step verification means after the second step of a login.
"""

import hashlib
import hmac
import secrets

import pyotp
import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import RecoveryCode, User
from vrijstad.auth.services import end_sessions
from vrijstad.core import DomainError
from vrijstad.extensions import db, rowcount
from vrijstad.i18n import gettext as _

ISSUER = "Vrijstad"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class TwoFactorError(DomainError):
    """A two-step verification action was refused; field names the form field."""

    field = "code"


def is_required(user: User) -> bool:
    """Must this user have two-step verification (platform admin or organisation staff)?"""
    if not current_app.config["REQUIRE_2FA"]:
        return False
    if user.is_admin:
        return True
    return db.session.scalar(user.memberships.select().limit(1)) is not None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code this is, or None."""
    code = _normalise(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.now())
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash_recovery(code: str, salt: str) -> str:
    digest = hashlib.sha256(f"{salt}:{_normalise(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh recovery codes (the old ones stop working); the plain codes, to show once."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(
            RecoveryCode(user_id=user.id, code_hash=_hash_recovery(raw, secrets.token_hex(8)))
        )
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    unused = sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(unused) or 0


def enable(user: User, secret: str, code: str) -> list[str]:
    """Switch two-step verification on once a code of the new secret is confirmed; returns
    the recovery codes (to show once)."""
    if user.two_factor_enabled:
        raise TwoFactorError(_("Two-step verification is already on."))
    step = _matching_step(secret, code)
    if step is None:
        raise TwoFactorError(_("This code is not correct. Enter the code your app shows now."))
    user.totp_secret = secret
    user.totp_enabled_at = clock.now()
    user.totp_last_step = step
    codes = new_recovery_codes(user)
    end_sessions(user)
    record_event(user, "user.two_factor_enabled", user)
    return codes


def _use_totp(user: User, code: str) -> bool:
    """Accept an authenticator code once: False if it is not a current code; TwoFactorError if
    its time step (or a later one) was used already."""
    step = _matching_step(user.totp_secret or "", code)
    if step is None:
        return False
    claimed = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) != 1:
        raise TwoFactorError(_("This code has been used already. Wait for the next code."))
    user.totp_last_step = step
    return True


def _use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once (False if it is none of the user's unused codes)."""
    unused = db.session.scalars(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    for stored in unused:
        salt = stored.code_hash.partition("$")[0]
        if hmac.compare_digest(_hash_recovery(code, salt), stored.code_hash):
            claimed = db.session.execute(
                sa.update(RecoveryCode)
                .where(RecoveryCode.id == stored.id, RecoveryCode.used_at.is_(None))
                .values(used_at=clock.now())
                .execution_options(synchronize_session=False)
            )
            if rowcount(claimed) == 1:
                record_event(user, "user.recovery_code_used", user)
                return True
    return False


def verify(user: User, code: str, recovery: bool = True) -> str:
    """Check the second step: 'totp' or 'recovery' for the kind of code accepted (a recovery
    code only when recovery is true); TwoFactorError otherwise."""
    if not user.two_factor_enabled:
        raise TwoFactorError(_("Two-step verification is off."))
    if _use_totp(user, code):
        return "totp"
    if recovery and _use_recovery_code(user, code):
        return "recovery"
    raise TwoFactorError(_("This code is not correct."))


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes for a current authenticator code; the old ones stop working."""
    verify(user, code, recovery=False)
    codes = new_recovery_codes(user)
    record_event(user, "user.recovery_codes_renewed", user)
    return codes


def _switch_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(user)


def disable(user: User, password: str, code: str) -> None:
    """Switch two-step verification off (password and a code), unless the user must have it."""
    if is_required(user):
        raise TwoFactorError(
            _("Your role needs two-step verification, so you cannot switch it off.")
        )
    if not check_password_hash(user.password_hash, password):
        raise TwoFactorError(_("Your current password is not correct."), "password")
    verify(user, code)
    _switch_off(user)
    record_event(user, "user.two_factor_disabled", user)


def reset(user: User) -> None:
    """An operator's reset for a locked-out user: off, and every session ended."""
    _switch_off(user)
    record_event(None, "user.two_factor_reset", user)
