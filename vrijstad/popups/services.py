"""Pop-up short lets: terms, prices, availability, and the booking workflow.

A starter requests days; the landlord's side accepts (the booking becomes a placement of those
days) or declines. Two accepted bookings of a unit never share a day: accepting checks it here,
and the database refuses it too (exclusion constraint / trigger), so two people accepting at
the same moment cannot both win. Every transition records an audit event and notifies the
other side (mail after the commit). Periods are half-open, see ``vrijstad.popups.models``.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa
from babel.dates import get_day_names
from icalendar import Calendar, Event

from vrijstad import clock
from vrijstad.applications.services import is_landlord_side, landlord_side_people
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.clock import add_months
from vrijstad.core import DomainError, TransitionError, check_transition
from vrijstad.extensions import db, savepoint
from vrijstad.i18n import current_language, date_filter, eur_filter, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.notifications.services import notify
from vrijstad.popups import queries
from vrijstad.popups.models import (
    ALL_WEEKDAYS,
    BOOKING_TRANSITIONS,
    MAX_STAY_DAYS,
    BlockedPeriod,
    Booking,
    BookingStatus,
    ShortLetTerms,
    new_feed_token,
)
from vrijstad.starters.models import SpaceKind
from vrijstad.starters.services import profile_of
from vrijstad.units.models import PUBLIC_STATUSES, Unit
from vrijstad.units.services import register_hold

#: Highest price per day or per week (cents, excl. VAT); beyond it, a typo.
MAX_PRICE_CENTS = 100_000_00
#: How far ahead a starter may book.
BOOKING_HORIZON_DAYS = 2 * 365


class BookingError(DomainError):
    """A short-let action was refused; field names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def status_label(status: BookingStatus) -> str:
    return {
        BookingStatus.REQUESTED: _("requested"),
        BookingStatus.ACCEPTED: _("accepted"),
        BookingStatus.DECLINED: _("declined"),
        BookingStatus.CANCELLED: _("cancelled"),
    }[BookingStatus(status)]


def weekday_names(mask: int = ALL_WEEKDAYS) -> list[str]:
    """The names of the weekdays in a mask (Monday first), in the current language."""
    names = get_day_names("wide", locale=current_language())
    return [names[day] for day in range(7) if mask & (1 << day)]


# Prices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """The price of a stay: whole weeks at the week rate, the other days at the day rate."""

    days: int
    weeks: int
    extra_days: int
    total_cents: int


def compute_price(days: int, day_cents: int | None, week_cents: int | None) -> Price:
    """The cheapest mix of week and day rates covering `days` days.

    A week may cover fewer than seven remaining days when that is cheaper than paying them
    by the day (six days at € 100 cost less as one week at € 500). With only a week rate,
    every started week is paid; with only a day rate, every day.
    """
    if days < 1:
        raise ValueError("a stay lasts at least one day")
    if day_cents is None and week_cents is None:
        raise ValueError("no price set")
    most_weeks = -(-days // 7)
    options = []
    for weeks in range(0, most_weeks + 1) if week_cents is not None else [0]:
        extra = max(0, days - 7 * weeks)
        if extra and day_cents is None:
            continue
        total = weeks * (week_cents or 0) + extra * (day_cents or 0)
        options.append((total, weeks, extra))
    total, weeks, extra = min(options)  # the cheapest; on a tie, the fewest weeks
    return Price(days=days, weeks=weeks, extra_days=extra, total_cents=total)


def monthly_fee_cents(price_cents: int, start: date, end: date) -> int:
    """The placement's base fee per month for a booking of [start, end) at a total price.

    A placement states a fee per month. A booking of at most one calendar month is one
    month's let, so its fee is the whole price (nothing is spread or rounded away). A longer
    booking's price is spread over its length in average months (365.25 / 12 = 30.4375 days)
    and rounded half up to the cent; the booking keeps the exact total the starter agreed to.
    """
    if end <= add_months(start, 1):
        return price_cents
    per_month = Fraction(price_cents * 1461, 48 * (end - start).days)
    return int(per_month + Fraction(1, 2))


# Terms, blocked periods, feed token --------------------------------------------------------


@dataclass(frozen=True)
class TermsData:
    enabled: bool
    price_cents_per_day: int | None
    price_cents_per_week: int | None
    min_stay_days: int
    max_stay_days: int
    lead_time_days: int
    weekdays_mask: int


def _landlord_side(actor: User, unit: Unit) -> None:
    if not is_landlord_side(actor, unit):
        raise BookingError(_("Only the landlord or the area's organisation can do this."))


def _organisation_id(unit: Unit) -> int | None:
    return unit.area.organisation_id if unit.area else None


def terms_of(unit: Unit) -> ShortLetTerms | None:
    return db.session.scalar(sa.select(ShortLetTerms).where(ShortLetTerms.unit_id == unit.id))


def _terms_or_new(unit: Unit) -> ShortLetTerms:
    terms = terms_of(unit)
    if terms is None:
        terms = ShortLetTerms(unit_id=unit.id, enabled=False, ical_token=new_feed_token())
        db.session.add(terms)
    return terms


def check_terms(data: TermsData) -> None:
    """The rules every set of short-let terms meets; each refusal names its field."""
    for field, value in (
        ("price_day", data.price_cents_per_day),
        ("price_week", data.price_cents_per_week),
    ):
        if value is not None and not 0 <= value <= MAX_PRICE_CENTS:
            raise BookingError(_("Enter a price between € 0 and € 100.000."), field)
    if data.enabled and data.price_cents_per_day is None and data.price_cents_per_week is None:
        raise BookingError(_("State a price per day, per week or both."), "price_day")
    if data.min_stay_days < 1:
        raise BookingError(_("The minimum stay is at least one day."), "min_stay")
    if data.max_stay_days < data.min_stay_days:
        raise BookingError(
            _("The maximum stay cannot be shorter than the minimum stay."), "max_stay"
        )
    if data.max_stay_days > MAX_STAY_DAYS:
        raise BookingError(
            _(
                "A pop-up lasts at most two years (%(n)d days); a longer let is a regular shop "
                "lease (art. 7:290 BW).",
                n=MAX_STAY_DAYS,
            ),
            "max_stay",
        )
    if not 0 <= data.lead_time_days <= 365:
        raise BookingError(_("The lead time is between 0 and 365 days."), "lead_time")
    if not 1 <= data.weekdays_mask <= ALL_WEEKDAYS:
        raise BookingError(_("Tick at least one day of the week."), "weekdays")


def save_terms(actor: User, unit: Unit, data: TermsData) -> ShortLetTerms:
    """Open a unit for short lets (or change or close its terms)."""
    _landlord_side(actor, unit)
    check_terms(data)
    terms = _terms_or_new(unit)
    for key, value in vars(data).items():
        setattr(terms, key, value)
    db.session.flush()
    record_event(actor, "popup.terms", unit, _organisation_id(unit), **vars(data))
    return terms


def regenerate_feed_token(actor: User, unit: Unit) -> ShortLetTerms:
    """A new secret link for the unit's calendar feed; the old link stops working."""
    _landlord_side(actor, unit)
    terms = _terms_or_new(unit)
    terms.ical_token = new_feed_token()
    db.session.flush()
    record_event(actor, "popup.feed_token", unit, _organisation_id(unit))
    return terms


def block_period(
    actor: User,
    unit: Unit,
    first_day: date,
    last_day: date,
    reason: str | None = None,
    today: date | None = None,
) -> BlockedPeriod:
    """Keep days free of bookings; days already booked cannot be blocked."""
    _landlord_side(actor, unit)
    today = today or clock.today()
    if last_day < first_day:
        raise BookingError(_("The last day cannot be before the first day."), "last_day")
    if last_day < today:
        raise BookingError(_("These dates lie in the past."), "first_day")
    start, end = first_day, last_day + timedelta(days=1)
    booked = db.session.scalars(queries.bookings_overlapping(unit.id, start, end)).first()
    if booked is not None:
        raise BookingError(
            _(
                "%(first)s – %(last)s is booked; cancel that booking first.",
                first=date_filter(booked.start_date),
                last=date_filter(booked.last_day),
            ),
            "first_day",
        )
    period = BlockedPeriod(
        unit_id=unit.id,
        start_date=start,
        end_date=end,
        reason=(reason or "").strip()[:200] or None,
        created_by_id=actor.id,
    )
    db.session.add(period)
    db.session.flush()
    record_event(
        actor,
        "popup.blocked",
        unit,
        _organisation_id(unit),
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return period


def unblock_period(actor: User, period: BlockedPeriod) -> None:
    """Open blocked days again."""
    unit = db.session.get(Unit, period.unit_id)
    _landlord_side(actor, unit)
    record_event(
        actor,
        "popup.unblocked",
        unit,
        _organisation_id(unit),
        start=period.start_date.isoformat(),
        end=period.end_date.isoformat(),
    )
    db.session.delete(period)
    db.session.flush()


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
            _(
                "Book at least %(n)d days ahead: the first day you can book is %(date)s.",
                n=terms.lead_time_days,
                date=date_filter(earliest),
            ),
            "first_day",
        )
    if first_day > today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise BookingError(_("You can book at most two years ahead."), "first_day")
    days = (last_day - first_day).days + 1
    if days < terms.min_stay_days:
        raise BookingError(_("The minimum stay is %(n)d days.", n=terms.min_stay_days), "last_day")
    if days > terms.max_stay_days:
        raise BookingError(_("The maximum stay is %(n)d days.", n=terms.max_stay_days), "last_day")
    for offset in range(min(days, 7)):  # a week holds every weekday
        day = first_day + timedelta(days=offset)
        if not terms.bookable_on(day):
            raise BookingError(
                _(
                    "This unit is let on %(weekdays)s only; %(date)s is not one of them.",
                    weekdays=", ".join(weekday_names(terms.weekdays_mask)),
                    date=date_filter(day),
                ),
                "first_day",
            )
    start, end = first_day, last_day + timedelta(days=1)
    _check_free(unit, start, end)
    return compute_price(days, terms.price_cents_per_day, terms.price_cents_per_week)


def _check_free(unit: Unit, start: date, end: date) -> None:
    blocked = db.session.scalars(queries.blocked_overlapping(unit.id, start, end)).first()
    if blocked is not None:
        raise BookingError(
            _(
                "The unit is not available from %(first)s to %(last)s.",
                first=date_filter(blocked.start_date),
                last=date_filter(blocked.last_day),
            ),
            "first_day",
        )
    booked = db.session.scalars(queries.bookings_overlapping(unit.id, start, end)).first()
    if booked is not None:
        raise BookingError(
            _(
                "%(first)s – %(last)s is already booked.",
                first=date_filter(booked.start_date),
                last=date_filter(booked.last_day),
            ),
            "first_day",
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
            _(
                "The price is now %(price)s; check it and send the request again.",
                price=eur_filter(price.total_cents),
            ),
            "first_day",
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
        _organisation_id(unit),
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
        check_transition(BOOKING_TRANSITIONS, booking.status, target)
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
    previous = booking.status
    booking.status = target
    booking.decided_at = clock.now()
    booking.decided_by_id = actor.id if actor is not None else None
    record_event(
        actor,
        "booking.status",
        booking,
        _organisation_id(booking.unit),
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
    placement = booking.placement
    if placement is not None and placement.status != PlacementStatus.ENDED:
        placement.status = PlacementStatus.ENDED
        record_event(
            actor,
            "placement.ended",
            placement,
            placement.organisation_id,
            reason="booking cancelled",
            booking=booking.id,
        )
    db.session.flush()
    if is_starter:
        _notify_landlord_side(booking, "booking.cancelled", actor)
    elif was_accepted:
        _notify_starter(booking, "booking.cancelled")
    return booking


# The landlord's side -----------------------------------------------------------------------


def decline_booking(actor: User, booking: Booking) -> Booking:
    """Say no to a request."""
    _landlord_side(actor, booking.unit)
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
    _landlord_side(actor, booking.unit)
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
    profile = profile_of(booking.starter)
    placement = Placement(
        unit_id=unit.id,
        starter_id=booking.starter_id,
        organisation_id=_organisation_id(unit),
        kind=SpaceKind.POPUP,
        start_date=booking.start_date,
        end_date=booking.end_date,  # the day after the last day: a one-day let ends after it
        base_fee_cents_per_month=monthly_fee_cents(
            booking.price_cents, booking.start_date, booking.end_date
        ),
        starter_trade_name=(
            profile.trade_name if profile and profile.trade_name else booking.starter.name
        ),
        starter_kvk=profile.kvk_number if profile else None,
    )
    db.session.add(placement)
    db.session.flush()
    booking.placement_id = placement.id
    record_event(
        actor,
        "placement.created",
        placement,
        placement.organisation_id,
        unit=unit.id,
        booking=booking.id,
    )
    if placement.organisation_id is not None and booking.price_cents:
        from vrijstad.billing.services import issue_one_off_invoice

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


# Calendar and feed -------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    state: str  # free, booked, blocked, requested (landlord's side only), unavailable
    in_month: bool


@dataclass(frozen=True)
class CalendarMonth:
    first: date
    weeks: list[list[CalendarDay]]
    previous: date | None
    next: date | None


def month_calendar(
    unit: Unit, month: date, landlord_view: bool = False, today: date | None = None
) -> CalendarMonth:
    """A month's days (whole weeks, Monday first) with their state for the calendar."""
    today = today or clock.today()
    first = month.replace(day=1)
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    terms = terms_of(unit)
    states: dict[date, str] = {}
    if landlord_view:
        for booking in db.session.scalars(
            queries.bookings_overlapping(unit.id, start, end, BookingStatus.REQUESTED)
        ):
            _mark(states, booking.start_date, booking.end_date, "requested")
    for period in db.session.scalars(queries.blocked_overlapping(unit.id, start, end)):
        _mark(states, period.start_date, period.end_date, "blocked")
    for booking in db.session.scalars(queries.bookings_overlapping(unit.id, start, end)):
        _mark(states, booking.start_date, booking.end_date, "booked")
    earliest = today + timedelta(days=terms.lead_time_days if terms else 0)

    def state(day: date) -> str:
        if day in states and (states[day] != "requested" or day >= today):
            return states[day]
        if terms is None or not terms.enabled or day < earliest or not terms.bookable_on(day):
            return "unavailable"
        return "free"

    this_month = today.replace(day=1)
    lowest = add_months(this_month, -12 if landlord_view else 0)
    highest = add_months(this_month, 24)
    return CalendarMonth(
        first=first,
        weeks=[[CalendarDay(d, state(d), d.month == first.month) for d in w] for w in weeks],
        previous=add_months(first, -1) if first > lowest else None,
        next=add_months(first, 1) if first < highest else None,
    )


def clamp_month(month: date | None, landlord_view: bool, today: date | None = None) -> date:
    """The month to show: the asked one within the calendar's range, else this month."""
    this_month = (today or clock.today()).replace(day=1)
    if month is None:
        return this_month
    month = month.replace(day=1)
    lowest = add_months(this_month, -12 if landlord_view else 0)
    return min(max(month, lowest), add_months(this_month, 24))


def _mark(states: dict[date, str], start: date, end: date, state: str) -> None:
    day = start
    while day < end:
        states[day] = state
        day += timedelta(days=1)


def feed_ics(terms: ShortLetTerms, today: date | None = None) -> bytes:
    """The unit's accepted bookings as all-day events (in the owner's language)."""
    today = today or clock.today()
    unit = terms.unit
    cal = Calendar()
    cal.add("prodid", "-//Vrijstad//pop-up bookings//NL")
    cal.add("version", "2.0")
    with force_locale(unit.owner.locale or "nl"):
        cal.add("x-wr-calname", _("Pop-up bookings %(unit)s", unit=unit.address))
        for booking in db.session.scalars(
            queries.feed_bookings(unit.id, today - timedelta(days=365))
        ):
            profile = profile_of(booking.starter)
            who = profile.trade_name if profile and profile.trade_name else booking.starter.name
            event = Event()
            event.add("uid", f"booking-{booking.id}@vrijstad")
            event.add("dtstamp", booking.decided_at or booking.created_at)
            event.add("dtstart", booking.start_date)
            event.add("dtend", booking.end_date)  # exclusive, as iCalendar counts all-day ends
            event.add("summary", _("Pop-up: %(who)s", who=who))
            event.add("location", f"{unit.address}, {unit.postcode} {unit.city}")
            event.add("transp", "OPAQUE")
            cal.add_component(event)
    return cal.to_ical()
