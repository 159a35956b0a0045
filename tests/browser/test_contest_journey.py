"""Win een winkel from start to finish: staff create and open a contest and invite a juror; a
starter enters; the juror signs up through the e-mailed link; staff shortlist and start judging;
the juror scores in place; staff close judging and announce the winner; the winner's first
invoice shows the prize discount. Everyone works in English, so the test reads English texts."""

import io
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import log_out, logged_in, pass_second_step
from tests.conftest import PASSWORD
from vrijstad import clock
from vrijstad.billing import services as billing
from vrijstad.contests.models import Contest
from vrijstad.extensions import db, limiter
from vrijstad.letting.models import Placement
from vrijstad.money import format_eur


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    pass_second_step(page, email)
    expect(logged_in(page)).to_be_attached()


def test_from_contest_creation_to_a_winner_whose_first_invoice_shows_the_discount(
    page: Page, live_server, app, make_org, make_unit, make_starter, outbox, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)  # seven logins from one address: no attack
    organisation = make_org()
    staff = organisation.test_staff
    make_unit(
        area=organisation.areas[0],
        street="Havenkade",
        house_number=7,
        rent_cents_per_year=2_400_000,
    )  # € 2.000 a month
    starter = make_starter(name="Lotte Smit", trade_name="Lotte Leeft")
    for person in (staff, starter):
        person.locale = "en"
    db.session.commit()
    starts = (clock.today() + timedelta(days=80)).replace(day=1)
    if starts <= clock.today() + timedelta(days=70):  # after the announcement, on the 1st
        starts = (starts + timedelta(days=32)).replace(day=1)

    # Staff draft the call: a sliding discount, a budget, the default jury criteria.
    log_in(page, staff.email)
    page.get_by_role("navigation").get_by_role("link", name="Win a shop").click()
    page.get_by_role("button", name=f"New contest for {organisation.name}").click()
    page.locator("#title").fill("Win een winkel aan de Havenkade")
    page.locator("#description").fill("Your shop on the Havenkade with a year of reduced rent.")
    page.get_by_label("Havenkade 7, Dijkerveen").check()
    page.get_by_label("A sliding rent discount").check()
    page.locator("#discount_schedule").fill("1-2: 50, 3-12: 25")
    page.locator("#prize_budget").fill("15.000")
    page.locator("#starts_on").fill(starts.isoformat())
    page.locator("#min_entries").fill("1")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The contest is saved as a draft.")).to_be_visible()
    page.get_by_role("button", name="Open the call").click()
    expect(page.get_by_text("The call is open")).to_be_visible()
    page.get_by_text("Invite a juror").click()
    page.locator("#name").fill("Bea Bank")
    page.locator("#email").fill("bea@bank.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to bea@bank.example")).to_be_visible()
    log_out(page)

    # The starter finds the call and enters with her plan.
    log_in(page, starter.email)
    page.get_by_role("navigation").get_by_role("link", name="Win a shop").click()
    page.get_by_role("link", name="Win een winkel aan de Havenkade").click()
    expect(page.get_by_text("Months 3–12: 25 % discount")).to_be_visible()
    page.get_by_role("button", name="Enter this contest").click()
    answers = {
        "#idea": "Yoga with a small shop: the Havenkade lacks a place to unwind.",
        "#uniqueness": "Classes on the quay in summer.",
        "#target_group": "Office workers and neighbours.",
        "#revenue_model": "Class cards and a small shop.",
        "#success": "Two hundred members in year three.",
        "#help_needed": "Marketing and bookkeeping.",
    }
    for selector, text in answers.items():
        page.locator(selector).fill(text)
    page.get_by_role("button", name="Send my entry").click()
    expect(page.get_by_text("Your entry is in. Good luck!")).to_be_visible()
    log_out(page)

    # The juror follows the e-mailed link, switches to English and signs up.
    mail = next(m for m in outbox() if m["To"] == "bea@bank.example")
    link = next(
        line
        for line in mail.get_body(("plain",)).get_content().splitlines()
        if "/contests/jury/" in line
    )
    page.goto("/" + link.strip().split("/", 3)[3])
    page.get_by_role("button", name="English").click()
    page.locator("#name").fill("Bea Bank")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.get_by_role("button", name="Join the jury").click()
    expect(
        page.get_by_text("Welcome to the jury of Win een winkel aan de Havenkade")
    ).to_be_visible()
    log_out(page)

    # A day after the deadline staff close the entries, shortlist and start judging.
    contest = db.session.scalar(sa.select(Contest))
    contest.entries_open_on = clock.today() - timedelta(days=20)
    contest.entries_close_on = clock.today() - timedelta(days=1)
    db.session.commit()
    log_in(page, staff.email)
    page.goto(f"/contests/{contest.id}/manage")
    page.get_by_role("button", name="Close the entries").click()
    page.get_by_label("Lotte Leeft").check()
    page.get_by_role("button", name="Choose these finalists").click()
    expect(page.get_by_text("The finalists are chosen")).to_be_visible()
    page.get_by_role("button", name="Start judging").click()
    expect(page.get_by_text("The jury can score the finalists now.")).to_be_visible()
    log_out(page)

    # The juror scores the finalist; the card is replaced in place.
    log_in(page, "bea@bank.example")
    page.get_by_role("navigation").get_by_role("link", name="Win a shop").click()
    page.get_by_role("link", name="Win een winkel aan de Havenkade").first.click()
    page.evaluate("window.__noReload = true")
    for score in page.locator("article.finalist input[type=number]").all():
        score.fill("8")
    page.get_by_role("button", name="Save my scores for Lotte Leeft").click()
    expect(page.get_by_text("Your scores are saved.")).to_be_visible()
    expect(page.locator("article.finalist")).to_contain_text("Your scores:")
    assert page.evaluate("window.__noReload") is True
    log_out(page)

    # Staff close judging and announce the winner the ranking suggests.
    log_in(page, staff.email)
    page.goto(f"/contests/{contest.id}/manage")
    page.get_by_role("button", name="Close judging").click()
    expect(page.locator("table.ranking")).to_contain_text("Lotte Leeft")
    expect(page.get_by_label("Havenkade 7, Dijkerveen")).to_have_value(str(contest.entries[0].id))
    page.get_by_role("button", name="Announce the winner").click()
    expect(page.get_by_text("The winner is announced")).to_be_visible()
    page.goto(f"/contests/{contest.id}")
    expect(page.locator("#result")).to_contain_text("Lotte Leeft")
    log_out(page)

    # The placement's first month is invoiced: € 2.000 rent, 50 % off, plus 21 % VAT.
    placement = db.session.scalar(sa.select(Placement).where(Placement.starter_id == starter.id))
    assert placement.start_date == starts and placement.discount_bp(1) == 5000
    with app.test_request_context("/?lang=en"):
        invoice = billing.issue_invoice(placement, starts)
        db.session.commit()
    assert invoice.total_cents == 121_000
    log_in(page, starter.email)
    page.get_by_role("navigation").get_by_role("link", name="My placements").click()
    expect(page.locator("main")).to_contain_text(format_eur(121_000, "en"))
    pdf = page.request.get(f"/invoices/{invoice.id}.pdf")
    assert pdf.ok
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Discount 50" in text and "month 1" in text
    log_out(page)

    assert page.console_errors == []
    assert page.csp_violations == []
