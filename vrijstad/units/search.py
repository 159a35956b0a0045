"""The public unit search: the filters a search may set and the SQL it runs.

A search is its query string: city, street, floor area, rent, use, energy label, dates. Those
values are read by SearchForm (see search_query, which also keeps the parsed searches); what
is wrong with them is shown in the filter panel beside the results (the other filters still
apply, and the page answers 400).

The SQL: one statement per combination of filters (values are bound parameters), built once;
one statement gives a page of result cards with the number of matches.

The filters a search sets (FILTERS; the sort order is none) are counted on the phone's
"Filters (N)" button, and a search that finds nothing offers to drop each of them, saying how
many units the wider search finds (search_query.widenings).
"""

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from functools import cache, lru_cache
from typing import TypeVar

import sqlalchemy as sa
from wtforms.fields.core import UnboundField

from vrijstad import database
from vrijstad.units.forms import SearchForm
from vrijstad.units.models import (
    PUBLIC_STATUSES,
    EnergyLabel,
    PermittedUse,
    Unit,
    UnitPhoto,
    monthly,
    street_address,
)
from vrijstad.units.uses import accepted_mask, fits_clause

#: Parsed searches kept per application: a few kilobytes each, the filter panel included.
REMEMBERED_SEARCHES = 2_000
#: app.extensions key of the app's parsed searches (an lru_cache of parse()).
SEARCHES = "vrijstad.searches"
#: The query parameters a search is made of, in a fixed order.
PARAMETERS = tuple(
    name for name, value in vars(SearchForm).items() if isinstance(value, UnboundField)
)


#: The filters a visitor can set, each as the query parameters it is made of and the fields of
#: UnitFilters they fill (the sort order is no filter). Dropping one widens the search.
FILTERS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("city",), ("city",)),
    (("area",), ("area",)),
    (("street",), ("street",)),
    (("min_area",), ("min_area",)),
    (("max_area",), ("max_area",)),
    (("max_rent",), ("max_rent_month_euros",)),
    (("use",), ("use",)),
    (("available_by",), ("available_by",)),
    (("label",), ("label",)),
    (("free_from", "free_until"), ("free_from", "free_until")),
)


@dataclass(frozen=True)  # one parsed search serves many requests (see parsed_search)
class UnitFilters:
    """Validated search filters (None means: no filter)."""

    city: str | None = None
    area: int | None = None
    street: str | None = None
    min_area: int | None = None
    max_area: int | None = None
    max_rent_month_euros: int | None = None
    use: PermittedUse | None = None
    available_by: date | None = None
    label: EnergyLabel | None = None
    sort: str = "newest"
    free_from: date | None = None  # open for short lets with these days free (one date: that day)
    free_until: date | None = None


# Built once, shared by every search: SQLAlchemy expressions are immutable and slow to build.
# The statuses go into the SQL as values: only then may the planner use the partial indexes
# of public units (ix_units_public_*), whose condition it must see in the query.
# Literal columns, not a literal_execute parameter: those are pasted into the SQL text again
# on every execution.
_PUBLIC = Unit.status.in_([sa.literal_column(f"'{s.value}'") for s in PUBLIC_STATUSES])
#: Sort orders as (column name, descending): applied to the units table or to a page of it.
_SORTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "newest": (("listed_at", True), ("id", True)),
    "rent": (("rent_cents_per_year", False), ("id", False)),
    "rent_desc": (("rent_cents_per_year", True), ("id", True)),
    "size": (("floor_area_vvo", True), ("id", True)),
    "rent_m2": (("rent_per_m2_cents_per_year", False), ("id", False)),
}


def _order(columns, sort: str) -> list:
    return [
        columns[name].desc() if descending else columns[name]
        for name, descending in _SORTS.get(sort, _SORTS["newest"])
    ]


_ORDERS = {sort: tuple(_order(Unit.__table__.c, sort)) for sort in _SORTS}


#: Each filter as a condition on a bound parameter of the same name (values come at execution,
#: so one statement per combination of filters serves every search: see _search).
_CONDITIONS: dict[str, Callable[[], sa.ColumnElement[bool]]] = {
    # In one expression with ix_units_public_city_rent: "amsterdam" finds Amsterdam.
    "city": lambda: sa.func.lower(Unit.city) == sa.bindparam("city"),
    "area": lambda: Unit.area_id == sa.bindparam("area"),
    "street": lambda: sa.func.lower(Unit.street) == sa.bindparam("street"),
    "min_area": lambda: Unit.floor_area_vvo >= sa.bindparam("min_area"),
    "max_area": lambda: Unit.floor_area_vvo <= sa.bindparam("max_area"),
    "max_rent": lambda: Unit.rent_cents_per_year <= sa.bindparam("max_rent"),
    # Units whose permitted uses fit the use asked for: the matching's rule (units/uses.py).
    "use_bit": lambda: fits_clause(Unit.uses_mask, sa.bindparam("use_bit", type_=sa.Integer)),
    "available_by": lambda: Unit.available_from <= sa.bindparam("available_by"),
    "labels": lambda: Unit.energy_label.in_(sa.bindparam("labels", expanding=True)),
}


def search_params(filters: UnitFilters) -> dict[str, object]:
    """The values of the filters that are set, by the names of _CONDITIONS."""
    values = {
        "city": filters.city.strip().lower() if filters.city and filters.city.strip() else None,
        "area": filters.area or None,
        "street": filters.street.strip().lower() if filters.street else None,
        "min_area": filters.min_area,
        "max_area": filters.max_area,
        "max_rent": None
        if filters.max_rent_month_euros is None
        else filters.max_rent_month_euros * 100 * 12,
        "use_bit": accepted_mask(filters.use) if filters.use is not None else None,
        "available_by": filters.available_by,
        "labels": None
        if filters.label is None
        else [lbl.value for lbl in EnergyLabel if lbl.rank <= filters.label.rank],
    }
    return {name: value for name, value in values.items() if value is not None}


@lru_cache(maxsize=512)
def _search(names: frozenset[str], sort: str) -> sa.Select:
    """The search for a combination of filters, with bound parameters for their values.

    Built once per combination: SQLAlchemy takes longer to build a statement and its cache key
    than the database takes to run it.
    """
    conditions = [_CONDITIONS[name]() for name in sorted(names)]
    order = _ORDERS.get(sort, _ORDERS["newest"])
    return sa.select(Unit).where(_PUBLIC, *conditions).order_by(*order)


#: "Free on these days" is the short-let feature's to answer: it registers the condition on
#: Unit (vrijstad/popups/queries.py), so the search does not depend on pop-ups.
_FREE_DAYS: list[Callable[[date, date], sa.ColumnElement[bool]]] = []


def register_free_days(
    condition: Callable[[date, date], sa.ColumnElement[bool]],
) -> Callable[[date, date], sa.ColumnElement[bool]]:
    _FREE_DAYS[:] = [condition]
    return condition


#: Whether a unit is open for short lets (a pop-up), as a condition on its id: registered by the
#: short-let feature too (vrijstad/popups/queries.py), for the cards' "pop-up" chip.
_SHORT_LETS: list[Callable[[sa.ColumnElement[int]], sa.ColumnElement[bool]]] = []


_ShortLets = TypeVar("_ShortLets", bound=Callable[[sa.ColumnElement[int]], sa.ColumnElement[bool]])


def register_short_lets(condition: _ShortLets) -> _ShortLets:
    _SHORT_LETS[:] = [condition]
    return condition


def _short_let(unit_id: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    return _SHORT_LETS[0](unit_id) if _SHORT_LETS else sa.false()


def _free_days(filters: UnitFilters) -> sa.ColumnElement[bool] | None:
    first = filters.free_from or filters.free_until
    last = filters.free_until or filters.free_from
    if first is None or last is None:
        return None
    if not _FREE_DAYS:
        return sa.false()  # no short lets in this installation: no unit is bookable
    return _FREE_DAYS[0](first, last)


def search_units(filters: UnitFilters) -> sa.Select:
    """Publicly visible units matching the filters, in a stable order."""
    values = search_params(filters)
    statement = _search(frozenset(values), filters.sort)
    free = _free_days(filters)
    if free is not None:
        statement = statement.where(free)
    return statement.params(values)


@dataclass(frozen=True)
class UnitCard:
    """What a result card shows of a unit (templates/units/_card.html)."""

    id: int
    street: str
    house_number: int
    house_letter: str | None
    house_number_addition: str | None
    postcode: str
    city: str
    floor_area_vvo: int
    rent_cents_per_year: int
    vat_opted: bool  # the rent is charged with VAT ("excl. btw"); otherwise no VAT is due
    uses_mask: int
    energy_label: EnergyLabel | None
    available_from: date | None
    status: str
    thumbnail: str | None  # the cover photo's thumbnail file, if the unit has photos
    short_let: bool  # open for short lets (pop-ups)

    @property
    def address(self) -> str:
        return street_address(
            self.street, self.house_number, self.house_letter, self.house_number_addition
        )

    @property
    def rent_cents_per_month(self) -> int:
        return monthly(self.rent_cents_per_year)

    @property
    def permitted_uses(self) -> list[PermittedUse]:
        return [use for use in PermittedUse if self.uses_mask & use.bit]


#: The card's columns of the units table (the cover and the short-let flag are looked up).
_CARD_FIELDS = [f.name for f in fields(UnitCard) if f.name not in ("thumbnail", "short_let")]


def _card_statement(search: sa.Select, sort: str) -> sa.Select:
    columns = Unit.__table__.c
    sort_names = [name for name, _ in _SORTS.get(sort, _SORTS["newest"])]
    page = (
        search.with_only_columns(
            *(columns[name] for name in dict.fromkeys(_CARD_FIELDS + sort_names))
        )
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .subquery("page")
    )
    cover = (
        sa.select(UnitPhoto.thumbnail)
        .where(UnitPhoto.unit_id == page.c.id)
        .order_by(UnitPhoto.position, UnitPhoto.id)
        .limit(1)
        .scalar_subquery()
    )
    total = _count_statement(search).scalar_subquery()
    return sa.select(
        *(page.c[name] for name in _CARD_FIELDS),
        cover.label("thumbnail"),
        _short_let(page.c.id).label("short_let"),
        total.label("total"),
    ).order_by(*_order(page.c, sort))


def _count_statement(search: sa.Select) -> sa.Select:
    return search.with_only_columns(sa.func.count()).order_by(None)


@lru_cache(maxsize=512)
def _cached_card_statements(names: frozenset[str], sort: str) -> tuple[sa.Select, sa.Select]:
    search = _search(names, sort)
    return _card_statement(search, sort), _count_statement(search)


def result_cards(filters: UnitFilters, params: dict[str, object]) -> tuple[sa.Select, sa.Select]:
    """The statements of a page of the search: its cards and the number of matches (run with
    the page's `limit` and `offset`), and the number of matches alone, for a page past the end
    (which has no rows to carry it). Run both with `params`, search_params(filters).

    One statement gives the page: the count is a subquery the database runs once, and each
    card's cover thumbnail (its first photo) is looked up for the page's rows only. The
    statements are built once per combination of filters and sort order.
    """
    names = frozenset(params)
    free = _free_days(filters)
    if free is None:
        return _cached_card_statements(names, filters.sort)
    search = _search(names, filters.sort).where(free)
    return _card_statement(search, filters.sort), _count_statement(search)


@dataclass(frozen=True)
class CardPage:
    """A page of result cards and what the pager needs to know about the others."""

    items: list[UnitCard]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def card_page(filters: UnitFilters, page: int, per_page: int) -> CardPage:
    """Page `page` (1 is the first) of the search's result cards."""
    params = search_params(filters)
    cards, matches = result_cards(filters, params)
    window = {"limit": per_page, "offset": (page - 1) * per_page}
    rows = database.read(cards, params | window)
    items = [UnitCard(*row[:-1]) for row in rows]  # each row ends with the count of matches
    total = rows[0][-1] if rows else database.read(matches, params)[0][0]
    return CardPage(items=items, total=total, page=page, per_page=per_page)


@cache  # one statement for every request: SQLAlchemy takes a while to build it
def public_cities() -> sa.Select:
    """Cities with public units, A to Z (the search's city suggestions): one index lookup per
    city, not a scan of every unit."""
    public = _PUBLIC  # its statuses are values in the SQL: ix_units_public_city applies
    cities = (
        sa.select(sa.func.min(Unit.city).label("city")).where(public).cte("cities", recursive=True)
    )
    following = (
        sa.select(Unit.city)
        .where(public, Unit.city > cities.c.city)
        .order_by(Unit.city)
        .limit(1)
        .scalar_subquery()
    )
    cities = cities.union_all(sa.select(following).where(cities.c.city.is_not(None)))
    return sa.select(cities.c.city).where(cities.c.city.is_not(None)).order_by(cities.c.city)
