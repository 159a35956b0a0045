"""Privacy pages: download your data, delete your account."""

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from wtforms import PasswordField
from wtforms.validators import DataRequired

from vrijstad.forms import FlaskForm
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.privacy import services
from vrijstad.web import attempt, on_field

bp = Blueprint("privacy", __name__)


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])


@bp.get("/account/data.json")
@login_required
def export():
    body = json.dumps(services.export_data(current_user), ensure_ascii=False, indent=2)
    return (
        body,
        200,
        {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Disposition": 'attachment; filename="vrijstad-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit() and attempt(
        lambda: services.delete_account(current_user, form.password.data),
        refused=services.PrivacyError,
        show=on_field(form.password),
    ):
        logout_user()
        flash(_("Your account is deleted. Thank you for using Vrijstad."), "success")
        return redirect(url_for("main.home"))
    status = 422 if form.is_submitted() else 200
    return render_template("privacy/delete.html", form=form), status
