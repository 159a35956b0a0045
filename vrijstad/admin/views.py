"""Platform administration: organisations across all cities."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad.auth.guards import missing_two_factor
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ops import queues
from vrijstad.organisations import services
from vrijstad.organisations.forms import OrganisationForm
from vrijstad.organisations.models import Organisation, OrganisationKind
from vrijstad.web import attempt, on_field

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_platform_admin():
    # login_required lets OPTIONS through unauthenticated: no is_admin on the anonymous user.
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(403)
    return missing_two_factor()


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.create_organisation(
                current_user,
                form.name.data,
                OrganisationKind(form.kind.data),
                form.kvk_number.data,
                form.city.data,
                email=form.email.data or None,
                website=form.website.data or None,
            ),
            show=on_field(form.name),
        )
        if organisation := done.value:
            flash(_("Organisation %(name)s created.", name=organisation.name), "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    listing = db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/organisations.html", form=form, organisations=listing), status


STATES = {
    "queued": _l("queued"),
    "started": _l("started"),
    "finished": _l("finished"),
    "failed": _l("failed"),
    "deferred": _l("deferred"),
    "scheduled": _l("scheduled"),
    "idle": _l("idle"),
    "busy": _l("busy"),
    "suspended": _l("suspended"),
}


@bp.get("/jobs")
def jobs():
    """Read-only: RQ's queues, workers and latest failures, and the app's job records."""
    overview = queues.overview()
    response = make_response(
        render_template("admin/jobs.html", overview=overview, states=STATES),
        503 if overview.status == "unreachable" else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
