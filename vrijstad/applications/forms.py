"""Forms of the letting pipeline: apply, message, viewing, offer, pipeline filters."""

from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from vrijstad.applications.services import OfferTerms
from vrijstad.forms import DutchDecimalField, FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.starters.forms import space_choices
from vrijstad.starters.models import SpaceKind
from vrijstad.units.forms import EuroField


class ApplyForm(FlaskForm):
    motivation = TextAreaField(
        _l("Why this unit?"),
        validators=[DataRequired(), Length(min=20, max=5000)],
        description=_l("Your plan for this unit, when you could start and what you need."),
    )


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=5000)])


class ViewingForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Time"), validators=[InputRequired()])
    duration = IntegerField(
        _l("Duration (minutes)"), default=30, validators=[InputRequired(), NumberRange(5, 480)]
    )
    note = TextAreaField(_l("Note for the starter"), validators=[Optional(), Length(max=500)])


class OfferForm(FlaskForm):
    kind = SelectField(
        _l("Kind of let"),
        choices=space_choices(_l("— choose —")),
        validators=[DataRequired(_l("Choose the kind of let."))],
    )
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(
        _l("End date"),
        validators=[InputRequired()],
        description=_l("A pop-up lasts at most two years."),
    )
    base_fee = EuroField(_l("Base fee per month (excl. VAT)"), validators=[InputRequired()])
    turnover_pct = DutchDecimalField(
        _l("Turnover rent (percentage of turnover excl. VAT)"),
        places=2,
        default=Decimal(0),
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("0 for a fixed rent; the base fee is then the minimum."),
    )
    deposit = EuroField(_l("Deposit"), validators=[Optional()])
    note = TextAreaField(_l("Conditions and notes"), validators=[Optional(), Length(max=4000)])

    def terms(self) -> OfferTerms:
        pct = self.turnover_pct.data or Decimal(0)
        return OfferTerms(
            kind=SpaceKind(self.kind.data),
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            base_fee_cents_per_month=self.base_fee.data or 0,
            turnover_basis_points=int((pct * 100).to_integral_value()),
            deposit_cents=self.deposit.data or 0,
            note=self.note.data,
        )


class AcceptOfferForm(FlaskForm):
    """The final step of accepting: the terms read, and the version of the offer they showed."""

    version = HiddenField(validators=[DataRequired()])
    read_terms = BooleanField(
        _l("I have read the terms"),
        validators=[
            DataRequired(_l("Tick that you have read the terms and the draft agreement first."))
        ],
    )


class PipelineFilterForm(FlaskForm):
    class Meta:
        csrf = False

    unit = SelectField(_l("Unit"), coerce=int, validators=[Optional()])
    area = SelectField(_l("Area"), coerce=int, validators=[Optional()])

    def fill(self, units, areas) -> None:
        self.unit.choices = [SelectChoice(0, _l("All units"))] + [
            SelectChoice(u.id, f"{u.address}, {u.city}") for u in units
        ]
        self.area.choices = [SelectChoice(0, _l("All areas"))] + [
            SelectChoice(a.id, f"{a.city} · {a.name}") for a in areas
        ]
