"""Notify a person of an event: an in-app notice and an e-mail, both in their own language."""

import re
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.extensions import db, rowcount
from vrijstad.i18n import date_filter, eur_filter, force_locale
from vrijstad.notifications.mail import queue_mail
from vrijstad.notifications.models import Notification
from vrijstad.notifications.texts import text_for


def _localised(data: dict) -> dict:
    """Raw values formatted for the reader: amount_cents as `amount`, deadline_on (ISO date) as
    `deadline`, so a notice shows € and dates in the reader's own language."""
    values = dict(data)
    if isinstance(values.get("amount_cents"), int):
        values["amount"] = eur_filter(values["amount_cents"])
    if "deadline_on" in values:
        deadline = values["deadline_on"]
        values["deadline"] = date_filter(date.fromisoformat(deadline)) if deadline else "—"
    return values


def notification_text(kind: str, data: dict) -> str:
    """The sentence for a notice, rendered in the current language: the kind's registered
    text (``texts.register_texts``) filled with the data; the kind itself when it has no text,
    the bare text when the data do not fit it."""
    template = text_for(kind)
    if template is None:
        return kind
    text = str(template)
    try:
        return text % _localised(data)
    except (KeyError, TypeError, ValueError):
        return text


#: The longest mail subject; a longer text is cut at a word and ends in "…".
SUBJECT_LIMIT = 120


def subject_of(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """The text as a mail subject: whole when it fits, else its whole words up to three
    characters short of the limit, and "…"."""
    if len(text) <= limit:
        return text
    room = limit - 3
    space = text.rfind(" ", 0, room + 1)
    head = text[:space] if space > 0 else text[:room]
    return head.rstrip(" ,;:") + "…"


SENTENCE_END = re.compile(r"(?<=[.!?;])\s")


def headline(text: str) -> str:
    """A notice's first sentence, as a short mail subject (the body carries the rest)."""
    first = SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    return subject_of(first.rstrip(".;") if first.endswith((".", ";")) else first)


def links(endpoint: str, url_values: dict) -> tuple[str, str]:
    """The page's path (for the notice) and its full address (for the mail).

    Outside a request (a job, the CLI) they are built as a request to BASE_URL would build
    them. Not with SERVER_NAME: it would also set the host of every full address built in a
    request (the API's page links, for one)."""
    if not has_request_context():
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            return links(endpoint, url_values)
    return url_for(endpoint, **url_values), url_for(endpoint, _external=True, **url_values)


def notify(
    users: Iterable[User],
    kind: str,
    endpoint: str,
    url_values: dict,
    data: dict,
    attachments=(),
) -> None:
    """Add a notice for each user (once each) and mail them after the commit."""
    seen: set[int] = set()
    url, link = links(endpoint, url_values)
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id, kind=kind, data=data, url=url))
        with force_locale(user.locale or "nl"):
            text = notification_text(kind, data)
            queue_mail(
                user.email,
                headline(text),
                "notification",
                attachments=attachments,
                text=text,
                link=link,
                name=user.name,
            )


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def notifications_of(user: User) -> sa.Select:
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one notice (or all) of this user as read; returns how many changed."""
    query = sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return rowcount(db.session.execute(query.values(read_at=clock.now())))
