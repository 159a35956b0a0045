"""Forms for invoicing, payments, settlements and the fund."""

from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from vrijstad.billing.models import FundPurpose
from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.submissions import SubmissionKeyField
from vrijstad.units.forms import EuroField


class PeriodForm(FlaskForm):
    period = SelectField(_l("Month"))
    confirm = BooleanField(_l("Settle even though some turnover reports are not checked"))


class PaymentForm(FlaskForm):
    amount = EuroField(_l("Amount received"), validators=[InputRequired()])
    received_on = DateField(_l("Received on"), validators=[InputRequired()])
    reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=120)])
    key = SubmissionKeyField()


class SpendingForm(FlaskForm):
    purpose = SelectField(
        _l("Purpose"),
        choices=[
            SelectChoice(FundPurpose.PLACEMAKING.value, _l("Placemaking")),
            SelectChoice(FundPurpose.AREA_MARKETING.value, _l("Area marketing")),
            SelectChoice(FundPurpose.STARTER_SUPPORT.value, _l("Starter support")),
        ],
    )
    description = StringField(_l("What for"), validators=[DataRequired(), Length(max=300)])
    amount = EuroField(_l("Amount"), validators=[InputRequired()])
    key = SubmissionKeyField()
