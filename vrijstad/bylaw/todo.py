"""The bylaw's tasks on the staff's list: per vacant unit under the bylaw the step that is due
(remind or record the report from six months vacant, chase a reminder, invite to consult
within three months of the report, escalate after the consultation and twelve months).

A step that waits for a day (the duty, the escalation) shows AHEAD_DAYS before it; a step
that waits only for staff (record the report, invite to consult) shows at once, with its
legal term as the due date."""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from flask import url_for

from vrijstad.bylaw.models import BylawCase, BylawStage
from vrijstad.bylaw.queries import vacant_units
from vrijstad.bylaw.services import (
    ESCALATION_MONTHS,
    REMINDER_DAYS,
    REPORT_MONTHS,
    consult_due_on,
    escalation_from,
    latest_start,
    report_due_on,
)
from vrijstad.extensions import db
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.todo.registry import Severity, Task, register_provider
from vrijstad.units.models import Unit

#: A step shows on the list this many days before it is due.
AHEAD_DAYS = 14


def _step(unit: Unit, case: BylawCase | None) -> tuple[date, str] | None:
    """The next step of the unit's case and the day it is due; None when there is none."""
    assert unit.vacant_since is not None
    if case is None:
        title = _(
            "Reporting duty for %(address)s: remind the owner or record the report",
            address=unit.address,
        )
        return report_due_on(unit.vacant_since), title
    if case.stage == BylawStage.REPORT_DUE:
        due = (case.reminded_on or report_due_on(case.vacant_since)) + timedelta(days=REMINDER_DAYS)
        return due, _("Record the vacancy report of %(address)s", address=unit.address)
    if case.stage == BylawStage.REPORTED and case.reported_on is not None:
        title = _("Invite the owner of %(address)s to consult", address=unit.address)
        return consult_due_on(case.reported_on), title
    if case.stage == BylawStage.CONSULT_INVITED and case.consult_on is not None:
        due = max(case.consult_on, escalation_from(case.vacant_since))
        title = _("Decide on escalating the vacancy of %(address)s", address=unit.address)
        return due, title
    return None


def step_rows(organisation_ids: Sequence[int], today: date) -> sa.Select[Unit, BylawCase, int]:
    """The vacant units (with their open case) that have a step on the list today: one row
    per task (the navigation counts them in SQL)."""
    horizon = today + timedelta(days=AHEAD_DAYS)
    return vacant_units(organisation_ids).where(
        sa.or_(
            sa.and_(
                BylawCase.id.is_(None),
                Unit.vacant_since <= latest_start(horizon, REPORT_MONTHS),
            ),
            BylawCase.stage.in_((BylawStage.REPORT_DUE, BylawStage.REPORTED)),
            sa.and_(
                BylawCase.stage == BylawStage.CONSULT_INVITED,
                BylawCase.consult_on <= horizon,
                BylawCase.vacant_since <= latest_start(horizon, ESCALATION_MONTHS),
            ),
        )
    )


def bylaw_steps(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each vacant unit's bylaw step that is due within AHEAD_DAYS days or waits for staff."""
    tasks = []
    for unit, case, organisation_id in db.session.execute(step_rows(organisation_ids, today)):
        step = _step(unit, case)
        if step is None:
            continue
        due, title = step
        tasks.append(
            Task(
                title=title,
                detail=_(
                    "Vacancy bylaw: vacant since %(date)s", date=date_filter(unit.vacant_since)
                ),
                due=due,
                url=url_for("bylaw.case", unit_id=unit.id),
                kind="bylaw.step",
                severity=Severity.URGENT if due < today else Severity.ACTION,
                organisation_id=organisation_id,
            )
        )
    return tasks


register_provider("bylaw.step", bylaw_steps, rows=step_rows)
