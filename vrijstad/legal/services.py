"""The terms of use and the privacy statement, and the users' consent to them.

The platform admin publishes a text as a new numbered version; a version is never changed, so
what a user accepted stays readable. Before any version is published the text shipped with the
software (`defaults/<kind>.<language>.md`) applies, as version 0. A new account accepts the
current versions of both texts at registration. A user whose latest acceptance of a text is
older than its current version is asked to accept the new one; a user from before this feature
counts as having accepted version 0, so only a published version asks anything of them.
Texts are Markdown, rendered with raw HTML switched off: an admin cannot put a script on a page.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from markdown_it import MarkdownIt
from markupsafe import Markup

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import gettext as _
from vrijstad.legal.models import Consent, LegalKind, LegalText

DEFAULTS = Path(__file__).resolve().parent / "defaults"
MAX_LENGTH = 100_000


class LegalError(DomainError):
    """Publishing a text was refused."""


@dataclass(frozen=True)
class Version:
    """A version of a text as shown: a published one, or the shipped default (version 0)."""

    kind: LegalKind
    number: int
    body: str
    published_at: datetime | None = None


def _default_body(kind: LegalKind, language: str) -> str:
    path = DEFAULTS / f"{kind.value}.{language}.md"
    if not path.exists():
        path = DEFAULTS / f"{kind.value}.nl.md"
    return path.read_text(encoding="utf-8")


def default_version(kind: LegalKind, language: str = "nl") -> Version:
    return Version(kind, 0, _default_body(kind, language))


def _as_version(text: LegalText) -> Version:
    return Version(text.kind, text.version, text.body, text.published_at)


def current_version(kind: LegalKind, language: str = "nl") -> Version:
    """The latest published version of the text, or the shipped one."""
    text = db.session.scalar(
        sa.select(LegalText).where(LegalText.kind == kind).order_by(LegalText.version.desc())
    )
    return _as_version(text) if text is not None else default_version(kind, language)


def version_of(kind: LegalKind, number: int, language: str = "nl") -> Version | None:
    """A given version (0: the shipped one), or None if there is no such version."""
    if number == 0:
        return default_version(kind, language)
    text = db.session.scalar(
        sa.select(LegalText).where(LegalText.kind == kind, LegalText.version == number)
    )
    return _as_version(text) if text is not None else None


def history(kind: LegalKind) -> list[LegalText]:
    """Every published version of the text, newest first."""
    return list(
        db.session.scalars(
            sa.select(LegalText).where(LegalText.kind == kind).order_by(LegalText.version.desc())
        )
    )


def current_numbers() -> dict[LegalKind, int]:
    """The current version number of each text (0 while only the shipped one exists)."""
    rows = db.session.execute(
        sa.select(LegalText.kind, sa.func.max(LegalText.version)).group_by(LegalText.kind)
    )
    found = {kind: number for kind, number in rows}
    return {kind: found.get(kind, 0) for kind in LegalKind}


def accepted_numbers(user: User) -> dict[LegalKind, int]:
    """The latest version of each text the user accepted (0 when never asked)."""
    rows = db.session.execute(
        sa.select(Consent.kind, sa.func.max(Consent.version))
        .where(Consent.user_id == user.id)
        .group_by(Consent.kind)
    )
    found = {kind: number for kind, number in rows}
    return {kind: found.get(kind, 0) for kind in LegalKind}


def outstanding(user: User) -> list[LegalKind]:
    """The texts of which the user has yet to accept the current version."""
    current = current_numbers()
    if not any(current.values()):
        return []  # nothing published: nobody has anything to accept
    accepted = accepted_numbers(user)
    return [kind for kind in LegalKind if accepted[kind] < current[kind]]


def record_consent(user: User, kinds: list[LegalKind] | None = None) -> list[Consent]:
    """The user accepts the current versions of these texts (default: both)."""
    current = current_numbers()
    consents = [
        Consent(user_id=user.id, kind=kind, version=current[kind])
        for kind in (kinds if kinds is not None else list(LegalKind))
    ]
    db.session.add_all(consents)
    db.session.flush()
    return consents


def consents_of(user: User) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent).where(Consent.user_id == user.id).order_by(Consent.id)
        )
    )


def publish(actor: User, kind: LegalKind, body: str) -> LegalText:
    """The platform admin publishes a new version of a text; users are asked to accept it."""
    if not (actor.is_authenticated and actor.is_admin):
        raise LegalError(_("Only a platform admin can publish the terms and privacy statement."))
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise LegalError(_("Write the text."))
    if len(body) > MAX_LENGTH:
        raise LegalError(_("Keep the text under %(n)d characters.", n=MAX_LENGTH))
    latest = db.session.scalar(
        sa.select(sa.func.max(LegalText.version)).where(LegalText.kind == kind)
    )
    text = LegalText(kind=kind, version=(latest or 0) + 1, body=body, published_by_id=actor.id)
    try:
        with savepoint():
            db.session.add(text)
    except sa.exc.IntegrityError as exc:
        raise LegalError(
            _("Someone else published a new version just now. Reload and check it first.")
        ) from exc
    record_event(actor, "legal.published", text, kind=kind.value, version=text.version)
    return text


_markdown = MarkdownIt("commonmark", {"html": False})


def render(body: str) -> Markup:
    """A text's Markdown as HTML; raw HTML in it is shown as text, never run."""
    return Markup(_markdown.render(body))  # nosec B704 - markdown-it escapes, html is off
