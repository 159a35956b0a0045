"""Behind nginx: limits per real client, links with the public scheme and host, and
X-Forwarded-* headers trusted only from as many proxies as configured."""

import pytest

from vrijstad.app import register_proxy

WRONG_PASSWORD = "Not-The-Password-1"  # noqa: S105


@pytest.fixture
def behind_proxy(app):
    """Configure trusted proxy hops on the shared app for a test, as the factory does."""
    saved_config, saved_wsgi_app = dict(app.config), app.wsgi_app

    def configure(x_for: int = 0, x_proto: int = 0, x_host: int = 0) -> None:
        app.config.update(PROXY_FIX_X_FOR=x_for, PROXY_FIX_X_PROTO=x_proto, PROXY_FIX_X_HOST=x_host)
        app.wsgi_app = saved_wsgi_app
        register_proxy(app)

    yield configure
    app.wsgi_app = saved_wsgi_app
    app.config.clear()
    app.config.update(saved_config)


def failed_login(client, email: str, forwarded_for: str) -> int:
    response = client.post(
        "/login",
        data={"email": email, "password": WRONG_PASSWORD},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


def test_clients_behind_one_proxy_are_limited_each_by_their_own_address(app, client, behind_proxy):
    behind_proxy(x_for=1)
    attempts = [failed_login(client, f"persoon{n}@example.nl", "203.0.113.10") for n in range(6)]
    assert attempts == [422] * 5 + [429]
    # A client that adds a made-up address of its own is still known by the one nginx added.
    assert failed_login(client, "nog-een@example.nl", "192.0.2.99, 203.0.113.10") == 429
    # Someone else behind the same proxy is not locked out by the first one's mistakes.
    other = app.test_client()
    assert failed_login(other, "ander@example.nl", "198.51.100.20") == 422


def test_a_forged_forwarded_for_is_ignored_when_no_proxy_is_trusted(client, behind_proxy):
    behind_proxy()  # the default: no proxy in front
    attempts = [failed_login(client, f"persoon{n}@example.nl", f"198.51.100.{n}") for n in range(6)]
    assert attempts == [422] * 5 + [429]


def reset_link(outbox) -> str:
    [message] = outbox()
    body = message.get_body(("plain",)).get_content()
    return next(word for word in body.split() if "/reset/" in word)


def test_mail_links_use_the_scheme_and_host_the_visitor_used(
    client, behind_proxy, make_user, outbox
):
    behind_proxy(x_for=1, x_proto=1, x_host=1)
    user = make_user()
    headers = {
        "X-Forwarded-For": "203.0.113.10",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "vrijstad.example",
        "Referer": "https://vrijstad.example/reset",  # over https, CSRF checks it
    }
    client.post("/reset", data={"email": user.email}, headers=headers)
    assert reset_link(outbox).startswith("https://vrijstad.example/reset/")


def test_forwarded_host_and_scheme_are_ignored_without_a_trusted_proxy(
    client, behind_proxy, make_user, outbox
):
    behind_proxy()
    user = make_user()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    client.post("/reset", data={"email": user.email}, headers=headers)
    assert reset_link(outbox).startswith("http://localhost/reset/")
