"""Staff import the BAG and KvK registers for their organisation, and read the hidden-vacancy
list (also as a download), from which they follow an address up in the relations log."""

from operator import attrgetter

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad import exports
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.loaders import managed
from vrijstad.opendata import hidden, services
from vrijstad.opendata.forms import RegisterUploadForm
from vrijstad.opendata.models import Register
from vrijstad.organisations.models import Organisation
from vrijstad.web import attempt, check_button, on_field

bp = Blueprint("opendata", __name__)

#: Bigger extracts are imported with `flask opendata import-bag` / `import-kvk`.
MAX_FILE_BYTES = 30 * 1024 * 1024
#: Rows the page shows; the download holds them all.
PAGE_ROWS = 500
IMPORTERS = {Register.BAG: services.import_bag, Register.KVK: services.import_kvk}
HIDDEN_COLUMNS = (
    exports.Column(_l("Address"), attrgetter("address")),
    exports.Column(_l("Postcode"), attrgetter("postcode")),
    exports.Column(_l("City"), attrgetter("city")),
    exports.Column(_l("Floor area (m²)"), attrgetter("floor_area"), exports.Kind.INT),
    exports.Column(_l("BAG id"), attrgetter("bag_id")),
    exports.Column(_l("Why on the list"), lambda row: reason(row)),
)


def _organisation(organisation_id: int) -> Organisation:
    return managed(Organisation, organisation_id, attrgetter("id"))


def reason(row: hidden.Hidden) -> str:
    if row.hint == hidden.Hint.UNOFFERED:
        return _("No registered business and no listing: probably vacant, and not offered.")
    return _(
        "Listed, but %(names)s is registered here: the listing may be stale.",
        names=", ".join(row.businesses),
    )


def _upload(organisation_id: int, register: Register):
    organisation = _organisation(organisation_id)
    form = RegisterUploadForm()
    errors: list = []
    if form.validate_on_submit():
        data = form.file.data.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            form.file.errors = [_("The file is larger than 30 MB: import it on the server.")]
        else:
            done = attempt(
                lambda: IMPORTERS[register](
                    current_user, organisation, data, form.file.data.filename or ""
                ),
                show=on_field(form.file),
            )
            if done.value is not None:
                flash(_("%(kept)s rows imported.", kept=done.value.kept), "success")
                return redirect(
                    url_for(f"opendata.{register.value}", organisation_id=organisation.id)
                )
            errors = getattr(done.error, "errors", [])
    return render_template(
        f"opendata/{register.value}.html",
        organisation=organisation,
        form=form,
        errors=errors,
        imports=db.session.scalars(services.last_imports(organisation.id, register)).all(),
    ), 422 if form.is_submitted() else 200


@bp.route("/organisations/<int:organisation_id>/open-data/bag", methods=["GET", "POST"])
@login_required
def bag(organisation_id: int):
    return _upload(organisation_id, Register.BAG)


@bp.route("/organisations/<int:organisation_id>/open-data/kvk", methods=["GET", "POST"])
@login_required
def kvk(organisation_id: int):
    return _upload(organisation_id, Register.KVK)


@bp.get("/organisations/<int:organisation_id>/hidden-vacancy")
@login_required
def hidden_list(organisation_id: int):
    organisation = _organisation(organisation_id)
    rows = hidden.hidden_vacancies(organisation.id)
    imported = {
        register: db.session.scalar(services.last_imports(organisation.id, register).limit(1))
        for register in Register
    }
    return render_template(
        "opendata/hidden.html",
        organisation=organisation,
        imported=imported,
        rows=rows[:PAGE_ROWS],
        total=len(rows),
        reason=reason,
        button=ButtonForm(),
    )


@bp.get("/organisations/<int:organisation_id>/hidden-vacancy.<fmt>")
@login_required
def hidden_download(organisation_id: int, fmt: str):
    organisation = _organisation(organisation_id)
    if fmt not in exports.FORMATS:
        abort(404)
    rows = hidden.hidden_vacancies(organisation.id)
    table = exports.Table(_("Hidden vacancy"), HIDDEN_COLUMNS, rows)
    return exports.download(table, fmt, "hidden-vacancy")


@bp.post("/organisations/<int:organisation_id>/hidden-vacancy/<ref>")
@login_required
def follow_up(organisation_id: int, ref: str):
    organisation = _organisation(organisation_id)
    check_button()
    done = attempt(lambda: hidden.follow_up(current_user, organisation, ref))
    if done.value is None:
        return redirect(url_for(".hidden_list", organisation_id=organisation.id), code=303)
    flash(_("The address is in the relations log, with a follow-up in Te doen."), "success")
    return redirect(url_for("relations.detail", relation_id=done.value.id), code=303)
