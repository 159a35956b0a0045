"""Staff register counters and import counts; the area's footfall on the dashboard; the
footfall line on unit and street pages."""

from datetime import timedelta
from operator import attrgetter

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_date, format_decimal, format_percent
from flask_login import current_user, login_required

from vrijstad import clock
from vrijstad.areas.models import Area, Street
from vrijstad.extensions import db
from vrijstad.footfall import figures, importer, services
from vrijstad.footfall.forms import CounterForm, UploadForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import managed
from vrijstad.organisations.models import Organisation
from vrijstad.units.models import Unit
from vrijstad.web import attempt, on_field

bp = Blueprint("footfall", __name__)

#: Bigger files are pushed through the API in parts (about five years of one counter's hours).
MAX_FILE_BYTES = 8 * 1024 * 1024


def _organisation(organisation_id: int) -> Organisation:
    return managed(Organisation, organisation_id, attrgetter("id"))


def _streets(organisation: Organisation) -> list[Street]:
    return [street for area in organisation.areas for street in area.streets]


@bp.route("/organisations/<int:organisation_id>/footfall", methods=["GET", "POST"])
@login_required
def counters(organisation_id: int):
    organisation = _organisation(organisation_id)
    streets = {street.id: street for street in _streets(organisation)}
    form = CounterForm()
    form.street.choices = [(s.id, f"{s.name} ({s.area.name})") for s in streets.values()]
    if form.validate_on_submit():
        done = attempt(
            lambda: services.add_counter(
                current_user,
                organisation,
                streets[form.street.data],
                form.code.data or "",
                form.name.data,
            ),
            form,
        )
        if done:
            flash(_("The counter is added."), "success")
            return redirect(url_for("footfall.counters", organisation_id=organisation.id))
    return render_template(
        "footfall/counters.html",
        organisation=organisation,
        form=form,
        counters=db.session.scalars(services.counters_of(organisation.id)).all(),
    ), 422 if form.is_submitted() else 200


@bp.route("/organisations/<int:organisation_id>/footfall/import", methods=["GET", "POST"])
@login_required
def upload(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = UploadForm()
    codes = db.session.scalars(services.counters_of(organisation.id)).all()
    form.counter.choices = [("", _("— the file has a counter column —"))] + [
        (c.code, c.code) for c in codes
    ]
    errors: list[importer.LineError] = []
    if form.validate_on_submit():
        data = form.file.data.read(MAX_FILE_BYTES + 1)
        try:
            if len(data) > MAX_FILE_BYTES:
                raise importer.FileError(_("The file is larger than 8 MB: split it by period."))
            parsed = importer.parse(importer.decode(data), form.counter.data or None)
        except importer.FileError as exc:
            form.file.errors = [str(exc)]
        else:
            done = attempt(
                lambda: services.import_counts(
                    current_user, organisation, parsed.rows, parsed.errors
                ),
                show=on_field(form.file),
            )
            if done and done.value is not None:
                flash(
                    _(
                        "%(counts)s counts imported for %(counters)s counters.",
                        counts=done.value.counts,
                        counters=done.value.counters,
                    ),
                    "success",
                )
                return redirect(url_for("footfall.upload", organisation_id=organisation.id))
            if isinstance(done.error, services.BatchError):
                errors = done.error.errors
    return render_template(
        "footfall/upload.html", organisation=organisation, form=form, errors=errors
    ), 422 if form.is_submitted() else 200


@bp.get("/dashboard/areas/<int:area_id>/footfall")
@login_required
def area(area_id: int):
    area = managed(Area, area_id)
    board = figures.area_footfall(list(area.streets), clock.today())
    monday = board.last_week
    return render_template(
        "footfall/area.html",
        area=area,
        board=board,
        chart=trend_chart(board),
        change=None
        if board.change is None
        else format_percent(board.change, "+#,##0.0 %;-#,##0.0 %"),
        weekdays=[format_date(monday + timedelta(days=n), "EEEE") for n in range(7)],
    )


def trend_chart(board: figures.AreaFootfall) -> dict:
    """Chart.js data of the weekly trend (the table beside it holds the same figures): the
    passers-by per week, and the same weeks a year before when any of them was counted."""
    datasets: list[dict] = [
        {"label": _("Passers-by"), "data": [count for _week, count in board.trend]}
    ]
    if any(count is not None for count in board.trend_year_ago):
        datasets.append(
            {"label": _("Same week last year"), "data": board.trend_year_ago, "dashed": True}
        )
    return {
        "type": "line",
        "count": True,
        "labels": [format_date(week, "d MMM") for week, _count in board.trend],
        "datasets": datasets,
    }


@bp.app_template_filter("passers")
def passers(count: int) -> str:
    """A number of passers-by with the reader's thousands separator: '12.400' in Dutch."""
    return format_decimal(count, "#,##0")


def street_footfall(street: Street) -> int | None:
    """Passers-by a week in the street (the last four full weeks), rounded; None: not counted."""
    found = figures.weekly_by_street([street.id], clock.today()).get(street.id)
    return None if found is None else figures.rounded(found)


def unit_footfall(unit: Unit) -> int | None:
    """Passers-by a week in the unit's street, when one of its area's streets is counted."""
    if unit.area_id is None:
        return None
    street = db.session.scalar(services.street_of(unit.area_id, unit.street))
    return None if street is None else street_footfall(street)


@bp.app_context_processor
def footfall_lines() -> dict:
    return {"street_footfall": street_footfall, "unit_footfall": unit_footfall}
