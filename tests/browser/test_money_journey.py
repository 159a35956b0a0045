"""The money journey in a collective: a starter reports turnover with evidence; staff check it
and issue the month's invoice; the starter finds how to pay it; staff see it in receivables and
record the bank payment; staff settle and approve; the landlord reads the statement."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import logged_in
from tests.browser.test_lettings_journey import log_in, log_out
from tests.conftest import PASSWORD
from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import services
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.forms import format_iban
from vrijstad.pdf import Document

NBSP = "\xa0"


def test_turnover_invoice_payment_settlement_statement(
    page: Page, live_server, collective, place, tmp_path
):
    placement = place(unit_index=0, base=100_000, turnover_bp=1000, name="Sanne Smit")
    starter = db.session.get(User, placement.starter_id)
    landlord = collective.units[0].owner
    last_month = (clock.this_month() - timedelta(days=1)).replace(day=1)
    this_month = clock.this_month()
    evidence = tmp_path / "kassa.pdf"
    doc = Document("Kassarapport")
    doc.paragraph("Omzet oktober: 12.000,00 excl. btw")
    evidence.write_bytes(doc.output())

    # The starter reports last month's turnover with the till report as evidence.
    log_in(page, starter.email)
    page.goto("/my/placements")
    page.locator(f"#period-{placement.id}").select_option(last_month.strftime("%Y-%m"))
    page.locator(f"#turnover-{placement.id}").fill("12.000,00")
    page.locator(f"#evidence-{placement.id}").set_input_files(str(evidence))
    page.locator("form[action$='/turnover'] button[type=submit]").click()
    expect(page.get_by_role("cell", name=f"€{NBSP}12.000,00")).to_be_visible()
    log_out(page)

    # Staff check the report and issue the invoice: 10 % of 12.000 beats the 1.000 base.
    log_in(page, collective.staff.email)
    page.goto(f"/collectives/{collective.id}?period={last_month:%Y-%m}")
    page.locator("form[action$='/review'] button[value=approve]").click()
    page.locator("form[action$='/invoices'] button").click()
    page.get_by_role("link", name="1 factuur uitgegeven.").click()  # the job's result
    invoices = page.locator("#invoices")
    expect(invoices).to_contain_text(f"€{NBSP}1.452,00")  # 1.200 rent + 21 % VAT
    log_out(page)

    # The starter sees the invoice and how to pay it: the IBAN and the reference.
    log_in(page, starter.email)
    page.goto("/my/placements")
    page.get_by_role("link", name="Betalen").click()
    expect(page.locator("main")).to_contain_text(format_iban(collective.organisation.iban))
    reference = page.locator("dl.facts strong").inner_text()
    assert reference.startswith("VS")
    log_out(page)

    # Staff find it among the open receivables, then record the bank payment.
    log_in(page, collective.staff.email)
    page.goto(f"/organisations/{collective.organisation_id}/receivables")
    expect(page.locator("main table")).to_contain_text("Sanne Smit")
    page.goto(f"/collectives/{collective.id}?period={last_month:%Y-%m}")
    page.locator("form[action$='/payments'] button").click()
    expect(page.locator("#invoices")).to_contain_text("betaald")

    # The month the money arrived is settled and approved: fund 5 %, organisation 10 %.
    page.goto(f"/collectives/{collective.id}?period={this_month:%Y-%m}")
    page.locator("form[action$='/settlements'] button").click()
    page.get_by_role("link", name="ontvangen en verdeeld").click()  # the job's result
    page.locator("#settlements table a").first.click()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"€{NBSP}1.200,00")
    expect(facts).to_contain_text(f"€{NBSP}1.020,00")  # the landlord
    expect(facts).to_contain_text(f"€{NBSP}60,00")  # the fund
    page.get_by_role("button", name="Goedkeuren").click()
    log_out(page)

    # The landlord reads the statement.
    log_in(page, landlord.email)
    page.goto("/my/statements")
    expect(page.locator("main")).to_contain_text(f"€{NBSP}1.020,00")
    assert page.console_errors == [] and page.csp_violations == []


def test_keyboard_only_login_and_unit_search(
    page: Page, live_server, make_user, make_org, make_unit
):
    """Every step by keyboard: Tab to the fields, type, Enter to submit."""
    organisation = make_org()
    make_unit(area=organisation.areas[0], street="Lange Hezelstraat", house_number=3)
    user = make_user("starter", email="toetsen@example.nl")
    page.goto("/login")
    page.keyboard.press("Tab")  # the first stop is the skip link
    expect(page.locator(":focus")).to_have_attribute("href", "#main")
    for _ in range(40):  # on to the e-mail field, through the navigation
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "email":
            break
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(logged_in(page)).to_be_attached()
    page.goto("/units")
    page.get_by_label("Straat").focus()
    page.keyboard.type("Lange Hezelstraat")
    page.keyboard.press("Enter")
    expect(page.locator(".unit-cards")).to_contain_text("Lange Hezelstraat 3")
    assert page.console_errors == []


def test_staff_allocate_and_the_starter_is_invited(
    page: Page, live_server, org, make_unit, make_starter
):
    from vrijstad.starters.models import BranchGroup, SpaceKind
    from vrijstad.units.models import PermittedUse

    area = org.areas[0]
    unit = make_unit(
        area=area,
        street="Hoogstraat",
        house_number=21,
        floor_area_vvo=90,
        rent_cents_per_year=1_200_000,
        permitted_uses=[PermittedUse.DETAILHANDEL],
    )
    starter = make_starter(
        name="Floor Fashion",
        trade_name="Floor's Atelier",
        branch_group=BranchGroup.FASHION_LUXURY,
        required_use=PermittedUse.DETAILHANDEL,
        min_area_m2=60,
        max_area_m2=120,
        budget_cents_per_month=150_000,
        earliest_start=clock.today(),
        space_kind=SpaceKind.WHOLE_UNIT,
        streets=[area.streets[0]],
    )
    # A starter who fits as well but signed for another unit already: the allocation skips her.
    housed = make_starter(
        name="Hanna Huisvest",
        trade_name="Hanna's Hoeden",
        branch_group=BranchGroup.FASHION_LUXURY,
        required_use=PermittedUse.DETAILHANDEL,
        min_area_m2=60,
        max_area_m2=120,
        budget_cents_per_month=150_000,
        earliest_start=clock.today(),
        space_kind=SpaceKind.WHOLE_UNIT,
        streets=[area.streets[0]],
    )
    elsewhere = make_unit(area=area, street="Kerkstraat", house_number=3)
    application = services.submit_application(housed, elsewhere, MOTIVATION)
    services.shortlist(elsewhere.owner, application)
    start = clock.today() + timedelta(days=14)
    services.make_offer(
        elsewhere.owner,
        application,
        services.OfferTerms(
            kind=SpaceKind.WHOLE_UNIT,
            start_date=start,
            end_date=start + timedelta(days=730),
            base_fee_cents_per_month=100_000,
            turnover_basis_points=0,
            deposit_cents=0,
        ),
    )
    services.accept_offer(housed, application)
    db.session.commit()

    log_in(page, org.test_staff.email)
    page.goto(f"/organisations/{org.id}/allocation")
    for box in page.locator("fieldset input[type=checkbox]").all():
        box.check()
    page.locator("button[name=run]").click()
    result = page.locator("section[aria-labelledby=result-heading]")
    expect(result).to_contain_text("Floor's Atelier")
    expect(result).to_contain_text(f"Hoogstraat {unit.house_number}")
    expect(result).not_to_contain_text("Hanna")
    page.locator("form[action$='/allocation/invite'] button[type=submit]").click()
    log_out(page)
    log_in(page, starter.email)
    page.goto("/notifications")
    expect(page.locator("main")).to_contain_text(f"Hoogstraat {unit.house_number}")
    assert page.console_errors == [] and page.csp_violations == []
