"""Short-let rules without a request: refusals with their reason, the booking workflow."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from tests.popups.conftest import DAY, WEEK
from vrijstad import clock
from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db
from vrijstad.letting.models import Placement, PlacementStatus
from vrijstad.notifications.models import Notification
from vrijstad.popups import queries, services
from vrijstad.popups.models import BlockedPeriod, Booking, BookingStatus
from vrijstad.popups.services import BookingError, TermsData
from vrijstad.starters.models import SpaceKind
from vrijstad.units import services as unit_services
from vrijstad.units.models import Unit, UnitStatus
from vrijstad.units.services import UnitError


def bookings() -> list[Booking]:
    return db.session.scalars(sa.select(Booking).order_by(Booking.id)).all()


def request(starter, unit, first, last, **kw) -> Booking:
    booking = services.request_booking(starter, unit, first, last, **kw)
    db.session.commit()
    return booking


# Bad input: refused with the reason, nothing stored -----------------------------------------


def refused(starter, unit, first, last, field=None, **kw) -> str:
    before = bookings()
    with pytest.raises(BookingError) as info:
        services.request_booking(starter, unit, first, last, **kw)
    db.session.rollback()
    assert bookings() == before
    if field is not None:
        assert info.value.field == field
    return str(info.value)


def test_a_range_ending_before_it_starts_is_refused(ctx, unit, short_lets, starter, ahead):
    reason = refused(starter, unit, ahead, ahead - timedelta(days=1), "last_day")
    assert reason == "The last day cannot be before the first day."


def test_past_dates_are_refused(ctx, unit, short_lets, starter):
    yesterday = clock.today() - timedelta(days=1)
    assert refused(starter, unit, yesterday, yesterday + timedelta(days=2), "first_day") == (
        "These dates lie in the past."
    )


def test_lead_time_is_kept(ctx, unit, short_lets, starter):
    tomorrow = clock.today() + timedelta(days=1)
    reason = refused(starter, unit, tomorrow, tomorrow + timedelta(days=2), "first_day")
    assert "Book at least 2 days ahead" in reason
    assert (clock.today() + timedelta(days=2)).strftime("%d-%m-%Y") in reason
    assert request(starter, unit, clock.today() + timedelta(days=2), clock.today() + timedelta(3))


def test_minimum_and_maximum_stay(ctx, unit, short_lets, starter, ahead):
    short_lets.min_stay_days, short_lets.max_stay_days = 3, 10
    db.session.commit()
    assert refused(starter, unit, ahead, ahead + timedelta(days=1), "last_day") == (
        "The minimum stay is 3 days."
    )
    assert refused(starter, unit, ahead, ahead + timedelta(days=10), "last_day") == (
        "The maximum stay is 10 days."
    )
    assert request(starter, unit, ahead, ahead + timedelta(days=2)).days == 3
    assert request(starter, unit, ahead + timedelta(20), ahead + timedelta(days=29)).days == 10


def test_only_bookable_weekdays(ctx, unit, short_lets, starter, ahead):
    short_lets.weekdays_mask = 0b1110000  # Friday, Saturday, Sunday
    db.session.commit()
    friday = ahead + timedelta(days=4)
    reason = refused(starter, unit, friday - timedelta(days=1), friday + timedelta(days=1))
    assert reason.startswith("This unit is let on Friday, Saturday, Sunday only;")
    booking = request(starter, unit, friday, friday + timedelta(days=2))
    assert (booking.start_date, booking.end_date) == (friday, friday + timedelta(days=3))


def test_blocked_days_are_refused(ctx, unit, short_lets, starter, ahead):
    services.block_period(unit.owner, unit, ahead + timedelta(days=3), ahead + timedelta(days=4))
    db.session.commit()
    reason = refused(starter, unit, ahead, ahead + timedelta(days=3), "first_day")
    assert reason.startswith("The unit is not available from")
    # The day after the blocked period is free again.
    assert request(starter, unit, ahead + timedelta(days=5), ahead + timedelta(days=6))


def test_booked_days_are_refused_but_the_day_after_is_free(
    ctx, unit, short_lets, starter, make_starter, make_booking, ahead
):
    make_booking(ahead, ahead + timedelta(days=1), BookingStatus.ACCEPTED)
    other = make_starter(name="Bram Later")
    reason = refused(other, unit, ahead + timedelta(days=1), ahead + timedelta(days=3))
    assert reason.endswith("is already booked.")
    assert request(other, unit, ahead + timedelta(days=2), ahead + timedelta(days=3))


def test_only_open_public_units_of_other_people_for_starters(
    ctx, unit, short_lets, starter, make_user, ahead
):
    landlord = make_user("landlord")
    assert refused(landlord, unit, ahead, ahead) == "Only starters can book a unit."
    unit.status = UnitStatus.WITHDRAWN
    db.session.commit()
    assert refused(starter, unit, ahead, ahead) == "This unit is not open for short lets."
    unit.status = UnitStatus.LISTED
    short_lets.enabled = False
    db.session.commit()
    assert refused(starter, unit, ahead, ahead) == "This unit is not open for short lets."


def test_a_changed_price_is_refused(ctx, unit, short_lets, starter, ahead):
    reason = refused(starter, unit, ahead, ahead + timedelta(days=1), expected_price_cents=1)
    assert reason.startswith("The price is now")
    assert request(starter, unit, ahead, ahead + timedelta(1), expected_price_cents=2 * DAY)


# The workflow --------------------------------------------------------------------------------


def test_request_stores_the_price_and_tells_the_landlord(ctx, unit, short_lets, starter, ahead):
    booking = request(starter, unit, ahead, ahead + timedelta(days=9), note="Boeken en koffie")
    assert booking.status == BookingStatus.REQUESTED
    assert booking.days == 10
    assert booking.price_cents == WEEK + 3 * DAY
    assert booking.note == "Boeken en koffie"
    notice = db.session.scalar(sa.select(Notification).where(Notification.user_id == unit.owner_id))
    assert notice.kind == "booking.requested"
    assert notice.url == f"/units/{unit.id}/bookings"


def test_accepting_makes_a_placement_of_those_days(ctx, unit, short_lets, starter, ahead):
    booking = request(starter, unit, ahead, ahead + timedelta(days=1))
    placement = services.accept_booking(unit.owner, booking)
    db.session.commit()
    assert booking.status == BookingStatus.ACCEPTED
    assert booking.placement_id == placement.id
    assert placement.kind == SpaceKind.POPUP
    assert (placement.start_date, placement.end_date) == (booking.start_date, booking.end_date)
    assert placement.base_fee_cents_per_month == 2 * DAY
    assert placement.starter_trade_name == "Sanne's Koffie"
    assert placement.organisation_id == unit.area.organisation_id
    assert db.session.get(Unit, unit.id).status == UnitStatus.LISTED  # still listed for long lets
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == starter.id)
    ).all()
    assert sorted(kinds) == ["booking.accepted", "invoice.issued"]  # and its invoice
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["booking.status", "placement.created"]


def test_a_one_day_booking_becomes_a_placement_too(ctx, unit, short_lets, starter, ahead):
    booking = request(starter, unit, ahead, ahead)
    placement = services.accept_booking(unit.owner, booking)
    db.session.commit()
    assert (placement.start_date, placement.end_date) == (ahead, ahead + timedelta(days=1))
    assert placement.base_fee_cents_per_month == DAY


def test_accepting_declines_overlapping_requests(
    ctx, unit, short_lets, starter, make_starter, ahead
):
    first = request(starter, unit, ahead, ahead + timedelta(days=2))
    other = make_starter(name="Bram Later")
    overlapping = request(other, unit, ahead + timedelta(days=2), ahead + timedelta(days=4))
    third = make_starter(name="Cas Derde")
    after = request(third, unit, ahead + timedelta(days=3), ahead + timedelta(days=4))
    services.accept_booking(unit.owner, first)
    db.session.commit()
    assert overlapping.status == BookingStatus.DECLINED
    assert after.status == BookingStatus.REQUESTED
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == other.id)
    ).all()
    assert kinds == ["booking.dates_taken"]


def test_an_overlapping_accepted_booking_is_refused_by_the_service(
    ctx, unit, short_lets, starter, make_starter, make_booking, ahead
):
    make_booking(ahead, ahead + timedelta(days=1), BookingStatus.ACCEPTED)
    booking = make_booking(
        ahead + timedelta(days=1), ahead + timedelta(days=2), who=make_starter(name="Bram")
    )
    with pytest.raises(BookingError, match="just been booked"):
        services.accept_booking(unit.owner, booking)
    db.session.rollback()
    assert db.session.get(Booking, booking.id).status == BookingStatus.REQUESTED
    assert db.session.scalar(sa.select(sa.func.count(Placement.id))) == 0


def test_accepting_is_for_the_landlords_side_only(
    ctx, org, unit, short_lets, starter, make_user, make_org, ahead
):
    booking = request(starter, unit, ahead, ahead + timedelta(days=1))
    for outsider in (make_user("landlord"), make_org().test_staff, starter):
        with pytest.raises(BookingError, match="Only the landlord"):
            services.accept_booking(outsider, booking)
        with pytest.raises(BookingError, match="Only the landlord"):
            services.decline_booking(outsider, booking)
        db.session.rollback()
    services.accept_booking(org.test_staff, booking)  # the area's organisation may
    db.session.commit()
    assert booking.status == BookingStatus.ACCEPTED
    assert booking.decided_by_id == org.test_staff.id


def test_decline_and_transitions(ctx, unit, short_lets, starter, ahead):
    booking = request(starter, unit, ahead, ahead + timedelta(days=1))
    services.decline_booking(unit.owner, booking)
    db.session.commit()
    assert booking.status == BookingStatus.DECLINED
    with pytest.raises(BookingError, match="no longer open"):
        services.accept_booking(unit.owner, booking)
    with pytest.raises(BookingError, match="A booking that is declined cannot become cancelled"):
        services.cancel_booking(starter, booking)


def test_a_request_whose_first_day_passed_cannot_be_accepted(
    ctx, unit, short_lets, make_booking, ahead
):
    booking = make_booking(ahead, ahead + timedelta(days=1))
    with pytest.raises(BookingError, match="has passed"):
        services.accept_booking(unit.owner, booking, today=ahead + timedelta(days=1))


def test_cancelling(ctx, unit, short_lets, starter, ahead):
    request_only = request(starter, unit, ahead + timedelta(days=5), ahead + timedelta(days=6))
    with pytest.raises(BookingError, match="Decline the request instead"):
        services.cancel_booking(unit.owner, request_only)
    services.cancel_booking(starter, request_only)
    booking = request(starter, unit, ahead, ahead + timedelta(days=1))
    placement = services.accept_booking(unit.owner, booking)
    db.session.commit()
    with pytest.raises(BookingError, match="has started"):
        services.cancel_booking(starter, booking, today=ahead)
    services.cancel_booking(unit.owner, booking)
    db.session.commit()
    assert (request_only.status, booking.status) == (BookingStatus.CANCELLED,) * 2
    assert placement.status == PlacementStatus.ENDED
    # The days are free again.
    assert request(starter, unit, ahead, ahead + timedelta(days=1))


def test_nobody_else_cancels(ctx, unit, short_lets, starter, make_starter, ahead):
    booking = request(starter, unit, ahead, ahead + timedelta(days=1))
    with pytest.raises(BookingError, match="This is not your booking"):
        services.cancel_booking(make_starter(name="Bram"), booking)


# Terms, blocked periods, calendar, feed, search ----------------------------------------------


def terms_data(**changes) -> TermsData:
    values = {
        "enabled": True,
        "price_cents_per_day": DAY,
        "price_cents_per_week": None,
        "min_stay_days": 1,
        "max_stay_days": 30,
        "lead_time_days": 2,
        "weekdays_mask": 0b1111111,
    } | changes
    return TermsData(**values)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price_cents_per_day": None}, "price_day", "State a price per day, per week or both."),
        ({"price_cents_per_week": -1}, "price_week", "Enter a price between"),
        ({"min_stay_days": 5, "max_stay_days": 4}, "max_stay", "cannot be shorter"),
        ({"max_stay_days": 731}, "max_stay", "at most two years"),
        ({"lead_time_days": 400}, "lead_time", "between 0 and 365"),
        ({"weekdays_mask": 0}, "weekdays", "Tick at least one day"),
    ],
)
def test_terms_rules(ctx, unit, changes, field, message):
    with pytest.raises(BookingError, match=message) as info:
        services.save_terms(unit.owner, unit, terms_data(**changes))
    assert info.value.field == field


def test_saving_terms_and_a_new_feed_token(ctx, unit, make_user):
    terms = services.save_terms(unit.owner, unit, terms_data())
    db.session.commit()
    token = terms.ical_token
    assert len(token) >= 40
    services.regenerate_feed_token(unit.owner, unit)
    assert terms.ical_token != token
    with pytest.raises(BookingError):
        services.save_terms(make_user("landlord"), unit, terms_data())


def test_booked_days_cannot_be_blocked(ctx, unit, short_lets, make_booking, ahead):
    make_booking(ahead + timedelta(days=2), ahead + timedelta(days=3), BookingStatus.ACCEPTED)
    with pytest.raises(BookingError, match="is booked; cancel that booking first"):
        services.block_period(unit.owner, unit, ahead, ahead + timedelta(days=2))
    period = services.block_period(unit.owner, unit, ahead, ahead + timedelta(days=1), "Verbouwing")
    db.session.commit()
    assert (period.start_date, period.last_day, period.reason) == (
        ahead,
        ahead + timedelta(days=1),
        "Verbouwing",
    )
    services.unblock_period(unit.owner, period)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(BlockedPeriod.id))) == 0


def test_month_calendar_states(ctx, unit, short_lets, starter, make_booking, ahead):
    short_lets.weekdays_mask = 0b0111111  # not on Sundays
    make_booking(ahead, ahead + timedelta(days=1), BookingStatus.ACCEPTED)
    make_booking(ahead + timedelta(days=3), ahead + timedelta(days=3))
    services.block_period(unit.owner, unit, ahead + timedelta(days=4), ahead + timedelta(days=4))
    db.session.commit()

    def states(landlord_view: bool) -> dict[date, str]:
        month = services.month_calendar(unit, ahead, landlord_view)
        return {d.day: d.state for week in month.weeks for d in week}

    public = states(False)
    assert public[ahead] == public[ahead + timedelta(days=1)] == "booked"
    assert public[ahead + timedelta(days=2)] == "free"
    assert public[ahead + timedelta(days=3)] == "free"  # a request is not shown to the public
    assert public[ahead + timedelta(days=4)] == "blocked"
    assert public[ahead + timedelta(days=6)] == "unavailable"  # a Sunday
    assert states(True)[ahead + timedelta(days=3)] == "requested"
    if ahead.month == clock.today().month:
        assert public[clock.today()] == "unavailable"  # past the lead time only


def test_calendar_months_stay_in_range(ctx, unit, short_lets):
    this_month = clock.this_month()
    assert services.clamp_month(None, False) == this_month
    assert services.clamp_month(date(1999, 1, 1), False) == this_month
    assert services.clamp_month(date(2999, 1, 1), False) > this_month
    assert services.month_calendar(unit, this_month).previous is None


def test_ical_feed_lists_accepted_bookings(ctx, unit, short_lets, starter, make_booking, ahead):
    make_booking(ahead, ahead + timedelta(days=1), BookingStatus.ACCEPTED)
    make_booking(ahead + timedelta(days=5), ahead + timedelta(days=6))  # only requested
    events = Calendar.from_ical(services.feed_ics(short_lets)).walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == ahead
    assert events[0].decoded("dtend") == ahead + timedelta(days=2)  # exclusive, all-day
    assert "Sanne's Koffie" in str(events[0]["summary"])


def test_free_between(ctx, unit, short_lets, make_unit, make_booking, ahead):
    closed = make_unit(area=unit.area)  # no short-let terms
    free = sa.select(Unit.id).order_by(Unit.id)

    def free_ids(first: date, last: date) -> list[int]:
        return db.session.scalars(free.where(queries.free_between(first, last))).all()

    assert free_ids(ahead, ahead + timedelta(days=3)) == [unit.id]
    make_booking(ahead + timedelta(days=3), ahead + timedelta(days=4), BookingStatus.ACCEPTED)
    assert free_ids(ahead, ahead + timedelta(days=3)) == []
    assert free_ids(ahead, ahead + timedelta(days=2)) == [unit.id]
    services.block_period(unit.owner, unit, ahead, ahead)
    db.session.commit()
    assert free_ids(ahead, ahead + timedelta(days=2)) == []
    assert closed.id not in free_ids(ahead + timedelta(days=20), ahead + timedelta(days=21))


def test_an_accepted_booking_is_invoiced_once_for_its_price(ctx, unit, short_lets, starter, ahead):
    from vrijstad.billing import services as billing
    from vrijstad.billing.models import Invoice
    from vrijstad.ledger import services as ledger

    booking = request(starter, unit, ahead, ahead + timedelta(days=9))  # a week and three days
    placement = services.accept_booking(unit.owner, booking)
    db.session.commit()
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.placement_id == placement.id))
    assert invoice.net_cents == WEEK + 3 * DAY
    assert invoice.total_cents == invoice.net_cents + billing.percent_of(invoice.net_cents, 2100)
    assert "Pop-up" in invoice.lines[0].description
    assert ledger.total_of_all_entries() == 0
    run = billing.generate_invoices(None, unit.area.organisation, ahead.replace(day=1))
    assert placement.id not in [i.placement_id for i in run.created]  # not billed monthly too


def test_the_booking_invoice_reaches_the_starter_by_mail_with_its_pdf(
    ctx, unit, short_lets, starter, ahead, outbox
):
    """A pop-up's one-off invoice is announced as every invoice: a notice and a mail."""
    from vrijstad.billing.mailing import KIND
    from vrijstad.billing.models import Invoice
    from vrijstad.notifications.models import Notification

    booking = request(starter, unit, ahead, ahead + timedelta(days=2))
    placement = services.accept_booking(unit.owner, booking)
    db.session.commit()
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.placement_id == placement.id))
    mails = [m for m in outbox() if m["Subject"].startswith(f"Factuur {invoice.number}:")]
    assert len(mails) == 1 and mails[0]["To"] == starter.email
    (pdf,) = list(mails[0].iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    notices = db.session.scalars(sa.select(Notification).where(Notification.kind == KIND)).all()
    assert [n.user_id for n in notices] == [starter.id]


def test_an_accepted_booking_holds_the_unit_until_it_is_over(ctx, unit, make_booking, ahead):
    booking = make_booking(ahead, ahead + timedelta(days=2), status=BookingStatus.ACCEPTED)
    for target in (UnitStatus.LET, UnitStatus.WITHDRAWN):
        with pytest.raises(UnitError, match="accepted pop-up booking") as refused:
            unit_services.change_status(unit.owner, unit, target, "own use")
        db.session.rollback()
    assert "cancel the booking" in str(refused.value)
    assert db.session.get(Unit, unit.id).status == UnitStatus.LISTED
    booking.status = BookingStatus.CANCELLED  # over (or cancelled): the owner decides again
    db.session.commit()
    unit_services.change_status(unit.owner, unit, UnitStatus.WITHDRAWN, "own use")
    assert unit.status == UnitStatus.WITHDRAWN


def test_closed_weekdays_within_a_stay_are_not_charged(ctx, unit, short_lets, starter, ahead):
    """Issue 23: with only Tuesday to Saturday let, a stay over Sunday and Monday was refused."""
    short_lets.weekdays_mask = 0b0111110  # Tuesday to Saturday
    short_lets.price_cents_per_week = 300_00
    db.session.commit()
    tuesday = ahead + timedelta(days=1)
    # Tuesday to the next Tuesday: six open days, Sunday and Monday free of charge.
    price = services.check_dates(unit, short_lets, tuesday, tuesday + timedelta(days=7))
    assert (price.days, price.closed_days) == (6, 2)
    assert (price.weeks, price.extra_days, price.total_cents) == (1, 1, 300_00 + DAY)
    # Two weeks of Tuesday to Saturday are two week rates: a week is five open days here.
    price = services.check_dates(unit, short_lets, tuesday, tuesday + timedelta(days=11))
    assert (price.weeks, price.extra_days, price.total_cents) == (2, 0, 600_00)
    booking = request(starter, unit, tuesday, tuesday + timedelta(days=7))
    assert booking.price_cents == 300_00 + DAY and booking.days == 8


def test_a_stay_starts_and_ends_on_a_day_the_unit_is_let(ctx, unit, short_lets, starter, ahead):
    short_lets.weekdays_mask = 0b0111110  # Tuesday to Saturday
    db.session.commit()
    reason = refused(starter, unit, ahead, ahead + timedelta(days=3), "first_day")
    assert "Start and end your stay on one of those days." in reason
    sunday = ahead + timedelta(days=6)
    refused(starter, unit, ahead + timedelta(days=1), sunday, "last_day")
