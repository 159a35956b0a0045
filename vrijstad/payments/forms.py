"""Forms for bank-statement imports, landlords' payout accounts and SEPA batches."""

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from vrijstad.forms import FlaskForm, iban_validator
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.submissions import SubmissionKeyField


class StatementForm(FlaskForm):
    statement = FileField(
        _l("Bank statement (CAMT.053, MT940 or CSV)"), validators=[FileRequired()]
    )


class BankAccountForm(FlaskForm):
    holder_name = StringField(_l("Account holder"), validators=[DataRequired(), Length(max=70)])
    iban = StringField(_l("IBAN"), validators=[DataRequired(), Length(max=42), iban_validator])


class SepaForm(FlaskForm):
    execution_date = DateField(_l("Execution date"), validators=[Optional()])
    key = SubmissionKeyField()


class ExecutedForm(FlaskForm):
    """The bank executed the payment file: on which day (its statement or portal says)."""

    executed_on = DateField(_l("Executed by the bank on"), validators=[InputRequired()])
