"""Applications: apply, the starter's list, the application page and the pipeline board."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from vrijstad import clock, pdf
from vrijstad.applications import queries, services
from vrijstad.applications.forms import (
    AcceptOfferForm,
    ApplyForm,
    MessageForm,
    OfferForm,
    PipelineFilterForm,
    ViewingForm,
)
from vrijstad.applications.models import (
    BOARD_COLUMNS,
    Application,
    ApplicationStatus,
    Offer,
    Viewing,
)
from vrijstad.areas.models import Area
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.htmx import render_page
from vrijstad.i18n import eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Placement
from vrijstad.letting.services import agreement_pdf, discount_rows, kind_label, percent, use_labels
from vrijstad.loaders import allow, load, owned
from vrijstad.starters.forms import branch_label
from vrijstad.starters.services import completeness, profile_of
from vrijstad.storage import get_storage
from vrijstad.units.models import Unit, monthly
from vrijstad.web import attempt, button_action, is_htmx

bp = Blueprint("applications", __name__)


def get_visible_or_404(application_id: int) -> Application:
    """An application the current user takes part in; anyone else's is a 404."""
    return load(Application, application_id, services.can_see)


def get_own_or_403(application_id: int) -> Application:
    """An application of the current starter: the starter's buttons are theirs alone."""
    return owned(
        Application,
        application_id,
        lambda user, application: application.starter_id == user.id,
        _("Only the starter who applied can do this."),
        visible=services.can_see,
    )


def get_managed_or_403(application_id: int) -> Application:
    """An application on a unit the current user lets: the landlord, its staff, or admins."""
    return owned(
        Application,
        application_id,
        lambda user, application: services.is_landlord_side(user, application.unit),
        _("Only the landlord or the area's organisation can do this."),
        visible=services.can_see,
    )


@bp.route("/units/<int:unit_id>/apply", methods=["GET", "POST"])
@login_required
def apply(unit_id: int):
    unit = load(Unit, unit_id, lambda _user, unit: unit.is_public)
    allow(
        current_user.is_starter,
        _("Only starters can apply. Register a starter account to apply."),
    )
    form = ApplyForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.submit_application(current_user, unit, form.motivation.data), form
        )
        if isinstance(done.error, services.DuplicateApplication):  # sent twice: the first one
            flash(str(done.error), "info")
            url = url_for("applications.detail", application_id=done.error.earlier.id)
            return redirect(url, 303)
        if done.value is not None:
            flash(_("Your application has been sent. You will hear from us."), "success")
            return redirect(url_for("applications.detail", application_id=done.value.id))
    profile = profile_of(current_user)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "applications/apply.html", unit=unit, form=form, completeness=completeness(profile)
    ), status


@bp.get("/my/applications")
@login_required
def mine():
    applications = db.session.scalars(
        queries.applications_of_starter(current_user.id).options(selectinload(Application.unit))
    ).all()
    return render_template("applications/mine.html", applications=applications)


def _detail_context(application: Application, **forms) -> dict:
    landlord_side = services.is_landlord_side(current_user, application.unit)
    placement = db.session.scalar(
        db.select(Placement).where(Placement.application_id == application.id)
    )
    return {
        "application": application,
        "landlord_side": landlord_side,
        "is_starter": application.starter_id == current_user.id,
        "profile": profile_of(application.starter),
        "history": db.session.execute(queries.history(application)).all(),
        "placement": placement,
        "button": ButtonForm(),
        "message_form": forms.get("message_form") or MessageForm(formdata=None),
        "viewing_form": forms.get("viewing_form") or ViewingForm(formdata=None),
        "offer_form": forms.get("offer_form") or _new_offer_form(application),
        "completeness": completeness(profile_of(application.starter)),
    }


def _new_offer_form(application: Application) -> OfferForm:
    """An offer filled in from the unit (its rent, when it is free, its service charges) and
    the starter's wishes (kind of space, earliest start); the landlord adjusts it."""
    unit, profile = application.unit, profile_of(application.starter)
    wanted = profile.earliest_start if profile else None
    start = max(d for d in (clock.today(), unit.available_from, wanted) if d is not None)
    note = None
    if unit.service_charges_cents_per_year:
        note = _(
            "Service charges: %(amount)s per month excl. VAT, on top of the base fee.",
            amount=eur_filter(monthly(unit.service_charges_cents_per_year)),
        )
    return OfferForm(
        formdata=None,
        kind=profile.space_kind.value if profile and profile.space_kind else "",
        start_date=start,
        base_fee=unit.rent_cents_per_month,
        note=note,
    )


@bp.get("/applications/<int:application_id>")
@login_required
def detail(application_id: int):
    application = get_visible_or_404(application_id)
    return render_template("applications/detail.html", **_detail_context(application))


def _act(application: Application, action, success: str):
    """Run a starter's or landlord's button action, commit, and come back to the page."""
    button_action(lambda: action(current_user, application), success)
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = get_own_or_403(application_id)
    return _act(application, services.withdraw_application, _("Your application was withdrawn."))


def _open_offer_or_back(application: Application):
    """The open offer, or None after a message that there is none (the caller goes back)."""
    offer = application.open_offer
    if offer is None:
        flash(_("This offer is no longer open; it may have been withdrawn."), "error")
    return offer


def _review(application: Application, offer: Offer, form: AcceptOfferForm, status: int = 200):
    if not form.is_submitted() or form.version.errors:
        form.version.data = services.offer_version(offer)
    draft = services.draft_placement(offer)
    return render_template(
        "applications/review_offer.html",
        application=application,
        offer=offer,
        draft=draft,
        uses=use_labels(),
        discounts=discount_rows(draft),
        form=form,
    ), status


@bp.get("/applications/<int:application_id>/offer/review")
@login_required
def review_offer(application_id: int):
    application = get_own_or_403(application_id)
    offer = _open_offer_or_back(application)
    if offer is None:
        return redirect(url_for("applications.detail", application_id=application.id))
    return _review(application, offer, AcceptOfferForm(formdata=None))


@bp.get("/applications/<int:application_id>/offer/agreement.pdf")
@login_required
def offer_agreement(application_id: int):
    application = get_visible_or_404(application_id)
    offer = _open_offer_or_back(application)
    if offer is None:
        return redirect(url_for("applications.detail", application_id=application.id))
    return pdf.download(
        agreement_pdf(services.draft_placement(offer)), f"draft-agreement-offer-{offer.id}.pdf"
    )


@bp.post("/applications/<int:application_id>/accept")
@login_required
def accept(application_id: int):
    application = get_own_or_403(application_id)
    form = AcceptOfferForm()
    if not form.validate_on_submit():
        offer = _open_offer_or_back(application)
        if offer is None:
            return redirect(url_for("applications.detail", application_id=application.id))
        return _review(application, offer, form, 422)
    done = attempt(lambda: services.accept_offer(current_user, application, form.version.data))
    if done.error is not None and done.error.field == "version":  # changed: read it again
        return redirect(url_for("applications.review_offer", application_id=application.id))
    if not done:
        return redirect(url_for("applications.detail", application_id=application.id))
    flash(_("Congratulations! The unit is yours; download the draft agreement below."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.post("/applications/<int:application_id>/decline")
@login_required
def decline(application_id: int):
    application = get_own_or_403(application_id)
    return _act(application, services.decline_offer, _("You declined the offer."))


@bp.post("/applications/<int:application_id>/offer/withdraw")
@login_required
def withdraw_offer(application_id: int):
    application = get_managed_or_403(application_id)
    return _act(application, services.withdraw_offer, _("The offer was withdrawn."))


@bp.post("/applications/<int:application_id>/messages")
@login_required
def post_message(application_id: int):
    application = get_visible_or_404(application_id)
    form = MessageForm()
    status = 422
    if form.validate_on_submit() and attempt(
        lambda: services.post_message(current_user, application, form.body.data), form
    ):
        status, form = 200, MessageForm(formdata=None)
    if not is_htmx() and status == 200:
        return redirect(
            url_for("applications.detail", application_id=application.id, _anchor="thread")
        )
    return render_page(
        "applications/detail.html",
        "applications/_thread.html",
        status=status,
        **_detail_context(application, message_form=form),
    )


@bp.post("/applications/<int:application_id>/viewing")
@login_required
def plan_viewing(application_id: int):
    application = get_managed_or_403(application_id)
    form = ViewingForm()
    if form.validate_on_submit():
        local = datetime.combine(form.day.data, form.time.data)
        starts_at = local.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        if attempt(
            lambda: services.plan_viewing(
                current_user, application, starts_at, form.duration.data, form.note.data
            ),
            form,
        ):
            flash(_("The viewing is planned; the starter received it by e-mail."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return render_template(
        "applications/detail.html", **_detail_context(application, viewing_form=form)
    ), 422


@bp.get("/applications/<int:application_id>/viewings/<int:viewing_id>.ics")
@login_required
def viewing_ics(application_id: int, viewing_id: int):
    application = get_visible_or_404(application_id)
    viewing = load(Viewing, viewing_id, lambda _user, v: v.application_id == application.id)
    return (
        services.viewing_ics(viewing),
        200,
        {
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="viewing-{viewing.id}.ics"',
        },
    )


@bp.post("/applications/<int:application_id>/offer")
@login_required
def make_offer(application_id: int):
    application = get_managed_or_403(application_id)
    form = OfferForm()
    if form.validate_on_submit() and attempt(
        lambda: services.make_offer(current_user, application, form.terms()), form
    ):
        flash(_("The offer was sent to the starter."), "success")
        return redirect(url_for("applications.detail", application_id=application.id))
    return render_template(
        "applications/detail.html", **_detail_context(application, offer_form=form)
    ), 422


@bp.get("/applications/<int:application_id>/plan.pdf")
@login_required
def plan(application_id: int):
    application = get_visible_or_404(application_id)
    profile = profile_of(application.starter)
    if profile is None or not profile.plan_key:
        abort(404)
    return get_storage().send(
        profile.plan_key, profile.plan_filename or "plan.pdf", "application/pdf", as_attachment=True
    )


# The pipeline board ------------------------------------------------------------------------


def _filters() -> dict[str, Any]:
    """The board's filters in the query string, to keep them across a move."""
    return {k: v for k, v in request.args.items() if k in ("unit", "area") and v}


def _board_context() -> dict:
    units = db.session.scalars(
        queries.pipeline_units(current_user).order_by(Unit.city, Unit.street, Unit.house_number)
    ).all()
    area_ids = {u.area_id for u in units if u.area_id}
    areas = db.session.scalars(
        db.select(Area).where(Area.id.in_(area_ids)).order_by(Area.city, Area.name)
    ).all()
    form = PipelineFilterForm(request.args)
    form.fill(units, areas)
    form.validate()
    unit_id = form.unit.data if not form.unit.errors else None
    area_id = form.area.data if not form.area.errors else None
    applications = db.session.scalars(
        queries.pipeline(current_user, unit_id, area_id).options(
            selectinload(Application.unit), selectinload(Application.starter)
        )
    ).all()
    columns: dict[ApplicationStatus, list[Application]] = {s: [] for s in BOARD_COLUMNS}
    for application in applications:
        columns[application.status].append(application)
    filters = _filters()
    return {
        "form": form,
        "columns": columns,
        "button": ButtonForm(),
        "has_units": bool(units),
        "filters": filters,
    }


@bp.get("/pipeline")
@login_required
def board():
    context = _board_context()
    if not context["has_units"] and not current_user.is_admin:
        refuse(403, _("The pipeline is for landlords and organisation staff."))
    return render_page("applications/board.html", "applications/_board.html", **context)


@bp.post("/applications/<int:application_id>/move")
@login_required
def move(application_id: int):
    application = get_managed_or_403(application_id)
    try:
        target = ApplicationStatus(request.form.get("status", ""))
    except ValueError:
        refuse(400, _("Unknown status."))
    moved = _("Moved to %(status)s.", status=services.status_label(target))
    button_action(lambda: services.move(current_user, application, target), moved)
    if request.form.get("back") == "detail":  # pressed on the application's own page
        return redirect(url_for("applications.detail", application_id=application.id))
    if not is_htmx():
        filters: dict[str, Any] = {
            k: v for k, v in request.args.items() if k in ("unit", "area") and v
        }
        return redirect(url_for("applications.board", **filters))
    # The board replaces itself, with the outcome (also a refusal) shown on top of it.
    return render_template("applications/_board.html", **_board_context())


@bp.app_context_processor
def application_labels() -> dict:
    return {
        "application_status_label": services.status_label,
        "placement_kind_label": kind_label,
        "percent": percent,
        "branch_label": branch_label,
        "my_open_application": lambda unit: services.open_application(current_user, unit),
    }
