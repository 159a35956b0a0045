"""Area pages for staff: the area and its streets."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad.areas import services
from vrijstad.areas.models import Area, AreaKind, StreetGrade
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import managed
from vrijstad.organisations.forms import AreaForm, StreetForm
from vrijstad.organisations.views import get_managed_or_403, render_detail
from vrijstad.web import attempt, commit, on_field

bp = Blueprint("areas", __name__)


def get_managed_area_or_403(area_id: int) -> Area:
    return managed(Area, area_id)


@bp.get("/areas/<int:area_id>")
@login_required
def detail(area_id: int):
    area = get_managed_area_or_403(area_id)
    return render_template("areas/detail.html", area=area, form=StreetForm(), button=ButtonForm())


@bp.post("/areas/<int:area_id>/pilot")
@login_required
def set_pilot(area_id: int):
    area = get_managed_area_or_403(area_id)
    if ButtonForm().validate_on_submit():
        closed = request.form.get("closed") == "1"
        commit(lambda: services.set_closed_pilot(current_user, area, closed))
        if closed:
            flash(
                _("Applications are now open only to starters from %(city)s.", city=area.city),
                "success",
            )
        else:
            flash(_("Applications are now open to every starter."), "success")
    return redirect(url_for("areas.detail", area_id=area.id))


@bp.post("/areas/<int:area_id>/streets")
@login_required
def add_street(area_id: int):
    area = get_managed_area_or_403(area_id)
    form = StreetForm()
    if form.validate_on_submit():
        grade = StreetGrade(form.grade.data)
        done = attempt(
            lambda: services.add_street(current_user, area, form.name.data, grade),
            show=on_field(form.name),
        )
        if street := done.value:
            flash(_("Street %(name)s added.", name=street.name), "success")
            return redirect(url_for("areas.detail", area_id=area.id))
    return render_template("areas/detail.html", area=area, form=form, button=ButtonForm()), 422


@bp.post("/organisations/<int:organisation_id>/areas")
@login_required
def create_area(organisation_id: int):
    """A new area from the organisation's page (its form errors shown there)."""
    organisation = get_managed_or_403(organisation_id)
    form = AreaForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.create_area(
                current_user,
                organisation,
                form.name.data,
                form.city.data,
                AreaKind(form.kind.data),
                form.description.data,
            ),
            show=on_field(form.name),
        )
        if area := done.value:
            flash(_("Area %(name)s added.", name=area.name), "success")
            return redirect(url_for("areas.detail", area_id=area.id))
    return render_detail(organisation, area_form=form, status=422)
