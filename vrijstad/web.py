"""What views share around a service call: one call, one transaction, one way to refuse.

``attempt`` runs a service call and commits it, or rolls it back and shows the domain error
(on the form that is re-rendered, or as a flash; a kind of error with its own app-wide
handler is left to it); ``button_action`` is the same for a button
(a form with only its CSRF token). A domain error that a view does not expect reaches the
app-wide handler in :mod:`vrijstad.errors` (a flash and back, or a 4xx JSON body)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import current_app, flash, request
from flask_wtf import FlaskForm
from wtforms import Field

from vrijstad.core import DomainError
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _

T = TypeVar("T")

Refused = type[DomainError] | tuple[type[DomainError], ...]


@dataclass
class Outcome(Generic[T]):
    """What a service call gave: its value, or the domain error that refused it (falsy)."""

    value: T | None = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None


def form_error(form: FlaskForm, exc: DomainError) -> None:
    """Show a refusal on the form: on the field the error names, else above the form."""
    field = getattr(exc, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, str(exc)]
    else:
        form.form_errors.append(str(exc))


def on_field(field: Field) -> Callable[[DomainError], None]:
    """Show a refusal on this field of the form (whatever field the error names)."""

    def show(exc: DomainError) -> None:
        field.errors = [*field.errors, str(exc)]

    return show


def silent(exc: DomainError) -> None:
    """Show nothing: the view answers the refusal itself (from ``Outcome.error``)."""


def answered_elsewhere(exc: DomainError) -> bool:
    """Whether the app has a handler for this error's own kind (e.g. the page asking to
    confirm the e-mail address): then it answers, not the view."""
    handlers = current_app.error_handler_spec[None][None]
    for cls in type(exc).__mro__:
        if cls is DomainError:
            return False
        if cls in handlers:
            return True
    return False


def attempt(
    call: Callable[[], T],
    form: FlaskForm | None = None,
    refused: Refused = DomainError,
    show: Callable[[DomainError], None] | None = None,
) -> Outcome[T]:
    """Run one service call as one transaction: committed when it goes through; when the
    domain refuses it (``refused``), rolled back and the reason shown by ``show``, else on
    ``form`` (to re-render with 422), else flashed. Other errors go to the app's handlers."""
    try:
        value = call()
    except refused as exc:
        if answered_elsewhere(exc):
            raise
        db.session.rollback()
        if show is not None:
            show(exc)
        elif form is not None:
            form_error(form, exc)
        else:
            flash(str(exc), "error")
        return Outcome(error=exc)
    db.session.commit()
    return Outcome(value=value)


def commit(call: Callable[[], T]) -> T:
    """Run a service call the view expects to go through, and commit it; a refusal goes to
    the app-wide handler, which rolls it back."""
    value = call()
    db.session.commit()
    return value


def check_button() -> None:
    """A button's form (its CSRF token only) is current; a stale one is refused with 400."""
    if not ButtonForm().validate_on_submit():
        refuse(400, _("Your form has expired. Reload the page and try again."))


def button_action(
    call: Callable[[], object],
    success: str | Callable[[], str],
    refused: Refused = DomainError,
) -> bool:
    """Run the service call behind a button (a form with only its CSRF token and key).

    A stale form is refused with 400; a refusal is rolled back and flashed (see ``attempt``);
    otherwise the work is committed and ``success`` (or what it returns, after the commit) is
    shown. True when the call went through."""
    check_button()
    done = attempt(call, refused=refused)
    if done:
        flash(success() if callable(success) else success, "success")
    return bool(done)


def is_htmx() -> bool:
    """Whether htmx sent the request (flask-htmx's ``request.htmx``, typed for the views)."""
    return bool(getattr(request, "htmx", False))


def required(value: T | None) -> T:
    """The value of a field its form has checked with InputRequired (never None then)."""
    assert value is not None
    return value
