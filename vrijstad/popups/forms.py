"""Short-let forms: the terms, a blocked period and a booking request (shape checks only)."""

from datetime import date

from babel.dates import get_day_names
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from vrijstad.forms import FlaskForm
from vrijstad.i18n import current_language
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.popups.models import ALL_WEEKDAYS, MAX_STAY_DAYS, ShortLetTerms
from vrijstad.popups.services import TermsData
from vrijstad.units.forms import EuroField, MultiCheckboxField


def weekday_choices() -> list[SelectChoice]:
    names = get_day_names("wide", locale=current_language())
    return [SelectChoice(str(day), names[day].capitalize()) for day in range(7)]


class TermsForm(FlaskForm):
    enabled = BooleanField(_l("Open this unit for short lets"))
    price_day = EuroField(_l("Price per day excl. VAT (€)"), validators=[Optional()])
    price_week = EuroField(
        _l("Price per week excl. VAT (€)"),
        validators=[Optional()],
        description=_l("Whole weeks are charged at this rate, other days at the day rate."),
    )
    min_stay = IntegerField(
        _l("Minimum stay (days)"), default=1, validators=[InputRequired(), NumberRange(1, 730)]
    )
    max_stay = IntegerField(
        _l("Maximum stay (days)"),
        default=90,
        validators=[InputRequired(), NumberRange(1, MAX_STAY_DAYS)],
        description=_l("A pop-up lasts at most two years."),
    )
    lead_time = IntegerField(
        _l("Lead time (days)"),
        default=2,
        validators=[InputRequired(), NumberRange(0, 365)],
        description=_l("How many days ahead a starter must book."),
    )
    weekdays = MultiCheckboxField(
        _l("Days of the week that can be booked"),
        choices=weekday_choices,
        default=[str(day) for day in range(7)],
    )

    def fill(self, terms: ShortLetTerms) -> None:
        """Show saved terms on a fresh form."""
        self.enabled.data = terms.enabled
        self.price_day.data = terms.price_cents_per_day
        self.price_week.data = terms.price_cents_per_week
        self.min_stay.data = terms.min_stay_days
        self.max_stay.data = terms.max_stay_days
        self.lead_time.data = terms.lead_time_days
        self.weekdays.data = [str(d) for d in range(7) if terms.weekdays_mask & (1 << d)]

    def terms(self) -> TermsData:
        return TermsData(
            enabled=self.enabled.data,
            price_cents_per_day=self.price_day.data,
            price_cents_per_week=self.price_week.data,
            min_stay_days=self.min_stay.data,
            max_stay_days=self.max_stay.data,
            lead_time_days=self.lead_time.data,
            weekdays_mask=sum(1 << int(d) for d in set(self.weekdays.data or [])) & ALL_WEEKDAYS,
        )


class PeriodFields:
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day"), validators=[InputRequired()])

    def period(self) -> tuple[date, date]:
        return self.first_day.data, self.last_day.data


class BlockForm(FlaskForm, PeriodFields):
    reason = StringField(_l("Reason (only you see it)"), validators=[Optional(), Length(max=200)])


class BookingForm(FlaskForm, PeriodFields):
    note = TextAreaField(
        _l("Message to the landlord"),
        validators=[Optional(), Length(max=1000)],
        description=_l("What you plan to do in the unit, and anything the landlord should know."),
    )


class QuoteForm(FlaskForm, PeriodFields):
    """The dates of a booking request, read from the query string for the live price."""

    class Meta:
        csrf = False
