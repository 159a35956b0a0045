"""Organisation pages for its staff: overview, areas, staff and invitations."""

from operator import attrgetter

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad.i18n import gettext as _
from vrijstad.invitations import accept_signed_invitation
from vrijstad.loaders import managed
from vrijstad.organisations import services
from vrijstad.organisations.forms import AreaForm, InvitationForm
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
    return accept_signed_invitation(
        token,
        services.invitation_for_token,
        lambda invitation, user, name, password: services.accept_invitation(
            invitation, user, name=name, password=password
        ),
        lambda invitation, membership: (
            membership.user,
            _("Welcome to %(org)s.", org=invitation.organisation.name),
            url_for("organisations.detail", organisation_id=invitation.organisation_id),
        ),
        "organisations/accept_invitation.html",
    )


@bp.app_context_processor
def organisation_context() -> dict:
    return {"my_organisations": lambda: services.organisations_of(current_user)}
