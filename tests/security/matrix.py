"""Walking the URL map: a URL for every route, and what each person gets from it."""

from flask import Flask
from werkzeug.routing import Rule

from tests.conftest import log_in
from tests.security.world import ROLES, World
from vrijstad.extensions import limiter

#: Answers, as the matrix names them.
OK = "ok"  # the page, a file, a redirect elsewhere, or a 400/409/422 for a missing form
LOGIN = "login"  # redirected to the login page
DENIED = "denied"  # 403, or 404 where even existence is not told
ERROR = "error"  # 5xx: never acceptable


def url_for_rule(rule: Rule, world: World) -> str:
    values = {}
    for name in rule.arguments:
        values[name] = world.by_endpoint.get(rule.endpoint, {}).get(name, world.params.get(name))
        if values[name] is None:
            raise KeyError(f"no value for <{name}> of {rule.endpoint}: add it to the world")
    return rule.build(values, append_unknown=False)[1]


#: Every method a client may send; each route answers each of them without an error.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")


def rules(app: Flask) -> list[Rule]:
    """Every rule of the URL map but static files, in a stable order."""
    found = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    return sorted(found, key=lambda rule: (rule.endpoint, rule.rule))


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route but static files."""
    found = []
    for rule in rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return sorted(found, key=lambda item: (item[0], item[1]))


def classify(response) -> str:
    """The answer's class; the response is closed (a file download holds its file open)."""
    response.close()
    status = response.status_code
    if status >= 500:
        return ERROR
    if status in (403, 404):
        return DENIED
    if status == 401:
        return LOGIN
    if status in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return LOGIN
    return OK


def clients(app, world: World) -> dict:
    """A client per person, each logged in once through the real login form (and its second
    step for those who have two-step verification on)."""
    result = {}
    limiter.enabled = False  # nine logins in a row from one address are not an attack here
    try:
        for role in ROLES:
            client = app.test_client()
            person = world.people[role]
            if person is not None:
                log_in(client, person, world.passwords[role])
            result[role] = client
    finally:
        limiter.enabled = True
    return result
