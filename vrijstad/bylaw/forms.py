"""Bylaw forms: the organisation's bylaw, the owner's report, the consultation date (shape
checks; the rules live in the services)."""

from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from vrijstad.bylaw.models import CHANNEL_LABELS, ReportChannel
from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l


class BylawForm(FlaskForm):
    municipality = StringField(
        _l("Municipality (signs the letters)"), validators=[DataRequired(), Length(max=160)]
    )
    in_force_since = DateField(_l("In force since"), validators=[InputRequired()])


class ReportForm(FlaskForm):
    reported_on = DateField(_l("Reported on"), validators=[InputRequired()])
    via = SelectField(
        _l("Received by"),
        choices=[SelectChoice(channel.value, CHANNEL_LABELS[channel]) for channel in ReportChannel],
        validators=[InputRequired()],
    )


class ConsultForm(FlaskForm):
    consult_on = DateField(_l("Consultation on"), validators=[InputRequired()])
