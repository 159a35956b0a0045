"""What views share around a service call: one button press, one transaction."""

from collections.abc import Callable

from flask import flash

from vrijstad.core import DomainError
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _


def button_action(
    call: Callable[[], object],
    success: str | Callable[[], str],
    refused: type[DomainError],
) -> bool:
    """Run the service call behind a button (a form with only its CSRF token and key).

    A stale form is refused with 400; the feature's own error (`refused`) rolls the
    transaction back and is shown to the user (other errors go to the app's handlers, e.g. an
    unconfirmed address's 403 page); otherwise the work is committed and `success` (or what
    it returns, after the commit) is shown. True when the call went through."""
    if not ButtonForm().validate_on_submit():
        refuse(400, _("Your form has expired. Reload the page and try again."))
    try:
        call()
    except refused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    flash(success() if callable(success) else success, "success")
    return True
