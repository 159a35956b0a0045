"""Staff import units from a spreadsheet and export their organisation's units."""

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy.orm import selectinload

from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.organisations.views import get_managed_or_403
from vrijstad.units import importer, queries
from vrijstad.units.models import Unit

bp = Blueprint("units_import", __name__)


class ImportForm(FlaskForm):
    file = FileField(
        _l("Spreadsheet (.csv or .xlsx)"),
        validators=[
            FileRequired(_l("Choose a file to import.")),
            FileAllowed(["csv", "xlsx"], _l("Upload a .csv or .xlsx file.")),
        ],
    )


@bp.route("/organisations/<int:organisation_id>/units/import", methods=["GET", "POST"])
@login_required
def import_units(organisation_id: int):
    organisation = get_managed_or_403(organisation_id)
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = importer.read_rows(upload.filename, upload.read())
            result = importer.import_units(current_user, organisation, rows)
        except DomainError as exc:
            form.file.errors = [*form.file.errors, str(exc)]
        else:
            if not result.errors:
                db.session.commit()
                n = len(result.units)
                flash(ngettext("%(num)d unit imported.", "%(num)d units imported.", n), "success")
                return redirect(
                    url_for("units.organisation_units", organisation_id=organisation.id)
                )
            errors = result.errors
        db.session.rollback()
    status = 422 if form.is_submitted() else 200
    return render_template(
        "units/import.html", organisation=organisation, form=form, errors=errors,
        columns=importer.COLUMNS, required=importer.REQUIRED_COLUMNS,
    ), status  # fmt: skip


@bp.get("/organisations/<int:organisation_id>/units/export.<fmt>")
@login_required
def export_units(organisation_id: int, fmt: str):
    organisation = get_managed_or_403(organisation_id)
    if fmt not in importer.EXPORT_FORMATS:
        abort(404)
    query = queries.units_of_organisation(organisation.id).options(
        selectinload(Unit.owner), selectinload(Unit.area)
    )
    data = importer.export_units(db.session.scalars(query), fmt)
    filename = f"vrijstad-panden-{organisation.id}-{date.today().isoformat()}.{fmt}"
    return Response(
        data,
        content_type=importer.EXPORT_FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
