"""Schemes everyone can read."""

from flask import render_template
from flask_login import current_user

from vrijstad.extensions import db
from vrijstad.subsidies import queries, services
from vrijstad.subsidies.views.common import bp, for_whom, get_open_scheme


@bp.get("/subsidies")
def index():
    schemes = db.session.scalars(queries.open_schemes()).all()
    return render_template("subsidies/index.html", schemes=schemes)


@bp.get("/subsidies/schemes/<int:scheme_id>")
def scheme(scheme_id: int):
    item = get_open_scheme(scheme_id)
    return render_template(
        "subsidies/scheme.html",
        scheme=item,
        staff=services.is_staff(current_user, item),
        budget=services.budget_of(item),
        can_apply=bool(services.kinds_for_scheme(current_user, item)),
        for_whom=for_whom(item),
    )
