"""Dashboard forms: an organisation's reference figures, a street's public story."""

from decimal import Decimal

from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from vrijstad.forms import DutchDecimalField, FlaskForm
from vrijstad.i18n import lazy_gettext as _l


def _percentage(label, description=None) -> DutchDecimalField:
    return DutchDecimalField(
        label,
        places=1,
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=description,
    )


def to_bp(value: Decimal | None) -> int | None:
    """A percentage (one decimal) as basis points."""
    return None if value is None else int((value * 100).to_integral_value())


class ReferencesForm(FlaskForm):
    national_count = _percentage(
        _l("National vacancy by number of units, in percent"),
        _l("Empty: the configured figure. Locatus, end of 2022: 6.0 percent."),
    )
    national_area = _percentage(
        _l("National vacancy by floor area, in percent"),
        _l("Empty: the configured figure. Locatus, end of 2022: 5.4 percent."),
    )
    healthy_max = _percentage(
        _l("Healthy vacancy at most, in percent"), _l("Empty: the configured figure (5 percent).")
    )


class StreetStoryForm(FlaskForm):
    story = TextAreaField(
        _l("The street's story"),
        validators=[Length(max=5000)],
        description=_l("What makes the street what it is: its history, its shops, its plans."),
    )
    published = BooleanField(_l("Publish the street page"))
