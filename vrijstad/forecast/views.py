"""The vacancy outlook of an area's streets, for the organisation's staff."""

from flask import Blueprint, render_template
from flask_babel import format_percent
from flask_login import current_user, login_required

from vrijstad.areas.models import Area, Street
from vrijstad.dashboard.services import references_for
from vrijstad.forecast.services import HORIZONS, StreetOutlook, outlook_of_street, street_outlook
from vrijstad.loaders import managed
from vrijstad.organisations.services import can_manage

bp = Blueprint("forecast", __name__, url_prefix="/dashboard")


def pct(rate: float) -> str:
    """A vacancy rate as the reader writes it: '12,5 %' in Dutch."""
    return format_percent(rate, format="#,##0.0 %")


@bp.get("/areas/<int:area_id>/forecast")
@login_required
def area(area_id: int):
    area = managed(Area, area_id)
    healthy = references_for(area.organisation_id).healthy_max_bp / 10_000
    return render_template(
        "forecast/area.html",
        area=area,
        outlook=street_outlook(area.id, healthy),
        horizons=HORIZONS,
        healthy=healthy,
        pct=pct,
    )


@bp.app_context_processor
def street_forecast() -> dict:
    """For a street's page: its outlook, to the staff of the street's organisation only."""

    def outlook(street: Street) -> dict | None:
        organisation_id = street.area.organisation_id
        if not can_manage(current_user, organisation_id):
            return None
        healthy = references_for(organisation_id).healthy_max_bp / 10_000
        row: StreetOutlook | None = outlook_of_street(street.area_id, street.name, healthy)
        if row is None:
            return None
        return {"row": row, "healthy": healthy, "horizons": HORIZONS, "pct": pct}

    return {"street_forecast": outlook}
