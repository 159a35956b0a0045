"""Account forms: shape checks only; the rules live in services."""

from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from vrijstad.auth.passwords import MIN_LENGTH
from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.legal.forms import consent_field

EMAIL = [DataRequired(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)]


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    role = RadioField(
        _l("I am"),
        choices=[
            SelectChoice("starter", _l("a starter looking for a shop")),
            SelectChoice("landlord", _l("a landlord with a vacant unit")),
        ],
        validators=[DataRequired(message=_l("Choose one."))],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)],
        description=_l("At least %(n)d characters.", n=MIN_LENGTH),
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    consent = consent_field()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=EMAIL)


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class ChangeEmailForm(FlaskForm):
    email = EmailField(_l("New e-mail address"), validators=EMAIL)
    password = PasswordField(_l("Current password"), validators=[DataRequired()])


class LanguageForm(FlaskForm):
    language = StringField(validators=[DataRequired()])


CODE = [DataRequired(), Length(max=32)]


class TwoFactorLoginForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=CODE,
        description=_l("The 6-digit code from your authenticator app, or a recovery code."),
    )


class TwoFactorCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your app"),
        validators=CODE,
        description=_l("The 6-digit code your authenticator app shows now."),
    )


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(_l("Current password"), validators=[DataRequired()])
    code = StringField(_l("Code from your app or a recovery code"), validators=CODE)
