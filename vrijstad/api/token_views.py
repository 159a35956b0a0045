"""The page where an organisation's admins create and revoke its API tokens."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad.api import queries, services
from vrijstad.api.forms import TokenForm
from vrijstad.api.models import ApiToken
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import load
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.views import get_managed_or_403
from vrijstad.web import attempt, commit, on_field

ID = "int"  # the app's bounded converter: a larger id is not found, never an error
bp = Blueprint(
    "api_tokens", __name__, url_prefix=f"/organisations/<{ID}:organisation_id>/api-tokens"
)


def render_tokens(
    organisation: Organisation,
    form: TokenForm | None = None,
    new_token: str | None = None,
    status: int = 200,
):
    tokens = db.session.scalars(queries.tokens_of(organisation.id)).all()
    return render_template(
        "api/tokens.html",
        organisation=organisation,
        tokens=tokens,
        form=form or TokenForm(),
        button=ButtonForm(),
        new_token=new_token,
    ), status


@bp.get("/")
@login_required
def index(organisation_id: int):
    return render_tokens(get_managed_or_403(organisation_id, MemberRole.ADMIN))


@bp.post("/")
@login_required
def create(organisation_id: int):
    organisation = get_managed_or_403(organisation_id, MemberRole.ADMIN)
    form = TokenForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: services.create_token(current_user, organisation, form.name.data),
            show=on_field(form.name),
        )
        if done.value is not None:
            _token, plain = done.value
            # Shown this once: only its hash is kept.
            return render_tokens(organisation, new_token=plain, status=201)
    return render_tokens(organisation, form=form, status=422)


@bp.post(f"/<{ID}:token_id>/revoke")
@login_required
def revoke(organisation_id: int, token_id: int):
    organisation = get_managed_or_403(organisation_id, MemberRole.ADMIN)
    token = load(ApiToken, token_id, lambda _user, t: t.organisation_id == organisation.id)
    if ButtonForm().validate_on_submit():
        commit(lambda: services.revoke_token(current_user, token))
        flash(_("The token %(name)s is revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.index", organisation_id=organisation.id))
