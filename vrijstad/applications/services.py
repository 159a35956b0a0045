"""Applications: apply, run the pipeline, plan viewings, offer, accept into a placement.

Every transition is one function that checks who may do it and whether the workflow allows
it, records an audit event and notifies the people concerned (mail after the commit). The
shared steps live in ``pipeline``, offers and their answers in ``offers``; their public names
are importable from here as well.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from icalendar import Calendar, Event

from vrijstad import clock
from vrijstad.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationMessage,
    ApplicationStatus,
    OfferStatus,
    Viewing,
)
from vrijstad.applications.offers import (
    MAX_DEPOSIT_CENTS,
    MAX_FEE_CENTS_PER_MONTH,
    accept_offer,
    check_terms,
    decline_offer,
    draft_placement,
    make_offer,
    offer_version,
    withdraw_offer,
)
from vrijstad.applications.pipeline import (
    ApplicationError,
    DuplicateApplication,
    OfferTerms,
    can_see,
    close_offer,
    is_landlord_side,
    landlord_side_people,
    notify_landlord_side,
    notify_starter,
    release_if_idle,
    require_landlord_side,
    require_own,
    status_label,
    transition,
    unit_data,
)
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.notifications.services import notify
from vrijstad.starters.services import profile_of
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.status import move_unit, organisation_id_of

__all__ = [
    "APPLY_STATUSES",
    "MAX_DEPOSIT_CENTS",
    "MAX_FEE_CENTS_PER_MONTH",
    "ApplicationError",
    "DuplicateApplication",
    "OfferTerms",
    "accept_offer",
    "can_see",
    "check_terms",
    "decline_offer",
    "draft_placement",
    "is_landlord_side",
    "landlord_side_people",
    "make_offer",
    "move",
    "offer_version",
    "open_application",
    "plan_viewing",
    "post_message",
    "reject",
    "shortlist",
    "status_label",
    "submit_application",
    "viewing_ics",
    "withdraw_application",
    "withdraw_offer",
]

#: Units that take new applications (a reserved or let unit does not).
APPLY_STATUSES = (UnitStatus.LISTED, UnitStatus.IN_TALKS)


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
        starter, "application.submitted", application, organisation_id_of(unit), unit=unit.id
    )
    notify_landlord_side(application, "application.submitted")
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


def withdraw_application(starter: User, application: Application) -> Application:
    """The starter withdraws; an open offer lapses with it."""
    require_own(starter, application)
    transition(starter, application, ApplicationStatus.WITHDRAWN)
    close_offer(application.open_offer, OfferStatus.WITHDRAWN)
    release_if_idle(starter, application.unit)
    notify_landlord_side(application, "application.withdrawn")
    return application


def shortlist(actor: User, application: Application) -> Application:
    """Put an application on the shortlist; a listed unit is then in talks."""
    require_landlord_side(actor, application)
    transition(actor, application, ApplicationStatus.SHORTLISTED)
    unit = application.unit
    if unit.status == UnitStatus.LISTED:
        move_unit(actor, unit, UnitStatus.IN_TALKS)
    notify_starter(application, "application.shortlisted")
    return application


def reject(actor: User, application: Application) -> Application:
    """Turn an application down (with a kind notice to the starter)."""
    require_landlord_side(actor, application)
    transition(actor, application, ApplicationStatus.REJECTED)
    application.closed_reason = "rejected"
    close_offer(application.open_offer, OfferStatus.WITHDRAWN)
    release_if_idle(actor, application.unit)
    notify_starter(application, "application.rejected")
    return application


def plan_viewing(
    actor: User,
    application: Application,
    starts_at: datetime,
    duration_minutes: int = 30,
    note: str | None = None,
) -> Viewing:
    """Plan (or re-plan) a viewing; the starter gets it by mail with an .ics attachment."""
    require_landlord_side(actor, application)
    starts_at = clock.as_utc(starts_at).astimezone(UTC)  # SQLite keeps no offset: store UTC
    if starts_at < clock.now():
        raise ApplicationError(_("A viewing cannot be planned in the past."), "starts_at")
    if not 5 <= duration_minutes <= 480:
        raise ApplicationError(_("A viewing takes between 5 minutes and 8 hours."), "duration")
    if application.status == ApplicationStatus.SUBMITTED:
        shortlist(actor, application)
    if application.status != ApplicationStatus.VIEWING:
        transition(actor, application, ApplicationStatus.VIEWING)
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
        organisation_id_of(application.unit),
        starts_at=starts_at.isoformat(),
        minutes=duration_minutes,
    )
    data = unit_data(application.unit) | {"when": _when(starts_at)}
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
    data = unit_data(application.unit) | {"author": actor.name}
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
