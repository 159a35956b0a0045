"""Reads of the vacancy bylaw: the vacant units of an organisation under it, with their open
case, and the counts per stage of an area."""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from vrijstad.areas.models import Area
from vrijstad.bylaw.models import BylawCase, BylawStage, VacancyBylaw
from vrijstad.bylaw.services import NOT_VACANT, bylaw_of, report_due_on
from vrijstad.extensions import db
from vrijstad.units.models import Unit

#: The stages the dashboard counts, in order; "running" is a vacancy under six months.
RUNNING = "running"


def _under_bylaw(query: sa.Select, organisation_ids: Sequence[int]) -> sa.Select:
    """The query's rows for every vacant unit with a known start in the areas of the
    organisations that have a bylaw, the longest vacant first."""
    return (
        query.join(Area, Area.id == Unit.area_id)
        .join(VacancyBylaw, VacancyBylaw.organisation_id == Area.organisation_id)
        .where(
            Area.organisation_id.in_(organisation_ids),
            Unit.status.not_in(NOT_VACANT),
            Unit.vacant_since.is_not(None),
        )
        .order_by(Unit.vacant_since, Unit.id)
    )


def vacant_units(organisation_ids: Sequence[int]) -> sa.Select[Unit, BylawCase, int]:
    """(unit, open case or None, organisation id) of every vacant unit under a bylaw."""
    return _under_bylaw(
        sa.select(Unit, BylawCase, Area.organisation_id).outerjoin(
            BylawCase,
            sa.and_(BylawCase.unit_id == Unit.id, BylawCase.stage != BylawStage.CLOSED),
        ),
        organisation_ids,
    )


def vacant_units_list(organisation_id: int) -> sa.Select[Unit]:
    """The organisation's vacant units under its bylaw (a page of them goes with
    open_cases_of)."""
    return _under_bylaw(sa.select(Unit), [organisation_id])


def open_cases_of(unit_ids: Sequence[int]) -> dict[int, BylawCase]:
    """The open case of each of the units that has one."""
    cases = db.session.scalars(
        sa.select(BylawCase).where(
            BylawCase.unit_id.in_(unit_ids), BylawCase.stage != BylawStage.CLOSED
        )
    )
    return {case.unit_id: case for case in cases}


def stage_of(unit: Unit, case: BylawCase | None, today: date) -> str:
    """The stage a vacant unit is in: its case's, or running / report due without one."""
    if case is not None:
        return case.stage.value
    assert unit.vacant_since is not None
    return BylawStage.REPORT_DUE.value if today >= report_due_on(unit.vacant_since) else RUNNING


def stage_counts(area: Area, today: date) -> dict[str, int]:
    """Per stage, how many vacant units of the area are in it (empty without a bylaw)."""
    if bylaw_of(area.organisation_id) is None:
        return {}
    counts = dict.fromkeys(
        [RUNNING, *(stage.value for stage in BylawStage if stage != BylawStage.CLOSED)], 0
    )
    rows = db.session.execute(
        vacant_units([area.organisation_id]).where(Unit.area_id == area.id)
    ).all()
    for unit, case, _organisation_id in rows:
        counts[stage_of(unit, case, today)] += 1
    return counts


def closed_cases(unit: Unit) -> sa.Select[BylawCase]:
    """The unit's earlier (closed) cases, the latest first."""
    return (
        sa.select(BylawCase)
        .where(BylawCase.unit_id == unit.id, BylawCase.stage == BylawStage.CLOSED)
        .order_by(BylawCase.id.desc())
    )
