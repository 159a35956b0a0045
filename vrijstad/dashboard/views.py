"""The staff dashboard (per area and street, with downloads), reference settings, street
stories, and the public street pages."""

import re

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required

from vrijstad import clock, exports, jobs
from vrijstad.areas.models import Area, Street
from vrijstad.dashboard import figures, services, tasks
from vrijstad.dashboard.forms import ReferencesForm, StreetStoryForm, to_bp
from vrijstad.errors import refuse
from vrijstad.forms import ButtonForm
from vrijstad.htmx import render_page
from vrijstad.i18n import current_language
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.loaders import load, managed
from vrijstad.organisations.models import MemberRole
from vrijstad.organisations.services import can_manage
from vrijstad.organisations.views import get_managed_or_403
from vrijstad.web import commit

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
streets_bp = Blueprint("streets", __name__)

MAP_LIMIT = 5000
#: Ids as the database stores them (32 bits): larger ones are not found, never an error.
ID = "int"  # the app's bounded converter: a larger id is not found
FORMATS = exports.FORMATS


def _board(area: Area, lists: bool = False, tab: str | None = None) -> services.Dashboard:
    """The dashboard (of one tab, or all of it) for the period and street in the query
    string; 400 with the reason."""
    today = clock.today()
    try:
        period = services.choose_period(request.args.get("from"), request.args.get("to"), today)
        street = services.check_street(area, request.args.get("street"))
    except services.DashboardError as exc:
        refuse(400, str(exc))
    if tab is None:
        return services.build_dashboard(area, period, street, today, lists)
    return services.build_dashboard(area, period, street, today, builders=TAB_BUILDERS[tab])


@bp.get("/")
@login_required
def index():
    organisations = services.dashboard_organisations(current_user)
    areas = [a for o in organisations for a in o.areas]
    if len(areas) == 1:
        return redirect(url_for("dashboard.area", area_id=areas[0].id))
    if not organisations:
        abort(403)
    return render_template(
        "dashboard/index.html",
        organisations=organisations,
        is_admin=lambda o: can_manage(current_user, o.id, MemberRole.ADMIN),
    )


@bp.get(f"/areas/<{ID}:area_id>")
@login_required
def area(area_id: int):
    area = managed(Area, area_id)
    tab = request.args.get("tab") or "overview"
    if tab not in TABS:
        abort(404)
    board = _board(area, tab=tab)
    return render_page(
        "dashboard/area.html",
        "dashboard/_figures.html",
        board=board,
        tab=tab,
        tabs=TABS,
        levers=services.levers_of(area, clock.today()) if tab == "overview" else None,
        charts=charts(board),
        structural_links=unit_links(board.structural_ids),
        locale=current_language(),
        streets=services.street_names(area, board.stock),
        args=_args(),
        is_admin=can_manage(current_user, area.organisation_id, MemberRole.ADMIN),
        button=ButtonForm(),
    )


@bp.get(f"/areas/<{ID}:area_id>/figures/<key>.<fmt>")
@login_required
def download(area_id: int, key: str, fmt: str):
    area = managed(Area, area_id)
    if fmt not in FORMATS or not (key == "all" and fmt == "xlsx" or key in FIGURE_KEYS):
        abort(404)
    board = _board(area, lists=True)
    chosen = list(board.figures.values()) if key == "all" else [board.figures[key]]
    name = f"{_slug(area.name)}-{key}-{board.period.first:%Y-%m}-{board.period.last:%Y-%m}"
    if board.street:
        name += f"-{_slug(board.street)}"
    return exports.download([figures.table(figure) for figure in chosen], fmt, name)


@bp.get(f"/areas/<{ID}:area_id>/map.json")
@login_required
def map_points(area_id: int):
    area = managed(Area, area_id)
    try:
        street = services.check_street(area, request.args.get("street"))
    except services.DashboardError as exc:
        refuse(400, str(exc))
    return jsonify(points=services.map_points(area, street, clock.today(), MAP_LIMIT))


@bp.post(f"/organisations/<{ID}:organisation_id>/snapshot")
@login_required
def snapshot(organisation_id: int):
    """Record this month's vacancy of the organisation's areas now, as a background job."""
    organisation = get_managed_or_403(organisation_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    period = clock.this_month()
    handle = commit(
        lambda: jobs.enqueue(
            tasks.take_snapshots,
            current_user.id,
            organisation.id,
            period,
            url_for("dashboard.index"),
            current_language(),
            job_title=_l("Snapshot of %(month)s", month=period.strftime("%m-%Y")),
        )
    )
    return redirect(handle.status_url, code=303)


@bp.route(f"/organisations/<{ID}:organisation_id>/references", methods=["GET", "POST"])
@login_required
def references(organisation_id: int):
    organisation = get_managed_or_403(organisation_id, MemberRole.ADMIN)
    form = _references_form(organisation.id)
    if form.validate_on_submit():
        commit(
            lambda: services.save_references(
                current_user,
                organisation,
                to_bp(form.national_count.data),
                to_bp(form.national_area.data),
                to_bp(form.healthy_max.data),
            )
        )
        flash(_("The reference figures are saved."), "success")
        return redirect(url_for("dashboard.references", organisation_id=organisation.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "dashboard/references.html",
        organisation=organisation,
        form=form,
        current=services.references_for(organisation.id),
    ), status


def _references_form(organisation_id: int) -> ReferencesForm:
    """The form; on a GET filled with the organisation's own figures, if it has set them."""
    form = ReferencesForm()
    own = services.settings_of(organisation_id)
    if request.method == "GET" and own is not None:
        for name in ("national_count", "national_area", "healthy_max"):
            value = getattr(own, f"{name}_bp")
            form[name].data = None if value is None else services.References.pct(value)
    return form


@bp.route(f"/streets/<{ID}:street_id>/story", methods=["GET", "POST"])
@login_required
def story(street_id: int):
    street = managed(Street, street_id, lambda s: s.area.organisation_id)
    own = services.story_of(street)
    form = StreetStoryForm(obj=own)
    if form.validate_on_submit():
        commit(
            lambda: services.save_story(
                current_user, street, form.story.data or "", form.published.data
            )
        )
        flash(_("The street page is saved."), "success")
        return redirect(url_for("streets.page", street_id=street.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "dashboard/story.html",
        street=street,
        form=form,
        has_profile=services.profile_of(street) is not None,
    ), status


@streets_bp.get("/streets")
def street_index():
    """Every published street, by city and area, linked to its page."""
    return render_template("dashboard/streets.html", areas=services.street_index(clock.today()))


@streets_bp.app_context_processor
def street_links() -> dict:
    """For a unit's page: the published page of its street, if any."""
    return {"street_page_of": services.published_street}


@streets_bp.get(f"/streets/<{ID}:street_id>")
def page(street_id: int):
    street = load(
        Street,
        street_id,
        lambda user, s: services.can_see_street_page(user, s, services.story_of(s)),
    )
    return render_template(
        "dashboard/street.html",
        page=services.street_page(street, clock.today()),
        can_edit=can_manage(current_user, street.area.organisation_id),
    )


# Presentation helpers -----------------------------------------------------------------------

#: The dashboard's tabs (each its own URL, ?tab=) with their names; the figures of each are
#: services.TAB_BUILDERS.
TABS: dict[str, LazyString] = {
    "overview": _l("Overview"),
    "vacancy": _l("Vacancy"),
    "letting": _l("Letting"),
    "money": _l("Money"),
    "subsidies": _l("Subsidies"),
    "contests": _l("Contests"),
}
TAB_BUILDERS = services.TAB_BUILDERS

FIGURE_KEYS = (
    "headline",
    "trend",
    "streets",
    "durations",
    "structural",
    "branches",
    "funnel",
    "days_to_let",
    "starters_open",
    "starters_list",
    "money",
    "fund",
    "subsidies",
    "contests",
)


def unit_links(unit_ids: list[int]) -> list[str]:
    """Each unit's page, built from one url_for: a long list is built in no time."""
    prefix = url_for("units.detail", unit_id=1)[:-1]  # "/units/" (the route ends in the id)
    return [f"{prefix}{unit_id}" for unit_id in unit_ids]


def _args() -> dict:
    """The period and street of the query string, kept across tabs and downloads."""
    return {k: request.args[k] for k in ("from", "to", "street") if request.args.get(k)}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "area"


def charts(board: services.Dashboard) -> dict[str, dict]:
    """Chart.js data for the board's figures that have a chart (the tables stay the source);
    a tab's board has only its own figures, so only their charts are made."""
    found = board.figures
    language = current_language()
    made: dict[str, dict] = {}
    if "trend" in found:
        trend = figures.chart_series(found["trend"], 0, [3, 6], language)
        national = float(board.references.pct(board.references.national_count_bp))
        trend["datasets"].append(
            {
                "label": _("National reference"),
                "data": [national] * len(trend["labels"]),
                "dashed": True,
            }
        )
        made["trend"] = {"type": "line", "percent": True, **trend}
    if "durations" in found:
        series = figures.chart_series(found["durations"], 0, [1], language)
        made["durations"] = {"type": "bar", **series}
    if "funnel" in found:
        made["funnel"] = {"type": "bar", **figures.chart_series(found["funnel"], 0, [1], language)}
    if "money" in found:
        series = figures.chart_series(found["money"], 0, [1, 2, 3, 4], language)
        made["money"] = {"type": "bar", "euro": True, **series}
    if "subsidies" in found and found["subsidies"].rows:
        series = figures.chart_series(found["subsidies"], 0, [2, 3, 5], language)
        made["subsidies"] = {"type": "bar", "euro": True, **series}
    by_branch: dict[str, int] = {}
    if "branches" in found:
        for _street, branch, count, _stance, _remark in found["branches"].rows:
            by_branch[branch] = by_branch.get(branch, 0) + count
    if by_branch:
        made["branches"] = {
            "type": "bar",
            "count": True,
            "labels": list(by_branch),
            "datasets": [{"label": _("Starters placed"), "data": list(by_branch.values())}],
        }
    return made


@bp.app_template_filter("figure_cell")
def figure_cell(value, kind: str) -> str:
    return figures.format_cell(value, figures.Kind(kind), current_language())
