"""The open-data API /api/v1/: read-only JSON with an OpenAPI document (flask-smorest)."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import current_app, g, request, url_for
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint, abort
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from vrijstad import clock
from vrijstad.api import queries, services
from vrijstad.api.models import ApiToken
from vrijstad.api.schemas import (
    AreaArgs,
    AreaPageSchema,
    AreaSchema,
    FootfallArgs,
    FootfallCountSchema,
    FootfallImportedSchema,
    FootfallSchema,
    UnitArgs,
    UnitPageSchema,
    UnitSchema,
    VacancyArgs,
    VacancyPageSchema,
)
from vrijstad.areas.models import Area
from vrijstad.dashboard.services import parse_month
from vrijstad.extensions import csrf, db, limiter
from vrijstad.footfall import figures as footfall_figures
from vrijstad.footfall import importer as footfall_importer
from vrijstad.footfall.services import BatchError, import_counts
from vrijstad.forms import reads_own_body
from vrijstad.i18n import gettext as _
from vrijstad.units.models import Unit
from vrijstad.web import commit

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Areas, listed units and monthly vacancy figures.",
)

T = TypeVar("T")

#: Ids as the database stores them (32 bits): larger ones are not found, never an error.
ID = "int(min=1, max=2147483647)"
SECURITY: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]


def _presented_token() -> tuple[ApiToken | None, str | None]:
    """The valid token the request presents (or None), and why a presented one is refused;
    looked up once per request."""
    if "api_token_check" not in g:
        try:
            g.api_token_check = (services.authenticate(request.headers.get("Authorization")), None)
        except services.TokenError as exc:
            g.api_token_check = (None, str(exc))
    return g.api_token_check


def _rate_limit() -> str:
    token, _error = _presented_token()
    return current_app.config["API_TOKEN_RATE_LIMIT" if token else "API_RATE_LIMIT"]


def _rate_key() -> str:
    """A valid token has its own allowance; everything else counts against the address."""
    token, _error = _presented_token()
    return f"token:{token.id}" if token else f"address:{get_remote_address()}"


# Read-only JSON for other sites: no session, so no CSRF; rate limited per token or address.
csrf.exempt(bp)
limiter.limit(_rate_limit, key_func=_rate_key)(bp)


@bp.before_request
def identify():
    """Who asks: g.api_token is the organisation's token, or None for the public."""
    g.api_token, error = _presented_token()
    if error:
        abort(401, message=error, headers={"WWW-Authenticate": "Bearer"})


@bp.errorhandler(HTTPException)
def api_error(exc: HTTPException):
    """Every error as JSON: status, its name, the reason and per argument what was wrong."""
    data = getattr(exc, "data", None) or {}
    message = data.get("message") or _error_message(exc)
    body = {"status": exc.code, "error": exc.name, "message": message}
    errors = data.get("errors") or data.get("messages")
    if errors:
        body["errors"] = errors
    return body, exc.code, data.get("headers") or {}


def _error_message(exc: HTTPException) -> str:
    return {
        404: _("There is nothing at this address."),
        405: _("This method is not allowed here."),
        422: _("Some arguments are not valid; see errors."),
        429: _(
            "Too many requests (at most %(limit)s). Wait a moment and try again.",
            limit=exc.description,
        ),
    }.get(exc.code or 500, exc.description or exc.name)


def _found(obj: T | None, message: str) -> T:
    """The object a path names; a JSON 404 with the reason when there is none."""
    if obj is None:
        abort(404, message=message)
    assert obj is not None  # flask-smorest's abort raises, though not typed NoReturn
    return obj


def _page(select, args: dict, endpoint: str, **values) -> dict:
    """A page of a query in its stable order, with links to the neighbouring pages."""
    page = db.paginate(
        select, page=args["page"], per_page=args["per_page"], error_out=False, count=True
    )
    # Not the path's own values, nor url_for's options (_anchor, _external): a query string
    # naming them would clash.
    query = {
        k: v
        for k, v in request.args.items()
        if k not in ("page", "per_page", *values) and not k.startswith("_")
    }

    def link(number: int | None):
        if number is None:
            return None
        return url_for(
            endpoint, **values, **query, page=number, per_page=args["per_page"], _external=True
        )

    last = max(page.pages, 1)
    return {
        "items": page.items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
        "next": link(page.page + 1 if page.page < page.pages else None),
        "prev": link(min(page.page - 1, last) if page.page > 1 else None),
    }


@bp.route("/areas")
@bp.doc(security=SECURITY)
@bp.arguments(AreaArgs, location="query", as_kwargs=True)
@bp.response(200, AreaPageSchema)
def areas(**args):
    """Areas (city centres, districts) with their streets"""
    result = _page(queries.areas(args.get("city")), args, "api.areas")
    result["items"] = [services.area_data(area) for area in result["items"]]
    return result


@bp.route(f"/areas/<{ID}:area_id>")
@bp.doc(security=SECURITY)
@bp.response(200, AreaSchema)
def area(area_id: int):
    """One area with its streets"""
    area = _found(db.session.get(Area, area_id), _("There is no area with this id."))
    return services.area_data(area)


@bp.route(f"/areas/<{ID}:area_id>/vacancy")
@bp.doc(security=SECURITY)
@bp.arguments(VacancyArgs, location="query", as_kwargs=True)
@bp.response(200, VacancyPageSchema)
def area_vacancy(area_id: int, **args):
    """An area's vacancy per month, as recorded by the monthly snapshots

    By number of units and by floor area, with the vacancy duration classes. With `street`,
    one street's figures.
    """
    _found(db.session.get(Area, area_id), _("There is no area with this id."))
    # A valid month, as the schema checks it; 'from' after 'to' is a period without months.
    first = parse_month(args["first"]) if args.get("first") else None
    last = parse_month(args["last"]) if args.get("last") else None
    select = queries.vacancy_stats(area_id, args.get("street"), first, last)
    result = _page(select, args, "api.area_vacancy", area_id=area_id)
    result["items"] = [services.vacancy_data(row) for row in result["items"]]
    return result


@bp.route("/units")
@bp.doc(security=SECURITY)
@bp.arguments(UnitArgs, location="query", as_kwargs=True)
@bp.response(200, UnitPageSchema)
def units(**args):
    """Units listed for letting

    With a token of an organisation, its own areas' units also carry their private fields.
    """
    own = services.own_area_ids(g.api_token)
    select = queries.listed_units(args.get("area_id"), args.get("city"), args.get("street"))
    if own:
        select = select.options(selectinload(Unit.owner))
    result = _page(select, args, "api.units")
    today = clock.today()
    result["items"] = [services.unit_data(u, u.area_id in own, today) for u in result["items"]]
    return result


@bp.route(f"/units/<{ID}:unit_id>")
@bp.doc(security=SECURITY)
@bp.response(200, UnitSchema)
def unit(unit_id: int):
    """One listed unit (with a token of its organisation: any of its units, all fields)"""
    unit = db.session.get(Unit, unit_id)
    private = unit is not None and unit.area_id in services.own_area_ids(g.api_token)
    if unit is not None and not (unit.is_public or private):
        unit = None
    unit = _found(unit, _("There is no listed unit with this id."))
    return services.unit_data(unit, private, clock.today())


#: Counts one push may carry (about a year of one counter's hours and more).
MAX_PUSH = 20_000


@bp.route(f"/areas/<{ID}:area_id>/footfall")
@bp.doc(security=SECURITY)
@bp.arguments(FootfallArgs, location="query", as_kwargs=True)
@bp.response(200, FootfallSchema)
def area_footfall(area_id: int, weeks: int):
    """Passers-by per street and week in an area, for the last full weeks

    A street's figure is what one counting point sees: where a street has more counters,
    their average. Weeks run from Monday to Sunday.
    """
    area = _found(db.session.get(Area, area_id), _("There is no area with this id."))
    last = footfall_figures.last_full_week(clock.today())
    first = last - (weeks - 1) * footfall_figures.WEEK
    names = {street.id: street.name for street in area.streets}
    rows = footfall_figures.street_weeks(list(names), first, last)
    return {
        "area_id": area.id,
        "first_week": first,
        "last_week": last,
        "items": [
            {"street_id": s, "street": names[s], "week": w, "passers_by": n, "counters": c}
            for s, w, n, c in rows
        ],
    }


def token_required(view: Callable[..., T]) -> Callable[..., T]:
    """401 before the body is read when the request presents no API token."""

    @wraps(view)
    def checked(*args, **kwargs) -> T:
        if g.api_token is None:
            abort(
                401,
                message=_("Pushing counts needs an API token."),
                headers={"WWW-Authenticate": "Bearer"},
            )
        return view(*args, **kwargs)

    return checked


@bp.route("/footfall", methods=["POST"])
@bp.doc(security=[{"bearerAuth": []}])
@token_required
@bp.arguments(FootfallCountSchema(many=True), location="json", as_kwargs=False)
@bp.response(201, FootfallImportedSchema)
@reads_own_body
def push_footfall(items: list[dict]):
    """Push counts of the organisation's counters (an API token is required)

    A JSON list of {counter, start, count, interval}: all are imported, or none when any is
    not right (422, with each item's number and reason). Counts of a period pushed again
    replace the earlier ones.
    """
    token = g.api_token
    if not items or len(items) > MAX_PUSH:
        abort(422, message=_("Send from 1 to %(max)s counts at a time.", max=MAX_PUSH))
    parsed = footfall_importer.from_items(items)
    try:
        imported = commit(
            lambda: import_counts(None, token.organisation, parsed.rows, parsed.errors)
        )
    except BatchError as exc:
        db.session.rollback()
        abort(422, message=str(exc), errors={"json": {e.line: [e.message] for e in exc.errors}})
    return imported
