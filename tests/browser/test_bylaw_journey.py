"""A vacancy under the bylaw, escalated by staff (issue 24): an admin of the organisation
records the municipality's vacancy bylaw; the unit vacant for thirteen months appears on "Te
doen"; staff remind the owner (the letter downloads), record the owner's report, invite to
consult and escalate; the escalation notice downloads as a PDF with the unit's address."""

import sqlalchemy as sa
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.test_lettings_journey import log_in
from vrijstad import clock
from vrijstad.bylaw.models import BylawCase, BylawStage
from vrijstad.extensions import db


def pdf_text(download) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages).split()
    )


def test_staff_escalate_a_twelve_month_vacancy(
    page: Page, live_server, make_org, make_user, make_unit, outbox
):
    organisation = make_org(name="Binnenstad Dijkerveen", staff_role="admin")
    owner = make_user("landlord", name="Henk Pandeigenaar")
    vacant_since = clock.add_months(clock.today(), -13)
    unit = make_unit(
        owner=owner, area=organisation.areas[0], street="Kerkstraat", vacant_since=vacant_since
    )
    address = f"Kerkstraat {unit.house_number}"

    log_in(page, organisation.test_staff.email)
    page.goto(f"/organisations/{organisation.id}/bylaw")
    expect(page.get_by_text("Er is geen leegstandsverordening vastgelegd")).to_be_visible()
    page.get_by_label("Gemeente (ondertekent de brieven)").fill("Gemeente Dijkerveen")
    page.get_by_label("Van kracht sinds").fill("2024-01-01")
    page.get_by_role("button", name="Verordening opslaan").click()
    expect(page.get_by_text("De leegstandsverordening is opgeslagen.")).to_be_visible()
    expect(page.locator("main table")).to_contain_text(address)

    page.get_by_role("navigation").get_by_role("link", name="Te doen").click()
    task = page.get_by_role("link", name=f"Meldplicht voor {address}")
    expect(task).to_be_visible()
    task.click()
    expect(page.get_by_role("heading", name=f"Leegstandsverordening: {address}")).to_be_visible()

    page.get_by_role("button", name="Herinner de eigenaar aan de meldplicht").click()
    expect(
        page.get_by_text(f"De stap is vastgelegd en de brief is gemaild naar {owner.email}")
    ).to_be_visible()
    with page.expect_download() as reminder:
        page.get_by_role("link", name="Herinnering aan de meldplicht (pdf)").click()
    text = pdf_text(reminder)
    assert address in text and "meldplicht" in text.lower() and " u " in text

    page.get_by_label("Gemeld op").fill(clock.today().isoformat())
    page.get_by_label("Ontvangen via").select_option("email")
    page.get_by_role("button", name="Melding vastleggen").click()
    expect(page.get_by_text("De melding van de eigenaar is vastgelegd.")).to_be_visible()

    page.get_by_label("Overleg op").fill(clock.today().isoformat())
    page.get_by_role("button", name="Uitnodigen voor overleg").click()
    expect(
        page.get_by_text(f"De stap is vastgelegd en de brief is gemaild naar {owner.email}")
    ).to_be_visible()

    page.get_by_role("button", name="Escaleren: de gemeente mag een gebruiker voordragen").click()
    expect(
        page.get_by_text(f"De stap is vastgelegd en de brief is gemaild naar {owner.email}")
    ).to_be_visible()
    with page.expect_download() as notice:
        page.get_by_role("link", name="Kennisgeving van escalatie (pdf)").click()
    assert notice.value.suggested_filename == f"leegstand-{unit.id}-escalation.pdf"
    text = pdf_text(notice)
    assert f"{address}, {unit.postcode} {unit.city}" in text and "Gemeente Dijkerveen" in text

    assert [m["To"] for m in outbox()] == [owner.email] * 3  # each letter mailed, PDF attached

    db.session.expire_all()
    case = db.session.scalar(sa.select(BylawCase))
    assert case.stage == BylawStage.ESCALATED

    page.goto("/todo")
    expect(page.get_by_role("link", name=f"Meldplicht voor {address}")).to_have_count(0)
    page.goto(f"/dashboard/areas/{organisation.areas[0].id}")
    expect(page.locator("#h-levers").locator("..")).to_contain_text("geëscaleerd")
