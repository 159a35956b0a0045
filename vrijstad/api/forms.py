"""The form for a new API token."""

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("What the token is for, e.g. 'website of the BIZ'."),
    )
