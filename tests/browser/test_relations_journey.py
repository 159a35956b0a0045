"""The oliemannetje's day: staff open "Te doen", follow up a relation by logging a call (the
task is gone), then write to every owner of a unit empty for over six months in one street;
the owner without an e-mail address is listed as not reached."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import open_my_menu
from tests.browser.test_reflow import log_in
from vrijstad import clock
from vrijstad.extensions import db, limiter
from vrijstad.relations import services
from vrijstad.units.models import UnitStatus


def test_staff_follow_up_a_relation_and_message_a_segment(
    page: Page, live_server, make_org, make_unit, outbox, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)
    organisation = make_org()
    staff = organisation.test_staff
    area = organisation.areas[0]
    long_ago = clock.add_months(clock.today(), -8)

    def owner(name: str, email: str | None, **unit) -> None:
        data = {"kind": "owner", "name": name, "email": email}
        relation = services.create_relation(staff, organisation, data)
        made = make_unit(area=area, status=UnitStatus.DRAFT, vacant_since=long_ago, **unit)
        services.link_unit(relation, made)
        if name == "Mevrouw Bakker":
            services.set_follow_up(relation, clock.today(), "Bellen over de etalage")
        db.session.commit()

    owner("Mevrouw Bakker", "bakker@example.nl")
    owner("Meneer Visser", None)
    owner("Familie Smit", "smit@example.nl", street="Kerkstraat")

    log_in(page, staff.email)
    page.get_by_role("navigation").get_by_role("link", name="Te doen").click()
    page.get_by_role("link", name="Opvolgen: Mevrouw Bakker").click()
    expect(page.get_by_role("heading", name="Mevrouw Bakker")).to_be_visible()
    expect(page.get_by_text("Bellen over de etalage")).to_be_visible()

    page.locator("select[name=kind]").select_option("call")
    page.get_by_label("Opmerking").fill("Ze wil graag een starter in het pand.")
    page.get_by_label("Volgende opvolging op").fill(
        (clock.today() + timedelta(days=14)).isoformat()
    )
    page.get_by_label("Volgende opvolging: wat").fill("Starters voorstellen")
    page.get_by_role("button", name="Contact vastleggen").click()
    expect(page.get_by_text("Het contact staat op de tijdlijn.")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Ze wil graag een starter in het pand.")
    page.get_by_role("navigation").get_by_role("link", name="Te doen").click()
    expect(page.get_by_role("link", name="Opvolgen: Mevrouw Bakker")).to_have_count(0)

    open_my_menu(page)
    page.get_by_role("link", name="Relaties").click()
    page.get_by_label("Straat").fill("Hoogstraat")
    page.get_by_label("Panden leeg sinds minstens (maanden)").fill("6")
    page.get_by_role("button", name="Filteren").click()
    expect(page.locator("table.relations tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Bericht aan dit segment").click()
    expect(page.get_by_role("heading", name="2 relaties in dit segment")).to_be_visible()
    page.get_by_label("Onderwerp").fill("Leegstand in de Hoogstraat")
    page.locator("textarea[name=body]").fill("Kom je praten over een starter?")
    page.get_by_role("button", name="Bericht versturen").click()
    expect(page.get_by_text("Het bericht is verstuurd.")).to_be_visible()
    expect(page.get_by_role("cell", name="bakker@example.nl")).to_be_visible()
    expect(page.get_by_role("cell", name="niet bereikt: geen e-mailadres")).to_be_visible()

    assert [mail["To"] for mail in outbox()] == ["bakker@example.nl"]
    assert page.console_errors == []
    assert page.csp_violations == []
