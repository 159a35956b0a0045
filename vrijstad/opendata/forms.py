"""Staff upload a register's file."""

from flask_wtf.file import FileAllowed, FileField, FileRequired

from vrijstad.forms import FlaskForm
from vrijstad.i18n import lazy_gettext as _l


class RegisterUploadForm(FlaskForm):
    file = FileField(
        _l("File (.csv)"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["csv", "txt"], _l("Upload a .csv file.")),
        ],
    )
