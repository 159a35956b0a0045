"""The e-mail digest of saved searches (the scheduled ``flask digest``): per search, the units
on offer that match it and were listed since it was saved, each unit mailed once.

A search is due one interval (a day or a week, the starter's choice) after its last run. Each
search is claimed by a conditional update of its ``last_digest_on`` before anything is sent:
two runs at once, or the same run twice, send a search's digest once; and what a digest sent
is recorded (one row per search and unit, unique), so no unit comes twice.

The digest carries a signed link that stops it (no login needed), also as RFC 8058
``List-Unsubscribe`` headers for the mail program's own button.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.extensions import db, rowcount
from vrijstad.i18n import force_locale, ngettext
from vrijstad.i18n import gettext as _
from vrijstad.notifications.mail import build_message, queue_message
from vrijstad.notifications.services import subject_of
from vrijstad.saved.models import DigestFrequency, DigestUnit, SavedSearch
from vrijstad.saved.services import SavedError, filters_of, query_args
from vrijstad.security import link_signing_keys
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.search import search_units

UNSUBSCRIBE_SALT = "saved-search-unsubscribe"
#: The most units one digest lists (the link to the search shows the rest).
DIGEST_LIMIT = 20


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(link_signing_keys(current_app.config), salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(search: SavedSearch) -> str:
    return str(_serializer().dumps({"s": search.id, "u": search.user_id}))


def search_of_token(token: str) -> SavedSearch:
    """The saved search a signed unsubscribe link is for; a changed link, or one for a search
    that is gone, is refused."""
    try:
        data = _serializer().loads(token)
        search = db.session.get(SavedSearch, int(data["s"]))
        user_id = int(data["u"])
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise SavedError(
            _("This unsubscribe link is not valid. Use the link in the e-mail as it is.")
        ) from exc
    if search is None or search.user_id != user_id:
        raise SavedError(_("This saved search no longer exists: you receive no e-mails for it."))
    return search


def unsubscribe(search: SavedSearch) -> SavedSearch:
    """No more digests of this search (the search itself stays in the starter's list)."""
    search.mailing = False
    db.session.flush()
    return search


def due_searches(today: date) -> list[int]:
    """Ids of the searches whose digest is due today, oldest first."""
    due = sa.or_(
        *(
            sa.and_(
                SavedSearch.frequency == frequency,
                SavedSearch.last_digest_on <= today - frequency.interval,
            )
            for frequency in DigestFrequency
        )
    )
    return list(
        db.session.scalars(
            sa.select(SavedSearch.id)
            .join(User, User.id == SavedSearch.user_id)
            .where(SavedSearch.mailing, User.active, due)
            .order_by(SavedSearch.id)
        )
    )


def _claim(search: SavedSearch, today: date) -> bool:
    """Mark the search as run today, only if no other run did: true for the one run that may
    send it."""
    changed = db.session.execute(
        sa.update(SavedSearch)
        .where(
            SavedSearch.id == search.id,
            SavedSearch.mailing,
            SavedSearch.last_digest_on <= today - search.frequency.interval,
        )
        .values(last_digest_on=today)
        .execution_options(synchronize_session=False)
    )
    return rowcount(changed) == 1


def new_units(search: SavedSearch) -> list[Unit]:
    """Units on offer matching the search, listed since it was saved, not yet sent by it."""
    sent = sa.select(DigestUnit.id).where(
        DigestUnit.search_id == search.id, DigestUnit.unit_id == Unit.id
    )
    statement = search_units(filters_of(search)).where(
        Unit.status == UnitStatus.LISTED,
        Unit.listed_at >= search.created_at,
        ~sent.exists(),
    )
    return list(db.session.scalars(statement.limit(DIGEST_LIMIT)))


@dataclass(frozen=True)
class Digest:
    search_id: int
    units: tuple[int, ...]


def send_digest(search_id: int, today: date | None = None) -> Digest | None:
    """Run one search's digest if it is due: record its new units and mail them (after the
    commit). None when it was not due or another run had it."""
    today = today or clock.today()
    search = db.session.get(SavedSearch, search_id)
    if search is None or not _claim(search, today):
        return None
    db.session.refresh(search)
    units = new_units(search)
    if units:
        db.session.add_all(
            DigestUnit(search_id=search.id, unit_id=unit.id, sent_on=today) for unit in units
        )
        db.session.flush()
        _mail(search, units)
    return Digest(search.id, tuple(u.id for u in units))


def _mail(search: SavedSearch, units: list[Unit]) -> None:
    user = db.session.get(User, search.user_id)
    assert user is not None
    token = unsubscribe_token(search)
    stop = url_for("saved.unsubscribe", token=token, _external=True)
    with force_locale(user.locale or "nl"):
        subject = subject_of(
            ngettext(
                "%(num)d new unit for “%(name)s”",
                "%(num)d new units for “%(name)s”",
                len(units),
                name=search.name,
            )
        )
        message = build_message(
            user.email,
            subject,
            "saved_digest",
            name=user.name,
            search=search,
            units=units,
            search_url=url_for("units.index", _external=True, **query_args(search)),
            searches_url=url_for("saved.searches", _external=True),
            unit_url=lambda unit: url_for("units.detail", unit_id=unit.id, _external=True),
            unsubscribe_url=stop,
        )
    message.extra_headers = {
        "List-Unsubscribe": f"<{stop}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    queue_message(message)
