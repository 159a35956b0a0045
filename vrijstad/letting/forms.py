"""Forms of collective letting: the scheme, head leases, spaces, placements, turnover."""

from decimal import Decimal

from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from vrijstad.forms import DutchDecimalField, FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.letting.models import HeadLeaseKind, LandlordRule, SpaceUnit
from vrijstad.units.forms import EuroField


def basis_points(value: Decimal | None) -> int:
    return int(((value or Decimal(0)) * 100).to_integral_value())


def _pct(label, default=0):
    return DutchDecimalField(
        label,
        places=2,
        default=Decimal(default),
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )


class CollectiveForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    area_id = SelectField(_l("Area"), coerce=int)
    organisation_fee = _pct(_l("Organisation fee, percent of collected revenue"), 10)
    fund = _pct(_l("Fund contribution, percent of collected revenue"), 5)
    landlord_rule = SelectField(
        _l("Landlords receive"),
        choices=[
            SelectChoice(
                LandlordRule.PRO_RATA.value, _l("what their unit brought in, after fee and fund")
            ),
            SelectChoice(
                LandlordRule.HEAD_LEASE.value,
                _l("their head-lease rent, as far as the revenue covers it"),
            ),
        ],
    )


class HeadLeaseForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int)
    kind = SelectField(
        _l("Rent"),
        choices=[
            SelectChoice(HeadLeaseKind.FIXED.value, _l("Fixed rent")),
            SelectChoice(HeadLeaseKind.TURNOVER.value, _l("Turnover rent with a base rent")),
        ],
    )
    rent = EuroField(_l("Rent (or base rent) per month"), validators=[InputRequired()])
    landlord_share = _pct(_l("Landlord's share of the turnover rent, in percent"))
    indexation = _pct(_l("Yearly indexation, in percent"))
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[Optional()])


class SpaceForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int)
    name = StringField(_l("Name of the space"), validators=[DataRequired(), Length(max=80)])
    measure = SelectField(
        _l("Measured in"),
        choices=[
            SelectChoice(SpaceUnit.M2.value, _l("m² floor area")),
            SelectChoice(SpaceUnit.SHELF_METRES.value, _l("shelf metres")),
        ],
    )
    size = IntegerField(_l("Size"), validators=[InputRequired(), NumberRange(min=1, max=100_000)])


class TurnoverForm(FlaskForm):
    period = DateField(_l("Month"), format="%Y-%m", validators=[InputRequired()])
    turnover = EuroField(_l("Gross turnover excl. VAT"), validators=[InputRequired()])
    evidence = FileField(_l("Evidence (till report or bank statement: PDF, PNG or JPEG)"))


class ReviewForm(FlaskForm):
    """Two buttons, two actions: approve the report, or send the question typed beside it."""

    question = StringField(
        _l("Question for the starter"), validators=[Optional(), Length(max=1000)]
    )
    decision = StringField(validators=[AnyOf(("approve", "ask"))])

    def validate_decision(self, field) -> None:
        if field.data == "ask" and not (self.question.data or "").strip():
            raise ValidationError(_l("Type the question for the starter before you send it."))

    def question_to_send(self) -> str | None:
        """The question, or None to approve (a question typed before "Approve" is not sent)."""
        return self.question.data.strip() if self.decision.data == "ask" else None


class DepositReturnForm(FlaskForm):
    damages = EuroField(_l("Damages kept from the deposit"), validators=[Optional()])
    description = StringField(_l("What was damaged"), validators=[Optional(), Length(max=500)])


class GuaranteeForm(FlaskForm):
    reference = StringField(
        _l("Bank guarantee reference"), validators=[DataRequired(), Length(max=120)]
    )


class ReconcileForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    turnover = EuroField(
        _l("Annual turnover excl. VAT, as certified by the accountant"),
        validators=[InputRequired()],
    )
