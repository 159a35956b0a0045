"""What every step of the application pipeline shares: its errors and terms, who may act,
the one move of an application's status, releasing an idle unit, and the notices."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from vrijstad import clock, labels
from vrijstad.applications.models import (
    APPLICATION_FLOW,
    OFFER_FLOW,
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
)
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError, TransitionError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.notifications.services import notify
from vrijstad.starters.models import SpaceKind
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.services import is_landlord_side, landlord_side_people
from vrijstad.units.status import move_unit, organisation_id_of


class ApplicationError(DomainError):
    """An application action was refused; field names the form field, if any."""


class DuplicateApplication(ApplicationError):
    """The starter already has this open application (sent twice, or at the same moment)."""

    def __init__(self, earlier: Application) -> None:
        super().__init__(_("You already have an open application for this unit."))
        self.earlier = earlier


@dataclass(frozen=True)
class OfferTerms:
    kind: SpaceKind
    start_date: date
    end_date: date
    base_fee_cents_per_month: int
    turnover_basis_points: int = 0
    deposit_cents: int = 0
    note: str | None = None


def status_label(status: ApplicationStatus) -> str:
    return labels.label(ApplicationStatus(status))


# Who may do what ---------------------------------------------------------------------------


def can_see(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    return application.starter_id == user.id or is_landlord_side(user, application.unit)


def transition(
    actor: User | None, application: Application, target: ApplicationStatus, **data: Any
) -> None:
    """Move an application through its workflow (recorded); refusals name both statuses."""
    try:
        previous = APPLICATION_FLOW.move(application, target)
    except TransitionError as exc:
        raise ApplicationError(
            _(
                "An application that is %(current)s cannot become %(target)s.",
                current=status_label(application.status),
                target=status_label(target),
            )
        ) from exc
    application.updated_at = clock.now()
    db.session.flush()
    record_event(
        actor,
        "application.status",
        application,
        organisation_id_of(application.unit),
        old=previous.value,
        new=target.value,
        **data,
    )


def release_if_idle(actor: User | None, unit: Unit) -> None:
    """An in-talks unit whose last open application closed is simply listed again."""
    if unit.status != UnitStatus.IN_TALKS:
        return
    still_open = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.unit_id == unit.id, Application.status.in_(OPEN_STATUSES)
        )
    )
    if not still_open:
        move_unit(actor, unit, UnitStatus.LISTED, reason="no open applications")


def unit_data(unit: Unit) -> dict:
    return {"unit": f"{unit.address}, {unit.city}"}


def notify_starter(application: Application, kind: str, attachments=()) -> None:
    notify(
        [application.starter],
        kind,
        "applications.detail",
        {"application_id": application.id},
        unit_data(application.unit),
        attachments,
    )


def notify_landlord_side(application: Application, kind: str, **extra) -> None:
    data = unit_data(application.unit) | {"starter": application.starter.name} | extra
    notify(
        landlord_side_people(application.unit),
        kind,
        "applications.detail",
        {"application_id": application.id},
        data,
    )


def require_own(starter: User, application: Application) -> None:
    if application.starter_id != starter.id:
        raise ApplicationError(_("This is not your application."))


def require_landlord_side(actor: User, application: Application) -> None:
    if not is_landlord_side(actor, application.unit):
        raise ApplicationError(_("Only the landlord or the area's organisation can do this."))


def close_offer(offer: Offer | None, target: OfferStatus) -> None:
    """Answer or take back an open offer (nothing happens without one)."""
    if offer is None or offer.status != OfferStatus.OPEN:
        return
    OFFER_FLOW.move(offer, target)
    offer.decided_at = clock.now()
