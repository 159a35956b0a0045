"""The pop-up calendar of a unit (a month of days and their state) and its iCalendar feed."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from icalendar import Calendar, Event

from vrijstad import clock
from vrijstad.clock import add_months
from vrijstad.extensions import db
from vrijstad.i18n import force_locale
from vrijstad.i18n import gettext as _
from vrijstad.popups import queries
from vrijstad.popups.models import BookingStatus, ShortLetTerms
from vrijstad.popups.terms import terms_of
from vrijstad.starters.services import profile_of
from vrijstad.units.models import Unit


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
    with force_locale(unit.landlord.locale or "nl"):
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
