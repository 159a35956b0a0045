"""Subsidies' tasks on the staff's list: decisions whose legal deadline is near or passed."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import url_for

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.subsidies.models import SubsidyApplication, SubsidyScheme, SubsidyStatus
from vrijstad.subsidies.services.clock import DECISION_WEEKS, decision_deadline
from vrijstad.todo.registry import Severity, Task, register_provider

#: A decision shows on the list this many days before its legal deadline.
WARN_DAYS = 14
UNDECIDED = (SubsidyStatus.SUBMITTED, SubsidyStatus.IN_REVIEW, SubsidyStatus.INFO_REQUESTED)


def decisions_due(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each undecided application of the organisations' schemes whose decision deadline
    (the Awb term of `decision_deadline`) is within WARN_DAYS days or has passed."""
    # The deadline is never earlier than DECISION_WEEKS after submission: older ones only.
    latest = today + timedelta(days=WARN_DAYS) - timedelta(weeks=DECISION_WEEKS)
    submitted_before = datetime.combine(latest + timedelta(days=1), time(), clock.AMSTERDAM)
    rows = db.session.execute(
        sa.select(SubsidyApplication, SubsidyScheme.name, SubsidyScheme.organisation_id)
        .join(SubsidyScheme, SubsidyScheme.id == SubsidyApplication.scheme_id)
        .where(
            SubsidyScheme.organisation_id.in_(organisation_ids),
            SubsidyApplication.status.in_(UNDECIDED),
            SubsidyApplication.submitted_at < submitted_before,
        )
    )
    tasks = []
    for application, scheme, organisation_id in rows:
        due = decision_deadline(application, today)
        if due is None or due > today + timedelta(days=WARN_DAYS):
            continue
        tasks.append(
            Task(
                title=_("Decide on %(title)s", title=application.title),
                detail=_(
                    "%(scheme)s, %(applicant)s: the legal term ends on %(date)s",
                    scheme=scheme,
                    applicant=application.applicant_name,
                    date=date_filter(due),
                ),
                due=due,
                url=url_for("subsidies.detail", application_id=application.id),
                kind="subsidies.decision",
                severity=Severity.URGENT if due <= today else Severity.ACTION,
                organisation_id=organisation_id,
            )
        )
    return tasks


register_provider("subsidies.decision", decisions_due)
