"""Forms for the terms and privacy statement: accepting them, and publishing a new version."""

from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.legal.services import MAX_LENGTH

CONSENT_REQUIRED = _l(
    "You can only use Vrijstad if you agree to the terms and the privacy statement."
)


def consent_field() -> BooleanField:
    """The required 'I agree' box (registration and the page that asks for a new version)."""
    return BooleanField(
        _l("I agree to the terms and the privacy statement"),
        validators=[DataRequired(message=CONSENT_REQUIRED)],
    )


class ConsentForm(FlaskForm):
    consent = consent_field()


class LegalTextForm(FlaskForm):
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Write the text.")), Length(max=MAX_LENGTH)],
        description=_l(
            "Markdown: a blank line starts a paragraph, ## a heading, - a list item, "
            "[text](https://…) a link. HTML is shown as text."
        ),
    )
