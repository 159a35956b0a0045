"""Forms of saved searches and favourites."""

from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.validators import InputRequired, Length

from vrijstad import labels
from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.saved.models import DigestFrequency


def frequency_choices() -> list[tuple[str, str]]:
    return [(f.value, text) for f, text in labels.labels_of(DigestFrequency).items()]


class SearchForm(FlaskForm):
    """Save a search (its query string rides along) or change a saved one."""

    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    frequency = RadioField(
        _l("E-mail me new units"),
        choices=frequency_choices,
        default=DigestFrequency.WEEKLY.value,
        validators=[InputRequired()],
    )
    query = HiddenField()


class EditSearchForm(SearchForm):
    mailing = BooleanField(_l("Send the e-mail"), default=True)


class FavouriteForm(FlaskForm):
    """The heart: ``wanted`` is the state the button asks for, so a double click asks the same
    twice."""

    wanted = HiddenField(default="1")
