"""Stops a user who must have two-step verification but has not set it up, before money moves."""

from collections.abc import Callable
from functools import wraps

from flask import flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from vrijstad.auth import two_factor
from vrijstad.i18n import gettext as _


def missing_two_factor() -> Response | None:
    """A redirect to set up two-step verification when the logged-in user needs it and has
    none; None otherwise (anonymous visitors and users who need none pass on, to the view's
    own checks)."""
    if not current_user.is_authenticated or current_user.two_factor_enabled:
        return None
    if not two_factor.is_required(current_user):
        return None
    flash(
        _(
            "Approving settlements, payouts and grants, and the admin area, need two-step "
            "verification. Set it up first; then try again."
        ),
        "error",
    )
    return redirect(url_for("auth.two_factor_page"))


def two_factor_required(view: Callable) -> Callable:
    """Decorate a view that approves or pays out money (after login_required)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return missing_two_factor() or view(*args, **kwargs)

    return wrapped
