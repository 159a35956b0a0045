"""Staff upload a historic vacancy file for an area."""

from flask_wtf.file import FileAllowed, FileField, FileRequired

from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l


class HistoryForm(FlaskForm):
    file = FileField(
        _l("Vacancy history (.csv or .xlsx)"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file.")),
        ],
    )
