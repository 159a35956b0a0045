"""A landlord opens a unit for short lets; a starter picks a weekend, sees the price and asks
for it; the landlord accepts; the calendar then shows the weekend booked.

The accounts use English, so the test reads the English texts (msgids), whatever the Dutch
translations become.
"""

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_out, logged_in, pass_second_step
from tests.conftest import PASSWORD
from vrijstad import clock


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_role("textbox", name="E-mailadres", exact=True).fill(email)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    pass_second_step(page, email)
    expect(logged_in(page)).to_be_attached()


def next_weekend() -> tuple[date, date]:
    """The first Saturday at least a week ahead, and the Sunday after it."""
    day = clock.today() + timedelta(days=7)
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)
    return saturday, saturday + timedelta(days=1)


def test_a_starter_books_a_weekend(page: Page, live_server, make_user, make_org, make_unit):
    organisation = make_org()
    landlord = make_user("landlord", email="eigenaar@example.nl", locale="en")
    unit = make_unit(
        owner=landlord, area=organisation.areas[0], street="Lange Poten", house_number=7
    )
    starter = make_user("starter", email="pop@example.nl", name="Pim Pop", locale="en")
    saturday, sunday = next_weekend()

    # The landlord opens the unit for short lets: € 75 a day, € 400 a week.
    log_in(page, landlord.email)
    page.goto(f"/units/{unit.id}/short-lets")
    page.get_by_label("Open this unit for short lets").check()
    page.get_by_label("Price per day excl. VAT (€)").fill("75")
    page.get_by_label("Price per week excl. VAT (€)").fill("400")
    page.get_by_label("Minimum stay (days)").fill("1")
    page.get_by_label("Maximum stay (days)").fill("30")
    page.get_by_label("Lead time (days)").fill("2")
    page.get_by_role("button", name="Save terms").click()
    expect(page.get_by_text("The short-let terms are saved.")).to_be_visible()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/calendar/[\w-]{40,}\.ics$"))
    log_out(page)

    # The starter picks the weekend; the price appears before sending (htmx, no reload).
    log_in(page, starter.email)
    page.goto(f"/units/{unit.id}/book")
    page.evaluate("window.__noReload = true")
    page.get_by_label("First day").fill(saturday.isoformat())
    page.get_by_label("Last day").fill(sunday.isoformat())
    page.get_by_label("Last day").dispatch_event("change")
    expect(page.locator("#price")).to_contain_text("Price: €150.00 excl. VAT")
    expect(page.locator("#price")).to_contain_text("2 × day rate")
    assert page.evaluate("window.__noReload") is True
    # A range ending before it starts is refused with the reason, live.
    page.get_by_label("Last day").fill((saturday - timedelta(days=1)).isoformat())
    page.get_by_label("Last day").dispatch_event("change")
    expect(page.locator("#price")).to_contain_text("The last day cannot be before the first day.")
    page.get_by_label("Last day").fill(sunday.isoformat())
    page.get_by_label("Last day").dispatch_event("change")
    expect(page.locator("#price")).to_contain_text("€150.00")
    page.get_by_label("Message to the landlord").fill("A weekend pop-up with prints.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request has been sent to the landlord.")).to_be_visible()
    expect(page.get_by_role("cell", name="requested")).to_be_visible()
    log_out(page)

    # The landlord accepts.
    log_in(page, landlord.email)
    expect(page.locator(".notifications-link .badge")).to_contain_text("1")
    page.goto(f"/units/{unit.id}/bookings")
    page.get_by_role("button", name="Accept the request of Pim Pop").click()
    expect(page.get_by_text("The booking is accepted; the days are booked.")).to_be_visible()
    log_out(page)

    # The calendar shows the weekend booked (navigating months with htmx if need be).
    log_in(page, starter.email)
    page.goto(f"/units/{unit.id}/book")
    page.evaluate("window.__noReload = true")
    calendar = page.locator("#popup-calendar")
    if saturday.month != clock.today().month:
        calendar.get_by_role("link", name="Next month").click()
        expect(page.locator(f'table[data-month="{saturday:%Y-%m}"]')).to_be_visible()
    for day in (saturday, sunday):
        if day.month == saturday.month:
            expect(page.locator(f'td[data-date="{day.isoformat()}"]')).to_have_attribute(
                "data-state", "booked"
            )
    expect(page.locator(f'td[data-date="{saturday - timedelta(days=1)}"]')).not_to_have_attribute(
        "data-state", "booked"
    )
    assert page.evaluate("window.__noReload") is True
    page.goto("/my/bookings")
    expect(page.get_by_role("cell", name="accepted")).to_be_visible()

    assert page.console_errors == []
    assert page.csp_violations == []
