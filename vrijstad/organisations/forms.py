"""Organisation, area and invitation forms."""

from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Optional

from vrijstad.areas.models import AreaKind, StreetGrade
from vrijstad.auth.passwords import MIN_LENGTH
from vrijstad.forms import FlaskForm, kvk_validator
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.organisations.models import MemberRole, OrganisationKind


def organisation_kind_choices():
    return [
        SelectChoice(OrganisationKind.BINNENSTADSMANAGEMENT.value, _l("City-centre management")),
        SelectChoice(OrganisationKind.ONDERNEMERSVERENIGING.value, _l("Retailers' association")),
        SelectChoice(OrganisationKind.BIZ.value, _l("Business improvement zone (BIZ)")),
        SelectChoice(OrganisationKind.GEMEENTE.value, _l("Municipality")),
    ]


def area_kind_choices():
    return [
        SelectChoice(AreaKind.CITY_CENTRE.value, _l("City centre")),
        SelectChoice(AreaKind.APPROACH_STREETS.value, _l("Approach streets")),
        SelectChoice(AreaKind.DISTRICT.value, _l("District")),
    ]


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(_l("Type"), choices=organisation_kind_choices())
    kvk_number = StringField(
        _l("KvK number"),
        validators=[DataRequired(), kvk_validator],
        description=_l("8 digits"),
    )
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=255)])


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=80)])
    kind = SelectField(_l("Kind of area"), choices=area_kind_choices())
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])


class StreetForm(FlaskForm):
    name = StringField(_l("Street"), validators=[DataRequired(), Length(max=120)])
    grade = SelectField(_l("Grade"), choices=[SelectChoice(g.value, g.value) for g in StreetGrade])


class InvitationForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(message=_l("Enter a valid e-mail address."))],
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(MemberRole.STAFF.value, _l("Staff")),
            SelectChoice(MemberRole.ADMIN.value, _l("Admin")),
        ],
    )


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
