"""Matching pages: a starter's matches, a unit's candidates, staff settings and allocation."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from vrijstad import clock, exports, labels
from vrijstad.applications.services import is_landlord_side
from vrijstad.areas.models import Area, Street
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, requested_page
from vrijstad.htmx import render_page
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Collective
from vrijstad.loaders import load, owned
from vrijstad.matching import queries, services
from vrijstad.matching.forms import (
    LIMIT_FIELDS,
    AllocationForm,
    AllocationScopeForm,
    InvitePairsForm,
    StreetProfileForm,
    WeightsForm,
    limits_of,
)
from vrijstad.matching.models import MAX_WEIGHT, AllocationRun
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.views import get_managed_or_403
from vrijstad.starters.services import completeness, profile_of
from vrijstad.units.models import Unit
from vrijstad.web import attempt, button_action, commit

bp = Blueprint("matching", __name__)


def _limit(default: int = 10) -> int:
    return max(1, min(request.args.get("limit", default, type=int), services.MAX_RECOMMENDATIONS))


# A starter's matches -----------------------------------------------------------------------


@bp.get("/my/matches")
@login_required
def my_matches():
    if not current_user.is_starter:
        refuse(403, _("Matches are shown to starters, for their own profile."))
    profile = profile_of(current_user)
    matches = services.recommend_units(current_user, _limit()) if profile else []
    return render_page(
        "matching/my_matches.html",
        "matching/_recommendations.html",
        profile=profile,
        matches=matches,
        completeness=completeness(profile),
    )


# A unit's candidates -----------------------------------------------------------------------


@bp.get("/units/<int:unit_id>/candidates")
@login_required
def candidates(unit_id: int):
    unit = owned(Unit, unit_id, is_landlord_side)
    is_open = unit.status in queries.OPEN_UNIT_STATUSES
    marked = request.args.get("marked") == "1"
    matches = services.recommend_starters(unit, _limit(), with_held=marked) if is_open else []
    return render_page(
        "matching/candidates.html",
        "matching/_candidates.html",
        unit=unit,
        is_open=is_open,
        matches=matches,
        marked=marked,
        held=services.held_starters([m.starter_id for m in matches], clock.today()),
        button=ButtonForm(),
        invited=services.invited_starter_ids(unit),
    )


@bp.post("/units/<int:unit_id>/candidates/<int:starter_id>/invite")
@login_required
def invite(unit_id: int, starter_id: int):
    unit = owned(Unit, unit_id, is_landlord_side)
    button_action(
        lambda: services.invite_to_apply(current_user, unit, starter_id),
        _("The starter is invited to apply."),
        refused=services.MatchingError,
    )
    return redirect(url_for("matching.candidates", unit_id=unit.id))


# Staff: weights and street profiles --------------------------------------------------------


def _settings_page(organisation, form: WeightsForm, status: int = 200):
    return render_template(
        "matching/settings.html",
        organisation=organisation,
        form=form,
        streets=services.street_overview(organisation),
        max_weight=MAX_WEIGHT,
    ), status


@bp.route("/organisations/<int:organisation_id>/matching", methods=["GET", "POST"])
@login_required
def settings(organisation_id: int):
    organisation = get_managed_or_403(organisation_id)
    form = WeightsForm(data=services.weights_of(organisation.id))
    if form.validate_on_submit() and attempt(
        lambda: services.save_weights(current_user, organisation, form.values()),
        form,
        services.MatchingError,
    ):
        flash(_("The weights are saved; every score uses them from now on."), "success")
        return redirect(url_for("matching.settings", organisation_id=organisation.id))
    return _settings_page(organisation, form, 422 if form.is_submitted() else 200)


@bp.route(
    "/organisations/<int:organisation_id>/streets/<int:street_id>/profile",
    methods=["GET", "POST"],
)
@login_required
def street_profile(organisation_id: int, street_id: int):
    organisation = get_managed_or_403(organisation_id)
    street = load(Street, street_id, lambda _u, s: s.area.organisation_id == organisation.id)
    data = _profile_data(services.street_profile_of(street)) or {}
    limits = services.branch_limits_of(street)
    data |= {name: limits.get(group) for group, name in LIMIT_FIELDS.items()}
    form = StreetProfileForm(data=data)
    if form.validate_on_submit() and attempt(
        lambda: (
            services.save_street_profile(
                current_user,
                street,
                form.wanted.data or [],
                form.excluded.data or [],
                form.note.data,
            ),
            services.save_branch_limits(current_user, street, limits_of(form)),
        ),
        form,
        services.MatchingError,
    ):
        flash(_("The profile of %(street)s is saved.", street=street.name), "success")
        return redirect(url_for("matching.settings", organisation_id=organisation.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "matching/street_profile.html",
        organisation=organisation,
        street=street,
        form=form,
        limit_fields=[form[name] for name in LIMIT_FIELDS.values()],
    ), status


def _profile_data(current) -> dict | None:
    if current is None:
        return None
    return {
        "wanted": [g.value for g in current.wanted],
        "excluded": [g.value for g in current.excluded],
        "note": current.note,
    }


# Staff: allocation -------------------------------------------------------------------------


def _scope_choices(organisation) -> list | dict:
    """The organisation's areas, and its collectives in a group of their own."""
    areas = [SelectChoice(f"area-{a.id}", f"{a.name} ({a.city})") for a in organisation.areas]
    collectives = [
        SelectChoice(f"collective-{c.id}", c.name) for c in services.collectives_of(organisation)
    ]
    return {_("Areas"): areas, _("Collectives"): collectives} if collectives else areas


def _scope_or_404(organisation, value: str | None) -> Area | Collective | None:
    """The area or collective named "area-<id>" or "collective-<id>"; None when malformed,
    404 when it does not exist or is another organisation's."""
    kind, _sep, ident = (value or "").partition("-")
    if kind not in ("area", "collective") or not (ident.isascii() and ident.isdigit()):
        return None
    if len(ident) > 18:
        abort(404)
    scope: Area | Collective | None = (
        db.session.get(Area, int(ident))
        if kind == "area"
        else db.session.get(Collective, int(ident))
    )
    if scope is None or scope.organisation_id != organisation.id:
        abort(404)
    return scope


def _scope_key(scope) -> str | None:
    if scope is None:
        return None
    return f"{'collective' if isinstance(scope, Collective) else 'area'}-{scope.id}"


def _starter_label(profile) -> str:
    name = profile.trade_name or profile.user.name
    if profile.invitations_opt_out:
        return _("%(name)s · wants no invitations", name=name)
    return name


def _marked(label: str, reason) -> str:
    return _("%(name)s · %(reason)s", name=label, reason=labels.label(reason)) if reason else label


def _allocation_page(
    organisation,
    scope,
    form: AllocationForm,
    fill: bool,
    marked: bool = False,
    status: int = 200,
):
    """The choices of an area or collective; fill ticks every unit and starter not held;
    marked shows the held ones too, with the reason."""
    units, profiles = services.allocation_choices(scope, with_held=marked) if scope else ([], [])
    held_units = services.held_units(units)
    held_starters = services.held_starters([p.user_id for p in profiles], clock.today())
    scope_form = AllocationScopeForm(formdata=None, scope=_scope_key(scope), marked=marked)
    scope_form.scope.choices = _scope_choices(organisation)
    form.scope.data = _scope_key(scope)
    form.marked.data = "1" if marked else ""
    form.units.choices = [
        SelectChoice(u.id, _marked(u.address, held_units.get(u.id))) for u in units
    ]
    form.starters.choices = [
        SelectChoice(p.user_id, _marked(_starter_label(p), held_starters.get(p.user_id)))
        for p in profiles
    ]
    if fill:
        form.units.data = [u.id for u in units if u.id not in held_units]
        form.starters.data = [p.user_id for p in profiles if p.user_id not in held_starters]
    return render_template(
        "matching/allocation.html",
        organisation=organisation,
        scope_form=scope_form,
        form=form,
        scope=scope,
        is_collective=isinstance(scope, Collective),
        units=units,
        profiles=profiles,
        runs=services.recent_allocations(organisation),
    ), status


@bp.get("/organisations/<int:organisation_id>/allocation")
@login_required
def allocation(organisation_id: int):
    organisation = get_managed_or_403(organisation_id)
    choice = AllocationScopeForm(request.args)
    scope = _scope_or_404(organisation, choice.scope.data)
    scope = scope or (organisation.areas[0] if organisation.areas else None)
    return _allocation_page(
        organisation, scope, AllocationForm(formdata=None), fill=True, marked=choice.marked.data
    )


@bp.post("/organisations/<int:organisation_id>/allocation")
@login_required
def allocate(organisation_id: int):
    organisation = get_managed_or_403(organisation_id)
    form = AllocationForm()
    scope = _scope_or_404(organisation, form.scope.data)
    if scope is None:
        refuse(400, _("Choose an area or a collective."))
    marked = form.marked.data == "1"
    units, profiles = services.allocation_choices(scope, with_held=marked)
    form.units.choices = [SelectChoice(u.id, u.address) for u in units]
    form.starters.choices = [SelectChoice(p.user_id, p.user.name) for p in profiles]
    if form.validate_on_submit():
        done = attempt(lambda: _plan(organisation, scope, form), form, services.MatchingError)
        if done.value:
            return redirect(done.value, code=303)
    return _allocation_page(organisation, scope, form, fill=False, marked=marked, status=422)


def _plan(organisation, scope, form: AllocationForm) -> str:
    """Plan the allocation and start it; the page to go to (its job's, or its result)."""
    run = services.plan_allocation(
        current_user,
        scope,
        form.units.data or [],
        form.starters.data or [],
        form.min_score.data or 0,
        with_held=form.marked.data == "1",
    )
    url = url_for("matching.allocation_run", organisation_id=organisation.id, run_id=run.id)
    handle = services.start_allocation(run, url)
    return handle.status_url if handle else url


def _run_or_404(organisation_id: int, run_id: int) -> tuple[Organisation, AllocationRun]:
    """An allocation run of an organisation the current user works for; another's is a 404."""
    organisation = get_managed_or_403(organisation_id)
    run = load(AllocationRun, run_id, lambda _u, r: r.organisation_id == organisation.id)
    return organisation, run


@bp.get("/organisations/<int:organisation_id>/allocation/runs/<int:run_id>")
@login_required
def allocation_run(organisation_id: int, run_id: int):
    organisation, run = _run_or_404(organisation_id, run_id)
    return render_template(
        "matching/allocation_run.html",
        organisation=organisation,
        run=run,
        result=services.allocation_of(run, page=requested_page()),
        invite_form=InvitePairsForm(formdata=None, run=str(run.id)),
    )


@bp.get("/organisations/<int:organisation_id>/allocation/runs/<int:run_id>.csv")
@login_required
def allocation_run_csv(organisation_id: int, run_id: int):
    run = _run_or_404(organisation_id, run_id)[1]
    if not run.done:
        refuse(409, _("This allocation is still being computed."))
    return exports.download(services.allocation_table(run), "csv", f"allocation-{run.id}")


@bp.post("/organisations/<int:organisation_id>/allocation/invite")
@login_required
def invite_pairs(organisation_id: int):
    organisation = get_managed_or_403(organisation_id)
    form = InvitePairsForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            refuse(400, _("Your form has expired. Reload the page and try again."))
        refuse(400, _("Choose pairs from the allocation."))
    sent, problems = commit(
        lambda: services.invite_pairs(current_user, organisation, form.chosen())
    )
    if sent:
        flash(_("Invitations sent: %(n)d.", n=sent), "success")
    for problem in problems:
        flash(problem, "error")
    if not sent and not problems:
        flash(_("Choose at least one pair to invite."), "error")
    run_id = form.run_id()
    if run_id is None:
        return redirect(url_for("matching.allocation", organisation_id=organisation.id))
    return redirect(
        url_for("matching.allocation_run", organisation_id=organisation.id, run_id=run_id)
    )
