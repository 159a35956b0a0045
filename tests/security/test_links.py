"""No broken links: every link a person is shown leads somewhere they may go.

Starting from the home page, each person of the security world (the Dijkerveen demo plus
organisation Y and what the demo lacks) follows the links of every page they reach, a few
pages per route, and each link must answer without an error, a "not found", a "forbidden"
or a detour to the login page. A link that fails is reported with the page it was on.
"""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.security.matrix import clients
from tests.security.test_access_matrix import world  # noqa: F401 - the fixture
from tests.security.world import ROLES

#: Pages followed per route and person: enough to see each kind of page, not every unit.
PER_ROUTE = 3
#: Links that act rather than show (answered by their own tests) or leave the site.
SKIPPED = ("/logout", "/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.found.append(href)


def links_of(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.found:
        url, _fragment = urldefrag(urljoin(page_url, href))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
            continue  # mail, phone, other sites
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path and not path.startswith(SKIPPED):
            found.append(path)
    return found


def crawl(app, client, role: str) -> tuple[list[str], int]:
    """Follow the links from the home page; (broken links with where they were, pages seen)."""
    adapter = app.url_map.bind("localhost")
    seen: set[str] = set()
    per_route: Counter[str] = Counter()
    queue = deque([("/", "start")])
    broken = []
    while queue:
        url, source = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            endpoint, _values = adapter.match(urlsplit(url).path)
        except HTTPException:
            broken.append(f"{url} (no such route) on {source}")
            continue
        per_route[endpoint] += 1
        if per_route[endpoint] > PER_ROUTE:
            continue
        response = client.get(url)
        status = response.status_code
        location = response.headers.get("Location", "")
        if status >= 400 or (role != "anonymous" and "/login" in location):
            broken.append(f"{url} ({status} {location}) as {role} on {source}")
        elif status in (301, 302, 303) and location:
            queue.append((urlsplit(location).path, url))
        elif "text/html" in response.headers.get("Content-Type", ""):
            queue.extend((link, url) for link in links_of(url, response.text))
        response.close()
    return broken, len(seen)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "staff_y"])
def test_every_link_shown_leads_somewhere(app, world, role):  # noqa: F811 - the fixture
    people = clients(app, world)
    broken, pages = crawl(app, people[role], role)
    assert pages > 10, f"{role} reached only {pages} pages"
    assert broken == [], "\n".join(broken)
