"""A scenario's name and note; the streets' zones come as one field per street (zone-<id>)."""

from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l

ZONE_PREFIX = "zone-"


class ScenarioForm(FlaskForm):
    # An empty name is refused by the service, which names the field.
    name = StringField(_l("Name"), validators=[Length(max=200)])
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=4000)],
        description=_l("What this scenario assumes, for whoever compares it later."),
    )


def zones_of(formdata: MultiDict) -> dict[str, str]:
    """Street id (as sent) → zone (as sent), from the fields named zone-<street id>."""
    return {
        key.removeprefix(ZONE_PREFIX): formdata.get(key, "")
        for key in formdata
        if key.startswith(ZONE_PREFIX)
    }
