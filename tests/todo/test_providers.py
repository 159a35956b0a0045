"""Each feature's tasks on the staff's "Te doen" list: there while the state calls for them,
gone once done; only the staff's own organisations."""

from datetime import date, timedelta

import pytest
import time_machine

from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import services as applications
from vrijstad.billing import services as billing
from vrijstad.extensions import db
from vrijstad.letting import services as letting
from vrijstad.letting.models import TurnoverReport, TurnoverStatus
from vrijstad.payments.models import PayoutAccount
from vrijstad.todo.registry import Severity
from vrijstad.todo.services import open_tasks

# Placements run from 1 January 2026 (a_year_ago); the list is read on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


def kinds(organisation_id: int, kind: str, today: date | None = None) -> list:
    return [
        task for task in open_tasks([organisation_id], today or clock.today()) if task.kind == kind
    ]


def test_a_running_placement_asks_for_this_months_invoice_until_it_is_issued(
    ctx, collective, place
):
    placement = place(base=100_000)
    billing.issue_invoice(placement, NOV, issued_on=NOV)  # last month is done
    [task] = kinds(collective.organisation_id, "billing.invoice")
    assert "december 2026" in task.title and task.due == DEC
    assert task.url.endswith(f"/collectives/{collective.id}?period=2026-12#invoices")
    billing.issue_invoice(placement, DEC)
    assert kinds(collective.organisation_id, "billing.invoice") == []


def test_a_turnover_month_is_to_invoice_once_its_report_is_in(ctx, collective, place):
    placement = place(base=50_000, turnover_bp=500)
    for month in range(1, 12):  # January to October invoiced; November not reported yet
        period = date(2026, month, 1)
        db.session.add(
            TurnoverReport(
                placement_id=placement.id, period=period, turnover_cents=1, status="checked"
            )
        )
        if month < 11:
            db.session.flush()
            billing.issue_invoice(placement, period)
    db.session.flush()
    [task] = kinds(collective.organisation_id, "billing.invoice")
    assert "november 2026" in task.title and task.due == NOV
    billing.issue_invoice(placement, NOV)
    assert kinds(collective.organisation_id, "billing.invoice") == []


def test_overdue_invoices_are_one_urgent_task_until_paid(ctx, collective, place):
    first, second = place(base=100_000), place(unit_index=1, base=50_000)
    late = billing.issue_invoice(first, NOV, issued_on=NOV)  # due 15 November
    billing.issue_invoice(second, NOV, issued_on=NOV)
    billing.issue_invoice(first, DEC, issued_on=DEC)  # due 15 December: not yet
    [task] = kinds(collective.organisation_id, "billing.overdue")
    assert task.title == "2 achterstallige facturen opvolgen"
    assert task.due == date(2026, 11, 16) and task.severity is Severity.URGENT
    assert "show=overdue" in task.url
    billing.record_payment(None, late, late.total_cents, DEC)
    [task] = kinds(collective.organisation_id, "billing.overdue")
    assert task.title == "1 achterstallige factuur opvolgen"


def test_a_calculated_settlement_waits_for_approval_then_is_gone(ctx, collective, place):
    placement = place(base=100_000)
    invoice = billing.issue_invoice(placement, NOV, issued_on=NOV)
    billing.record_payment(None, invoice, invoice.total_cents, NOV + timedelta(days=3))
    settlement = billing.calculate_settlement(None, collective, NOV)
    [task] = kinds(collective.organisation_id, "billing.settlement")
    assert "Samen in de Stad" in task.title and "november 2026" in task.title
    assert task.url == f"/settlements/{settlement.id}"
    billing.approve_settlement(collective.staff, settlement)
    assert kinds(collective.organisation_id, "billing.settlement") == []


def test_a_submitted_turnover_report_is_to_check_until_checked(ctx, collective, place):
    placement = place(base=50_000, turnover_bp=500)
    report = TurnoverReport(
        placement_id=placement.id, period=NOV, turnover_cents=100_000, evidence_key="x"
    )
    db.session.add(report)
    db.session.flush()
    [task] = kinds(collective.organisation_id, "letting.turnover")
    assert placement.starter_trade_name in task.title and task.due == date(2026, 12, 17)
    assert task.url.endswith(f"/collectives/{collective.id}?period=2026-11#turnover")
    letting.review_turnover(collective.staff, report, "Which receipts?")
    assert report.status == TurnoverStatus.QUESTIONED  # the starter's move now
    assert kinds(collective.organisation_id, "letting.turnover") == []


def test_landlords_without_an_iban_are_asked_for_one(ctx, collective):
    first, second = collective.units
    tasks = kinds(collective.organisation_id, "payments.iban")
    assert sorted(task.title for task in tasks) == [
        "Vraag Eigenaar 1 om een bankrekening (IBAN)",
        "Vraag Eigenaar 2 om een bankrekening (IBAN)",
    ]
    db.session.add(PayoutAccount(landlord_id=first.owner_id, iban="NL91ABNA0417164300"))
    db.session.add(PayoutAccount(landlord_id=second.owner_id, stripe_account_id="acct_1"))
    db.session.flush()
    [task] = kinds(collective.organisation_id, "payments.iban")
    assert "Eigenaar 2" in task.title


def test_an_application_unanswered_for_a_week_shows_until_answered(ctx, org, unit, starter):
    application = applications.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    assert kinds(org.id, "applications.unanswered") == []
    with time_machine.travel(clock.now() + timedelta(days=8), tick=False):
        [task] = kinds(org.id, "applications.unanswered")
        assert task.url == f"/applications/{application.id}"
        assert task.due == clock.today() - timedelta(days=1)
        applications.shortlist(org.test_staff, application)
        assert kinds(org.id, "applications.unanswered") == []


def test_an_open_offer_shows_three_days_before_its_start(ctx, org, offered, terms):
    start = terms.start_date
    assert kinds(org.id, "applications.offer") == []
    [task] = kinds(org.id, "applications.offer", start - timedelta(days=3))
    assert task.due == start and task.severity is Severity.URGENT
    applications.withdraw_offer(org.test_staff, offered)
    assert kinds(org.id, "applications.offer", start - timedelta(days=3)) == []


def test_staff_see_only_their_own_organisations_tasks(ctx, collective, make_org):
    other = make_org()
    assert kinds(collective.organisation_id, "payments.iban")
    assert open_tasks([other.id], clock.today()) == []
    assert open_tasks([], clock.today()) == []
