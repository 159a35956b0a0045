"""Pop-up short lets: terms and blocked days, the availability calendar, booking requests,
the landlord's list of requests, the starter's bookings and the secret iCalendar feed."""

from contextlib import suppress
from datetime import date

from babel.dates import format_date, get_day_names
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, month_from, whole_number
from vrijstad.i18n import current_language
from vrijstad.i18n import gettext as _
from vrijstad.loaders import allow, load
from vrijstad.popups import queries, services
from vrijstad.popups.forms import BlockForm, BookingForm, QuoteForm, TermsForm
from vrijstad.popups.models import BlockedPeriod, Booking, BookingStatus, ShortLetTerms
from vrijstad.units.models import Unit
from vrijstad.units.services import can_view
from vrijstad.web import attempt, button_action

bp = Blueprint("popups", __name__)


def get_managed_or_404(unit_id: int) -> Unit:
    """A unit whose short lets the current user runs; anyone else's is a 404."""
    return load(Unit, unit_id, services.is_landlord_side)


def get_bookable_or_404(unit_id: int) -> tuple[Unit, ShortLetTerms]:
    """A unit the current user may see that is open for short lets, with its terms."""
    unit = load(Unit, unit_id, can_view)
    terms = services.terms_of(unit)
    if terms is None or not terms.enabled:
        abort(404)
    return unit, terms


def get_booking_or_404(booking_id: int) -> Booking:
    return load(Booking, booking_id, services.can_see)


def _month_arg() -> date | None:
    return month_from(request.args.get("month"))


# Terms, blocked days and the feed link (landlord's side) -----------------------------------


def _terms_context(unit: Unit, **forms) -> dict:
    terms = services.terms_of(unit)
    return {
        "unit": unit,
        "terms": terms,
        "form": forms.get("form") or TermsForm(formdata=None),
        "block_form": forms.get("block_form") or BlockForm(formdata=None),
        "blocked": db.session.scalars(queries.blocked_periods_of(unit.id, clock.today())).all(),
        "button": ButtonForm(),
    }


@bp.route("/units/<int:unit_id>/short-lets", methods=["GET", "POST"])
@login_required
def terms(unit_id: int):
    unit = get_managed_or_404(unit_id)
    form = TermsForm()
    saved = services.terms_of(unit)
    if not form.is_submitted() and saved is not None:
        form.fill(saved)
    if form.validate_on_submit() and attempt(
        lambda: services.save_terms(current_user, unit, form.terms()), form
    ):
        flash(_("The short-let terms are saved."), "success")
        return redirect(url_for("popups.terms", unit_id=unit.id))
    status = 422 if form.is_submitted() else 200
    return render_template("popups/terms.html", **_terms_context(unit, form=form)), status


@bp.post("/units/<int:unit_id>/short-lets/blocked")
@login_required
def block(unit_id: int):
    unit = get_managed_or_404(unit_id)
    form = BlockForm()
    if form.validate_on_submit() and attempt(
        lambda: services.block_period(
            current_user, unit, form.first_day.data, form.last_day.data, form.reason.data
        ),
        form,
    ):
        flash(_("The days are blocked."), "success")
        return redirect(url_for("popups.terms", unit_id=unit.id, _anchor="blocked"))
    return render_template("popups/terms.html", **_terms_context(unit, block_form=form)), 422


@bp.post("/units/<int:unit_id>/short-lets/blocked/<int:period_id>/delete")
@login_required
def unblock(unit_id: int, period_id: int):
    unit = get_managed_or_404(unit_id)
    period = load(BlockedPeriod, period_id, lambda _user, period: period.unit_id == unit.id)
    done = _("The days are open again.")
    button_action(lambda: services.unblock_period(current_user, period), done)
    return redirect(url_for("popups.terms", unit_id=unit.id, _anchor="blocked"))


@bp.post("/units/<int:unit_id>/short-lets/feed-token")
@login_required
def regenerate_token(unit_id: int):
    unit = get_managed_or_404(unit_id)
    done = _("A new calendar link was made; the old link no longer works.")
    button_action(lambda: services.regenerate_feed_token(current_user, unit), done)
    return redirect(url_for("popups.terms", unit_id=unit.id, _anchor="feed"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    terms = db.first_or_404(db.select(ShortLetTerms).where(ShortLetTerms.ical_token == token))
    headers = {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": f'inline; filename="bookings-{terms.unit_id}.ics"',
        "Cache-Control": "private, max-age=300",
        "X-Robots-Tag": "noindex",
    }
    return services.feed_ics(terms), 200, headers


# The calendar --------------------------------------------------------------------------------


def popup_panel(unit: Unit) -> dict:
    """What the short-let section of a unit's page shows (the month from ?month=YYYY-MM)."""
    landlord_view = services.is_landlord_side(current_user, unit)
    month = services.clamp_month(_month_arg(), landlord_view)
    return {
        "terms": services.terms_of(unit),
        "landlord_view": landlord_view,
        "cal": services.month_calendar(unit, month, landlord_view),
        "open_requests": db.session.scalar(queries.count_requests(unit.id)) if landlord_view else 0,
    }


def short_lets_open(unit: Unit) -> bool:
    """Whether the unit takes booking requests for short lets (its page's call to action)."""
    terms = services.terms_of(unit)
    return terms is not None and terms.enabled and unit.is_public


@bp.get("/units/<int:unit_id>/calendar")
def calendar(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    panel = popup_panel(unit) if can_view(current_user, unit) else None
    if panel is None or not (panel["landlord_view"] or (panel["terms"] and panel["terms"].enabled)):
        abort(404)
    return render_template("popups/_calendar.html", unit=unit, **panel)


# Booking requests (starter) ----------------------------------------------------------------


def _book_context(unit: Unit, terms: ShortLetTerms, form: BookingForm) -> dict:
    """The booking page; with valid dates chosen, their current price (shown before sending)."""
    price = None
    if form.first_day.data and form.last_day.data:
        # A refusal's reason is on the form already (or shown when a date changes).
        with suppress(services.BookingError):
            price = services.check_dates(unit, terms, *form.period())
    return {"unit": unit, "terms": terms, "form": form, "price": price, "problem": None}


@bp.route("/units/<int:unit_id>/book", methods=["GET", "POST"])
@login_required
def book(unit_id: int):
    unit, terms = get_bookable_or_404(unit_id)
    allow(
        current_user.is_starter,
        _("Only starters can book a unit. Register a starter account to book."),
    )
    form = BookingForm()
    if form.validate_on_submit():
        quoted = whole_number(request.form.get("quoted_cents"))
        if attempt(
            lambda: services.request_booking(
                current_user, unit, *form.period(), form.note.data, expected_price_cents=quoted
            ),
            form,
        ):
            flash(_("Your request has been sent to the landlord."), "success")
            return redirect(url_for("popups.mine"))
    status = 422 if form.is_submitted() else 200
    return render_template("popups/book.html", **_book_context(unit, terms, form)), status


@bp.get("/units/<int:unit_id>/book/price")
def price(unit_id: int):
    """The live price of the chosen dates (htmx), or why they cannot be booked."""
    unit, terms = get_bookable_or_404(unit_id)
    form = QuoteForm(request.args)
    quote, problem = None, None
    if form.validate():  # until both dates are chosen, the fragment asks for them
        try:
            quote = services.check_dates(unit, terms, *form.period())
        except services.BookingError as exc:
            problem = str(exc)
    # A preview, not a submission: a refusal is its answer (200), shown where the price goes.
    return render_template("popups/_price.html", unit=unit, price=quote, problem=problem)


@bp.get("/my/bookings")
@login_required
def mine():
    bookings = db.session.scalars(queries.bookings_of_starter(current_user.id)).all()
    return render_template("popups/mine.html", bookings=bookings, button=ButtonForm())


# Requests (landlord's side) and the booking actions ----------------------------------------


@bp.get("/units/<int:unit_id>/bookings")
@login_required
def requests(unit_id: int):
    unit = get_managed_or_404(unit_id)
    bookings = db.session.scalars(queries.bookings_of_unit(unit.id)).all()
    return render_template(
        "popups/requests.html", unit=unit, bookings=bookings, button=ButtonForm()
    )


def _act(booking: Booking, action, success: str, landlord_only: bool = True):
    """Run a booking action, commit, and go back to the list the actor came from."""
    landlord_side = services.is_landlord_side(current_user, booking.unit)
    allow(landlord_side or not landlord_only)
    button_action(lambda: action(current_user, booking), success)
    if landlord_side:
        return redirect(url_for("popups.requests", unit_id=booking.unit_id))
    return redirect(url_for("popups.mine"))


@bp.post("/bookings/<int:booking_id>/accept")
@login_required
def accept(booking_id: int):
    booking = get_booking_or_404(booking_id)
    return _act(
        booking, services.accept_booking, _("The booking is accepted; the days are booked.")
    )


@bp.post("/bookings/<int:booking_id>/decline")
@login_required
def decline(booking_id: int):
    booking = get_booking_or_404(booking_id)
    return _act(booking, services.decline_booking, _("The request is declined."))


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    booking = get_booking_or_404(booking_id)
    return _act(
        booking, services.cancel_booking, _("The booking is cancelled."), landlord_only=False
    )


def _weekday_abbreviations() -> list[str]:
    names = get_day_names("abbreviated", locale=current_language())
    return [names[day] for day in range(7)]


@bp.app_context_processor
def popup_helpers() -> dict:
    return {
        "popup_panel": popup_panel,
        "short_lets_open": short_lets_open,
        "popup_weekdays": services.weekday_names,
        "booking_status_label": services.status_label,
        "BookingStatus": BookingStatus,
        "month_label": lambda day: format_date(day, "LLLL yyyy", locale=current_language()),
        "weekday_abbreviations": _weekday_abbreviations,
    }
