"""A starter saves a search from the search page, on a phone and on a desktop; a unit that
matches comes on offer; the scheduled digest mails it to her once; its link stops the e-mails
without logging in."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_out, logged_in, pass_second_step
from tests.conftest import PASSWORD
from vrijstad import clock
from vrijstad.units.models import UnitStatus

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LINK = re.compile(r"https?://\S+/saved/unsubscribe/\S+")


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_role("textbox", name="E-mailadres", exact=True).fill(email)
    page.get_by_role("textbox", name="Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    pass_second_step(page, email)
    expect(logged_in(page)).to_be_attached()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_saved_search_digest_lands_in_the_outbox_and_stops_by_its_link(
    page: Page, live_server, make_org, make_user, make_unit, runner, outbox, size
):
    organisation = make_org()
    area = organisation.areas[0]
    make_unit(area=area, street="Oudestraat", house_number=1, listed_at=clock.now())
    starter = make_user("starter", email="sanne@example.nl", name="Sanne Start")
    page.set_viewport_size(size)

    log_in(page, starter.email)
    page.goto("/units?city=Dijkerveen")
    page.get_by_role("button", name="Bewaar deze zoekopdracht").click()
    page.get_by_label("dagelijks").check()
    page.get_by_role("button", name="Zoekopdracht bewaren").click()
    expect(page.get_by_text("Zoekopdracht bewaard.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Dijkerveen")
    log_out(page)

    # A landlord's unit comes on offer after the search was saved.
    make_unit(
        area=area,
        street="Nieuwstraat",
        house_number=7,
        status=UnitStatus.LISTED,
        listed_at=clock.now() + timedelta(minutes=1),
    )

    def digest() -> list:
        before = len(outbox())
        with time_machine.travel(clock.now() + timedelta(days=1), tick=True):
            result = runner.invoke(args=["digest"])
        assert result.exit_code == 0, result.output
        return outbox()[before:]

    [mail] = digest()
    assert mail["To"] == starter.email
    assert len(mail["Subject"]) <= 78
    text = mail.get_body(("plain",)).get_content()
    assert "Nieuwstraat 7" in text and "Oudestraat" not in text
    assert digest() == []  # the next run sends the same unit to nobody again

    # The mail's link stops the e-mails without logging in.
    link = LINK.search(text)
    assert link is not None, text
    page.goto(urlsplit(link.group(0)).path)  # the mail names the public site's address
    page.get_by_role("button", name="Stop deze e-mails").click()
    expect(page.get_by_role("main")).to_contain_text("Je krijgt geen e-mails meer")
    make_unit(area=area, street="Nieuwstraat", house_number=9, listed_at=clock.now())
    assert digest() == []
