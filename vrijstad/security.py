"""Security headers on every response, and the keys that sign links and hash votes.

A logged-in visitor's pages (every answer without a Cache-Control of its own) are sent with
`Cache-Control: private, no-store`.

The Content-Security-Policy is built from the configuration: map tiles
may come from the host of `MAP_TILE_URL` (a `{s}` subdomain becomes `*`), and with
`PAYMENT_PROVIDER=stripe` Stripe.js may load its script, frames and API. HSTS is sent when the
site says it is served over HTTPS (`SESSION_COOKIE_SECURE`), for `HSTS_MAX_AGE` seconds.

Each key has its own setting so one can be rotated without the others; an unset key follows
`SECRET_KEY` (and its fallbacks), which is what it was before the settings existed. Old keys
listed in `<NAME>_FALLBACKS` keep links signed, and votes hashed, before a rotation valid.
"""

import re
from collections.abc import Mapping
from functools import cache
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_login import current_user

BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
STRIPE_HOOKS = "https://hooks.stripe.com"
STRIPE_API = "https://api.stripe.com"


def _render(policy: Mapping[str, list[str]]) -> str:
    directives = (
        " ".join([name, *dict.fromkeys(v for v in values if v)]) for name, values in policy.items()
    )
    return "; ".join(directives)


#: The policy without any outside host (payments/views.py opens it for Stripe on one page).
CSP = _render(BASE_POLICY)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL; a template placeholder in the host becomes `*`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if re.search(r"\{\w*\}", label)]
    if templated:
        labels = ["*", *labels[templated[-1] + 1 :]]
    return f"{parts.scheme}://{'.'.join(labels)}"


def content_security_policy(config: Mapping) -> str:
    """The site's policy for this configuration."""
    tiles = config.get("MAP_TILE_URL") or ""
    if config.get("PAYMENT_PROVIDER") != "stripe":
        return _policy(tiles, None, None)
    js, api = config.get("STRIPE_JS_URL") or "", config.get("STRIPE_API_BASE") or STRIPE_API
    return _policy(tiles, js, api)


@cache
def _policy(tile_url: str, stripe_js_url: str | None, stripe_api: str | None) -> str:
    """The policy for these addresses (None: no Stripe), built once per set of addresses."""
    policy = {name: list(values) for name, values in BASE_POLICY.items()}
    policy["img-src"].append(origin(tile_url))
    if stripe_js_url is not None and stripe_api is not None:
        js = origin(stripe_js_url)
        policy["script-src"].append(js)
        policy["connect-src"] += [js, origin(stripe_api)]
        policy["frame-src"] = ["'self'", js, STRIPE_HOOKS]
    return _render(policy)


def set_security_headers(response: Response) -> Response:
    config = current_app.config
    response.headers.setdefault("Content-Security-Policy", content_security_policy(config))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    max_age = config.get("HSTS_MAX_AGE", 0)
    if config.get("SESSION_COOKIE_SECURE") and max_age > 0:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    # A logged-in page is personal: neither a shared cache nor the browser's disk keeps it,
    # so the next user of a shared computer cannot page back into it after logging out.
    if (
        "Cache-Control" not in response.headers
        and request.endpoint != "static"
        and current_user.is_authenticated
    ):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _keys(config: Mapping, name: str) -> list[str]:
    """The keys for one purpose, oldest first and the one to sign with last."""
    own = config.get(name)
    fallbacks = list(config.get(f"{name}_FALLBACKS") or [])
    if not own:
        own = config["SECRET_KEY"]
        fallbacks += list(config.get("SECRET_KEY_FALLBACKS") or [])
    return [*reversed(fallbacks), own]


def link_signing_keys(config: Mapping) -> list[str]:
    """Keys for signed links (password reset, e-mail and vote confirmation), for itsdangerous."""
    return _keys(config, "LINK_SIGNING_KEY")


def vote_hash_keys(config: Mapping) -> list[str]:
    """Keys for the contest vote's e-mail hash: the current one last."""
    return _keys(config, "VOTE_HASH_KEY")


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
