"""On a phone (390 px wide) a unit's call to action sits at the bottom of the screen, in view
without scrolling either way; a let unit shows that it is let."""

from playwright.sync_api import Page, expect

from vrijstad.extensions import db
from vrijstad.units.models import UnitStatus

PHONE = {"width": 390, "height": 844}


def test_the_action_button_is_in_view_on_a_phone(page: Page, make_org, make_unit):
    organisation = make_org()
    organisation.email = "info@binnenstad.example"
    db.session.commit()
    area = organisation.areas[0]
    unit = make_unit(area=area, description="Licht pand met een grote etalage. " * 40)
    make_unit(area=area, status=UnitStatus.LET)
    page.set_viewport_size(PHONE)
    page.goto(f"/units/{unit.id}")

    button = page.get_by_role("button", name="Log in om te reageren")
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] + box["height"] <= PHONE["height"]
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # at the foot of the page
    expect(button).to_be_in_viewport()
    button.click()
    expect(page.get_by_role("textbox", name="E-mailadres", exact=True)).to_be_visible()
