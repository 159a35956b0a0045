"""Applications' tasks on the staff's list: applications nobody answered for a week, and open
offers about to run out (an offer is for a let from its start date: unanswered by then, it is
of no use)."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for

from vrijstad import clock
from vrijstad.applications.models import Application, ApplicationStatus, Offer, OfferStatus
from vrijstad.areas.models import Area
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.todo.registry import Severity, Task, register_provider
from vrijstad.units.models import Unit

#: An application still only submitted after this many days waits for an answer.
ANSWER_DAYS = 7
#: An open offer shows this many days before its start date.
OFFER_DAYS = 3


def unanswered_rows(
    organisation_ids: Sequence[int], today: date
) -> sa.Select[int, datetime, str, Unit, int]:
    """The applications to the organisations' units still only submitted after ANSWER_DAYS
    days (nobody shortlisted, invited or turned them down)."""
    before = datetime.combine(today - timedelta(days=ANSWER_DAYS), time(), clock.AMSTERDAM)
    return (
        sa.select(Application.id, Application.created_at, User.name, Unit, Area.organisation_id)
        .join(User, User.id == Application.starter_id)
        .join(Unit, Unit.id == Application.unit_id)
        .join(Area, Area.id == Unit.area_id)
        .where(
            Area.organisation_id.in_(organisation_ids),
            Application.status == ApplicationStatus.SUBMITTED,
            Application.created_at < before,
        )
    )


def unanswered_applications(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each application waiting a week or more for an answer."""
    rows = db.session.execute(unanswered_rows(organisation_ids, today))
    return [
        Task(
            title=_("Answer the application of %(name)s", name=name),
            detail=unit.address,
            due=clock.local_date(created_at) + timedelta(days=ANSWER_DAYS),
            url=url_for("applications.detail", application_id=application_id),
            kind="applications.unanswered",
            organisation_id=organisation_id,
        )
        for application_id, created_at, name, unit, organisation_id in rows
    ]


def offer_rows(
    organisation_ids: Sequence[int], today: date
) -> sa.Select[int, date, str, Unit, int]:
    """The open offers for the organisations' units whose start date is OFFER_DAYS days
    away or has passed, still without the starter's answer."""
    return (
        sa.select(Offer.application_id, Offer.start_date, User.name, Unit, Area.organisation_id)
        .join(Application, Application.id == Offer.application_id)
        .join(User, User.id == Application.starter_id)
        .join(Unit, Unit.id == Application.unit_id)
        .join(Area, Area.id == Unit.area_id)
        .where(
            Area.organisation_id.in_(organisation_ids),
            Offer.status == OfferStatus.OPEN,
            Offer.start_date <= today + timedelta(days=OFFER_DAYS),
        )
    )


def offers_running_out(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each open offer about to run out unanswered."""
    rows = db.session.execute(offer_rows(organisation_ids, today))
    return [
        Task(
            title=_("The offer to %(name)s is still unanswered", name=name),
            detail=_("%(unit)s, to start on %(date)s", unit=unit.address, date=date_filter(start)),
            due=start,
            url=url_for("applications.detail", application_id=application_id),
            kind="applications.offer",
            severity=Severity.URGENT,
            organisation_id=organisation_id,
        )
        for application_id, start, name, unit, organisation_id in rows
    ]


register_provider("applications.unanswered", unanswered_applications, rows=unanswered_rows)
register_provider("applications.offer", offers_running_out, rows=offer_rows)
