"""Correcting a published contest: staff see "Close the entries" disabled until the day after
the deadline, extend the deadline by a week, and the entrant reads the notice and the new date
on the public page. Everyone works in English."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.test_contest_journey import log_in, log_out
from tests.contests.conftest import CLOSES, TODAY, contest_data, plan
from vrijstad.contests import services
from vrijstad.extensions import db, limiter


def test_staff_extend_the_entry_deadline_and_the_entrant_is_told(
    page: Page, live_server, app, make_org, make_unit, make_starter, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)
    organisation = make_org()
    staff = organisation.test_staff
    unit = make_unit(area=organisation.areas[0], street="Havenkade", house_number=7)
    starter = make_starter(name="Lotte Smit", trade_name="Lotte Leeft")
    for person in (staff, starter):
        person.locale = "en"
    contest = services.create_contest(staff, organisation, contest_data([unit]), today=TODAY)
    services.open_contest(staff, contest, today=TODAY)
    services.submit_entry(starter, contest, plan(trade_name="Lotte Leeft"), today=TODAY)
    db.session.commit()
    later = CLOSES + timedelta(days=5)

    log_in(page, staff.email)
    page.goto(f"/contests/{contest.id}/manage")
    expect(page.get_by_role("button", name="Close the entries")).to_be_disabled()
    expect(page.locator("#not-yet-close")).to_contain_text(
        (CLOSES + timedelta(days=1)).strftime("%d-%m-%Y")
    )
    page.get_by_text("Extend a deadline").click()
    page.get_by_label("Deadline").select_option("entries_close_on")
    page.get_by_label("New date").fill(later.isoformat())
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.get_by_text("The deadline is extended")).to_be_visible()
    log_out(page)

    log_in(page, starter.email)
    page.goto("/notifications")
    page.get_by_text("A deadline of Win een winkel Dijkerveen has been extended").first.click()
    expect(page.get_by_text(f"to {later.strftime('%d-%m-%Y')}")).to_be_visible()

    assert page.console_errors == []
    assert page.csp_violations == []
