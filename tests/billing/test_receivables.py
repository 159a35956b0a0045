"""Receivables: open, overdue and paid invoices for staff, reminders at 7 and 21 days."""

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from vrijstad import clock
from vrijstad.billing import receivables
from vrijstad.billing import services as billing
from vrijstad.billing.models import InvoiceReminder
from vrijstad.extensions import db
from vrijstad.letting.models import TurnoverReport
from vrijstad.notifications.models import Notification

NOV = date(2026, 11, 1)

# The collective's scenario is set in the autumn of 2026 (placements from 1 January, November
# invoiced and paid, December's late payments): these tests run on 10 December 2026.
pytestmark = pytest.mark.clock("2026-12-10T10:00")


def issued(place, unit_index=0, base=100_000, name=None):
    placement = place(unit_index, base=base, name=name or f"Starter {unit_index}")
    invoice = billing.issue_invoice(placement, NOV, issued_on=date(2026, 11, 1))
    db.session.commit()
    return invoice  # due 15 November (14 days)


def kinds_for(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Notification.kind)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def test_reminders_go_out_once_at_7_and_21_days(ctx, collective, place, outbox):
    invoice = issued(place)
    assert invoice.due_on == date(2026, 11, 15)
    assert receivables.send_reminders(date(2026, 11, 21)) == []  # 6 days late: not yet
    first = receivables.send_reminders(date(2026, 11, 22))
    db.session.commit()
    assert [(r.invoice_id, r.level) for r in first] == [(invoice.id, 7)]
    assert receivables.send_reminders(date(2026, 11, 23)) == []  # never twice
    second = receivables.send_reminders(date(2026, 12, 6))
    db.session.commit()
    assert [r.level for r in second] == [21]
    assert kinds_for(invoice.starter_id) == ["invoice.reminder_7", "invoice.reminder_21"]
    assert kinds_for(collective.staff.id) == ["invoice.overdue_staff"]
    assert any(invoice.reference in mail.get_body(("plain",)).get_content() for mail in outbox())


def test_a_late_first_run_sends_only_the_sternest_reminder(ctx, collective, place):
    invoice = issued(place)
    sent = receivables.send_reminders(date(2026, 12, 20))  # 35 days overdue, nothing sent yet
    db.session.commit()
    assert [r.level for r in sent] == [21]
    assert receivables.send_reminders(date(2026, 12, 21)) == []  # no friendlier one afterwards
    assert db.session.scalar(sa.select(sa.func.count(InvoiceReminder.id))) == 1
    assert kinds_for(invoice.starter_id) == ["invoice.reminder_21"]


def test_paid_invoices_get_no_reminder(ctx, collective, place):
    invoice = issued(place)
    billing.record_payment(None, invoice, invoice.total_cents, date(2026, 11, 20))
    db.session.commit()
    assert receivables.send_reminders(date(2026, 12, 31)) == []


def test_part_payment_leaves_the_rest_overdue(ctx, collective, place):
    invoice = issued(place)
    billing.record_payment(None, invoice, 20_000, date(2026, 11, 20))
    db.session.commit()
    totals = receivables.totals(invoice.organisation_id, date(2026, 11, 30))
    assert (totals.overdue_count, totals.overdue_cents) == (1, invoice.total_cents - 20_000)
    assert [r.level for r in receivables.send_reminders(date(2026, 11, 30))] == [7]


def test_receivables_page_tabs_and_totals(ctx, client, login, collective, place):
    late = issued(place, 0, base=100_000, name="Laat")
    paid = issued(place, 1, base=50_000, name="Netjes")
    billing.record_payment(None, paid, paid.total_cents, date(2026, 11, 10))
    db.session.commit()
    login(collective.staff)
    url = f"/organisations/{collective.organisation_id}/receivables"
    overdue = client.get(url, query_string={"show": "overdue"})
    assert overdue.status_code == 200
    assert "Laat" in overdue.text and "Netjes" not in overdue.text
    assert "€\xa01.210,00" in overdue.text  # 1,000 + 21 % VAT outstanding
    done = client.get(url, query_string={"show": "paid"})
    assert "Netjes" in done.text and "Laat" not in done.text
    assert client.get(url, query_string={"show": "nonsense"}).status_code == 400
    rows = list(csv.reader(io.StringIO(client.get(url + ".csv?show=all").text), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [str(late.number), str(paid.number)]
    assert rows[1][6] == "1210,00" and rows[2][6] == "0,00"


def test_only_the_organisations_staff_see_receivables(
    ctx, client, login, collective, place, make_org, make_user
):
    invoice = issued(place)
    url = f"/organisations/{collective.organisation_id}/receivables"
    for stranger in (make_org().test_staff, make_user("landlord"), make_user("starter")):
        login(stranger)
        assert client.get(url).status_code == 403
        assert client.get(url + ".csv").status_code == 403
        assert client.post(url + "/remind").status_code == 403
        client.post("/logout")
    assert db.session.scalar(sa.select(sa.func.count(InvoiceReminder.id))) == 0
    assert invoice.id


def test_staff_can_send_due_reminders_from_the_page(ctx, client, login, collective, place):
    invoice = issued(place)
    invoice.due_on = clock.today() - timedelta(days=8)
    db.session.commit()
    login(collective.staff)
    url = f"/organisations/{collective.organisation_id}/receivables"
    response = client.post(url + "/remind", follow_redirects=True)
    assert response.status_code == 200
    assert "1 herinnering verstuurd" in response.text or "1 reminder sent" in response.text
    assert client.post(url + "/remind").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(InvoiceReminder.id))) == 1


def test_remind_command(ctx, runner, collective, place):
    invoice = issued(place)
    result = runner.invoke(args=["remind", "--date", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "1 reminders sent" in result.output
    assert runner.invoke(args=["remind", "--date", "2026-11-22"]).output.startswith("0 ")
    assert runner.invoke(args=["remind", "--date", "22-11-2026"]).exit_code != 0
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.user_id == invoice.starter_id)
    )
    assert notice.url.endswith(f"/invoices/{invoice.id}/pay")


def test_turnover_reminders_before_and_after_the_deadline(ctx, collective, place, runner):
    from vrijstad.letting.models import TurnoverReminder
    from vrijstad.letting.services import send_turnover_reminders

    late = place(0, turnover_bp=800, name="Laatkomer")
    on_time = place(1, turnover_bp=800, name="Stipt")
    fixed = place(0, base=50_000, name="Vast", start_date=date(2026, 1, 1))  # no turnover clause
    db.session.add(
        TurnoverReport(
            placement_id=on_time.id,
            period=date(2026, 10, 1),
            turnover_cents=500_000,
            evidence_key="x",
        )
    )
    db.session.commit()
    # October's reports are due on 10 November.
    assert send_turnover_reminders(date(2026, 11, 6)) == []  # too early to nag
    due = send_turnover_reminders(date(2026, 11, 7))
    db.session.commit()
    assert [(r.placement_id, r.kind) for r in due] == [(late.id, "due")]
    assert send_turnover_reminders(date(2026, 11, 9)) == []  # once
    overdue = send_turnover_reminders(date(2026, 11, 11))
    db.session.commit()
    assert [(r.placement_id, r.kind) for r in overdue] == [(late.id, "late")]
    assert kinds_for(late.starter_id) == ["turnover.due", "turnover.late"]
    assert kinds_for(on_time.starter_id) == [] and kinds_for(fixed.starter_id) == []
    assert kinds_for(collective.staff.id) == ["turnover.late_staff"]
    assert db.session.scalar(sa.select(sa.func.count(TurnoverReminder.id))) == 2
