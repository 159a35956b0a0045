"""Monthly vacancy snapshots of an organisation's areas as a background job."""

from datetime import date

from vrijstad import clock, jobs
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.dashboard import services
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage


def take_snapshots(
    actor_id: int, organisation_id: int, period: date, result_url: str, locale: str
) -> dict:
    """Record the month's vacancy of each of the organisation's areas, in one transaction:
    a failed run records nothing, and areas already recorded are left as they are."""
    with jobs.as_user(locale):
        actor = db.session.get(User, actor_id)
        organisation = db.session.get(Organisation, organisation_id)
        if actor is None or not can_manage(actor, organisation_id):
            raise services.DashboardError(_("You do not work for this organisation."))
        run = services.take_snapshots(period, clock.today(), organisation_id)
        record_event(
            actor,
            "dashboard.snapshot",
            organisation,
            organisation_id,
            period=period.isoformat(),
            areas=run.areas_recorded,
        )
        db.session.commit()
        label = _(
            "Snapshot of %(month)s: %(recorded)d areas recorded, %(skipped)d already recorded.",
            month=period.strftime("%m-%Y"),
            recorded=run.areas_recorded,
            skipped=run.areas_skipped,
        )
        return {"url": result_url, "label": label}
