"""Organisation pages for its staff: overview, areas, staff and invitations."""

from operator import attrgetter

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from vrijstad.auth.services import AccountError
from vrijstad.core import DomainError
from vrijstad.forms import ButtonForm, FlaskForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import managed
from vrijstad.organisations import services
from vrijstad.organisations.forms import AcceptInvitationForm, AreaForm, InvitationForm
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.web import attempt, on_field

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def get_managed_or_403(organisation_id: int, role: MemberRole = MemberRole.STAFF) -> Organisation:
    """The organisation, if the current user works for it (with the role); else 404 / 403."""
    return managed(Organisation, organisation_id, attrgetter("id"), role)


@bp.get("/")
@login_required
def index():
    organisations = services.organisations_of(current_user)
    if len(organisations) == 1:
        return redirect(url_for("organisations.detail", organisation_id=organisations[0].id))
    return render_template("organisations/index.html", organisations=organisations)


def render_detail(
    organisation: Organisation,
    area_form: AreaForm | None = None,
    invitation_form: InvitationForm | None = None,
    status: int = 200,
):
    """The organisation overview; a form that failed is passed in to show its errors."""
    is_admin = services.can_manage(current_user, organisation.id, MemberRole.ADMIN)
    return render_template(
        "organisations/detail.html",
        organisation=organisation,
        is_admin=is_admin,
        invitations=services.pending_invitations(organisation) if is_admin else [],
        area_form=area_form or AreaForm(city=organisation.city),
        invitation_form=invitation_form or InvitationForm(),
    ), status


@bp.get("/<int:organisation_id>")
@login_required
def detail(organisation_id: int):
    return render_detail(get_managed_or_403(organisation_id))


@bp.post("/<int:organisation_id>/invitations")
@login_required
def invite(organisation_id: int):
    organisation = get_managed_or_403(organisation_id, MemberRole.ADMIN)
    form = InvitationForm()
    if form.validate_on_submit():
        role = MemberRole(form.role.data)
        if attempt(
            lambda: services.invite_staff(current_user, organisation, form.email.data, role),
            show=on_field(form.email),
        ):
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("organisations.detail", organisation_id=organisation.id))
    return render_detail(organisation, invitation_form=form, status=422)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
    except services.OrganisationError as exc:
        return render_template("organisations/invitation_invalid.html", message=str(exc)), 410
    needs_account = not current_user.is_authenticated
    form = AcceptInvitationForm() if needs_account else ButtonForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.accept_invitation(
                invitation,
                current_user,
                name=form.name.data if needs_account else "",
                password=form.password.data if needs_account else "",
            ),
            show=lambda exc: _show_refusal(form, exc),
        )
        if membership := done.value:
            login_user(membership.user)
            flash(_("Welcome to %(org)s.", org=invitation.organisation.name), "success")
            return redirect(
                url_for("organisations.detail", organisation_id=invitation.organisation_id)
            )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "organisations/accept_invitation.html",
        invitation=invitation,
        form=form,
        needs_account=needs_account,
    ), status


def _show_refusal(form: FlaskForm, exc: DomainError) -> None:
    """An account's refusal goes on its field (the password by default); others are flashed."""
    if isinstance(exc, AccountError):
        on_field(getattr(form, exc.field or "", form.password))(exc)
    else:
        flash(str(exc), "error")


@bp.app_context_processor
def organisation_context() -> dict:
    return {"my_organisations": lambda: services.organisations_of(current_user)}
