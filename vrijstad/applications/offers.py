"""Offers: the terms a landlord offers an applicant, and the starter's answer; an accepted
offer lets the unit and becomes a placement (through letting's one constructor)."""

import hashlib

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Offer,
    OfferStatus,
)
from vrijstad.applications.pipeline import (
    ApplicationError,
    OfferTerms,
    close_offer,
    notify_landlord_side,
    notify_starter,
    release_if_idle,
    require_landlord_side,
    require_own,
    transition,
    unit_data,
)
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.errors import LettingError
from vrijstad.letting.models import Placement
from vrijstad.letting.placements import PlacementTerms, create_placement, placement_fields
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import Organisation
from vrijstad.starters.models import SpaceKind
from vrijstad.units.models import PUBLIC_STATUSES, Unit, UnitStatus
from vrijstad.units.services import register_hold
from vrijstad.units.status import claim_unit, organisation_id_of

MAX_FEE_CENTS_PER_MONTH = 500_000_00
MAX_DEPOSIT_CENTS = 1_000_000_00


@register_hold
def _offer_hold(unit: Unit) -> str | None:
    """An open offer holds the unit until the starter answers or the offer is withdrawn."""
    starter = db.session.scalar(
        sa.select(User.name)
        .join(Application, Application.starter_id == User.id)
        .join(Offer, Offer.application_id == Application.id)
        .where(Application.unit_id == unit.id, Offer.status == OfferStatus.OPEN)
        .order_by(Offer.id)
        .limit(1)
    )
    if starter is None:
        return None
    return _(
        "%(starter)s has an open offer for this unit: withdraw the offer, or wait for the "
        "answer, before changing the unit's status.",
        starter=starter,
    )


def _lock_unit(application: Application) -> Unit:
    """Lock the application's unit row first (FOR UPDATE on PostgreSQL) and read it afresh:
    every offer action takes the unit before the application and the offer, in the same order
    as an acceptance, so two of them at once wait for each other instead of deadlocking."""
    return db.session.scalars(
        sa.select(Unit)
        .where(Unit.id == application.unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def check_terms(terms: OfferTerms) -> None:
    """The rules every offer meets; each refusal names its field."""
    if terms.start_date < clock.today():
        raise ApplicationError(_("The start date cannot be in the past."), "start_date")
    if terms.end_date <= terms.start_date:
        raise ApplicationError(_("The end date must be after the start date."), "end_date")
    if terms.kind == SpaceKind.POPUP and terms.end_date > clock.add_months(terms.start_date, 24):
        raise ApplicationError(
            _(
                "A pop-up lasts at most two years; a longer let is a regular shop lease "
                "(art. 7:290 BW) — offer a whole unit instead."
            ),
            "end_date",
        )
    if not 0 <= terms.base_fee_cents_per_month <= MAX_FEE_CENTS_PER_MONTH:
        raise ApplicationError(_("Enter a monthly fee between € 0 and € 500.000."), "base_fee")
    if not 0 <= terms.turnover_basis_points <= 10000:
        raise ApplicationError(_("The turnover percentage is between 0 and 100."), "turnover_pct")
    if not 0 <= terms.deposit_cents <= MAX_DEPOSIT_CENTS:
        raise ApplicationError(_("Enter a deposit between € 0 and € 1.000.000."), "deposit")
    if terms.base_fee_cents_per_month == 0 and terms.turnover_basis_points == 0:
        raise ApplicationError(_("State a monthly fee, a turnover percentage or both."), "base_fee")


def make_offer(actor: User, application: Application, terms: OfferTerms) -> Offer:
    """Offer terms to a shortlisted (or viewed) applicant."""
    require_landlord_side(actor, application)
    check_terms(terms)
    _lock_unit(application)
    db.session.refresh(application)
    if application.unit.status not in PUBLIC_STATUSES:
        raise ApplicationError(_("This unit is no longer available."))
    transition(actor, application, ApplicationStatus.OFFERED)
    offer = Offer(
        application=application,
        kind=terms.kind,
        start_date=terms.start_date,
        end_date=terms.end_date,
        base_fee_cents_per_month=terms.base_fee_cents_per_month,
        turnover_basis_points=terms.turnover_basis_points,
        deposit_cents=terms.deposit_cents,
        note=(terms.note or "").strip() or None,
        made_by_id=actor.id,
    )
    db.session.add(offer)
    db.session.flush()
    record_event(
        actor,
        "application.offer",
        application,
        organisation_id_of(application.unit),
        offer=offer.id,
    )
    notify_starter(application, "application.offered")
    return offer


def withdraw_offer(actor: User, application: Application) -> Application:
    """Take an offer back; the application returns to the shortlist."""
    require_landlord_side(actor, application)
    _lock_unit(application)
    db.session.refresh(application)
    offer = application.open_offer
    if offer is None:
        raise ApplicationError(_("There is no open offer to withdraw."))
    transition(actor, application, ApplicationStatus.SHORTLISTED, offer=offer.id)
    close_offer(offer, OfferStatus.WITHDRAWN)
    notify_starter(application, "application.offer_withdrawn")
    return application


def decline_offer(starter: User, application: Application) -> Application:
    """The starter says no to the offer."""
    require_own(starter, application)
    _lock_unit(application)
    db.session.refresh(application)
    offer = application.open_offer
    if offer is None:
        raise ApplicationError(_("There is no open offer to decline."))
    transition(starter, application, ApplicationStatus.DECLINED, offer=offer.id)
    close_offer(offer, OfferStatus.DECLINED)
    release_if_idle(starter, application.unit)
    notify_landlord_side(application, "application.declined")
    return application


def offer_version(offer: Offer) -> str:
    """A fingerprint of the offer and every term it holds: the summary page carries it, and an
    acceptance of another version (withdrawn and offered anew, or changed) is refused."""
    terms = (
        offer.id,
        offer.status,
        offer.kind,
        offer.start_date,
        offer.end_date,
        offer.base_fee_cents_per_month,
        offer.turnover_basis_points,
        offer.deposit_cents,
        offer.note or "",
    )
    return hashlib.sha256("|".join(map(str, terms)).encode()).hexdigest()[:20]


def terms_of(offer: Offer) -> PlacementTerms:
    """The placement terms an offer agrees."""
    return PlacementTerms(
        kind=offer.kind,
        start_date=offer.start_date,
        end_date=offer.end_date,
        base_fee_cents_per_month=offer.base_fee_cents_per_month,
        turnover_basis_points=offer.turnover_basis_points,
        deposit_cents=offer.deposit_cents,
    )


def draft_placement(offer: Offer) -> Placement:
    """The placement the offer becomes when accepted, unsaved: what the summary page and the
    draft agreement show (the starter's trade name and KvK number as they are now)."""
    application = offer.application
    unit, starter = application.unit, application.starter
    organisation_id = organisation_id_of(unit)
    return Placement(
        unit=unit,
        starter=starter,
        organisation=db.session.get(Organisation, organisation_id) if organisation_id else None,
        offer_id=offer.id,
        **placement_fields(unit, starter, terms_of(offer), []),
    )


def accept_offer(
    starter: User, application: Application, seen_version: str | None = None
) -> Placement:
    """The starter accepts: one transaction creates the placement, lets the unit and closes the
    other applications. The unit row is locked first (FOR UPDATE on PostgreSQL) and its status
    changed only if it is still available, so two acceptances at once cannot both let it.
    ``seen_version`` is the :func:`offer_version` the starter read on the summary page: an offer
    that changed since is not accepted."""
    require_own(starter, application)
    unit = _lock_unit(application)
    db.session.refresh(application)
    for earlier in application.offers:
        db.session.refresh(earlier)
    offer = application.open_offer
    if application.status != ApplicationStatus.OFFERED or offer is None:
        raise ApplicationError(_("This offer is no longer open; it may have been withdrawn."))
    if seen_version is not None and seen_version != offer_version(offer):
        raise ApplicationError(_l("The offer has changed; review it again."), "version")
    if not claim_unit(
        starter, unit, UnitStatus.LET, only_from=PUBLIC_STATUSES, reason="offer accepted"
    ):
        raise ApplicationError(_("This unit has just been let to someone else."))
    transition(starter, application, ApplicationStatus.ACCEPTED, offer=offer.id)
    close_offer(offer, OfferStatus.ACCEPTED)
    try:
        placement = create_placement(
            starter,
            unit,
            starter,
            terms_of(offer),
            application_id=application.id,
            offer_id=offer.id,
            event={"application": application.id},
        )
    except LettingError as exc:
        raise ApplicationError(str(exc), exc.field) from exc
    _close_others(application)
    notify_landlord_side(application, "application.accepted")
    notify(
        [starter],
        "placement.created",
        "applications.detail",
        {"application_id": application.id},
        unit_data(unit),
    )
    return placement


def _close_others(accepted: Application) -> None:
    """Close the other open applications on the unit (recorded as done by the system)."""
    others = db.session.scalars(
        sa.select(Application)
        .where(
            Application.unit_id == accepted.unit_id,
            Application.id != accepted.id,
            Application.status.in_(OPEN_STATUSES),
        )
        .order_by(Application.id)
    ).all()
    for other in others:
        transition(None, other, ApplicationStatus.REJECTED, reason="unit_let")
        other.closed_reason = "unit_let"
        for offer in other.offers:
            close_offer(offer, OfferStatus.WITHDRAWN)
        notify_starter(other, "application.unit_let")
