"""Staff import units from a spreadsheet and export their organisation's units."""

from operator import attrgetter

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy.orm import selectinload

from vrijstad import exports, jobs
from vrijstad.extensions import db
from vrijstad.forms import FlaskForm
from vrijstad.i18n import current_language
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.loaders import managed
from vrijstad.organisations.models import Organisation
from vrijstad.units import importer, queries, tasks
from vrijstad.units.models import Unit
from vrijstad.web import commit

bp = Blueprint("units_import", __name__)


class ImportForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet (.csv or .xlsx)"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file.")),
        ],
    )


def _organisation(organisation_id: int) -> Organisation:
    """An organisation the current user works for (404 / 403)."""
    return managed(Organisation, organisation_id, attrgetter("id"))


@bp.route("/organisations/<int:organisation_id>/units/import", methods=["GET", "POST"])
@login_required
def import_units(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        token = tasks.store_upload(organisation.id, upload.filename, upload.read())
        result_url = url_for(
            "units_import.import_result", organisation_id=organisation.id, token=token
        )
        handle = commit(
            lambda: jobs.enqueue(
                tasks.import_file,
                current_user.id,
                organisation.id,
                token,
                upload.filename,
                result_url,
                current_language(),
                job_title=_l("Importing units"),
            )
        )
        return redirect(handle.status_url, code=303)
    return _import_page(organisation, form, status=422 if form.is_submitted() else 200)


@bp.get("/organisations/<int:organisation_id>/units/import/<token>")
@login_required
def import_result(organisation_id: int, token: str):
    """What an import job did: the units imported, or each bad row with its line and reason."""
    organisation = _organisation(organisation_id)
    outcome = tasks.load_outcome(organisation.id, token) if tasks.valid_token(token) else None
    if outcome is None:
        abort(404)
    form = ImportForm(formdata=None)
    if outcome.get("file_error"):
        form.file.errors = [outcome["file_error"]]
    errors = [importer.RowError(*error) for error in outcome.get("errors", [])]
    return _import_page(organisation, form, errors=errors, imported=outcome.get("imported"))


def _import_page(organisation, form: ImportForm, status: int = 200, **outcome):
    return render_template(
        "units/import.html",
        organisation=organisation,
        form=form,
        columns=importer.COLUMNS,
        required=importer.REQUIRED_COLUMNS,
        **{"errors": [], "imported": None, **outcome},
    ), status


@bp.get("/organisations/<int:organisation_id>/units/export.<fmt>")
@login_required
def export_units(organisation_id: int, fmt: str):
    organisation = _organisation(organisation_id)
    if fmt not in exports.FORMATS:
        abort(404)
    query = queries.units_of_organisation(organisation.id).options(
        selectinload(Unit.owner), selectinload(Unit.area)
    )
    table = importer.export_table(db.session.scalars(query))
    return exports.download(table, fmt, f"vrijstad-panden-{organisation.id}")
