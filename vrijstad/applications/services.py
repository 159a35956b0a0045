"""Applications: apply, run the pipeline, plan viewings, offer, accept into a placement.

Every transition is one function that checks who may do it and whether the workflow allows
it, records an audit event and notifies the people concerned (mail after the commit).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from icalendar import Calendar, Event

from vrijstad import clock
from vrijstad.applications.models import (
    APPLICATION_TRANSITIONS,
    OPEN_STATUSES,
    Application,
    ApplicationMessage,
    ApplicationStatus,
    Offer,
    OfferStatus,
    Viewing,
)
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.core import DomainError, TransitionError, check_transition
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Placement
from vrijstad.notifications.services import notify
from vrijstad.organisations.services import can_manage, staff_of
from vrijstad.starters.models import SpaceKind
from vrijstad.starters.services import profile_of
from vrijstad.units.models import PUBLIC_STATUSES, Unit, UnitStatus
from vrijstad.units.services import register_hold

#: Units that take new applications (a reserved or let unit does not).
APPLY_STATUSES = (UnitStatus.LISTED, UnitStatus.IN_TALKS)
MAX_FEE_CENTS_PER_MONTH = 500_000_00
MAX_DEPOSIT_CENTS = 1_000_000_00


class ApplicationError(DomainError):
    """An application action was refused; field names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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
    return {
        ApplicationStatus.SUBMITTED: _("submitted"),
        ApplicationStatus.SHORTLISTED: _("shortlisted"),
        ApplicationStatus.VIEWING: _("viewing"),
        ApplicationStatus.OFFERED: _("offered"),
        ApplicationStatus.ACCEPTED: _("accepted"),
        ApplicationStatus.DECLINED: _("declined"),
        ApplicationStatus.REJECTED: _("rejected"),
        ApplicationStatus.WITHDRAWN: _("withdrawn"),
    }[ApplicationStatus(status)]


# Who may do what ---------------------------------------------------------------------------


def is_landlord_side(user: User, unit: Unit) -> bool:
    """The unit's owner, staff of the organisation of its area, and platform admins."""
    if not user.is_authenticated:
        return False
    if user.is_admin or unit.owner_id == user.id:
        return True
    return unit.area is not None and can_manage(user, unit.area.organisation_id)


def can_see(user: User, application: Application) -> bool:
    if not user.is_authenticated:
        return False
    return application.starter_id == user.id or is_landlord_side(user, application.unit)


def _organisation_id(unit: Unit) -> int | None:
    return unit.area.organisation_id if unit.area else None


def landlord_side_people(unit: Unit) -> list[User]:
    """Who hears of news on the landlord side: the owner and the area's organisation staff."""
    people = [unit.owner]
    if unit.area is not None:
        people += staff_of(unit.area.organisation_id)
    return people


def _transition(
    actor: User | None, application: Application, target: ApplicationStatus, **data
) -> None:
    try:
        check_transition(APPLICATION_TRANSITIONS, application.status, target)
    except TransitionError as exc:
        raise ApplicationError(
            _(
                "An application that is %(current)s cannot become %(target)s.",
                current=status_label(application.status),
                target=status_label(target),
            )
        ) from exc
    previous = application.status
    application.status = target
    application.updated_at = clock.now()
    db.session.flush()
    record_event(
        actor,
        "application.status",
        application,
        _organisation_id(application.unit),
        old=previous.value,
        new=target.value,
        **data,
    )


def _release_if_idle(actor: User | None, unit: Unit) -> None:
    """An in-talks unit whose last open application closed is simply listed again."""
    if unit.status != UnitStatus.IN_TALKS:
        return
    still_open = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.unit_id == unit.id, Application.status.in_(OPEN_STATUSES)
        )
    )
    if not still_open:
        unit.status = UnitStatus.LISTED
        record_event(
            actor,
            "unit.status",
            unit,
            _organisation_id(unit),
            old=UnitStatus.IN_TALKS.value,
            new=UnitStatus.LISTED.value,
            reason="no open applications",
        )


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


def _unit_data(unit: Unit) -> dict:
    return {"unit": f"{unit.address}, {unit.city}"}


def _notify_starter(application: Application, kind: str, attachments=()) -> None:
    notify(
        [application.starter],
        kind,
        "applications.detail",
        {"application_id": application.id},
        _unit_data(application.unit),
        attachments,
    )


def _notify_landlord_side(application: Application, kind: str, **extra) -> None:
    data = _unit_data(application.unit) | {"starter": application.starter.name} | extra
    notify(
        landlord_side_people(application.unit),
        kind,
        "applications.detail",
        {"application_id": application.id},
        data,
    )


# The starter's side ------------------------------------------------------------------------


def submit_application(starter: User, unit: Unit, motivation: str) -> Application:
    """A starter applies for a listed unit with a motivation."""
    if not starter.is_authenticated or not starter.is_starter:
        raise ApplicationError(_("Only starters can apply for a unit."))
    require_verified_email(starter)
    if unit.status not in APPLY_STATUSES:
        raise ApplicationError(_("This unit is not open for applications."))
    if unit.owner_id == starter.id:
        raise ApplicationError(_("You cannot apply for your own unit."))
    motivation = (motivation or "").strip()
    if len(motivation) < 20:
        raise ApplicationError(
            _(
                "Tell the landlord in a few sentences why this unit suits you "
                "(at least 20 characters)."
            ),
            "motivation",
        )
    if len(motivation) > 5000:
        raise ApplicationError(_("Keep your motivation under 5,000 characters."), "motivation")
    if unit.area is not None and unit.area.closed_pilot:
        profile = profile_of(starter)
        home = (profile.city or "").strip().casefold() if profile else ""
        if home != unit.area.city.strip().casefold():
            raise ApplicationError(
                _(
                    "This unit is part of a closed pilot for starters based in %(city)s. Set the "
                    "city where your business is based in your profile.",
                    city=unit.area.city,
                )
            )
    earlier = open_application(starter, unit)
    if earlier is None:
        # Made inside the savepoint: a double click that raced the check above fails on the
        # unique index (PostgreSQL waits for the other request to commit), and only the
        # savepoint is rolled back; the session stays usable to answer.
        try:
            with savepoint():
                application = Application(unit=unit, starter=starter, motivation=motivation)
                db.session.add(application)
        except sa.exc.IntegrityError:
            earlier = open_application(starter, unit)
            if earlier is None:
                raise
    if earlier is not None:
        raise DuplicateApplication(earlier)
    record_event(
        starter, "application.submitted", application, _organisation_id(unit), unit=unit.id
    )
    _notify_landlord_side(application, "application.submitted")
    return application


def open_application(starter: User, unit: Unit) -> Application | None:
    """The starter's open application for the unit, if any."""
    if not starter.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Application).where(
            Application.starter_id == starter.id,
            Application.unit_id == unit.id,
            Application.status.in_(OPEN_STATUSES),
        )
    )


def _own(starter: User, application: Application) -> None:
    if application.starter_id != starter.id:
        raise ApplicationError(_("This is not your application."))


def withdraw_application(starter: User, application: Application) -> Application:
    """The starter withdraws; an open offer lapses with it."""
    _own(starter, application)
    _transition(starter, application, ApplicationStatus.WITHDRAWN)
    offer = application.open_offer
    if offer is not None:
        offer.status = OfferStatus.WITHDRAWN
        offer.decided_at = clock.now()
    _release_if_idle(starter, application.unit)
    _notify_landlord_side(application, "application.withdrawn")
    return application


def decline_offer(starter: User, application: Application) -> Application:
    """The starter says no to the offer."""
    _own(starter, application)
    offer = application.open_offer
    if offer is None:
        raise ApplicationError(_("There is no open offer to decline."))
    _transition(starter, application, ApplicationStatus.DECLINED, offer=offer.id)
    offer.status = OfferStatus.DECLINED
    offer.decided_at = clock.now()
    _release_if_idle(starter, application.unit)
    _notify_landlord_side(application, "application.declined")
    return application


def accept_offer(starter: User, application: Application) -> Placement:
    """The starter accepts: one transaction creates the placement, lets the unit and closes the
    other applications. The unit row is locked first (FOR UPDATE on PostgreSQL) and its status
    changed only if it is still available, so two acceptances at once cannot both let it."""
    _own(starter, application)
    unit = db.session.scalars(
        sa.select(Unit)
        .where(Unit.id == application.unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.refresh(application)
    for offer in application.offers:
        db.session.refresh(offer)
    offer = application.open_offer
    if application.status != ApplicationStatus.OFFERED or offer is None:
        raise ApplicationError(_("This offer is no longer open; it may have been withdrawn."))
    let = db.session.execute(
        sa.update(Unit)
        .where(Unit.id == unit.id, Unit.status.in_(PUBLIC_STATUSES))
        .values(status=UnitStatus.LET, vacant_since=None, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if let.rowcount != 1:
        raise ApplicationError(_("This unit has just been let to someone else."))
    db.session.refresh(unit)
    record_event(
        starter,
        "unit.status",
        unit,
        _organisation_id(unit),
        old="available",
        new=UnitStatus.LET.value,
        reason="offer accepted",
    )

    _transition(starter, application, ApplicationStatus.ACCEPTED, offer=offer.id)
    offer.status = OfferStatus.ACCEPTED
    offer.decided_at = clock.now()
    profile = profile_of(starter)
    placement = Placement(
        unit_id=unit.id,
        starter_id=starter.id,
        organisation_id=_organisation_id(unit),
        application_id=application.id,
        offer_id=offer.id,
        kind=offer.kind,
        start_date=offer.start_date,
        end_date=offer.end_date,
        base_fee_cents_per_month=offer.base_fee_cents_per_month,
        turnover_basis_points=offer.turnover_basis_points,
        deposit_cents=offer.deposit_cents,
        starter_trade_name=(profile.trade_name if profile and profile.trade_name else starter.name),
        starter_kvk=profile.kvk_number if profile else None,
    )
    db.session.add(placement)
    db.session.flush()
    record_event(
        starter,
        "placement.created",
        placement,
        placement.organisation_id,
        unit=unit.id,
        application=application.id,
    )
    _close_others(application)
    _notify_landlord_side(application, "application.accepted")
    notify(
        [starter],
        "placement.created",
        "applications.detail",
        {"application_id": application.id},
        _unit_data(unit),
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
        _transition(None, other, ApplicationStatus.REJECTED, reason="unit_let")
        other.closed_reason = "unit_let"
        for offer in other.offers:
            if offer.status == OfferStatus.OPEN:
                offer.status = OfferStatus.WITHDRAWN
                offer.decided_at = clock.now()
        _notify_starter(other, "application.unit_let")


# The landlord's and organisation's side ----------------------------------------------------


def _landlord_side(actor: User, application: Application) -> None:
    if not is_landlord_side(actor, application.unit):
        raise ApplicationError(_("Only the landlord or the area's organisation can do this."))


def shortlist(actor: User, application: Application) -> Application:
    """Put an application on the shortlist; a listed unit is then in talks."""
    _landlord_side(actor, application)
    _transition(actor, application, ApplicationStatus.SHORTLISTED)
    unit = application.unit
    if unit.status == UnitStatus.LISTED:
        previous = unit.status
        unit.status = UnitStatus.IN_TALKS
        record_event(
            actor,
            "unit.status",
            unit,
            _organisation_id(unit),
            old=previous.value,
            new=unit.status.value,
        )
    _notify_starter(application, "application.shortlisted")
    return application


def reject(actor: User, application: Application) -> Application:
    """Turn an application down (with a kind notice to the starter)."""
    _landlord_side(actor, application)
    _transition(actor, application, ApplicationStatus.REJECTED)
    application.closed_reason = "rejected"
    offer = application.open_offer
    if offer is not None:
        offer.status = OfferStatus.WITHDRAWN
        offer.decided_at = clock.now()
    _release_if_idle(actor, application.unit)
    _notify_starter(application, "application.rejected")
    return application


def plan_viewing(
    actor: User,
    application: Application,
    starts_at: datetime,
    duration_minutes: int = 30,
    note: str | None = None,
) -> Viewing:
    """Plan (or re-plan) a viewing; the starter gets it by mail with an .ics attachment."""
    _landlord_side(actor, application)
    starts_at = clock.as_utc(starts_at).astimezone(UTC)  # SQLite keeps no offset: store UTC
    if starts_at < clock.now():
        raise ApplicationError(_("A viewing cannot be planned in the past."), "starts_at")
    if not 5 <= duration_minutes <= 480:
        raise ApplicationError(_("A viewing takes between 5 minutes and 8 hours."), "duration")
    if application.status == ApplicationStatus.SUBMITTED:
        shortlist(actor, application)
    if application.status != ApplicationStatus.VIEWING:
        _transition(actor, application, ApplicationStatus.VIEWING)
    viewing = Viewing(
        application=application,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        note=(note or "").strip()[:500] or None,
        planned_by_id=actor.id,
    )
    db.session.add(viewing)
    db.session.flush()
    record_event(
        actor,
        "application.viewing",
        application,
        _organisation_id(application.unit),
        starts_at=starts_at.isoformat(),
        minutes=duration_minutes,
    )
    data = _unit_data(application.unit) | {"when": _when(starts_at)}
    notify(
        [application.starter],
        "application.viewing",
        "applications.detail",
        {"application_id": application.id},
        data,
        attachments=[("viewing.ics", "text/calendar", viewing_ics(viewing))],
    )
    return viewing


def _when(moment: datetime) -> str:
    from vrijstad.i18n import date_filter

    return date_filter(moment)


def viewing_ics(viewing: Viewing) -> bytes:
    """An iCalendar file for the viewing, to add to any calendar."""
    unit = viewing.application.unit
    calendar = Calendar()
    calendar.add("prodid", "-//Vrijstad//viewing//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"viewing-{viewing.id}@vrijstad")
    event.add("dtstamp", clock.now())
    starts_at = clock.as_utc(viewing.starts_at)
    event.add("dtstart", starts_at)
    event.add("dtend", starts_at + timedelta(minutes=viewing.duration_minutes))
    event.add("summary", _("Viewing %(unit)s", unit=unit.address))
    event.add("location", f"{unit.address}, {unit.postcode} {unit.city}")
    if viewing.note:
        event.add("description", viewing.note)
    calendar.add_component(event)
    return calendar.to_ical()


def _two_years_after(start: date) -> date:
    try:
        return start.replace(year=start.year + 2)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 2, day=28)


def check_terms(terms: OfferTerms) -> None:
    """The rules every offer meets; each refusal names its field."""
    if terms.start_date < clock.today():
        raise ApplicationError(_("The start date cannot be in the past."), "start_date")
    if terms.end_date <= terms.start_date:
        raise ApplicationError(_("The end date must be after the start date."), "end_date")
    if terms.kind == SpaceKind.POPUP and terms.end_date > _two_years_after(terms.start_date):
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
    _landlord_side(actor, application)
    check_terms(terms)
    if application.unit.status not in PUBLIC_STATUSES:
        raise ApplicationError(_("This unit is no longer available."))
    _transition(actor, application, ApplicationStatus.OFFERED)
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
        actor, "application.offer", application, _organisation_id(application.unit), offer=offer.id
    )
    _notify_starter(application, "application.offered")
    return offer


def withdraw_offer(actor: User, application: Application) -> Application:
    """Take an offer back; the application returns to the shortlist."""
    _landlord_side(actor, application)
    offer = application.open_offer
    if offer is None:
        raise ApplicationError(_("There is no open offer to withdraw."))
    _transition(actor, application, ApplicationStatus.SHORTLISTED, offer=offer.id)
    offer.status = OfferStatus.WITHDRAWN
    offer.decided_at = clock.now()
    _notify_starter(application, "application.offer_withdrawn")
    return application


def move(actor: User, application: Application, target: ApplicationStatus) -> Application:
    """A pipeline button: the moves that need no further details."""
    moves = {ApplicationStatus.SHORTLISTED: shortlist, ApplicationStatus.REJECTED: reject}
    if target not in moves:
        raise ApplicationError(_("Plan a viewing or make an offer from the application's page."))
    if target == ApplicationStatus.SHORTLISTED and application.status == ApplicationStatus.OFFERED:
        return withdraw_offer(actor, application)
    return moves[target](actor, application)


# The conversation --------------------------------------------------------------------------


def post_message(actor: User, application: Application, body: str) -> ApplicationMessage:
    """Add a message to the thread; the other side is notified."""
    if not can_see(actor, application):
        raise ApplicationError(_("This is not your application."))
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write a message first."), "body")
    if len(body) > 5000:
        raise ApplicationError(_("Keep a message under 5,000 characters."), "body")
    message = ApplicationMessage(application=application, author_id=actor.id, body=body)
    db.session.add(message)
    db.session.flush()
    data = _unit_data(application.unit) | {"author": actor.name}
    if actor.id == application.starter_id:
        people = landlord_side_people(application.unit)
    else:
        people = [application.starter]
    notify(
        [p for p in people if p.id != actor.id],
        "application.message",
        "applications.detail",
        {"application_id": application.id},
        data,
    )
    return message
