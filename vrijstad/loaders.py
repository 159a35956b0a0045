"""Loading the object a URL names, or refusing by rule: 404 when it does not exist (or its
existence is private to others), 403 when the current user may see but not act on it.

Rules are the features' permission helpers, called as ``rule(user, obj)``."""

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.organisations.models import MemberRole
from vrijstad.organisations.services import can_manage

M = TypeVar("M")

Rule = Callable[[Any, M], bool]


def load(model: type[M], ident: Any, visible: Rule[M] | None = None) -> M:
    """The row with this id; 404 when there is none, or when ``visible`` hides it from the
    current user."""
    obj = db.get_or_404(model, ident)
    if visible is not None and not visible(current_user, obj):
        abort(404)
    return obj


def allow(permitted: bool, message: str | None = None) -> None:
    """403 (with the reason, when given) unless the rule permitted the action."""
    if permitted:
        return
    if message:
        refuse(403, message)
    abort(403)


def owned(
    model: type[M],
    ident: Any,
    allowed: Rule[M],
    message: str | None = None,
    visible: Rule[M] | None = None,
) -> M:
    """The row (404 as in ``load``) if ``allowed`` lets the current user act on it; else 403."""
    obj = load(model, ident, visible)
    allow(allowed(current_user, obj), message)
    return obj


def managed(
    model: type[M],
    ident: Any,
    organisation_of: Callable[[M], int] = attrgetter("organisation_id"),
    role: MemberRole = MemberRole.STAFF,
) -> M:
    """A row of an organisation the current user works for (with the role); 404 when there is
    none, 403 when it is another organisation's."""
    obj = db.get_or_404(model, ident)
    allow(can_manage(current_user, organisation_of(obj), role))
    return obj
