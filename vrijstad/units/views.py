"""Unit pages: public search and detail, landlords' and staff's listing management."""

from datetime import date

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from wtforms import SelectChoice

from vrijstad import clock
from vrijstad.auth.services import find_user_by_email
from vrijstad.core import DomainError
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, requested_page
from vrijstad.htmx import render_page
from vrijstad.i18n import gettext as _
from vrijstad.loaders import allow, load
from vrijstad.organisations.views import get_managed_or_403
from vrijstad.units import addresses, photos, queries, search, search_query, services, showcase
from vrijstad.units.forms import UnitForm, WithdrawForm, use_choices
from vrijstad.units.models import (
    PermittedUse,
    Unit,
    UnitPhoto,
    UnitStatus,
    VacancyClass,
)
from vrijstad.web import attempt, commit, form_error

bp = Blueprint("units", __name__)


@bp.record_once
def _init_search(state: BlueprintSetupState) -> None:
    assert isinstance(state.app, Flask)
    search_query.init_app(state.app)
    addresses.init_app(state.app)


PER_PAGE = 12
MAP_LIMIT = 2000


def get_editable_or_404(unit_id: int) -> Unit:
    """A unit the current user may change; others' units are 404 (their existence is private)."""
    return load(Unit, unit_id, services.can_edit)


@bp.get("/units")
def index():
    parsed = search_query.parsed_search()
    page = search.card_page(parsed.filters, requested_page(), PER_PAGE)
    if not page.items and page.page > page.pages > 0:  # past the end: show the last page
        page = search.card_page(parsed.filters, page.pages, PER_PAGE)
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_page(
        "units/index.html",
        "units/_results.html",
        status=200 if parsed.valid else 400,
        search=parsed,
        page=page,
        args=args,
        widenings=search_query.widenings(parsed, args) if not page.total else [],
    )


@bp.get("/units/cities")
def city_options():
    """The cities with public units, as <option>s for the search's city suggestions. The same
    for everyone, so browsers and proxies may keep it for a few minutes."""
    cities = db.session.scalars(search.public_cities()).all()
    response = make_response(render_template("units/_city_options.html", cities=cities))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/units/map.json")
def map_data():
    filters = search_query.parsed_search().filters
    units = db.session.scalars(search.search_units(filters).limit(MAP_LIMIT))
    markers = [
        {
            "id": u.id,
            "lat": u.latitude,
            "lon": u.longitude,
            "title": u.address,
            "city": u.city,
            "area": u.floor_area_vvo,
            "url": url_for("units.detail", unit_id=u.id),
        }
        for u in units
        if u.latitude is not None
    ]
    return jsonify(markers=markers)


@bp.get("/units/<int:unit_id>")
def detail(unit_id: int):
    unit = load(Unit, unit_id, showcase.can_see_page)
    can_edit = services.can_edit(current_user, unit)
    if unit.status == UnitStatus.LET and not can_edit:
        return render_template(
            "units/let.html",
            unit=unit,
            letting=showcase.letting_of(current_user, unit, clock.today()),
            nearby=showcase.nearby(unit),
        )
    return render_template(
        "units/detail.html",
        unit=unit,
        can_edit=can_edit,
        nearby=showcase.nearby(unit),
        button=ButtonForm(),
        withdraw_form=WithdrawForm(),
        publish_problems=services.publish_problems(unit),
        held=services.held_by(unit) if can_edit else None,
    )


@bp.get("/media/units/<int:unit_id>/<filename>")
def photo_file(unit_id: int, filename: str):
    unit = load(Unit, unit_id, showcase.can_see_page)
    try:
        return photos.send_photo(unit.id, filename)
    except FileNotFoundError:
        abort(404)


@bp.get("/my/units")
@login_required
def mine():
    units = db.session.scalars(queries.units_of_owner(current_user.id)).all()
    overdue = [u for u in units if (u.days_vacant() or 0) >= 183]  # let units have no vacancy
    return render_template("units/mine.html", units=units, overdue=overdue)


@bp.get("/organisations/<int:organisation_id>/units")
@login_required
def organisation_units(organisation_id: int):
    organisation = get_managed_or_403(organisation_id)
    page = db.paginate(
        queries.units_of_organisation(organisation.id), page=requested_page(), per_page=50
    )
    return render_template("units/organisation.html", organisation=organisation, page=page)


def _unit_form(unit: Unit | None = None) -> UnitForm:
    form = UnitForm(obj=unit)
    if unit is not None and request.method == "GET":
        form.permitted_uses.data = [u.value for u in unit.permitted_uses]
        form.energy_label.data = unit.energy_label.value if unit.energy_label else ""
    form.area_id.choices = [SelectChoice(0, _("— choose an area —"))] + [
        SelectChoice(a.id, f"{a.city} · {a.name}") for a in services.areas_for(current_user)
    ]
    return form


def _may_list_units() -> bool:
    """Landlords, platform admins, and staff with areas of their own may put units online."""
    return (
        current_user.is_landlord or current_user.is_admin or bool(services.areas_for(current_user))
    )


@bp.route("/units/new", methods=["GET", "POST"])
@login_required
def create():
    allow(_may_list_units())
    form = _unit_form()
    owner_email = request.form.get("owner_email", "").strip()
    if form.validate_on_submit():
        owner = find_user_by_email(owner_email) if owner_email else current_user
        if owner is None:
            form.owner_error = _("No landlord account with this e-mail.")
        elif done := attempt(
            lambda: services.create_unit(current_user, owner, form.unit_data()),
            show=lambda exc: _field_error(form, exc),
        ):
            flash(_("Unit saved as draft. Add photos and publish it when ready."), "success")
            return redirect(url_for("units.detail", unit_id=done.value.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "units/form.html",
        form=form,
        unit=None,
        owner_email=owner_email,
        owner_error=getattr(form, "owner_error", None),
    ), status


def _field_error(form: UnitForm, exc: DomainError) -> None:
    if getattr(exc, "field", None) == "owner":
        form.owner_error = str(exc)
    else:
        form_error(form, exc)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(unit_id: int):
    unit = get_editable_or_404(unit_id)
    form = _unit_form(unit)
    if form.validate_on_submit() and attempt(
        lambda: services.update_unit(current_user, unit, form.unit_data()),
        show=lambda exc: _field_error(form, exc),
    ):
        flash(_("Changes saved."), "success")
        return redirect(url_for("units.detail", unit_id=unit.id))
    status = 422 if form.is_submitted() else 200
    return render_template("units/form.html", form=form, unit=unit), status


@bp.post("/units/validate/<field>")
@login_required
def validate_field(field: str):
    """Check one field of the unit form as the user types (htmx); returns the field fragment."""
    allow(_may_list_units())
    form = _unit_form()
    if field not in form or field == "csrf_token":
        abort(404)
    form.validate()
    return render_template("units/_field.html", field=form[field]), 200


@bp.post("/units/<int:unit_id>/status")
@login_required
def change_status(unit_id: int):
    unit = get_editable_or_404(unit_id)
    form = WithdrawForm() if request.form.get("status") == "withdrawn" else ButtonForm()
    try:
        target = UnitStatus(request.form.get("status", ""))
    except ValueError:
        refuse(400, _("Unknown status."))
    if not form.validate_on_submit():
        flash(_("Give a reason for withdrawing the unit."), "error")
        return redirect(url_for("units.detail", unit_id=unit.id))
    if attempt(
        lambda: services.change_status(current_user, unit, target, request.form.get("reason", ""))
    ):
        flash(_("The unit is now %(status)s.", status=services.status_label(target)), "success")
    return redirect(url_for("units.detail", unit_id=unit.id))


@bp.post("/units/<int:unit_id>/photos")
@login_required
def upload_photo(unit_id: int):
    unit = get_editable_or_404(unit_id)
    files = [f for f in request.files.getlist("photo") if f and f.filename]
    if not ButtonForm().validate_on_submit() or not files:
        flash(_("Choose a photo to upload."), "error")
        return redirect(url_for("units.detail", unit_id=unit.id))
    if not attempt(lambda: _add_photos(unit, files), show=_refuse_photo):
        return redirect(url_for("units.detail", unit_id=unit.id))
    flash(_("Photo added."), "success")
    return redirect(url_for("units.detail", unit_id=unit.id, _anchor="photos"))


def _add_photos(unit: Unit, files: list[FileStorage]) -> None:
    for upload in files:
        photos.add_photo(current_user, unit, upload.read(photos.MAX_PHOTO_BYTES + 1))


def _refuse_photo(exc: DomainError) -> None:
    """A photo over the limit is a 413 page; other refusals are flashed."""
    if isinstance(exc, photos.PhotoTooLarge):
        refuse(413, str(exc))
    flash(str(exc), "error")


@bp.post("/units/<int:unit_id>/photos/<int:photo_id>/<action>")
@login_required
def photo_action(unit_id: int, photo_id: int, action: str):
    unit = get_editable_or_404(unit_id)
    photo = load(UnitPhoto, photo_id, lambda _user, photo: photo.unit_id == unit.id)
    if action not in ("delete", "up", "down"):
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if action == "delete":
        commit(lambda: photos.delete_photo(current_user, photo))
    else:
        commit(lambda: photos.move_photo(current_user, photo, -1 if action == "up" else 1))
    return redirect(url_for("units.detail", unit_id=unit.id, _anchor="photos"))


@bp.app_template_global()
def today() -> date:
    return clock.today()


@bp.app_context_processor
def unit_labels() -> dict:
    return {
        "unit_status_label": services.status_label,
        "map_tiles": current_app.config.get("MAP_TILE_URL", ""),
    }


@bp.app_template_filter("use_label")
def use_label(use: PermittedUse) -> str:
    return next(str(c.label) for c in use_choices() if c.value == PermittedUse(use).value)


@bp.app_template_filter("vacancy_label")
def vacancy_label(unit: Unit) -> str:
    labels = {
        VacancyClass.FRICTIONAL: _("frictional (< 1 year)"),
        VacancyClass.LONG_TERM: _("long-term (1–3 years)"),
        VacancyClass.STRUCTURAL: _("structural (> 3 years)"),
    }
    vacancy = unit.vacancy_class()
    return labels[vacancy] if vacancy else "—"
