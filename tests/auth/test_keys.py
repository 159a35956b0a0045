"""Separate keys for sessions and signed links, each rotatable: old keys listed as fallbacks
keep sessions and links made before a rotation valid."""

import config as settings
from tests.auth.test_views import reset_link
from tests.conftest import PASSWORD


def test_a_session_survives_a_secret_key_rotation_with_the_old_key_as_fallback(
    app, client, make_user, monkeypatch
):
    client.post("/login", data={"email": make_user().email, "password": PASSWORD})
    old = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key-" + "x" * 20)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old])
    assert client.get("/account").status_code == 200
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    assert client.get("/account").status_code == 302


def test_reset_links_are_signed_with_their_own_key(app, client, make_user, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY", "link-key-2026")
    client.post("/reset", data={"email": make_user().email})
    link = reset_link(outbox)
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-rotated-session-key-" + "x" * 20)
    assert client.get(link).status_code == 200  # a new session key leaves links alone
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY", "link-key-2027")
    refused = client.get(link, follow_redirects=True)
    assert "Deze herstellink is niet geldig" in refused.text
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY_FALLBACKS", ["link-key-2026"])
    assert client.get(link).status_code == 200


def test_links_sent_before_a_separate_link_key_was_set_keep_working(
    app, client, make_user, outbox, monkeypatch
):
    assert not app.config["LINK_SIGNING_KEY"]  # an existing install: links follow SECRET_KEY
    client.post("/reset", data={"email": make_user().email})
    link = reset_link(outbox)
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY", "link-key-2026")
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY_FALLBACKS", [app.config["SECRET_KEY"]])
    assert client.get(link).status_code == 200


def test_key_lists_come_from_comma_separated_settings(monkeypatch):
    monkeypatch.setenv("VOTE_HASH_KEY_FALLBACKS", " key-2026, key-2025 ,")
    assert settings._env_list("VOTE_HASH_KEY_FALLBACKS") == ["key-2026", "key-2025"]
    monkeypatch.delenv("VOTE_HASH_KEY_FALLBACKS")
    assert settings._env_list("VOTE_HASH_KEY_FALLBACKS") == []
