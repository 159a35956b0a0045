"""Letting's tasks on the staff's list: turnover reports waiting for a check."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa
from flask import url_for

from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import month_filter
from vrijstad.letting.models import (
    HeadLease,
    HeadLeaseStatus,
    Placement,
    TurnoverReport,
    TurnoverStatus,
)
from vrijstad.todo.registry import Task, register_provider
from vrijstad.units.models import Unit

#: Days staff take to check a submitted report (the invoice of its month waits for it).
CHECK_DAYS = 7


def report_rows(organisation_ids: Sequence[int], today: date) -> sa.Select:
    """The submitted reports not yet checked, each with its collective (if any)."""
    collective = (
        sa.select(sa.func.min(HeadLease.collective_id))
        .where(HeadLease.unit_id == Placement.unit_id, HeadLease.status != HeadLeaseStatus.ENDED)
        .scalar_subquery()
    )
    return (
        sa.select(
            TurnoverReport,
            Placement.starter_trade_name,
            Placement.organisation_id,
            Unit,
            collective,
        )
        .join(Placement, Placement.id == TurnoverReport.placement_id)
        .join(Unit, Unit.id == Placement.unit_id)
        .where(
            Placement.organisation_id.in_(organisation_ids),
            TurnoverReport.status == TurnoverStatus.SUBMITTED,
        )
    )


def reports_to_check(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each submitted report not yet checked, linked to its collective's month."""
    rows = db.session.execute(report_rows(organisation_ids, today))
    tasks = []
    for row in rows:
        report, trade_name, organisation_id, unit, collective_id = cast(
            tuple[TurnoverReport, str, int, Unit, int | None], tuple(row)
        )
        if collective_id is None:
            url = url_for("letting.collectives", organisation_id=organisation_id)
        else:
            url = url_for(
                "letting.collective",
                collective_id=collective_id,
                period=report.period.strftime("%Y-%m"),
                _anchor="turnover",
            )
        tasks.append(
            Task(
                title=_(
                    "Check the turnover report of %(name)s for %(month)s",
                    name=trade_name,
                    month=month_filter(report.period),
                ),
                detail=unit.address,
                due=clock.local_date(report.submitted_at) + timedelta(days=CHECK_DAYS),
                url=url,
                kind="letting.turnover",
                organisation_id=organisation_id,
            )
        )
    return tasks


register_provider("letting.turnover", reports_to_check, rows=report_rows)
