"""The landlord's listing wizard: address → facts → photos → price and terms → preview →
publish, one step a page.

Postcode and house number fill the address, BAG id and pin from the address service; when it
knows no such address or cannot be reached, the landlord types the address. Each step saves
through the unit services, so going back or leaving loses nothing. A new unit's address waits
in the session until the facts step (floor area) lets the unit be created as a draft.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.loaders import allow, load
from vrijstad.units import photos, services
from vrijstad.units.addresses import AddressServiceDown, address_lookup
from vrijstad.units.forms import AddressForm, FactsForm, TermsForm, unit_data
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.web import attempt

bp = Blueprint("units_wizard", __name__)

#: The steps in order, with their names as the step indicator shows them.
STEPS = {
    "address": _l("Address"),
    "facts": _l("Facts"),
    "photos": _l("Photos"),
    "terms": _l("Price and terms"),
    "preview": _l("Preview"),
    "publish": _l("Publish"),
}
ORDER = list(STEPS)
#: Where a new unit's address waits until the facts step creates the unit.
DRAFT_KEY = "unit_wizard_address"


def _next(step: str) -> str:
    return ORDER[min(ORDER.index(step) + 1, len(ORDER) - 1)]


def _previous(step: str) -> str:
    return ORDER[max(ORDER.index(step) - 1, 0)]


def _go(unit: Unit, step: str) -> Response:
    """After a step is saved: on to the next step, or back to the previous one."""
    target = _previous(step) if request.form.get("action") == "back" else _next(step)
    return redirect(url_for("units_wizard.step", unit_id=unit.id, step=target))


def _render(step: str, unit: Unit | None, status: int = 200, **context):
    return render_template(
        f"units/wizard/{step}.html",
        step=step,
        steps=STEPS,
        number=ORDER.index(step) + 1,
        unit=unit,
        **context,
    ), status


def _address_form(unit: Unit | None = None, data: dict | None = None) -> AddressForm:
    form = AddressForm(obj=unit, data=data)
    form.area_id.choices = [SelectChoice(0, _("— choose an area —"))] + [
        SelectChoice(a.id, f"{a.city} · {a.name}") for a in services.areas_for(current_user)
    ]
    return form


def _look_up(form: AddressForm) -> bool:
    """Fill the form from the address service; false (with the reason on the form) if not."""
    query = form.address_query()
    if query is None:
        return False
    try:
        address = address_lookup().lookup(*query)
    except AddressServiceDown:
        form.form_errors.append(
            _("The address service cannot be reached right now: type the address yourself.")
        )
        return False
    if address is None:
        form.postcode.errors = [
            _(
                "No address found at this postcode and house number: check them, or type "
                "the address yourself."
            )
        ]
        return False
    form.fill(address)
    return True


def located(form: AddressForm) -> dict:
    """The address step's data with the address's point from the address service, and the
    pin and BAG id filled in where the landlord left them empty. Without an answer (unknown
    address, service down) the typed address stands without a point."""
    data = unit_data(form)
    query = form.address_query()
    try:
        address = address_lookup().lookup(*query) if query else None
    except AddressServiceDown:
        address = None
    data["address_latitude"] = address.latitude if address else None
    data["address_longitude"] = address.longitude if address else None
    if address is not None:
        if data["latitude"] is None or data["longitude"] is None:
            data["latitude"], data["longitude"] = address.latitude, address.longitude
        data["bag_id"] = data["bag_id"] or address.bag_id
    return data


def _address_step(form: AddressForm) -> tuple[dict | None, int]:
    """Look up, or save: the shared part of a new and an existing unit's address step."""
    if form.is_submitted() and request.form.get("action") == "lookup":
        found = form.csrf_token.validate(form) and _look_up(form)
        return None, (200 if found else 422)
    if not form.validate_on_submit():
        return None, (422 if form.is_submitted() else 200)
    return located(form), 200


@bp.route("/units/wizard", methods=["GET", "POST"])
@login_required
def start():
    """A new unit's first step: its address (kept in the session until the facts step)."""
    allow(current_user.is_landlord)
    form = _address_form(data=session.get(DRAFT_KEY))
    data, status = _address_step(form)
    if data is not None:
        if not attempt(lambda: services.check_pin(data), form=form):
            return _render("address", None, 422, form=form)
        session[DRAFT_KEY] = data
        return redirect(url_for("units_wizard.new_facts"))
    return _render("address", None, status, form=form)


@bp.route("/units/wizard/facts", methods=["GET", "POST"])
@login_required
def new_facts():
    """A new unit's second step: its facts; saving creates the unit as a draft."""
    allow(current_user.is_landlord)
    address = session.get(DRAFT_KEY)
    if address is None:
        return redirect(url_for("units_wizard.start"))
    form = FactsForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.create_unit(
                current_user, current_user, address | unit_data(form) | {"rent_cents_per_year": 0}
            ),
            form=form,
        )
        if done and done.value is not None:
            session.pop(DRAFT_KEY, None)
            return _go(done.value, "facts")
    return _render("facts", None, 422 if form.is_submitted() else 200, form=form)


@bp.route("/units/<int:unit_id>/wizard/<step>", methods=["GET", "POST"])
@login_required
def step(unit_id: int, step: str):
    """One step of the wizard for a unit that exists (a draft, or one being edited)."""
    unit = load(Unit, unit_id, services.can_edit)
    if step not in STEPS:
        abort(404)
    return {
        "address": _existing_address,
        "facts": _facts,
        "photos": _photos,
        "terms": _terms,
        "preview": _preview,
        "publish": _publish,
    }[step](unit)


def _save(unit: Unit, step: str, form, data: dict):
    if attempt(lambda: services.update_unit(current_user, unit, data), form=form):
        return _go(unit, step)
    return _render(step, unit, 422, form=form)


def _existing_address(unit: Unit):
    form = _address_form(unit)
    data, status = _address_step(form)
    if data is not None:
        return _save(unit, "address", form, data)
    return _render("address", unit, status, form=form)


def _facts(unit: Unit):
    form = FactsForm(obj=unit)
    if request.method == "GET":
        form.permitted_uses.data = [u.value for u in unit.permitted_uses]
        form.energy_label.data = unit.energy_label.value if unit.energy_label else ""
    if form.validate_on_submit():
        return _save(unit, "facts", form, unit_data(form))
    return _render("facts", unit, 422 if form.is_submitted() else 200, form=form)


def _terms(unit: Unit):
    form = TermsForm(obj=unit)
    if form.validate_on_submit():
        return _save(unit, "terms", form, unit_data(form))
    return _render("terms", unit, 422 if form.is_submitted() else 200, form=form)


def _photos(unit: Unit):
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        files = [f for f in request.files.getlist("photo") if f and f.filename]
        if request.form.get("action") == "upload":
            if not files:
                flash(_("Choose a photo to upload."), "error")
            elif attempt(lambda: _add_photos(unit, files)):
                flash(_("Photo added."), "success")
            return redirect(url_for("units_wizard.step", unit_id=unit.id, step="photos"))
        return _go(unit, "photos")
    return _render("photos", unit, form=form)


def _add_photos(unit: Unit, files) -> None:
    for upload in files:
        photos.add_photo(current_user, unit, upload.read(photos.MAX_PHOTO_BYTES + 1))


def _preview(unit: Unit):
    if request.method == "POST":
        return _go(unit, "preview")
    return _render("preview", unit, form=ButtonForm(), problems=services.publish_problems(unit))


#: The step where each publish problem is put right.
PROBLEM_STEPS = {
    "area_id": "address",
    "latitude": "address",
    "pin_confirmed": "address",
    "permitted_uses": "facts",
    "energy_label": "facts",
    "available_from": "terms",
    "rent": "terms",
}


def _publish(unit: Unit):
    form = ButtonForm()
    if request.method == "POST":
        if request.form.get("action") == "back":
            return redirect(url_for("units_wizard.step", unit_id=unit.id, step="preview"))
        if not form.validate_on_submit():
            abort(400)
        if attempt(lambda: services.change_status(current_user, unit, UnitStatus.LISTED)):
            flash(_("Your unit is online."), "success")
            return redirect(url_for("units.detail", unit_id=unit.id))
    return _render(
        "publish",
        unit,
        form=form,
        problems=services.publish_problems(unit),
        problem_steps=PROBLEM_STEPS,
        held=services.held_by(unit),
    )
