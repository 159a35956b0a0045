"""Error pages in the user's language, or JSON for clients that ask for it."""

from typing import NoReturn
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _


def error_messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        403: (_("No access"), _("You do not have permission to see or change this.")),
        404: (_("Page not found"), _("This page does not exist (any more).")),
        405: (_("Method not allowed"), _("This action is not possible here.")),
        409: (_("Not possible now"), _("This cannot be done in its current state.")),
        413: (
            _("File too large"),
            _("The upload is larger than allowed. Choose a smaller file and try again."),
        ),
        415: (
            _("Not a form"),
            _("This address takes a form submitted from its page. Reload the page and try again."),
        ),
        422: (_("Invalid input"), _("Some of the data could not be processed.")),
        429: (
            _("Too many attempts"),
            _("You have tried too often in a short time. Wait a minute and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An unexpected error occurred on our side. Nothing was saved; please try again."),
        ),
        503: (
            _("Temporarily unavailable"),
            _("A service we need cannot be reached right now. Please try again in a minute."),
        ),
    }


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, detail: str | None = None):
    title, message = error_messages().get(code, error_messages()[500])
    if detail:
        message = detail
    if wants_json():
        return jsonify(error=title, message=message, status=code), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def handle_http_exception(exc: HTTPException):
    code = exc.code or 500
    detail = None
    if isinstance(exc, CSRFError):
        detail = _("Your form has expired or was not sent from this site. Reload and try again.")
    elif getattr(exc, "user_message", False):
        detail = exc.description
    return render_error(code, detail)


def back_url() -> str:
    """The page the request came from, when it is one of ours; else the home page."""
    referrer = request.referrer
    if referrer:
        parts = urlsplit(referrer)
        if parts.netloc in ("", request.host) and parts.path.startswith("/"):
            return referrer
    return url_for("main.home")


def handle_domain_error(exc: DomainError):
    """A rule refused the action and the view did not answer it itself: nothing is kept; a
    JSON client gets the reason with a 4xx (409 unless the error names its own status), a
    browser is sent back to its page with the reason flashed."""
    db.session.rollback()
    code = getattr(exc, "status", 409)
    if wants_json():
        title = error_messages().get(code, error_messages()[409])[0]
        facts = exc.facts()
        body = {"error": title, "message": str(exc), "status": code}
        return jsonify(body | {"values": facts} if facts else body), code
    flash(str(exc), "error")
    if request.headers.get("HX-Request"):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = back_url()
        return response
    return redirect(back_url(), 303)


def handle_unexpected(exc: Exception):
    db.session.rollback()
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    current_app.logger.exception("unhandled error", exc_info=exc)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, lambda e: render_error(500))
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)


def refuse(code: int, message: str) -> NoReturn:
    """Abort with a status code and a message the user should see."""
    exc = default_exceptions[code](description=message)
    exc.user_message = True  # type: ignore[attr-defined]  # a marker the handler reads
    raise exc
