"""Errors, limits, who may do what, and the two steps every action shares: locking the
scheme row and moving the status through SUBSIDY_FLOW."""

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError, TransitionError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.organisations.services import can_manage
from vrijstad.subsidies.models import (
    EDITABLE,
    SUBSIDY_FLOW,
    SubsidyApplication,
    SubsidyScheme,
    SubsidyStatus,
)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: A thousand million euros: a ceiling or cost beyond it is a typo.
MAX_AMOUNT_CENTS = 1_000_000_000_00


class SubsidyError(DomainError):
    """A subsidy action was refused; field names the form field, if any."""


class DocumentTooLarge(SubsidyError):
    """An upload over the size limit (a 413 page)."""


# Who may do what ---------------------------------------------------------------------------


def is_staff(user: User, scheme: SubsidyScheme) -> bool:
    """Staff of the scheme's organisation (and platform admins)."""
    return can_manage(user, scheme.organisation_id)


def can_see(user: User, application: SubsidyApplication) -> bool:
    """The applicant and the scheme's staff see an application."""
    if not user.is_authenticated:
        return False
    return application.applicant_id == user.id or is_staff(user, application.scheme)


def require_staff(actor: User, scheme: SubsidyScheme) -> None:
    """Refuse unless the actor is staff of the scheme's organisation."""
    if not is_staff(actor, scheme):
        raise SubsidyError(_("Only the staff of the scheme's organisation can do this."))


def require_applicant(actor: User, application: SubsidyApplication) -> None:
    """Refuse unless the actor is the applicant."""
    if application.applicant_id != actor.id:
        raise SubsidyError(_("Only the applicant can do this."))


def lock_scheme(scheme_id: int) -> SubsidyScheme:
    """The scheme row, locked until the commit (FOR UPDATE; SQLite serialises writes anyway)."""
    return db.session.scalars(
        sa.select(SubsidyScheme)
        .where(SubsidyScheme.id == scheme_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def require_editable(application: SubsidyApplication) -> None:
    """Refuse once the applicant may no longer change costs and documents."""
    if application.status not in EDITABLE:
        raise SubsidyError(_("This application can no longer be changed."))


def change_status(
    actor: User | None,
    application: SubsidyApplication,
    target: SubsidyStatus,
    **data: object,
) -> None:
    """Move the application through SUBSIDY_FLOW and record the step in the audit log."""
    try:
        previous = SUBSIDY_FLOW.move(application, target)
    except TransitionError as exc:
        raise SubsidyError(
            _(
                "A subsidy application that is %(current)s cannot become %(target)s.",
                current=label(application.status),
                target=label(target),
            )
        ) from exc
    application.updated_at = clock.now()
    db.session.flush()
    record_event(
        actor,
        "subsidy.status",
        application,
        application.scheme.organisation_id,
        old=previous.value,
        new=target.value,
        **data,
    )


def lock_application(application: SubsidyApplication) -> SubsidyScheme:
    """Lock the scheme, then read the application afresh: another request may have moved it."""
    scheme = lock_scheme(application.scheme_id)
    db.session.refresh(application)
    return scheme
