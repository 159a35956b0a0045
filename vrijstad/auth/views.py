"""Account pages: register, log in (with a second step for two-step verification) and out,
reset and change password or e-mail, two-step verification, language."""

from typing import Any
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

from vrijstad import clock
from vrijstad.auth import services, two_factor
from vrijstad.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    TwoFactorCodeForm,
    TwoFactorDisableForm,
    TwoFactorLoginForm,
)
from vrijstad.extensions import limiter
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.legal.services import record_consent
from vrijstad.qr import qr_svg
from vrijstad.web import attempt, commit, on_field

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
    # The same answer whether the address was new or taken: the mail tells which.
    if form.validate_on_submit() and attempt(lambda: _sign_up(form), form, services.AccountError):
        flash(_("Thank you. We have sent you an e-mail; you can log in now."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


def _sign_up(form: RegisterForm) -> None:
    """Sign up (nobody new when the address is taken) and record the accepted terms."""
    user = services.sign_up(
        form.email.data,
        form.password.data,
        form.name.data,
        form.role.data,
        locale=session.get("locale", "nl"),
    )
    if user is not None:
        record_consent(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and user.two_factor_enabled:
            _start_second_step(user, form.remember.data)
            return redirect(url_for("auth.login_code", next=_safe_next("") or None))
        if user is not None:
            login_user(user, remember=form.remember.data)
            if two_factor.is_required(user):
                flash(_("Your role needs two-step verification: set it up under Account."), "info")
            return redirect(_safe_next(url_for("main.home")))
        form.password.errors = [_("E-mail address or password is not correct.")]
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


# The second step of a login -----------------------------------------------------------------
#
# A correct password for a user with two-step verification logs nobody in: the session holds
# the user's id and session token, the remember-me choice and the time, and only a correct code
# within TWO_FACTOR_PENDING_SECONDS logs the user in (and sets the remember-me cookie).

PENDING = "two_factor_pending"


def _start_second_step(user, remember: bool) -> None:
    session[PENDING] = {
        "uid": user.id,
        "token": user.session_token,
        "remember": bool(remember),
        "at": clock.now().timestamp(),
    }


def _pending_user():
    """The user whose password was right moments ago, or None (none, expired or changed)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    age = clock.now().timestamp() - float(pending.get("at", 0))
    if not 0 <= age <= current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        return None
    user = services.load_user(f"{pending.get('uid')}:{pending.get('token')}")
    return user if user is not None and user.two_factor_enabled else None


def _pending_key() -> str:
    pending = session.get(PENDING)
    return f"login-code:{pending.get('uid') if isinstance(pending, dict) else ''}"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_pending_key)
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Your login has expired. Log in again."), "info")
        return redirect(url_for("auth.login", next=_safe_next("") or None))
    form = TwoFactorLoginForm()
    done = form.validate_on_submit() and attempt(
        lambda: two_factor.verify(user, form.code.data),
        refused=two_factor.TwoFactorError,
        show=on_field(form.code),
    )
    if done:
        login_user(user, remember=session.pop(PENDING)["remember"])
        if done.value == "recovery":
            left = two_factor.recovery_codes_left(user)
            flash(
                _("You used a recovery code; %(n)d left. Make new ones under Account.", n=left),
                "info",
            )
        return redirect(_safe_next(url_for("main.home")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login_code.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        commit(lambda: services.end_sessions(current_user))
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        commit(lambda: services.request_password_reset(form.email.data))
        flash(_("If this address has an account, we have e-mailed a reset link."), "info")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    found = attempt(lambda: services.user_for_reset_token(token), refused=services.AccountError)
    if found.value is None:
        return redirect(url_for("auth.reset_request"))
    user, form = found.value, ResetPasswordForm()
    if form.validate_on_submit() and attempt(
        lambda: services.set_password(user, form.password.data),
        refused=services.AccountError,
        show=on_field(form.password),
    ):
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
    if form.validate_on_submit() and attempt(
        lambda: services.change_password(current_user, form.current.data, form.password.data),
        form,
        services.AccountError,
    ):
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
    if form.validate_on_submit() and attempt(
        lambda: services.change_email(current_user, form.password.data, form.email.data),
        form,
        services.AccountError,
    ):
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


# Two-step verification on the account ---------------------------------------------------------

SETUP = "two_factor_setup"


def _render_two_factor(status: int = 200, codes: list[str] | None = None, **forms):
    context: dict[str, Any] = {"codes": codes, "required": two_factor.is_required(current_user)}
    if current_user.two_factor_enabled:
        context["left"] = two_factor.recovery_codes_left(current_user)
        context["regenerate_form"] = forms.get("regenerate_form") or TwoFactorCodeForm(
            formdata=None, prefix="new"
        )
        context["disable_form"] = forms.get("disable_form") or TwoFactorDisableForm(
            formdata=None, prefix="off"
        )
    else:
        secret = session.get(SETUP) or two_factor.new_secret()
        session[SETUP] = secret  # kept until confirmed: a reload shows the same QR code
        uri = two_factor.provisioning_uri(current_user, secret)
        context.update(secret=secret, qr=qr_svg(uri, _("QR code for your authenticator app")))
        context["enable_form"] = forms.get("enable_form") or TwoFactorCodeForm(formdata=None)
    return render_template("auth/two_factor.html", **context), status


@bp.get("/account/two-factor")
@login_required
def two_factor_page():
    return _render_two_factor()


@bp.post("/account/two-factor/enable")
@login_required
def enable_two_factor():
    form = TwoFactorCodeForm()
    done = (
        form.validate_on_submit()
        and session.get(SETUP)
        and attempt(
            lambda: two_factor.enable(current_user, session[SETUP], form.code.data),
            refused=two_factor.TwoFactorError,
            show=on_field(form.code),
        )
    )
    if done:
        session.pop(SETUP)
        login_user(current_user._get_current_object())  # this session passed the step
        flash(_("Two-step verification is on."), "success")
        return _render_two_factor(codes=done.value)
    return _render_two_factor(422, enable_form=form)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def regenerate_recovery_codes():
    form = TwoFactorCodeForm(prefix="new")
    done = form.validate_on_submit() and attempt(
        lambda: two_factor.regenerate_recovery_codes(current_user, form.code.data),
        refused=two_factor.TwoFactorError,
        show=on_field(form.code),
    )
    if done:
        flash(_("New recovery codes are made; the old ones no longer work."), "success")
        return _render_two_factor(codes=done.value)
    return _render_two_factor(422, regenerate_form=form)


@bp.post("/account/two-factor/disable")
@login_required
def disable_two_factor():
    form = TwoFactorDisableForm(prefix="off")
    if form.validate_on_submit() and attempt(
        lambda: two_factor.disable(current_user, form.password.data, form.code.data),
        form,
        two_factor.TwoFactorError,
    ):
        login_user(current_user._get_current_object())
        flash(_("Two-step verification is off."), "success")
        return redirect(url_for("auth.two_factor_page"))
    return _render_two_factor(422, disable_form=form)


@bp.post("/language")
def set_language():
    form = ButtonForm()
    language = request.form.get("language", "")
    if form.validate_on_submit() and language in current_app.config["LANGUAGES"]:
        session["locale"] = language
        if current_user.is_authenticated:
            commit(lambda: services.set_locale(current_user, language))
    return redirect(_safe_next(url_for("main.home")))
