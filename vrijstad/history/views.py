"""The staff's upload page for an area's vacancy history (linked from the dashboard)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad import clock
from vrijstad.areas.models import Area
from vrijstad.core import DomainError
from vrijstad.dashboard.services.periods import MAX_MONTHS
from vrijstad.history import reading, services
from vrijstad.history.forms import HistoryForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import managed
from vrijstad.web import attempt, on_field

bp = Blueprint("history", __name__)

#: A bigger history (years of many streets) goes through the command line.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_LINES = 20_000


@bp.route("/dashboard/areas/<int:area_id>/history", methods=["GET", "POST"])
@login_required
def upload(area_id: int):
    area = managed(Area, area_id)
    form = HistoryForm()
    errors: list[reading.LineError] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            if len(data) > MAX_FILE_BYTES:
                raise reading.HistoryFileError(
                    _("The file is larger than 4 MB: import it with the command line.")
                )
            parsed = reading.parse(upload.filename or "", data, MAX_LINES)
        except DomainError as exc:  # not a table with the columns (or not .csv/.xlsx)
            form.file.errors = [str(exc)]
        else:
            done = attempt(
                lambda: services.import_history(current_user, area, parsed.lines, parsed.errors),
                show=on_field(form.file),
            )
            if done.value is not None:
                flash(
                    _(
                        "%(months)s months imported, from %(first)s to %(last)s.",
                        months=done.value.months,
                        first=f"{done.value.first:%Y-%m}",
                        last=f"{done.value.last:%Y-%m}",
                    ),
                    "success",
                )
                return redirect(_trend_url(area, done.value))
            if isinstance(done.error, services.HistoryError):
                errors = done.error.errors
    return render_template(
        "history/upload.html",
        area=area,
        form=form,
        errors=errors,
        imported=services.imported_months(area.id),
        recorded=sorted(services.recorded_months(area.id)),
    ), 422 if form.is_submitted() else 200


def _trend_url(area: Area, imported: services.Imported) -> str:
    """The dashboard's vacancy tab over the imported months up to now (at most the longest
    period the dashboard shows)."""
    current = clock.month_start(clock.today())
    first = max(imported.first, clock.add_months(current, 1 - MAX_MONTHS))
    values: dict = {"area_id": area.id, "tab": "vacancy", "from": f"{first:%Y-%m}"}
    return url_for("dashboard.area", **values)
