"""Confirming the e-mail address: the mailed link, a new link on request, and the answer to an
action that needs a confirmed address (403 with the reason and a button for a new link)."""

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad.auth import verification
from vrijstad.errors import wants_json
from vrijstad.extensions import db, limiter
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.web import attempt, commit, silent

bp = Blueprint("verification", __name__)


def _resend_limit() -> str:
    return current_app.config["VERIFY_MAIL_RATE_LIMIT"]


def _resend_key() -> str:
    return f"verify-mail:{current_user.id if current_user.is_authenticated else ''}"


@bp.get("/account/confirm/<token>")
def confirm(token: str):
    done = attempt(
        lambda: verification.confirm_email(token),
        refused=verification.VerificationLinkError,
        show=silent,
    )
    if done.value is None:
        # Answered here, with the way on: a new link (logged in) or the login page.
        return render_template("auth/confirm_failed.html", message=str(done.error)), 400
    email = done.value.email
    flash(_("Thank you: your e-mail address %(email)s is confirmed.", email=email), "success")
    return redirect(url_for("main.home" if current_user.is_authenticated else "auth.login"))


@bp.post("/account/confirm")
@login_required
@limiter.limit(_resend_limit, key_func=_resend_key)
def resend():
    if current_user.email_verified:
        flash(_("Your e-mail address is already confirmed."), "info")
    else:
        commit(lambda: verification.send_verification(current_user))
        message = _("We have sent a new confirmation link to %(email)s.", email=current_user.email)
        flash(message, "success")
    return redirect(url_for("auth.account"))


@bp.app_errorhandler(verification.EmailNotVerified)
def email_not_verified(exc: verification.EmailNotVerified):
    """Nothing of the refused action is kept; the user reads why and can ask for a new link."""
    db.session.rollback()
    if wants_json():
        return jsonify(status=403, error="email_not_verified", message=str(exc)), 403
    return render_template("auth/confirm_needed.html", message=str(exc), form=ButtonForm()), 403
