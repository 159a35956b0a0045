"""The forecast's alert on the staff's list: streets expected to pass the organisation's
healthy vacancy maximum within six months (issue 26).

The outlook reads every unit's history of an area and runs the model: too heavy for every
page's navigation count, so it is listed on the "Te doen" page only (``counted=False``).
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask import url_for

from vrijstad.areas.models import Area
from vrijstad.clock import add_months
from vrijstad.dashboard.services import references_for
from vrijstad.extensions import db
from vrijstad.forecast.services import street_outlook
from vrijstad.i18n import gettext as _
from vrijstad.i18n import ngettext
from vrijstad.todo.registry import Severity, Task, register_provider

#: Streets expected to pass the maximum within this many months are named.
ALERT_MONTHS = 6


def streets_tipping(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each street of the organisations' areas expected (by the forecast's central estimate)
    to pass the healthy maximum within ALERT_MONTHS months while below it now."""
    areas = db.session.scalars(
        sa.select(Area).where(Area.organisation_id.in_(organisation_ids)).order_by(Area.name)
    ).all()
    healthy = {
        organisation_id: references_for(organisation_id).healthy_max_bp / 10_000
        for organisation_id in {area.organisation_id for area in areas}
    }
    tasks = []
    for area in areas:
        for street in street_outlook(area.id, healthy[area.organisation_id], today):
            if street.crosses is None or street.crosses > ALERT_MONTHS:
                continue
            tasks.append(
                Task(
                    title=_(
                        "%(street)s is expected to pass the healthy vacancy maximum",
                        street=street.street,
                    ),
                    detail=ngettext(
                        "%(area)s: within %(num)d month, by the forecast",
                        "%(area)s: within %(num)d months, by the forecast",
                        street.crosses,
                        area=area.name,
                    ),
                    due=add_months(today, street.crosses),
                    url=url_for("forecast.area", area_id=area.id),
                    kind="forecast.street",
                    severity=Severity.NOTE,
                    organisation_id=area.organisation_id,
                )
            )
    return tasks


register_provider("forecast.street", streets_tipping, counted=False)
