"""The "Te doen" page, the staff's home and the count in the navigation."""

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import g

from vrijstad import clock
from vrijstad.billing import services as billing
from vrijstad.extensions import db
from vrijstad.letting.models import HeadLease, HeadLeaseKind, HeadLeaseStatus
from vrijstad.todo.registry import Severity, Task, by_urgency
from vrijstad.todo.services import task_count, tasks_of

pytestmark = pytest.mark.clock("2026-12-10T10:00")
NOV = date(2026, 11, 1)


@contextmanager
def statements():
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def busy(collective, place) -> None:
    """Invoices to issue, overdue invoices, a settlement to approve, landlords without IBAN."""
    for index in (0, 1, 0, 1):
        placement = place(unit_index=index, base=100_000)
        billing.issue_invoice(placement, NOV, issued_on=NOV)
    paid = billing.issue_invoice(place(base=10_000), NOV, issued_on=NOV)
    billing.record_payment(None, paid, paid.total_cents, NOV + timedelta(days=2))
    billing.calculate_settlement(None, collective, NOV)
    db.session.commit()


def badge(page: str) -> str | None:
    found = re.search(r'class="todo-link">Te doen <span class="badge">(\d+)', page)
    return found.group(1) if found else None


def test_tasks_are_sorted_overdue_first_then_by_due_date():
    today = date(2026, 12, 10)

    def task(title, due, severity=Severity.ACTION):
        return Task(title, "", due, "/", "test", severity)

    tasks = [
        task("no date", None),
        task("next week", today + timedelta(days=7)),
        task("today", today),
        task("late, note", today - timedelta(days=3), Severity.NOTE),
        task("late, urgent", today - timedelta(days=3), Severity.URGENT),
        task("long overdue", today - timedelta(days=30)),
    ]
    assert [t.title for t in by_urgency(tasks, today)] == [
        "long overdue",
        "late, urgent",
        "late, note",
        "today",
        "next week",
        "no date",
    ]


def test_staff_see_their_tasks_with_links_and_the_count_in_the_menu(
    ctx, client, login, collective, place
):
    busy(collective, place)
    login(collective.staff)
    page = client.get("/todo")
    assert page.status_code == 200
    tasks = tasks_of(collective.staff, clock.today())
    assert len(tasks) == 5  # invoices of December, overdue, settlement, two landlords' IBANs
    assert badge(page.text) == "5"
    for task in tasks:
        assert f'href="{task.url}"' in page.text.replace("&amp;", "&")
    # The most urgent first: the overdue invoices (since 15 November) lead.
    assert page.text.index("achterstallige facturen") < page.text.index("Keur de afrekening")
    home = client.get("/")
    assert "Te doen" in home.text and "achterstallige facturen opvolgen" in home.text
    assert badge(home.text) == "5"


def test_a_task_done_leaves_the_list_and_the_count(ctx, client, login, collective, place):
    busy(collective, place)
    login(collective.staff)
    assert badge(client.get("/todo").text) == "5"
    settlement = billing.calculate_settlement(None, collective, NOV)
    billing.approve_settlement(collective.staff, settlement)
    db.session.commit()
    page = client.get("/todo").text
    assert badge(page) == "4" and "Keur de afrekening" not in page


def test_another_organisations_staff_see_none_of_these_tasks(
    ctx, client, login, collective, place, make_org
):
    busy(collective, place)
    other = make_org()
    login(other.test_staff)
    page = client.get("/todo")
    assert page.status_code == 200 and badge(page.text) is None
    assert "Niets te doen" in page.text


@pytest.mark.parametrize("role", ["landlord", "starter"])
def test_landlords_and_starters_have_no_todo_page(client, login, make_user, role):
    user = make_user(role)
    login(user)
    assert client.get("/todo").status_code == 403
    assert "Te doen" not in client.get("/").text


def test_the_navigation_count_costs_a_few_statements_however_many_tasks(
    app, collective, place, make_user
):
    with app.test_request_context():
        busy(collective, place)
        assert collective.staff.id  # loaded, as the signed-in user of a request is
        with statements() as few:
            assert task_count(collective.staff, clock.today()) == 5
        del g.todo_count
        for _ in range(10):  # ten more tasks change nothing in the cost
            db.session.add(
                HeadLease(
                    collective_id=collective.id,
                    unit_id=collective.units[0].id,
                    landlord_id=make_user("landlord").id,
                    status=HeadLeaseStatus.ACTIVE,
                    kind=HeadLeaseKind.FIXED,
                    rent_cents_per_month=1,
                    start_date=NOV,
                )
            )
        db.session.commit()
        assert collective.staff.id
        with statements() as many:
            assert task_count(collective.staff, clock.today()) == 15
        # The memberships, one statement for the providers' counts, the subsidy clock's query.
        assert len(many) == len(few) <= 3
        with statements() as again:
            assert task_count(collective.staff, clock.today()) == 15
        assert again == []  # once per request


def test_the_list_is_paged_with_the_counts_of_every_kind_kept(ctx, client, login, org):
    """A busy organisation's list (1,465 tasks for the bench's) shows 50 a page, the most
    urgent first; the count of each kind is of the whole list, and a kind can be shown alone."""
    from vrijstad.todo import services

    today = date(2026, 12, 10)
    tasks = by_urgency(
        [
            Task(f"Taak {n:03d}", "", today - timedelta(days=n), "/", "billing.overdue")
            for n in range(120)
        ]
        + [Task("Contest", "", today, "/", "contests.phase")],
        today,
    )
    first = services.page_of(tasks, 1)
    assert len(first.items) == 50 and first.pages == 3 and first.total == 121
    assert first.items[0].title == "Taak 119"  # the longest overdue first
    assert first.by_group == {"billing": 120, "contests": 1}
    last = services.page_of(tasks, 99)
    assert last.page == 3 and len(last.items) == 21 and last.items[-1].title == "Taak 000"
    only = services.page_of(tasks, 1, "contests")
    assert [t.title for t in only.items] == ["Contest"] and only.by_group == first.by_group
    assert services.page_of(tasks, 1, "nope").items == []


def test_the_page_shows_a_page_and_links_the_next(
    ctx, client, login, collective, place, monkeypatch
):
    from vrijstad.todo import services

    monkeypatch.setattr(services, "PER_PAGE", 2)
    busy(collective, place)
    login(collective.staff)
    page = client.get("/todo").text
    assert page.count('<tr class="') == 2 and badge(page) == "5"
    assert "Pagina 1 van 3 (5 taken)" in page and "/todo?page=2" in page
    assert re.search(r"Alle \(5\)", page) and re.search(r"Betalingen \(2\)", page)
    last = client.get("/todo?page=3").text
    assert last.count('<tr class="') == 1 and "/todo?page=2" in last
    assert client.get("/todo?page=999999999999").status_code == 200
    payments = client.get("/todo?kind=payments").text
    assert payments.count('<tr class="') == 2 and "Pagina" not in payments
    assert re.search(r"Alle \(5\)", payments)  # the counts stay those of the whole list
    home = client.get("/").text
    assert home.count('<tr class="') == 2 and "/todo?page=2" in home
