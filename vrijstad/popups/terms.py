"""A unit's short-let terms, its blocked periods and its calendar feed's secret link."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.popups import queries
from vrijstad.popups.errors import BookingError, require_landlord_side
from vrijstad.popups.models import (
    ALL_WEEKDAYS,
    MAX_STAY_DAYS,
    BlockedPeriod,
    ShortLetTerms,
    new_feed_token,
)
from vrijstad.units.models import Unit
from vrijstad.units.status import organisation_id_of

#: Highest price per day or per week (cents, excl. VAT); beyond it, a typo.
MAX_PRICE_CENTS = 100_000_00


@dataclass(frozen=True)
class TermsData:
    enabled: bool
    price_cents_per_day: int | None
    price_cents_per_week: int | None
    min_stay_days: int
    max_stay_days: int
    lead_time_days: int
    weekdays_mask: int


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
    require_landlord_side(actor, unit)
    check_terms(data)
    terms = _terms_or_new(unit)
    for key, value in vars(data).items():
        setattr(terms, key, value)
    db.session.flush()
    record_event(actor, "popup.terms", unit, organisation_id_of(unit), **vars(data))
    return terms


def regenerate_feed_token(actor: User, unit: Unit) -> ShortLetTerms:
    """A new secret link for the unit's calendar feed; the old link stops working."""
    require_landlord_side(actor, unit)
    terms = _terms_or_new(unit)
    terms.ical_token = new_feed_token()
    db.session.flush()
    record_event(actor, "popup.feed_token", unit, organisation_id_of(unit))
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
    require_landlord_side(actor, unit)
    today = today or clock.today()
    if last_day < first_day:
        raise BookingError(_("The last day cannot be before the first day."), "last_day")
    if last_day < today:
        raise BookingError(_("These dates lie in the past."), "first_day")
    start, end = first_day, last_day + timedelta(days=1)
    booked = db.session.scalars(queries.bookings_overlapping(unit.id, start, end)).first()
    if booked is not None:
        raise BookingError(
            _l("%(first)s – %(last)s is booked; cancel that booking first."),
            "first_day",
            first=booked.start_date,
            last=booked.last_day,
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
        organisation_id_of(unit),
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return period


def unblock_period(actor: User, period: BlockedPeriod) -> None:
    """Open blocked days again."""
    unit = db.session.get_one(Unit, period.unit_id)
    require_landlord_side(actor, unit)
    record_event(
        actor,
        "popup.unblocked",
        unit,
        organisation_id_of(unit),
        start=period.start_date.isoformat(),
        end=period.end_date.isoformat(),
    )
    db.session.delete(period)
    db.session.flush()
