"""Pop-up short lets: terms, prices, availability, and the booking workflow.

A starter requests days; the landlord's side accepts (the booking becomes a placement of those
days) or declines. Two accepted bookings of a unit never share a day: accepting checks it here,
and the database refuses it too (exclusion constraint / trigger), so two people accepting at
the same moment cannot both win. Every transition records an audit event and notifies the
other side (mail after the commit). Periods are half-open, see ``vrijstad.popups.models``.

The feature's other rooms: ``terms`` (short-let terms, blocked periods, feed link), ``prices``
and ``calendars`` (the month calendar and the iCalendar feed); their public names are
importable from here as well.
"""

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa
from babel.dates import get_day_names

from vrijstad import clock, labels
from vrijstad.applications.services import is_landlord_side, landlord_side_people
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.billing.services import issue_one_off_invoice
from vrijstad.core import TransitionError
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import current_language, date_filter, ngettext
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.errors import LettingError
from vrijstad.letting.models import Placement
from vrijstad.letting.placements import PlacementTerms, create_placement, end_placement
from vrijstad.money import Cents
from vrijstad.notifications.services import notify
from vrijstad.popups import queries
from vrijstad.popups.calendars import (
    CalendarDay,
    CalendarMonth,
    clamp_month,
    feed_ics,
    month_calendar,
)
from vrijstad.popups.errors import BookingError, require_landlord_side
from vrijstad.popups.models import ALL_WEEKDAYS, BOOKING_FLOW, Booking, BookingStatus, ShortLetTerms
from vrijstad.popups.prices import Price, compute_price, monthly_fee_cents
from vrijstad.popups.terms import (
    MAX_PRICE_CENTS,
    TermsData,
    block_period,
    check_terms,
    regenerate_feed_token,
    save_terms,
    terms_of,
    unblock_period,
)
from vrijstad.starters.models import SpaceKind
from vrijstad.units.models import PUBLIC_STATUSES, Unit
from vrijstad.units.services import register_hold
from vrijstad.units.status import organisation_id_of

__all__ = [
    "BOOKING_HORIZON_DAYS",
    "MAX_PRICE_CENTS",
    "BookingError",
    "CalendarDay",
    "CalendarMonth",
    "Price",
    "TermsData",
    "accept_booking",
    "block_period",
    "can_see",
    "cancel_booking",
    "check_dates",
    "check_terms",
    "clamp_month",
    "compute_price",
    "decline_booking",
    "feed_ics",
    "is_landlord_side",
    "month_calendar",
    "monthly_fee_cents",
    "regenerate_feed_token",
    "request_booking",
    "save_terms",
    "status_label",
    "terms_of",
    "unblock_period",
    "weekday_names",
]

#: How far ahead a starter may book.
BOOKING_HORIZON_DAYS = 2 * 365


def status_label(status: BookingStatus) -> str:
    return labels.label(BookingStatus(status))


def weekday_names(mask: int = ALL_WEEKDAYS) -> list[str]:
    """The names of the weekdays in a mask (Monday first), in the current language."""
    names = get_day_names("wide", locale=current_language())
    return [names[day] for day in range(7) if mask & (1 << day)]


# Availability ------------------------------------------------------------------------------


def check_dates(
    unit: Unit,
    terms: ShortLetTerms | None,
    first_day: date,
    last_day: date,
    today: date | None = None,
) -> Price:
    """Whether a starter may request these days (first and last day included); the price if so.

    Refusals name the reason and the form field: order, past, lead time, stay limits,
    weekdays, blocked days, booked days.
    """
    today = today or clock.today()
    if terms is None or not terms.enabled or unit.status not in PUBLIC_STATUSES:
        raise BookingError(_("This unit is not open for short lets."))
    if last_day < first_day:
        raise BookingError(_("The last day cannot be before the first day."), "last_day")
    if first_day < today:
        raise BookingError(_("These dates lie in the past."), "first_day")
    earliest = today + timedelta(days=terms.lead_time_days)
    if first_day < earliest:
        raise BookingError(
            _l("Book at least %(n)d days ahead: the first day you can book is %(date)s."),
            "first_day",
            n=terms.lead_time_days,
            date=earliest,
        )
    if first_day > today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise BookingError(_("You can book at most two years ahead."), "first_day")
    days = (last_day - first_day).days + 1
    if days < terms.min_stay_days:
        raise BookingError(
            ngettext(
                "The minimum stay is %(num)d day.",
                "The minimum stay is %(num)d days.",
                terms.min_stay_days,
            ),
            "last_day",
        )
    if days > terms.max_stay_days:
        raise BookingError(
            ngettext(
                "The maximum stay is %(num)d day.",
                "The maximum stay is %(num)d days.",
                terms.max_stay_days,
            ),
            "last_day",
        )
    for day, field in ((first_day, "first_day"), (last_day, "last_day")):
        if not terms.bookable_on(day):
            raise BookingError(
                _l(
                    "This unit is let on %(weekdays)s only; %(date)s is not one of them. "
                    "Start and end your stay on one of those days."
                ),
                field,
                weekdays=", ".join(weekday_names(terms.weekdays_mask)),
                date=day,
            )
    start, end = first_day, last_day + timedelta(days=1)
    _check_free(unit, start, end)
    # Closed weekdays within the stay (a Sunday and Monday when only Tuesday to Saturday are
    # let) do not stop it: they are simply not charged.
    open_days = sum(terms.bookable_on(first_day + timedelta(days=n)) for n in range(days))
    price = compute_price(
        open_days,
        terms.price_cents_per_day,
        terms.price_cents_per_week,
        days_per_week=terms.weekdays_mask.bit_count(),
    )
    return replace(price, closed_days=days - open_days)


def _check_free(unit: Unit, start: date, end: date) -> None:
    blocked = db.session.scalars(queries.blocked_overlapping(unit.id, start, end)).first()
    if blocked is not None:
        raise BookingError(
            _l("The unit is not available from %(first)s to %(last)s."),
            "first_day",
            first=blocked.start_date,
            last=blocked.last_day,
        )
    booked = db.session.scalars(queries.bookings_overlapping(unit.id, start, end)).first()
    if booked is not None:
        raise BookingError(
            _l("%(first)s – %(last)s is already booked."),
            "first_day",
            first=booked.start_date,
            last=booked.last_day,
        )


# The starter's side ------------------------------------------------------------------------


@register_hold
def _booking_hold(unit: Unit) -> str | None:
    """An accepted booking that is not over holds the unit: cancel it first."""
    booking = db.session.scalars(
        sa.select(Booking)
        .where(
            Booking.unit_id == unit.id,
            Booking.status == BookingStatus.ACCEPTED,
            Booking.end_date > clock.today(),
        )
        .order_by(Booking.start_date)
        .limit(1)
    ).first()
    if booking is None:
        return None
    return _(
        "This unit has an accepted pop-up booking (%(dates)s): cancel the booking before "
        "changing the unit's status.",
        dates=_dates(booking),
    )


def _dates(booking: Booking) -> str:
    return f"{date_filter(booking.start_date)} – {date_filter(booking.last_day)}"


def _notice_data(booking: Booking) -> dict:
    unit = booking.unit
    return {
        "unit": f"{unit.address}, {unit.city}",
        "starter": booking.starter.name,
        "dates": _dates(booking),
    }


def _notify_landlord_side(booking: Booking, kind: str, actor: User | None = None) -> None:
    people = [p for p in landlord_side_people(booking.unit) if actor is None or p.id != actor.id]
    notify(people, kind, "popups.requests", {"unit_id": booking.unit_id}, _notice_data(booking))


def _notify_starter(booking: Booking, kind: str) -> None:
    notify([booking.starter], kind, "popups.mine", {}, _notice_data(booking))


def request_booking(
    starter: User,
    unit: Unit,
    first_day: date,
    last_day: date,
    note: str | None = None,
    expected_price_cents: int | None = None,
    today: date | None = None,
) -> Booking:
    """A starter asks for days (first and last day included) at the price shown.

    With the price the starter was shown, a request whose price has changed since (the terms
    were changed meanwhile) is refused, so nobody asks for days at a price they did not see.
    """
    if not starter.is_authenticated or not starter.is_starter:
        raise BookingError(_("Only starters can book a unit."))
    require_verified_email(starter)
    if unit.owner_id == starter.id:
        raise BookingError(_("You cannot book your own unit."))
    price = check_dates(unit, terms_of(unit), first_day, last_day, today)
    if expected_price_cents is not None and expected_price_cents != price.total_cents:
        raise BookingError(
            _l("The price is now %(price)s; check it and send the request again."),
            "first_day",
            price=Cents(price.total_cents),
        )
    start, end = first_day, last_day + timedelta(days=1)
    mine = db.session.scalars(
        queries.bookings_overlapping(unit.id, start, end, BookingStatus.REQUESTED).where(
            Booking.starter_id == starter.id
        )
    ).first()
    if mine is not None:
        raise BookingError(_("You already asked for some of these days."), "first_day")
    booking = Booking(
        unit=unit,
        starter=starter,
        start_date=start,
        end_date=end,
        price_cents=price.total_cents,
        note=(note or "").strip()[:1000] or None,
    )
    db.session.add(booking)
    db.session.flush()
    record_event(
        starter,
        "booking.requested",
        booking,
        organisation_id_of(unit),
        unit=unit.id,
        start=start.isoformat(),
        end=end.isoformat(),
        price_cents=price.total_cents,
    )
    _notify_landlord_side(booking, "booking.requested")
    return booking


def can_see(user: User, booking: Booking) -> bool:
    if not user.is_authenticated:
        return False
    return booking.starter_id == user.id or is_landlord_side(user, booking.unit)


def _check_move(booking: Booking, target: BookingStatus) -> None:
    try:
        BOOKING_FLOW.check(booking.status, target)
    except TransitionError as exc:
        raise BookingError(
            _(
                "A booking that is %(current)s cannot become %(target)s.",
                current=status_label(booking.status),
                target=status_label(target),
            )
        ) from exc


def _transition(actor: User | None, booking: Booking, target: BookingStatus, **data) -> None:
    _check_move(booking, target)
    previous = BOOKING_FLOW.move(booking, target)
    booking.decided_at = clock.now()
    booking.decided_by_id = actor.id if actor is not None else None
    record_event(
        actor,
        "booking.status",
        booking,
        organisation_id_of(booking.unit),
        old=previous.value,
        new=target.value,
        **data,
    )


def cancel_booking(actor: User, booking: Booking, today: date | None = None) -> Booking:
    """The starter withdraws a request, or either side cancels an accepted booking before its
    first day; the placement of an accepted booking then ends."""
    today = today or clock.today()
    is_starter = booking.starter_id == actor.id
    if not (is_starter or is_landlord_side(actor, booking.unit)):
        raise BookingError(_("This is not your booking."))
    if booking.status == BookingStatus.REQUESTED and not is_starter:
        raise BookingError(_("Decline the request instead."))
    if booking.status == BookingStatus.ACCEPTED and booking.start_date <= today:
        raise BookingError(_("A booking that has started can no longer be cancelled."))
    was_accepted = booking.status == BookingStatus.ACCEPTED
    _transition(actor, booking, BookingStatus.CANCELLED)
    if booking.placement is not None:
        end_placement(actor, booking.placement, "booking cancelled", booking=booking.id)
    db.session.flush()
    if is_starter:
        _notify_landlord_side(booking, "booking.cancelled", actor)
    elif was_accepted:
        _notify_starter(booking, "booking.cancelled")
    return booking


# The landlord's side -----------------------------------------------------------------------


def decline_booking(actor: User, booking: Booking) -> Booking:
    """Say no to a request."""
    require_landlord_side(actor, booking.unit)
    _transition(actor, booking, BookingStatus.DECLINED)
    db.session.flush()
    _notify_starter(booking, "booking.declined")
    return booking


def accept_booking(actor: User, booking: Booking, today: date | None = None) -> Placement:
    """Accept a request: its days are booked and it becomes a pop-up placement of those days.

    Overlapping requests are declined. Accepts for one unit take turns: the unit's row is
    locked first (FOR UPDATE on PostgreSQL) and the booking read again, so a request declined
    meanwhile is not accepted. Should two overlapping acceptances still meet (SQLite takes no
    row locks), the database refuses the second one and this raises a BookingError.
    """
    require_landlord_side(actor, booking.unit)
    today = today or clock.today()
    unit = db.session.scalars(
        sa.select(Unit)
        .where(Unit.id == booking.unit_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.refresh(booking)
    if booking.status in (BookingStatus.DECLINED, BookingStatus.CANCELLED):
        raise BookingError(_("This request is no longer open: it was declined or withdrawn."))
    if booking.status == BookingStatus.REQUESTED and booking.start_date < today:
        raise BookingError(_("The first day of this request has passed; decline it."))
    # Check everything before changing the booking: a query would flush the change early.
    _check_move(booking, BookingStatus.ACCEPTED)
    taken = BookingError(_("Some of these days have just been booked by someone else."))
    if db.session.scalars(
        queries.bookings_overlapping(unit.id, booking.start_date, booking.end_date)
    ).first():
        raise taken
    if db.session.scalars(
        queries.blocked_overlapping(unit.id, booking.start_date, booking.end_date)
    ).first():
        raise BookingError(_("Some of these days are blocked; unblock them first."))
    try:
        with savepoint():  # the change is written when the savepoint ends
            _transition(actor, booking, BookingStatus.ACCEPTED)
    except sa.exc.IntegrityError as exc:  # an overlapping booking accepted at the same moment
        raise taken from exc
    terms = PlacementTerms(
        kind=SpaceKind.POPUP,
        start_date=booking.start_date,
        end_date=booking.end_date,  # the day after the last day: a one-day let ends after it
        base_fee_cents_per_month=monthly_fee_cents(
            booking.price_cents, booking.start_date, booking.end_date
        ),
    )
    try:
        placement = create_placement(
            actor, unit, booking.starter, terms, lets_unit=False, event={"booking": booking.id}
        )
    except LettingError as exc:
        raise BookingError(str(exc), exc.field) from exc
    booking.placement_id = placement.id
    if placement.organisation_id is not None and booking.price_cents:
        last_day = booking.end_date - timedelta(days=1)
        issue_one_off_invoice(
            placement,
            booking.price_cents,
            _(
                "Pop-up %(first)s – %(last)s",
                first=date_filter(booking.start_date),
                last=date_filter(last_day),
            ),
        )
    _decline_overlapping(booking)
    db.session.flush()
    _notify_starter(booking, "booking.accepted")
    return placement


def _decline_overlapping(accepted: Booking) -> None:
    """Requests for days that are now booked are declined (as done by the system)."""
    others = db.session.scalars(
        queries.bookings_overlapping(
            accepted.unit_id, accepted.start_date, accepted.end_date, BookingStatus.REQUESTED
        )
    ).all()
    for other in others:
        _transition(None, other, BookingStatus.DECLINED, reason="dates_taken")
        _notify_starter(other, "booking.dates_taken")
