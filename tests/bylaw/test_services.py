"""The vacancy bylaw's clock and steps (issue 24, item 6)."""

from datetime import date, timedelta

import pytest

from tests.bylaw.conftest import NOW, SIX_MONTHS_AGO, TODAY, YEAR_AGO
from vrijstad.bylaw import queries, services
from vrijstad.bylaw.models import BylawStage, ReportChannel
from vrijstad.bylaw.todo import bylaw_steps
from vrijstad.extensions import db
from vrijstad.units.models import UnitStatus
from vrijstad.units.status import move_unit

pytestmark = pytest.mark.clock(NOW)


def test_the_reporting_duty_starts_six_months_after_the_vacancy_exactly(org, vacant_unit):
    unit = vacant_unit(SIX_MONTHS_AGO + timedelta(days=1))
    spell = services.clock_of(unit, TODAY)
    assert spell.report_due_on == TODAY + timedelta(days=1)
    assert not spell.duty_applies
    with pytest.raises(services.BylawError) as refused:
        services.remind_owner(org.test_staff, unit, TODAY)
    assert str(refused.value) == (
        "The reporting duty starts on 11-12-2026, six months after the vacancy began."
    )
    other = vacant_unit(SIX_MONTHS_AGO)
    assert services.clock_of(other, TODAY).duty_applies
    case = services.remind_owner(org.test_staff, other, TODAY)
    assert case.stage == BylawStage.REPORT_DUE and case.reminded_on == TODAY


def test_a_month_end_counts_to_the_last_day_of_a_shorter_month():
    assert services.report_due_on(date(2026, 8, 31)) == date(2027, 2, 28)
    assert services.escalation_from(date(2026, 8, 31)) == date(2027, 8, 31)


def test_report_consult_and_escalate_in_order(org, vacant_unit):
    unit = vacant_unit(YEAR_AGO)
    staff = org.test_staff
    case = services.record_report(
        staff, unit, TODAY - timedelta(days=3), ReportChannel.EMAIL, TODAY
    )
    assert case.stage == BylawStage.REPORTED and case.reported_via == ReportChannel.EMAIL
    services.invite_to_consult(staff, unit, TODAY, TODAY)
    case = services.escalate(staff, unit, TODAY)
    assert case.stage == BylawStage.ESCALATED and case.escalated_on == TODAY


def test_steps_out_of_order_are_refused_with_the_reason(org, vacant_unit):
    unit = vacant_unit(SIX_MONTHS_AGO)
    staff = org.test_staff
    with pytest.raises(services.BylawError) as refused:
        services.escalate(staff, unit, TODAY)
    assert "Escalation is possible from 10-06-2027" in str(refused.value)
    db.session.rollback()
    services.record_report(staff, unit, TODAY, ReportChannel.LETTER, TODAY)
    with pytest.raises(services.BylawError) as refused:
        services.record_report(staff, unit, TODAY, ReportChannel.LETTER, TODAY)
    assert str(refused.value) == "A case that is reported cannot become reported."
    with pytest.raises(services.BylawError) as refused:
        services.remind_owner(staff, unit, TODAY)
    assert str(refused.value) == "No reminder: the case is reported already."


def test_escalation_waits_for_the_consultation(org, vacant_unit):
    unit = vacant_unit(YEAR_AGO - timedelta(days=30))
    staff = org.test_staff
    services.invite_to_consult(staff, unit, TODAY + timedelta(days=7), TODAY)
    with pytest.raises(services.BylawError) as refused:
        services.escalate(staff, unit, TODAY)
    assert str(refused.value) == "Escalation follows the consultation of 17-12-2026."


def test_bad_dates_are_refused_on_their_field(org, vacant_unit):
    unit = vacant_unit(SIX_MONTHS_AGO)
    with pytest.raises(services.BylawError) as refused:
        services.record_report(
            org.test_staff, unit, TODAY + timedelta(days=1), ReportChannel.FORM, TODAY
        )
    assert refused.value.field == "reported_on"
    with pytest.raises(services.BylawError) as refused:
        services.invite_to_consult(org.test_staff, unit, TODAY - timedelta(days=1), TODAY)
    assert refused.value.field == "consult_on"


def test_without_a_bylaw_nothing_applies(english, make_org, make_unit):
    organisation = make_org()
    unit = make_unit(area=organisation.areas[0], vacant_since=YEAR_AGO)
    with pytest.raises(services.BylawError) as refused:
        services.remind_owner(organisation.test_staff, unit, TODAY)
    assert str(refused.value) == "No vacancy bylaw is in force for this unit's area."
    assert bylaw_steps([organisation.id], TODAY) == []
    assert queries.stage_counts(organisation.areas[0], TODAY) == {}


def test_tasks_appear_move_on_and_disappear_when_let(org, vacant_unit):
    unit = vacant_unit(SIX_MONTHS_AGO)
    vacant_unit(TODAY - timedelta(days=30))  # a month vacant: nothing to do yet
    [task] = bylaw_steps([org.id], TODAY)
    assert task.title == (
        f"Reporting duty for {unit.address}: remind the owner or record the report"
    )
    assert task.due == TODAY and task.url == f"/units/{unit.id}/bylaw"
    services.record_report(org.test_staff, unit, TODAY, ReportChannel.PHONE, TODAY)
    db.session.commit()
    [task] = bylaw_steps([org.id], TODAY)
    assert task.title == f"Invite the owner of {unit.address} to consult"
    assert task.due == date(2027, 3, 10)  # three months after the report
    move_unit(None, unit, UnitStatus.LET)
    db.session.commit()
    assert bylaw_steps([org.id], TODAY) == []
    assert services.open_case(unit) is None


def test_letting_the_unit_closes_the_case(org, vacant_unit):
    unit = vacant_unit(YEAR_AGO)
    case = services.remind_owner(org.test_staff, unit, TODAY)
    move_unit(None, unit, UnitStatus.LET)
    assert case.stage == BylawStage.CLOSED and case.closed_on == TODAY


def test_another_organisations_units_are_not_on_the_list(org, vacant_unit, make_org):
    vacant_unit(YEAR_AGO)
    assert len(bylaw_steps([org.id], TODAY)) == 1
    assert bylaw_steps([make_org().id], TODAY) == []


def test_stage_counts_per_area(org, vacant_unit):
    reported = vacant_unit(YEAR_AGO)
    vacant_unit(SIX_MONTHS_AGO)
    vacant_unit(TODAY - timedelta(days=10))
    services.record_report(org.test_staff, reported, TODAY, ReportChannel.FORM, TODAY)
    counts = queries.stage_counts(org.areas[0], TODAY)
    assert counts == {
        "running": 1,
        "report_due": 1,
        "reported": 1,
        "consult_invited": 0,
        "escalated": 0,
    }


def test_the_navigation_counts_the_same_steps_in_sql(org, vacant_unit):
    from vrijstad.todo.services import count_tasks

    for since in (SIX_MONTHS_AGO, YEAR_AGO, date(2026, 5, 31), TODAY - timedelta(days=20)):
        vacant_unit(since)
    for day in (TODAY, date(2027, 2, 28), date(2027, 2, 14), date(2026, 11, 16)):
        assert count_tasks([org.id], day) == len(bylaw_steps([org.id], day)), day


@pytest.mark.parametrize(
    ("day", "months", "start"),
    [
        (date(2027, 2, 28), 6, date(2026, 8, 31)),
        (date(2027, 2, 27), 6, date(2026, 8, 27)),
        (date(2026, 9, 30), 6, date(2026, 3, 31)),
        (date(2026, 12, 10), 12, date(2025, 12, 10)),
    ],
)
def test_the_latest_start_is_the_inverse_of_adding_months(day, months, start):
    assert services.latest_start(day, months) == start
    assert services.clock.add_months(start, months) <= day
    assert services.clock.add_months(start + timedelta(days=1), months) > day
