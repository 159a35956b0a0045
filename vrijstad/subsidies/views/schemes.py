"""The staff's schemes: presets, the rules form, the overview of applications and the export."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad import clock, exports
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import Organisation
from vrijstad.subsidies import documents, queries, services
from vrijstad.subsidies.forms import SchemeForm
from vrijstad.subsidies.models import SubsidyScheme
from vrijstad.subsidies.services import SubsidyError
from vrijstad.subsidies.views.common import (
    bp,
    get_managed_scheme,
    organisation_or_404,
)
from vrijstad.web import attempt, check_button


@bp.get("/organisations/<int:organisation_id>/subsidies")
@login_required
def organisation(organisation_id: int):
    item = organisation_or_404(organisation_id)
    schemes = db.session.scalars(queries.schemes_of(item.id)).all()
    budgets = {s.id: services.budget_of(s) for s in schemes}
    return render_template(
        "subsidies/organisation.html",
        organisation=item,
        schemes=schemes,
        budgets=budgets,
        presets=services.PRESETS,
        button=ButtonForm(),
    )


@bp.post("/organisations/<int:organisation_id>/subsidies/presets/<preset>")
@login_required
def create_preset(organisation_id: int, preset: str):
    item = organisation_or_404(organisation_id)
    if preset not in services.PRESETS:
        abort(404)
    check_button()
    done = attempt(lambda: services.create_preset(current_user, item, preset), refused=SubsidyError)
    if done.value is None:
        return redirect(url_for("subsidies.organisation", organisation_id=item.id))
    flash(_("The scheme %(name)s is added; check its rules.", name=done.value.name), "success")
    return redirect(url_for("subsidies.edit_scheme", scheme_id=done.value.id))


def _save_scheme(
    organisation: Organisation, scheme: SubsidyScheme | None, form: SchemeForm
) -> SubsidyScheme:
    if scheme is None:
        return services.create_scheme(current_user, organisation, form.rules())
    services.update_scheme(current_user, scheme, form.rules())
    return scheme


def _scheme_form(organisation: Organisation, scheme: SubsidyScheme | None):
    form = SchemeForm()
    form.fill(organisation)
    if not form.is_submitted() and scheme is not None:
        form.load(services.rules_of(scheme))
    if form.validate_on_submit():
        done = attempt(lambda: _save_scheme(organisation, scheme, form), form, SubsidyError)
        if done.value is not None:
            flash(_("The scheme is saved."), "success")
            return redirect(url_for("subsidies.overview", scheme_id=done.value.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "subsidies/scheme_form.html", form=form, organisation=organisation, scheme=scheme
    ), status


@bp.route("/organisations/<int:organisation_id>/subsidies/new", methods=["GET", "POST"])
@login_required
def new_scheme(organisation_id: int):
    return _scheme_form(organisation_or_404(organisation_id), None)


@bp.route("/subsidies/schemes/<int:scheme_id>/edit", methods=["GET", "POST"])
@login_required
def edit_scheme(scheme_id: int):
    item = get_managed_scheme(scheme_id)
    return _scheme_form(item.organisation, item)


def _overview_context(item: SubsidyScheme) -> dict:
    applications = db.session.scalars(queries.scheme_applications(item.id)).all()
    on = clock.today()
    queue = [a for a in applications if a.submitted_at is not None]
    return {
        "scheme": item,
        "applications": applications,
        "groups": queries.by_status(applications),
        "due": queries.due_soon(applications, on),
        "positions": {a.id: n for n, a in enumerate(queue, 1)},
        "budget": services.budget_of(item),
        "today": on,
    }


@bp.get("/subsidies/schemes/<int:scheme_id>/overview")
@login_required
def overview(scheme_id: int):
    item = get_managed_scheme(scheme_id)
    return render_template("subsidies/overview.html", **_overview_context(item))


@bp.get("/subsidies/schemes/<int:scheme_id>/export.<fmt>")
@login_required
def export(scheme_id: int, fmt: str):
    item = get_managed_scheme(scheme_id)
    if fmt not in exports.FORMATS:
        abort(404)
    context = _overview_context(item)
    data = documents.export_data(item, context["applications"], context["budget"])
    stem = f"subsidies-{item.dossier_prefix.lower()}"
    return exports.download(documents.export_tables(data, item.name), fmt, stem)
