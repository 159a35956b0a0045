"""Forms of relations: the relation itself, a contact, a segment and a message to it."""

from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from vrijstad import clock, labels
from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.relations.models import ContactKind, RelationKind
from vrijstad.submissions import SubmissionKeyField


def kind_choices() -> list[tuple[str, str]]:
    return [(k.value, str(text)) for k, text in labels.labels_of(RelationKind).items()]


def any_kind_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Every kind"))), *kind_choices()]


def contact_choices() -> list[tuple[str, str]]:
    return [(k.value, str(text)) for k, text in labels.labels_of(ContactKind).items()]


class RelationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=kind_choices, validators=[InputRequired()])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    company = StringField(_l("Company"), validators=[Optional(), Length(max=120)])
    email = EmailField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    units = SelectMultipleField(_l("Units they own"), coerce=int, choices=[], validate_choice=True)


class ContactForm(FlaskForm):
    kind = SelectField(_l("Contact"), choices=contact_choices, validators=[InputRequired()])
    happened_on = DateField(_l("Date"), default=clock.today, validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    next_on = DateField(_l("Next follow-up on"), validators=[Optional()])
    next_what = StringField(_l("Next follow-up: what"), validators=[Optional(), Length(max=200)])


class SegmentForm(FlaskForm):
    """The segment filter of the relations list (a GET form)."""

    class Meta:
        csrf = False

    street = StringField(_l("Street"), validators=[Optional(), Length(max=120)])
    vacant_months = IntegerField(
        _l("Units vacant for at least (months)"),
        validators=[Optional(), NumberRange(min=1, max=240)],
    )
    kind = SelectField(_l("Kind"), choices=any_kind_choices, validators=[Optional()])


class MessageForm(FlaskForm):
    """An e-mail to the segment; the segment's fields ride along, the key sends it once."""

    street = StringField(_l("Street"), validators=[Optional(), Length(max=120)])
    vacant_months = IntegerField(
        _l("Units vacant for at least (months)"),
        validators=[Optional(), NumberRange(min=1, max=240)],
    )
    kind = SelectField(_l("Kind"), choices=any_kind_choices, validators=[Optional()])
    subject = StringField(_l("Subject"), validators=[InputRequired(), Length(max=150)])
    body = TextAreaField(_l("Message"), validators=[InputRequired(), Length(max=10_000)])
    key = SubmissionKeyField()
