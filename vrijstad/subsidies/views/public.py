"""Schemes everyone can read."""

from flask import abort, render_template
from flask_login import current_user

from vrijstad.extensions import db
from vrijstad.subsidies import queries, services
from vrijstad.subsidies.models import (
    SubsidyScheme,
)
from vrijstad.subsidies.views.common import bp


@bp.get("/subsidies")
def index():
    schemes = db.session.scalars(queries.open_schemes()).all()
    return render_template("subsidies/index.html", schemes=schemes)


@bp.get("/subsidies/schemes/<int:scheme_id>")
def scheme(scheme_id: int):
    item = db.get_or_404(SubsidyScheme, scheme_id)
    staff = services.is_staff(current_user, item)
    if not item.active and not staff:
        abort(404)
    return render_template(
        "subsidies/scheme.html",
        scheme=item,
        staff=staff,
        budget=services.budget_of(item),
        can_apply=bool(services.kinds_for(current_user)),
    )
