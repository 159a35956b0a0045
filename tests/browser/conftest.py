"""Browser tests: the app on a real HTTP server on loopback, driven by Debian's Chromium.

Fixtures:

- ``live_server``: the session's ``app`` served by werkzeug on 127.0.0.1 (a free port) in a
  daemon thread; gives the base URL. SQLite only, except journeys marked ``both_databases``.
- ``browser``: one headless Chromium for the session, Debian's ``/usr/bin/chromium`` (never a
  downloaded Playwright build; ``make browser`` installs it).
- ``page``: a fresh browser context per test (Dutch locale, ``base_url`` set to the live
  server, so ``page.goto("/")`` works). It records ``page.console_errors`` (console errors,
  uncaught exceptions, 5xx responses) and ``page.csp_violations`` (Content-Security-Policy
  violations), and saves a full-page screenshot to ``test-results/<test name>.png`` when the
  test fails.

Accessibility: axe-core (from the npm packages) is loaded into every page. After a test has
passed, every page it visited (GET) is opened again and checked: any serious or critical axe
violation — missing labels, names, contrast below WCAG 2.1 AA, … — fails the test.

The per-test ``_clean_state`` fixture still empties the tables after every test; the page's
context is closed before that, so no request is in flight while the tables are emptied.
"""

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import second_factor_code
from vrijstad.auth.services import find_user_by_email

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""
CSP_MARKERS = ("Content Security Policy", "Refused to")
FAILED_RESOURCE = "Failed to load resource"
# Chromium asks every site for /favicon.ico on its own; the app has none yet (a 404), and that
# is no error of the page. A failed stylesheet, script or image still counts.
FAVICON = re.compile(r"/favicon\.ico$")

# Forwards CSP violation events to Python; added by Playwright, so the page's CSP allows it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}` +
      ` on ${event.documentURI} at ${event.sourceFile || "?"}:${event.lineNumber}` +
      `:${event.columnNumber} ${event.sample ? JSON.stringify(event.sample) : ""}`.trimEnd()
  );
});
"""


def pass_second_step(page, email: str) -> None:
    """After the password: the authenticator code, when the login asks for one (staff)."""
    code = page.locator("main input[name=code]")
    page.locator("form[action$='/logout'] button").or_(code).first.wait_for(state="attached")
    if code.is_visible():
        code.fill(second_factor_code(find_user_by_email(email).id))
        page.locator("main form button[type=submit]").click()


def open_my_menu(page) -> None:
    """Open the header's "My Vrijstad" menu (account, log out, the items beyond the top five);
    on a phone first the "Menu" button that holds it."""
    outer = page.locator("header details.nav-menu")
    if outer.locator("> summary").is_visible() and outer.get_attribute("open") is None:
        outer.locator("> summary").click()
    menu = page.locator("header details.my-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()


def log_out(page) -> None:
    """Log out through the "My Vrijstad" menu."""
    open_my_menu(page)
    page.locator("header form[action$='/logout'] button").click()


def logged_in(page):
    """The log-out button in the header's menu: there once someone is logged in."""
    return page.locator("header form[action$='/logout'] button")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item (item.rep_setup, rep_call) for the page fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _served(app) -> Iterator[str]:
    """The app over real HTTP on 127.0.0.1 and a free port, once per session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app, request) -> str:
    """The served app's base URL. Journeys run on SQLite; one marked ``both_databases`` (the
    money chain) runs on PostgreSQL too."""
    on_sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if not on_sqlite and request.node.get_closest_marker("both_databases") is None:
        pytest.skip("this browser journey runs on the SQLite backend only")
    return request.getfixturevalue("_served")


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `make browser` (apt-get install chromium).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(request, browser, live_server):
    """A page in a fresh context; records errors and CSP violations, screenshots failures."""
    context = browser.new_context(locale="nl-NL", base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []
    page.csp_violations = []
    documents: set[str] = set()
    visited: list[str] = []

    def on_request(req) -> None:
        if req.resource_type == "document":
            documents.add(req.url)
            if req.method == "GET" and req.url not in visited:
                visited.append(req.url)

    def on_response(response) -> None:
        if response.status >= 500:
            page.console_errors.append(
                f"HTTP {response.status} {response.request.method} {response.url}"
            )

    def on_console(message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url") or ""
        # A page's own status is the app's choice (422 for a form with errors) and the test
        # checks what the page shows; 5xx responses are recorded by on_response.
        if message.text.startswith(FAILED_RESOURCE) and (url in documents or FAVICON.search(url)):
            return
        text = f"{message.text} ({url or '?'}:{message.location.get('lineNumber', '?')})"
        page.console_errors.append(text)
        if any(marker in message.text for marker in CSP_MARKERS):
            page.csp_violations.append(text)

    def on_csp_violation(report: str) -> None:
        page.csp_violations.append(report)

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    context.expose_function("__reportCspViolation", on_csp_violation)
    context.add_init_script(CSP_LISTENER)
    context.add_init_script(path=str(AXE))  # as the browser's own script: the CSP allows it

    yield page

    if not _failed(request.node):
        problems = accessibility_problems(page, visited)
        if problems:
            context.close()
            pytest.fail("accessibility (axe-core, serious or critical):\n" + "\n".join(problems))

    if _failed(request.node):
        results = request.config.rootpath / "test-results"
        results.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(results / f"{name}.png"), full_page=True)
        except Exception as exc:  # the page may be gone; the test's own failure matters more
            print(f"could not save a screenshot: {exc}")
    context.close()


def accessibility_problems(page, urls: list[str]) -> list[str]:
    """Open each page again and list its serious and critical axe violations."""
    problems = []
    for url in urls:
        page.goto(url)
        problems += [f"{url}: {violation}" for violation in page.evaluate(AXE_RUN)]
    return problems


def _failed(item: pytest.Item) -> bool:
    reports = (getattr(item, f"rep_{when}", None) for when in ("setup", "call"))
    return any(report is not None and report.failed for report in reports)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser aborts requests it no longer needs (a favicon when the page moves on); the
    development server then drops a static file unclosed. That is the test server's leak, not
    the app's: browser tests tolerate it."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
            )
