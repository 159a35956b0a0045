"""Accepting a signed invitation link: one page for a staff invitation, a juror's invitation
and an owner's claim of the units held for them.

The link carries a signed token. A token that is forged, used or expired shows why (410).
A visitor without an account makes one on the same page (name and password); one who is
logged in confirms with a button. The acceptance is one service call and one transaction;
a refusal is shown on the form (an account problem on its field, any other above the form),
and the page answers 422 so nothing is lost.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template
from flask_login import current_user, login_user
from flask_wtf import FlaskForm

from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.forms import ButtonForm
from vrijstad.organisations.forms import AcceptInvitationForm
from vrijstad.web import Refused, attempt, form_error

Invited = TypeVar("Invited")
Accepted = TypeVar("Accepted")

#: The page a link that no longer works shows.
INVALID_TEMPLATE = "organisations/invitation_invalid.html"


def accept_signed_invitation(
    token: str,
    find: Callable[[str], Invited],
    accept: Callable[[Invited, Any, str, str], Accepted],
    welcome: Callable[[Invited, Accepted], tuple[User, str, str]],
    template: str,
    *,
    context: Callable[[Invited], dict[str, Any]] | None = None,
    refused: Refused = DomainError,
    invalid_template: str = INVALID_TEMPLATE,
):
    """The invitation page of `token`.

    `find` reads the token (a DomainError when it does not hold); `accept(invited, user, name,
    password)` is the service call (the user is the anonymous one when the visitor has no
    account yet; the name and password are then filled in); `welcome(invited, accepted)` says
    whom to log in, what to tell them and where they go next. `template` gets the invitation
    as `invitation`, the form, `needs_account` and whatever `context` adds.
    """
    try:
        invited = find(token)
    except DomainError as exc:
        return render_template(invalid_template, message=str(exc)), 410
    needs_account = not current_user.is_authenticated
    form: FlaskForm = AcceptInvitationForm() if needs_account else ButtonForm()
    if form.validate_on_submit():
        name = form.name.data if needs_account else ""
        password = form.password.data if needs_account else ""
        done = attempt(
            lambda: accept(invited, current_user, name, password),
            refused=refused,
            show=lambda exc: form_error(form, exc),
        )
        if done:
            user, message, next_url = welcome(invited, done.value)  # type: ignore[arg-type]
            login_user(user)
            flash(message, "success")
            return redirect(next_url, code=303)
    extra = context(invited) if context else {}
    return render_template(
        template, invitation=invited, form=form, needs_account=needs_account, **extra
    ), (422 if form.is_submitted() else 200)
