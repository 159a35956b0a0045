"""The starter's own profile: edit it, see how complete it is, upload the business plan."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from wtforms import SelectChoice

from vrijstad.areas.models import Area, Street
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.starters import services
from vrijstad.starters.forms import ProfileForm
from vrijstad.storage import get_storage
from vrijstad.web import attempt

bp = Blueprint("starters", __name__)


def _starter_only() -> None:
    if not current_user.is_starter:
        refuse(403, _("The starter profile is for starter accounts."))


def _profile_form(profile) -> ProfileForm:
    form = ProfileForm(obj=profile)
    if profile is not None and request.method == "GET":
        form.budget.data = profile.budget_cents_per_month
        form.branch_group.data = profile.branch_group.value if profile.branch_group else ""
        form.required_use.data = profile.required_use.value if profile.required_use else ""
        form.space_kind.data = profile.space_kind.value if profile.space_kind else ""
        form.area_ids.data = [a.id for a in profile.areas]
        form.street_ids.data = [s.id for s in profile.streets]
    areas = db.session.scalars(db.select(Area).order_by(Area.city, Area.name)).all()
    form.area_ids.choices = [SelectChoice(a.id, f"{a.city} · {a.name}") for a in areas]
    streets = db.session.scalars(
        db.select(Street).join(Area).order_by(Area.city, Street.name)
    ).all()
    form.street_ids.choices = [SelectChoice(s.id, f"{s.name} ({s.area.city})") for s in streets]
    return form


@bp.route("/my/profile", methods=["GET", "POST"])
@login_required
def profile():
    _starter_only()
    return _profile_page(plan_required=False)


@bp.post("/my/profile/plan")
@login_required
def upload_plan():
    """The "Upload plan" button submits the whole profile form: what was typed is kept."""
    _starter_only()
    return _profile_page(plan_required=True)


def _profile_page(plan_required: bool):
    """Save the profile with the plan chosen (if any), or show the form again as typed."""
    current = services.profile_of(current_user)
    form = _profile_form(current)
    upload = form.plan.data if isinstance(form.plan.data, FileStorage) else None
    if upload is not None and not upload.filename:
        upload = None
    outcome = None
    if form.validate_on_submit():
        if plan_required and upload is None:
            form.plan.errors = [_("Choose a PDF file to upload.")]
        else:
            outcome = attempt(lambda: _save(form, upload), form)
            if outcome:
                message = _("Your business plan is uploaded.") if upload else None
                flash(message or _("Your profile is saved."), "success")
                return redirect(url_for("starters.profile", _anchor="plan" if upload else None))
    status = 200
    if form.is_submitted():
        too_large = outcome is not None and isinstance(outcome.error, services.PlanTooLarge)
        status = 413 if too_large else 422
    return render_template(
        "starters/profile.html",
        form=form,
        profile=current,
        completeness=services.completeness(current),
    ), status


def _save(form: ProfileForm, upload: FileStorage | None) -> None:
    user = current_user
    services.save_profile(
        user, form.profile_data(), form.area_ids.data or [], form.street_ids.data or []
    )
    if upload is not None:
        content = upload.read(services.MAX_PLAN_BYTES + 1)
        services.store_plan(user, upload.filename or "", content)


@bp.get("/my/profile/plan.pdf")
@login_required
def download_plan():
    _starter_only()
    current = services.profile_of(current_user)
    if current is None or not current.plan_key:
        abort(404)
    return get_storage().send(
        current.plan_key, current.plan_filename or "plan.pdf", "application/pdf", as_attachment=True
    )
