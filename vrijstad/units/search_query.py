"""Reading a search's query string: its filters, what is wrong with them, the filter panel
that shows them and, when nothing is found, the searches one filter wider.

Reading a search and drawing its filter panel is a good part of a page, and the same searches
come again and again, so each app keeps the last REMEMBERED_SEARCHES parsed searches, keyed by
exactly what they follow from: the language, the script root (the panel's links start there)
and the values of the search's own parameters. Nothing else may go into them: no user, no
date, no session or CSRF token (tests/units/test_search.py checks it). Paging and other
parameters play no part.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any, cast

from flask import Flask, current_app, render_template, request
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectField

from vrijstad import database
from vrijstad.i18n import current_language, date_filter, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.units.forms import SearchForm
from vrijstad.units.models import (
    EnergyLabel,
    PermittedUse,
)
from vrijstad.units.search import (
    FILTERS,
    PARAMETERS,
    REMEMBERED_SEARCHES,
    SEARCHES,
    UnitFilters,
    result_cards,
    search_params,
)


@dataclass(frozen=True)
class SearchKey:
    """All a parsed search depends on."""

    language: str
    script_root: str
    values: tuple[tuple[str, ...], ...]  # each of PARAMETERS' values, as given


@dataclass(frozen=True)
class ActiveFilter:
    """A filter the search sets, as the filter panel and the widening suggestions name it."""

    params: tuple[str, ...]  # its query parameters (see FILTERS)
    label: str  # "City"
    value: str  # "Zwolle"; empty where the value means nothing to a visitor (an area's id)


@dataclass(frozen=True)
class ParsedSearch:
    """What a search's query string says: its filters, what was wrong with them (label and
    messages, for the results), the filters it sets and the filter panel showing them."""

    filters: UnitFilters
    problems: tuple[tuple[str, tuple[str, ...]], ...]
    active: tuple[ActiveFilter, ...]
    panel: Markup

    @property
    def valid(self) -> bool:
        return not self.problems


def parsed_search() -> ParsedSearch:
    """The request's search, read and its panel drawn once per SearchKey, then remembered."""
    key = SearchKey(
        language=current_language(),
        script_root=request.script_root,
        values=tuple(tuple(request.args.getlist(name)) for name in PARAMETERS),
    )
    return current_app.extensions[SEARCHES](key)


def parse(key: SearchKey) -> ParsedSearch:
    """Read the search `key` describes and draw its filter panel (in a request below
    key.script_root)."""
    form = SearchForm(
        MultiDict(
            [
                (name, value)
                for name, values in zip(PARAMETERS, key.values, strict=True)
                for value in values
            ]
        )
    )
    with force_locale(key.language):
        form.validate()
        filters = search_filters(form)
        active = active_filters(form, filters)
        return ParsedSearch(
            filters=filters,
            problems=tuple(
                (str(form[name].label.text), tuple(map(str, errors)))
                for name, errors in form.errors.items()
            ),
            active=active,
            panel=Markup(render_template("units/_filters.html", form=form, active=len(active))),  # nosec B704 - escaped by the template
        )


def active_filters(form: SearchForm, filters: UnitFilters) -> tuple[ActiveFilter, ...]:
    """The filters of FILTERS that `filters` (read from the validated `form`) set."""
    found = []
    for params, names in FILTERS:
        if all(getattr(filters, name) is None for name in names):
            continue
        field = form[params[0]]
        if params == ("free_from", "free_until"):
            days = dict.fromkeys(date_filter(d) for d in (filters.free_from, filters.free_until))
            found.append(ActiveFilter(params, _("Pop-up dates"), " – ".join(d for d in days if d)))
        elif params == ("area",):
            found.append(ActiveFilter(params, str(field.label.text), ""))
        else:
            found.append(ActiveFilter(params, str(field.label.text), _shown(field)))
    return tuple(found)


def _shown(field: Field) -> str:
    """A filter field's value as the visitor knows it: a choice's label, a Dutch date."""
    if isinstance(field, SelectField):
        return next((str(label) for value, label, chosen, *_ in field.iter_choices() if chosen), "")
    if isinstance(field.data, date):
        return date_filter(field.data)
    return str(field.data).strip()


@dataclass(frozen=True)
class Widening:
    """A way to widen a search that found nothing: drop one of its filters."""

    dropped: ActiveFilter
    args: dict[str, str]  # the search's query parameters without that filter
    total: int  # how many units the wider search finds


def widenings(search: ParsedSearch, args: Mapping[str, str]) -> list[Widening]:
    """For each filter the search sets: the search without it, and how many units that finds
    (most first). `args` are the page's query parameters (the page number left out)."""
    found = []
    for active in search.active:
        names = next(names for params, names in FILTERS if params == active.params)
        wider = replace(search.filters, **cast(dict[str, Any], dict.fromkeys(names)))
        kept = {name: value for name, value in args.items() if name not in active.params}
        found.append(Widening(active, kept, count_matches(wider)))
    return sorted(found, key=lambda w: -w.total)


def count_matches(filters: UnitFilters) -> int:
    """How many public units the filters find."""
    params = search_params(filters)
    _cards, matches = result_cards(filters, params)
    return database.read(matches, params)[0][0]


def init_app(app: Flask) -> None:
    app.extensions[SEARCHES] = lru_cache(maxsize=REMEMBERED_SEARCHES)(parse)


def search_filters(form: SearchForm) -> UnitFilters:
    """The valid filters of a validated search form (an invalid one is no filter)."""

    def ok(field):
        return field.data if not field.errors else None

    def text(field):
        return (ok(field) or "").strip() or None

    return UnitFilters(
        city=text(form.city),
        area=ok(form.area),
        street=text(form.street),
        min_area=ok(form.min_area),
        max_area=ok(form.max_area),
        max_rent_month_euros=ok(form.max_rent),
        use=PermittedUse(form.use.data) if form.use.data and not form.use.errors else None,
        available_by=ok(form.available_by),
        label=EnergyLabel(form.label.data) if form.label.data and not form.label.errors else None,
        sort=form.sort.data if form.sort.data and not form.sort.errors else "newest",
        free_from=ok(form.free_from),
        free_until=ok(form.free_until),
    )
