"""Account pages: register, log in and out, reset and change password or e-mail, language."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from vrijstad.auth import services
from vrijstad.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from vrijstad.extensions import db, limiter
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.legal.services import record_consent

bp = Blueprint("auth", __name__)


def _safe_next(default: str) -> str:
    """The local path in ?next=, or default. Browsers read a backslash as a slash and drop
    tabs and newlines, so '/\\evil.example' or '/<tab>/evil.example' would leave the site:
    anything but a plain path of printable characters is refused."""
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
        and target.isprintable()
        and not any(c.isspace() for c in target)
    ):
        return target
    return default


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_email_key() -> str:
    return "login-email:" + request.form.get("email", "").strip().lower()


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.sign_up(
                form.email.data,
                form.password.data,
                form.name.data,
                form.role.data,
                locale=session.get("locale", "nl"),
            )
        except services.AccountError as exc:
            getattr(form, exc.field).errors = [str(exc)]
        else:
            # The same answer whether the address was new or taken: the mail tells which.
            if user is not None:
                record_consent(user)
            db.session.commit()
            flash(_("Thank you. We have sent you an e-mail; you can log in now."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("main.home")))
        form.password.errors = [_("E-mail address or password is not correct.")]
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If this address has an account, we have e-mailed a reset link."), "info")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.AccountError as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except services.AccountError as exc:
            form.password.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Your password has been changed. You can log in now."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_password.html", form=form), status


@bp.get("/account")
@login_required
def account():
    return render_template(
        "auth/account.html", password_form=ChangePasswordForm(), email_form=ChangeEmailForm()
    )


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as exc:
            getattr(form, exc.field).errors = [str(exc)]
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # stay logged in after the change
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=form, email_form=ChangeEmailForm()
    ), 422


@bp.post("/account/email")
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.change_email(current_user, form.password.data, form.email.data)
        except services.AccountError as exc:
            getattr(form, exc.field).errors = [str(exc)]
        else:
            db.session.commit()
            flash(
                _(
                    "Your e-mail address has been changed. Confirm it with the link we have "
                    "sent to the new address."
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=ChangePasswordForm(), email_form=form
    ), 422


@bp.post("/language")
def set_language():
    form = ButtonForm()
    language = request.form.get("language", "")
    if form.validate_on_submit() and language in current_app.config["LANGUAGES"]:
        session["locale"] = language
        if current_user.is_authenticated:
            services.set_locale(current_user, language)
            db.session.commit()
    return redirect(_safe_next(url_for("main.home")))
