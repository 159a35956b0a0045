"""Saved searches and favourites: who may keep them, saving, changing and removing them, and
the notices when a favourite unit is let or its rent changes.

A saved search is the query string of a unit search, normalised: only the search's own
parameters (``units.search.PARAMETERS``), in their fixed order, the first value of each, and
only values the search form accepts. It is read back by the same form the search page uses,
so a saved search finds exactly what the page finds.
"""

from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.notifications.services import notify
from vrijstad.saved.models import DigestFrequency, DigestUnit, Favourite, SavedSearch
from vrijstad.units import events
from vrijstad.units.forms import SearchForm
from vrijstad.units.models import Unit, UnitStatus, monthly
from vrijstad.units.search import PARAMETERS, UnitFilters
from vrijstad.units.search_query import search_filters

#: Saved searches one person may keep.
MAX_SEARCHES = 50


class SavedError(DomainError):
    """A saved search or favourite change was refused; field names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def may_save(user: User) -> bool:
    """Starters keep searches and favourites (signed in, with a starter account)."""
    return bool(user.is_authenticated and user.is_starter and user.active)


def owns(user: User, item: SavedSearch | Favourite) -> bool:
    return bool(user.is_authenticated and item.user_id == user.id)


def _search_form(values: MultiDict) -> SearchForm:
    form = SearchForm(values)
    form.validate()
    return form


def normalise_query(args: MultiDict) -> str:
    """The search's own parameters of a query string, valid ones only, in a fixed order
    (paging and anything else left out)."""
    values = MultiDict(
        [(name, args.get(name, "").strip()) for name in PARAMETERS if args.get(name, "").strip()]
    )
    form = _search_form(values)
    kept = [(name, value) for name, value in values.items() if name not in form.errors]
    return urlencode([(n, v) for n, v in kept if not (n == "sort" and v == "newest")])


def decode(query: str) -> list[tuple[str, str]]:
    """A query string's search parameters, as pairs."""
    return [(n, v) for n, v in parse_qsl(query) if n in PARAMETERS]


def query_args(search: SavedSearch) -> MultiDict:
    """The saved query string as request arguments (to open it as a search)."""
    return MultiDict(decode(search.query))


def filters_of(search: SavedSearch) -> UnitFilters:
    """The filters of a saved search, read by the search page's own form."""
    return search_filters(_search_form(query_args(search)))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise SavedError(_("Give the search a name."), "name")
    if len(name) > 120:
        raise SavedError(_("Keep the name under 120 characters."), "name")
    return name


def save_search(user: User, args: MultiDict, name: str, frequency: DigestFrequency) -> SavedSearch:
    """Keep the search of these query arguments under a name; the digest starts after one
    interval (a daily one tomorrow, a weekly one in a week)."""
    if not may_save(user):
        raise SavedError(_("Only starters can save searches."))
    count = db.session.scalar(
        sa.select(sa.func.count(SavedSearch.id)).where(SavedSearch.user_id == user.id)
    )
    if (count or 0) >= MAX_SEARCHES:
        raise SavedError(_("You can keep at most %(max)d searches.", max=MAX_SEARCHES))
    search = SavedSearch(
        user_id=user.id,
        name=_check_name(name),
        query=normalise_query(args),
        frequency=DigestFrequency(frequency),
        mailing=True,
        created_at=clock.now(),
        last_digest_on=clock.today(),
    )
    db.session.add(search)
    db.session.flush()
    return search


def update_search(
    user: User, search: SavedSearch, name: str, frequency: DigestFrequency, mailing: bool
) -> SavedSearch:
    if not owns(user, search):
        raise SavedError(_("This is not your search."))
    search.name = _check_name(name)
    search.frequency = DigestFrequency(frequency)
    search.mailing = mailing
    db.session.flush()
    return search


def delete_search(user: User, search: SavedSearch) -> None:
    if not owns(user, search):
        raise SavedError(_("This is not your search."))
    db.session.delete(search)
    db.session.flush()


def searches_of(user: User) -> sa.Select:
    return (
        sa.select(SavedSearch)
        .where(SavedSearch.user_id == user.id)
        .order_by(SavedSearch.created_at.desc(), SavedSearch.id.desc())
    )


def set_favourite(user: User, unit: Unit, wanted: bool) -> bool:
    """Make the unit a favourite of the user or not; the same request twice (a double click)
    leaves it as once. Returns whether it is a favourite now."""
    if not may_save(user):
        raise SavedError(_("Only starters can keep favourites."))
    if not wanted:
        db.session.execute(
            sa.delete(Favourite).where(Favourite.user_id == user.id, Favourite.unit_id == unit.id)
        )
        return False
    if is_favourite(user, unit.id):
        return True
    try:
        with db.session.begin_nested():  # a parallel click may have added it a moment ago
            db.session.add(Favourite(user_id=user.id, unit_id=unit.id, created_at=clock.now()))
    except IntegrityError:
        pass
    return True


def is_favourite(user: User, unit_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Favourite.id).where(
                Favourite.user_id == user.id, Favourite.unit_id == unit_id
            )
        )
        is not None
    )


def favourite_ids(user: User) -> frozenset[int]:
    """The ids of the user's favourite units (for the hearts on a page)."""
    if not may_save(user):
        return frozenset()
    return frozenset(
        db.session.scalars(sa.select(Favourite.unit_id).where(Favourite.user_id == user.id))
    )


def favourites_of(user: User) -> sa.Select:
    return (
        sa.select(Favourite)
        .join(Favourite.unit)
        .where(Favourite.user_id == user.id)
        .order_by(Favourite.created_at.desc(), Favourite.id.desc())
    )


def _fans(unit: Unit) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Favourite, Favourite.user_id == User.id)
            .where(Favourite.unit_id == unit.id)
            .order_by(User.id)
        )
    )


@events.on_status_change
def _favourite_let(unit: Unit, old: UnitStatus, new: UnitStatus) -> None:
    if new == UnitStatus.LET:
        notify(_fans(unit), "favourite.let", "units.detail", {"unit_id": unit.id}, _unit_data(unit))


@events.on_rent_change
def _favourite_rent(unit: Unit, old: int, new: int) -> None:
    if not unit.is_public or monthly(old) == monthly(new):
        return
    data = _unit_data(unit) | {
        "old": eur_filter(monthly(old)),
        "new": eur_filter(monthly(new)),
    }
    notify(_fans(unit), "favourite.rent", "units.detail", {"unit_id": unit.id}, data)


def _unit_data(unit: Unit) -> dict:
    return {"unit": f"{unit.address}, {unit.city}", "unit_id": unit.id}


def export_of(user: User) -> dict:
    """A person's saved searches and favourites, for the data export."""
    searches = db.session.scalars(searches_of(user))
    favourites = db.session.scalars(favourites_of(user))
    return {
        "saved_searches": [
            {
                "name": s.name,
                "query": s.query,
                "frequency": s.frequency.value,
                "mailing": s.mailing,
                "created_at": s.created_at.isoformat(),
            }
            for s in searches
        ],
        "favourites": [
            {"unit_id": f.unit_id, "created_at": f.created_at.isoformat()} for f in favourites
        ],
    }


def forget(user: User) -> None:
    """Remove a person's saved searches (with what their digests sent) and favourites."""
    ids = sa.select(SavedSearch.id).where(SavedSearch.user_id == user.id)
    db.session.execute(sa.delete(DigestUnit).where(DigestUnit.search_id.in_(ids)))
    db.session.execute(sa.delete(SavedSearch).where(SavedSearch.user_id == user.id))
    db.session.execute(sa.delete(Favourite).where(Favourite.user_id == user.id))
