"""Staff register a counter and upload a file of counts."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l


class CounterForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            InputRequired(_l("Give the counter's code.")),
            Length(max=40),
            Regexp(
                r"^[A-Za-z0-9._-]+$",
                message=_l("Use letters, digits, dots, dashes and underscores."),
            ),
        ],
        description=_l("As the counting system names it, e.g. HS-01."),
    )
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=120)])
    street = SelectField(_l("Street"), coerce=int, validate_choice=True)


class UploadForm(FlaskForm):
    file = FileField(
        _l("File with counts (.csv)"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["csv", "txt"], _l("Upload a .csv file.")),
        ],
    )
    counter = SelectField(
        _l("Counter (for a file without a counter column)"),
        validators=[Optional()],
        validate_choice=True,
    )
