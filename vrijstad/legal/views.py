"""The terms and privacy statement pages, the page that asks for acceptance of a new version,
and the platform admin's editor."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from vrijstad.errors import wants_json
from vrijstad.i18n import current_language
from vrijstad.i18n import gettext as _
from vrijstad.legal import services
from vrijstad.legal.forms import ConsentForm, LegalTextForm
from vrijstad.legal.models import LegalKind
from vrijstad.loaders import allow
from vrijstad.web import attempt, commit, on_field

bp = Blueprint("legal", __name__)

#: Where a user who has a new version to accept may still go: reading the texts, logging out,
#: the account's data and deletion, confirming the address, machines' endpoints.
OPEN_BLUEPRINTS = {"legal", "privacy", "verification", "api", "api-docs", "ops"}
OPEN_ENDPOINTS = {"static", "auth.logout", "auth.set_language", "main.health"}
#: The page the user was going to when asked (kept in the session, so no open redirect).
AFTER_CONSENT = "legal_after_consent"
MAX_RETURN_URL = 1000


@bp.before_app_request
def ask_for_consent():
    """A logged-in user with a new version to accept sees the page that asks for it first.

    Only page visits are sent there: a form being posted, an htmx fragment or a JSON answer
    goes through, and the page it leads to asks.
    """
    if (
        request.method != "GET"
        or request.endpoint is None  # no such page: its 404, not a question
        or not current_user.is_authenticated
        or request.blueprint in OPEN_BLUEPRINTS
        or request.endpoint in OPEN_ENDPOINTS
        or request.headers.get("HX-Request")
        or wants_json()
    ):
        return None
    if not services.outstanding(current_user):
        return None
    # The page to return to; a very long query string is left out, since the session is a
    # cookie that browsers drop beyond 4 KB (and with it the login).
    target = request.full_path.rstrip("?")
    session[AFTER_CONSENT] = target if len(target) <= MAX_RETURN_URL else request.path
    return redirect(url_for("legal.accept"))


def _page(kind: LegalKind, number: int | None):
    language = current_language()
    version = (
        services.current_version(kind, language)
        if number is None
        else services.version_of(kind, number, language)
    )
    if version is None:
        abort(404)
    current = services.current_numbers()[kind]
    return render_template(
        "legal/page.html",
        version=version,
        current=current,
        history=services.history(kind),
        body=services.render(version.body),
    )


@bp.get("/terms")
@bp.get("/terms/<int(max=1000000):number>")
def terms(number: int | None = None):
    return _page(LegalKind.TERMS, number)


@bp.get("/privacy")
@bp.get("/privacy/<int(max=1000000):number>")
def privacy(number: int | None = None):
    return _page(LegalKind.PRIVACY, number)


@bp.route("/terms/accept", methods=["GET", "POST"])
@login_required
def accept():
    kinds = services.outstanding(current_user)
    if not kinds:
        return redirect(session.pop(AFTER_CONSENT, None) or url_for("main.home"))
    form = ConsentForm()
    if form.validate_on_submit():
        commit(lambda: services.record_consent(current_user, kinds))
        flash(_("Thank you for accepting."), "success")
        return redirect(session.pop(AFTER_CONSENT, None) or url_for("main.home"))
    status = 422 if form.is_submitted() else 200
    versions = [services.current_version(kind, current_language()) for kind in kinds]
    return render_template("legal/accept.html", form=form, versions=versions), status


@bp.get("/admin/legal")
@login_required
def manage():
    allow(current_user.is_admin)
    texts = {kind: services.history(kind) for kind in LegalKind}
    return render_template("legal/manage.html", texts=texts)


@bp.route("/admin/legal/<any(terms, privacy):kind>", methods=["GET", "POST"])
@login_required
def edit(kind: str):
    allow(current_user.is_admin)
    which, form = LegalKind(kind), LegalTextForm()
    done = form.validate_on_submit() and attempt(
        lambda: services.publish(current_user, which, form.body.data),
        refused=services.LegalError,
        show=on_field(form.body),
    )
    if done and done.value is not None:
        message = _(
            "Version %(n)d is published. Users are asked to accept it when they next visit.",
            n=done.value.version,
        )
        flash(message, "success")
        return redirect(url_for("legal.manage"))
    if not form.is_submitted():
        form.body.data = services.current_version(which, current_language()).body
    status = 422 if form.is_submitted() else 200
    return render_template(
        "legal/edit.html", form=form, kind=which, current=services.current_numbers()[which]
    ), status
