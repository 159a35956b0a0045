"""A believable fictional city centre for demonstrations: Dijkerveen, built relative to today.

Everything is made through the services of each feature, as real use would make it: units
offered with photos, applications, collective letting with invoices and settlements, contests
in three phases, a subsidy application in every state of the procedure, street pages, and
the staff's day: relations with contacts and follow-ups, vacancy-bylaw cases and two years of
footfall counts, the BAG and KvK registers with their hidden vacancy, and two
scenarios for the city centre. The
past is told by dates relative to today (services take the day they act on), and two years of
monthly vacancy snapshots give the dashboard its trend. Loading it again changes nothing."""

import sqlalchemy as sa
from flask import current_app

from vrijstad.auth.models import User
from vrijstad.demo.base import DEMO_PASSWORD, ORGANISATION_NAME
from vrijstad.demo.city import add_applications, build_city, logins
from vrijstad.demo.contests import build_contests
from vrijstad.demo.history import record_history
from vrijstad.demo.lettings import build_collective
from vrijstad.demo.photos import add_photos
from vrijstad.demo.registers import build_registers
from vrijstad.demo.staffday import build_staff_day
from vrijstad.demo.streets import publish_streets
from vrijstad.demo.subsidies import build_subsidies
from vrijstad.extensions import db
from vrijstad.organisations.models import Organisation

__all__ = ["DEMO_PASSWORD", "database_is_empty", "demo_is_loaded", "load_demo_data"]


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def demo_is_loaded() -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(Organisation.id)).where(Organisation.name == ORGANISATION_NAME)
        )
    )


def load_demo_data() -> list[tuple[str, str]]:
    """Build the Dijkerveen demo (once: when it is there already, nothing changes); returns
    (role, e-mail) of every demo login. The caller commits."""
    if demo_is_loaded():
        return logins()
    # The services link their notices to pages, as a request to the public site would.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        demo = build_city()
        add_applications(demo)
        build_contests(demo)
        build_collective(demo)
        build_subsidies(demo)
        publish_streets(demo)
        add_photos(demo)
        record_history(demo)
        build_staff_day(demo)
        build_registers(demo)
    return logins()
