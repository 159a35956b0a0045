"""Reflow (WCAG 2.1, 1.4.10): at 320 px wide no page of any role's journeys scrolls sideways,
and the header folds into a "Menu" button; at 1,280 px the staff header is one row."""

from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.conftest import logged_in, pass_second_step
from tests.conftest import PASSWORD
from vrijstad.applications.services import submit_application
from vrijstad.bylaw.services import save_bylaw
from vrijstad.dashboard.views import TABS
from vrijstad.extensions import db
from vrijstad.relations import services as relations

NARROW = {"width": 320, "height": 800}
WIDE = {"width": 1280, "height": 800}
SCROLL_WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"
# The innermost elements that stick out on the right: what to fix.
STICKING_OUT = """() => {
  const out = (e) => e.getBoundingClientRect().right > window.innerWidth + 1;
  const name = (e) => e.tagName.toLowerCase() +
    (e.className ? "." + String(e.className).split(" ").join(".") : "");
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.checkVisibility() && out(e) && ![...e.children].some(out))
    .slice(0, 3)
    .map((e) => `${name(e)} (${Math.round(e.getBoundingClientRect().right)} px)`)
    .join(", ");
}"""


WIZARD_STEPS = ("address", "facts", "photos", "terms", "preview", "publish")


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    pass_second_step(page, email)
    expect(logged_in(page)).to_be_attached()


def too_wide(page: Page, paths: list[str]) -> list[str]:
    """The pages (of paths) that are wider than the screen, with their widths."""
    wide = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path}: HTTP {response.status}"
        page.wait_for_load_state("load")
        width, screen = page.evaluate(SCROLL_WIDTH)
        if width > screen:
            culprits = page.evaluate(STICKING_OUT)
            wide.append(f"{path} is {width} px wide on a {screen} px screen: {culprits}")
    return wide


def test_no_page_scrolls_sideways_at_320_px(page: Page, ctx, make_user, make_org, make_unit):
    organisation = make_org()
    area = organisation.areas[0]
    landlord = make_user("landlord", email="henk@example.nl")
    unit = make_unit(owner=landlord, area=area, street="Burgemeester van Roijensingelstraat")
    starter = make_user("starter", email="lotte@example.nl")
    staff = organisation.test_staff
    # A card on the pipeline board (its columns must fit a phone) and a unit under the bylaw.
    submit_application(starter, unit, "Mijn concept past goed in deze straat; ik begin graag snel.")
    save_bylaw(staff, organisation, "Gemeente Dijkerveen", date(2024, 1, 1))
    relation = relations.create_relation(
        staff, organisation, {"kind": "owner", "name": "Henk", "units": [unit.id]}
    )
    db.session.commit()
    page.set_viewport_size(NARROW)
    public = ["/", "/units", "/units?city=Nergens", f"/units/{unit.id}", "/streets", "/contests"]
    public.append("/subsidies")

    wide = too_wide(page, [*public, "/login", "/register", "/terms", "/privacy"])

    log_in(page, starter.email)
    expect(page.locator("header summary", has_text="Menu")).to_be_visible()
    expect(logged_in(page)).to_be_hidden()  # folded away until the menu opens
    page.locator("header summary", has_text="Menu").click()
    page.locator("header summary", has_text="Mijn Vrijstad").click()
    expect(page.get_by_role("link", name="Mijn zoekopdrachten")).to_be_visible()
    expect(page.get_by_role("link", name="Mijn favorieten")).to_be_visible()
    expect(logged_in(page)).to_be_in_viewport()
    width, screen = page.evaluate(SCROLL_WIDTH)
    assert width <= screen, (
        f"the open menu is {width} px wide on a {screen} px screen: {page.evaluate(STICKING_OUT)}"
    )
    starter_pages = [
        "/my/applications",
        "/my/placements",
        "/my/matches",
        "/my/profile",
        "/my/bookings",
        "/my/subsidies",
        "/saved/searches",
        "/saved/favourites",
        "/notifications",
        "/account",
    ]
    wide += too_wide(page, [*public, *starter_pages])

    log_in_again(page, landlord.email)
    landlord_pages = [
        "/my/units",
        "/units/new",
        f"/units/{unit.id}/edit",
        "/units/wizard",
        *(f"/units/{unit.id}/wizard/{step}" for step in WIZARD_STEPS),
        f"/units/{unit.id}/short-lets",
        f"/units/{unit.id}/bookings",
        "/my/statements",
        "/my/payout-account",
        "/pipeline",
        "/notifications",
        "/account",
    ]
    wide += too_wide(page, ["/", *landlord_pages])

    log_in_again(page, staff.email)
    org = f"/organisations/{organisation.id}"
    staff_pages = [
        "/dashboard/",
        f"/dashboard/areas/{area.id}",
        *(f"/dashboard/areas/{area.id}?tab={tab}" for tab in TABS if tab != "overview"),
        f"/dashboard/areas/{area.id}/forecast",
        f"/organisations/{organisation.id}/bylaw",
        f"/units/{unit.id}/bylaw",
        f"/dashboard/areas/{area.id}/footfall",
        f"{org}/footfall",
        f"{org}/footfall/import",
        f"/dashboard/areas/{area.id}/history",
        f"/areas/{area.id}",
        "/todo",
        "/pipeline",
        "/organisations/",
        org,
        f"{org}/units",
        f"{org}/units/import",
        f"{org}/collectives",
        f"{org}/subsidies",
        f"{org}/matching",
        f"{org}/allocation",
        f"{org}/receivables",
        f"{org}/payment-issues",
        f"{org}/bank-import",
        f"{org}/contests/new",
        f"/units/{unit.id}/candidates",
        f"{org}/relations",
        f"{org}/relations/new",
        f"{org}/relations/message",
        f"/relations/{relation.id}",
        "/account/two-factor",
        "/notifications",
        "/account",
    ]
    wide += too_wide(page, ["/", f"/units/{unit.id}", *staff_pages])
    page.set_viewport_size(WIDE)  # the board and the dashboard fit a laptop too
    wide += too_wide(page, ["/pipeline", f"/dashboard/areas/{area.id}?tab=vacancy"])

    assert wide == [], "pages wider than the screen:\n" + "\n".join(wide)


def log_in_again(page: Page, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, email)


def test_the_staff_header_is_one_row_at_1280_px(page: Page, make_org):
    organisation = make_org()
    page.set_viewport_size(WIDE)
    log_in(page, organisation.test_staff.email)

    header = page.locator("header nav")
    box = header.bounding_box()
    assert box is not None and box["height"] < 80, f"the header is {box} high: it wraps"
    expect(page.locator("header summary", has_text="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation").get_by_role("link", name="Te doen")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Meldingen")).to_be_visible()
    items = page.locator("header .nav-items > li > a")
    assert items.count() <= 5
    page.locator("header summary", has_text="Mijn Vrijstad").click()
    expect(page.get_by_role("link", name="Mijn organisatie")).to_be_visible()
    expect(logged_in(page)).to_be_visible()
