"""Password policy: long enough, not common, not built from the user's own name or e-mail."""

from functools import cache
from pathlib import Path

from vrijstad.i18n import lazy_gettext as _l

MIN_LENGTH = 10


@cache
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")
    )


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return str(_l("This password is too common; choose one that is harder to guess."))
    local = email.split("@")[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (
        name and len(name) >= 4 and name.lower().replace(" ", "") in lowered
    ):
        return str(_l("Do not build your password from your name or e-mail address."))
    return None
