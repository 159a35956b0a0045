"""Form submissions recognised by their key: a double click, or a form sent twice, books once.

A money form carries a random key, made when the form is rendered (`SubmissionKeyField`). The
view claims the key before it calls the service. The claim is a row under a unique constraint
on (scope, key), so it holds across processes: when the same form arrives twice at the same
moment, the second claim waits for the first transaction and then finds its row. A repeated
key is answered with the first submission's result instead of running the service again. A
service that refuses rolls the claim back with everything else, so the form can be corrected
and sent again under the same key.

The key only recognises the same submission: the rules themselves (what is still open on an
invoice, the state of a settlement) are checked by the services under a row lock.
"""

import re
import secrets
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField
from wtforms.validators import ValidationError

from vrijstad import clock
from vrijstad.extensions import Model, db, savepoint
from vrijstad.i18n import gettext as _

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class Submission(Model):
    """A form submission that ran once; `result` tells what it made (e.g. 'payment:17')."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the form acts on, e.g. 'payment:invoice:12'.
    scope: Mapped[str] = mapped_column(sa.String(80))
    key: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    result: Mapped[str | None] = mapped_column(sa.String(120))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=clock.now)

    __table_args__ = (sa.UniqueConstraint("scope", "key", name="one_submission_per_key"),)


def new_key() -> str:
    return secrets.token_urlsafe(24)


class SubmissionKeyField(HiddenField):
    """A hidden field with a fresh key each time the form is rendered (optional on a POST)."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, default=new_key, **kwargs)

    def pre_validate(self, form) -> None:
        if self.data and not KEY_PATTERN.fullmatch(self.data):
            raise ValidationError(_("This form has expired: reload the page."))


class Claim(NamedTuple):
    submission: Submission | None
    #: True when this key ran before: answer with submission.result, do not run again.
    repeated: bool


def claim(scope: str, key: str | None, user_id: int | None = None) -> Claim:
    """Claim a submission key for a scope. Without a key (an older client) nothing is
    recorded and the service runs; its own row lock still keeps the books right."""
    if not key:
        return Claim(None, False)
    earlier = _find(scope, key)
    if earlier is not None:
        return Claim(earlier, True)
    submission = Submission(scope=scope[:80], key=key[:64], user_id=user_id)
    try:
        with savepoint():
            db.session.add(submission)
    except IntegrityError:  # the same key at the same moment: the other one has committed
        return Claim(_find(scope, key), True)
    return Claim(submission, False)


def _find(scope: str, key: str) -> Submission | None:
    return db.session.scalar(
        sa.select(Submission).where(Submission.scope == scope[:80], Submission.key == key[:64])
    )
