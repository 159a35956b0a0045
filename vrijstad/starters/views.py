"""The starter's own profile: edit it, see how complete it is, upload the business plan."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from vrijstad.areas.models import Area, Street
from vrijstad.core import DomainError
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
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
    current = services.profile_of(current_user)
    form = _profile_form(current)
    if form.validate_on_submit() and attempt(
        lambda: services.save_profile(
            current_user,
            form.profile_data(),
            form.area_ids.data or [],
            form.street_ids.data or [],
        ),
        form,
    ):
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("starters.profile"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "starters/profile.html",
        form=form,
        profile=current,
        completeness=services.completeness(current),
        button=ButtonForm(),
    ), status


def _refuse(exc: DomainError) -> None:
    """A plan over the limit is a 413 page; other refusals are flashed."""
    if isinstance(exc, services.PlanTooLarge):
        refuse(413, str(exc))
    flash(str(exc), "error")


@bp.post("/my/profile/plan")
@login_required
def upload_plan():
    _starter_only()
    upload = request.files.get("plan")
    if not ButtonForm().validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose a PDF file to upload."), "error")
        return redirect(url_for("starters.profile", _anchor="plan"))
    content = upload.read(services.MAX_PLAN_BYTES + 1)
    if attempt(lambda: services.store_plan(current_user, upload.filename, content), show=_refuse):
        flash(_("Your business plan is uploaded."), "success")
    return redirect(url_for("starters.profile", _anchor="plan"))


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
