"""Staff zone an area's streets into scenarios, see each one's figures and compare them."""

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_login import current_user, login_required

from vrijstad.areas.models import Area
from vrijstad.core import DomainError
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import managed
from vrijstad.scenarios import services
from vrijstad.scenarios.forms import ScenarioForm, zones_of
from vrijstad.scenarios.models import Scenario, Zone
from vrijstad.web import attempt, button_action, form_error

bp = Blueprint("scenarios", __name__)


def _show(form: ScenarioForm, zone_errors: dict[str, str]) -> Callable[[DomainError], None]:
    """A refusal on the form's field, or beside the street (or the zoning) it names."""

    def show(exc: DomainError) -> None:
        name = getattr(exc, "field", None) or ""
        if name in form:
            form_error(form, exc)
        else:
            zone_errors[name or "zones"] = str(exc)

    return show


def _form_page(area: Area, scenario: Scenario | None, zoning: dict[int, Zone]):
    form = ScenarioForm(obj=scenario)
    zones = {str(street_id): zone.value for street_id, zone in zoning.items()}
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        data = services.ScenarioData(
            form.name.data or "", form.note.data or "", zones_of(request.form)
        )
        zones = data.zones
        done = attempt(
            lambda: services.save_scenario(current_user, area, data, scenario),
            show=_show(form, errors),
        )
        if done and done.value is not None:
            flash(_("The scenario is saved and its figures computed."), "success")
            return redirect(url_for("scenarios.detail", scenario_id=done.value.id))
    page = render_template(
        "scenarios/form.html",
        area=area,
        scenario=scenario,
        form=form,
        zones=zones,
        errors=errors,
        choices=list(Zone),
    )
    return page, 422 if form.is_submitted() else 200


@bp.get("/dashboard/areas/<int:area_id>/scenarios")
@login_required
def index(area_id: int):
    area = managed(Area, area_id)
    return render_template("scenarios/index.html", area=area, scenarios=services.scenarios_of(area))


@bp.route("/dashboard/areas/<int:area_id>/scenarios/new", methods=["GET", "POST"])
@login_required
def new(area_id: int):
    area = managed(Area, area_id)
    return _form_page(area, None, services.default_zoning(area))


@bp.get("/scenarios/<int:scenario_id>")
@login_required
def detail(scenario_id: int):
    scenario = managed(Scenario, scenario_id)
    return render_template(
        "scenarios/detail.html",
        area=scenario.area,
        scenario=scenario,
        scenarios=[scenario],
        button=ButtonForm(),
    )


@bp.route("/scenarios/<int:scenario_id>/edit", methods=["GET", "POST"])
@login_required
def edit(scenario_id: int):
    scenario = managed(Scenario, scenario_id)
    return _form_page(scenario.area, scenario, scenario.zoning)


@bp.post("/scenarios/<int:scenario_id>/recompute")
@login_required
def recompute(scenario_id: int):
    scenario = managed(Scenario, scenario_id)
    button_action(
        lambda: services.recompute_scenario(current_user, scenario),
        _("The figures are computed anew from today's data."),
    )
    return redirect(url_for("scenarios.detail", scenario_id=scenario.id))


@bp.post("/scenarios/<int:scenario_id>/duplicate")
@login_required
def duplicate(scenario_id: int):
    scenario = managed(Scenario, scenario_id)
    copies: list[Scenario] = []
    if button_action(
        lambda: copies.append(services.duplicate_scenario(current_user, scenario)),
        _("The scenario is copied: adjust the copy's zones."),
    ):
        return redirect(url_for("scenarios.edit", scenario_id=copies[0].id))
    return redirect(url_for("scenarios.detail", scenario_id=scenario.id))


@bp.post("/scenarios/<int:scenario_id>/delete")
@login_required
def delete(scenario_id: int):
    scenario = managed(Scenario, scenario_id)
    area_id = scenario.area_id
    button_action(
        lambda: services.delete_scenario(current_user, scenario), _("The scenario is deleted.")
    )
    return redirect(url_for("scenarios.index", area_id=area_id))


@bp.get("/dashboard/areas/<int:area_id>/scenarios/compare")
@login_required
def compare(area_id: int):
    area = managed(Area, area_id)
    try:
        chosen = services.comparison(area, request.args.getlist("ids"))
    except services.ScenarioError as exc:
        flash(str(exc), "error")
        return redirect(url_for("scenarios.index", area_id=area.id))
    return render_template("scenarios/compare.html", area=area, scenarios=chosen)


@bp.app_template_filter("basis_points")
def basis_points(value: int | None) -> str:
    """A share in basis points as a percentage with one decimal: '12,5 %' in Dutch."""
    if value is None:
        return "—"
    return format_percent(value / 10000, "#,##0.0 %")
