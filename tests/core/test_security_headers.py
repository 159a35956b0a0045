"""HSTS over HTTPS, and a Content-Security-Policy that follows the configured tile and
Stripe hosts."""

import pytest

from config import get_config


def directive(response, name: str) -> list[str]:
    policy = response.headers["Content-Security-Policy"]
    parts = dict(part.split(" ", 1) for part in policy.split("; "))
    return parts.get(name, "").split()


@pytest.mark.parametrize(
    ("tile_url", "allowed"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tiles.dijkerveen.nl/kaart/{z}/{x}/{y}.png", "https://tiles.dijkerveen.nl"),
        ("https://tile-{s}.kaart.example:8443/{z}/{x}/{y}.png", "https://*.kaart.example:8443"),
    ],
)
def test_the_policy_allows_the_configured_tile_host_only(
    app, client, monkeypatch, tile_url, allowed
):
    monkeypatch.setitem(app.config, "MAP_TILE_URL", tile_url)
    images = directive(client.get("/"), "img-src")
    assert images == ["'self'", "data:", allowed]


def test_without_tiles_the_policy_allows_no_outside_images(app, client):
    assert app.config["MAP_TILE_URL"] == ""
    assert directive(client.get("/"), "img-src") == ["'self'", "data:"]


def test_the_policy_opens_for_stripe_only_with_the_stripe_provider(app, client, monkeypatch):
    assert "stripe" not in client.get("/").headers["Content-Security-Policy"]
    monkeypatch.setitem(app.config, "PAYMENT_PROVIDER", "stripe")
    monkeypatch.setitem(app.config, "STRIPE_JS_URL", "https://js.stripe.com/v3/")
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "")
    page = client.get("/")
    assert directive(page, "script-src") == ["'self'", "https://js.stripe.com"]
    assert directive(page, "connect-src") == [
        "'self'",
        "https://js.stripe.com",
        "https://api.stripe.com",
    ]
    assert directive(page, "frame-src") == [
        "'self'",
        "https://js.stripe.com",
        "https://hooks.stripe.com",
    ]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_hsts_only_when_the_site_is_served_over_https(app, client, monkeypatch):
    assert not app.config["SESSION_COOKIE_SECURE"]
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    monkeypatch.setitem(app.config, "HSTS_MAX_AGE", 600)
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=600"
    monkeypatch.setitem(app.config, "HSTS_MAX_AGE", 0)
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_production_sends_hsts(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    production = get_config("production")
    assert production.SESSION_COOKIE_SECURE and production.HSTS_MAX_AGE == 365 * 24 * 3600
