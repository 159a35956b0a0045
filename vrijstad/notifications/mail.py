"""Outgoing e-mail, sent only after the database transaction commits.

Services call queue_mail(); the message waits in the SQLAlchemy session and, in the
session's after_commit event, becomes a background job (a rollback drops it). The job runs
on an RQ worker when REDIS_URL is set, in the request otherwise; when Redis cannot be
reached the message is delivered in the request too. With no MAIL_SERVER configured every
message is written to the outbox folder as an .eml file instead of being sent.
"""

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flask import Flask, current_app, render_template
from flask_mail import Message
from jinja2 import TemplateNotFound
from sqlalchemy import event
from sqlalchemy.orm import Session

from vrijstad import clock, jobs
from vrijstad.core import transaction_list
from vrijstad.extensions import mail
from vrijstad.i18n import current_language
from vrijstad.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from werkzeug.local import LocalProxy

_PENDING = "vrijstad_pending_mail"


def build_message(to: str, subject: str, template: str, attachments=(), **context) -> Message:
    """A mail from templates/mail/<template>.txt, with an HTML part when <template>.html exists;
    attachments are (filename, content type, bytes)."""
    context.setdefault("lang", current_language())
    body = render_template(f"mail/{template}.txt", **context)
    try:
        html = render_template(f"mail/{template}.html", **context)
    except TemplateNotFound:
        html = None
    message = Message(subject=subject, recipients=[to], body=body, html=html)
    for filename, content_type, data in attachments:
        message.attach(filename, content_type, data)
    return message


def _app() -> Flask:
    """The application itself, not the proxy: it is used after the request has ended."""
    return cast("LocalProxy[Flask]", current_app)._get_current_object()


def queue_mail(to: str, subject: str, template: str, attachments=(), **context) -> Message:
    """Render a mail (see build_message) and send it after the commit."""
    return queue_message(build_message(to, subject, template, attachments, **context))


def queue_message(message: Message) -> Message:
    """Send a built message after the commit (dropped on a rollback)."""
    transaction_list(_PENDING).append((_app(), message))
    return message


def deliver(app: Flask, message: Message) -> None:
    """Send over SMTP when configured; otherwise write an .eml file to the outbox."""
    if app.config.get("MAIL_SERVER"):
        with app.app_context():
            mail.send(message)
        return
    outbox = Path(app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    if not message.sender:
        message.sender = app.config["MAIL_DEFAULT_SENDER"]
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
    recipient = message.recipients[0]  # an address, or (name, address)
    address = recipient if isinstance(recipient, str) else recipient[1]
    slug = re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-")
    (outbox / f"{stamp}-{slug}-{uuid.uuid4().hex[:6]}.eml").write_bytes(message.as_bytes())


def send_message(message: Message) -> None:
    """The mail job: deliver once, so a retried job never sends the message twice."""
    jobs.once("deliver", deliver, _app(), message)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer work is not committed
        return
    pending = session.info.pop(_PENDING, [])
    for app, message in pending:
        try:
            jobs.enqueue_now(send_message, message, job_title=_l("Sending e-mail"))
        except jobs.JobsUnavailable:
            app.logger.warning("job queue unreachable; delivering mail in the request")
            _deliver_now(app, message)
        except Exception:  # a mail failure must not undo a committed change
            app.logger.exception("could not queue mail to %s", message.recipients)


def _deliver_now(app: Flask, message: Message) -> None:
    try:
        deliver(app, message)
    except Exception:
        app.logger.exception("could not deliver mail to %s", message.recipients)


def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint: the outer work goes on
        return
    session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)
