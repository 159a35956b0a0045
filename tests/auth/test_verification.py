"""Confirming the e-mail address: the mailed link, its expiry and forgery, a new link, and what
an unconfirmed account sees."""

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer

from tests.auth.test_views import register
from vrijstad import clock, create_app
from vrijstad.audit.models import AuditEvent
from vrijstad.auth import verification
from vrijstad.auth.models import User
from vrijstad.extensions import db

LINK = re.compile(r"https?://[^/\s]+(/account/confirm/\S+)")


def confirm_path(message) -> str:
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def unconfirmed(make_user, role: str = "starter", **kw) -> User:
    return make_user(role, email_verified_at=None, **kw)


def test_a_new_account_confirms_its_address_with_the_link_in_the_welcome_mail(client, outbox):
    assert register(client).status_code == 302
    user = db.session.scalar(sa.select(User))
    assert not user.email_verified
    [welcome] = outbox()
    response = client.get(confirm_path(welcome), follow_redirects=True)
    assert "je e-mailadres amira@example.nl is bevestigd" in response.text
    db.session.refresh(user)
    assert user.email_verified
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "user.email_verified" in actions
    # Opening it again changes nothing and says so just as kindly.
    again = client.get(confirm_path(welcome), follow_redirects=True)
    assert "is bevestigd" in again.text


def test_an_expired_link_is_refused_with_a_message(app, client, make_user, login):
    user = unconfirmed(make_user)
    with app.test_request_context():
        token = verification.make_verify_token(user)
    later = clock.now() + timedelta(seconds=app.config["EMAIL_VERIFY_MAX_AGE"] + 60)
    with time_machine.travel(later, tick=True):
        response = client.get(f"/account/confirm/{token}", follow_redirects=True)
    assert "Deze bevestigingslink is verlopen" in response.text
    db.session.refresh(user)
    assert not user.email_verified


def test_a_forged_link_is_refused_with_a_message(app, client, make_user):
    user = unconfirmed(make_user)
    with app.test_request_context():
        token = verification.make_verify_token(user)
    response = client.get(f"/account/confirm/{token}x", follow_redirects=True)
    assert "Deze bevestigingslink is niet geldig" in response.text
    forged = URLSafeTimedSerializer("een-andere-sleutel", salt=verification.VERIFY_SALT).dumps(
        {"uid": user.id, "email": user.email}
    )
    assert "niet geldig" in client.get(f"/account/confirm/{forged}", follow_redirects=True).text
    db.session.refresh(user)
    assert not user.email_verified


def test_a_link_for_an_earlier_address_confirms_nothing(app, client, make_user):
    user = unconfirmed(make_user, email="oud@example.nl")
    with app.test_request_context():
        token = verification.make_verify_token(user)
    user.email = "nieuw@example.nl"
    db.session.commit()
    response = client.get(f"/account/confirm/{token}", follow_redirects=True)
    assert "hoort bij een adres dat het account niet meer heeft" in response.text
    db.session.refresh(user)
    assert not user.email_verified


def test_links_signed_before_a_key_rotation_still_confirm(app, client, make_user, monkeypatch):
    user = unconfirmed(make_user)
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY", "link-key-2026")
    with app.test_request_context():
        token = verification.make_verify_token(user)
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY", "link-key-2027")
    assert "niet geldig" in client.get(f"/account/confirm/{token}", follow_redirects=True).text
    monkeypatch.setitem(app.config, "LINK_SIGNING_KEY_FALLBACKS", ["link-key-2026"])
    assert "is bevestigd" in client.get(f"/account/confirm/{token}", follow_redirects=True).text


def test_an_unconfirmed_user_sees_why_on_every_page_and_can_ask_for_a_new_link(
    client, make_user, login, outbox
):
    user = unconfirmed(make_user)
    login(user)
    home = client.get("/").text
    assert "Bevestig je e-mailadres" in home and 'action="/account/confirm"' in home
    response = client.post("/account/confirm", follow_redirects=True)
    assert f"We hebben een nieuwe bevestigingslink gestuurd naar {user.email}" in response.text
    [mail] = outbox()
    assert mail["To"] == user.email and mail["Subject"] == "Bevestig je e-mailadres voor Vrijstad"
    assert "De link werkt 3 dagen." in mail.get_body(("plain",)).get_content()
    client.get(confirm_path(mail))
    assert "Bevestig je e-mailadres" not in client.get("/").text


def test_new_links_are_rate_limited(client, make_user, login, outbox):
    login(unconfirmed(make_user))
    statuses = [client.post("/account/confirm").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert len(outbox()) == 3


def test_a_confirmed_user_gets_no_new_link_and_no_banner(client, make_user, login, outbox):
    login(make_user())
    assert "Bevestig je e-mailadres" not in client.get("/").text
    response = client.post("/account/confirm", follow_redirects=True)
    assert "Je e-mailadres is al bevestigd" in response.text
    assert outbox() == []


def test_asking_for_a_link_needs_a_login(client, outbox):
    response = client.post("/account/confirm")
    assert response.status_code == 302 and "/login" in response.location
    assert outbox() == []


def test_an_admin_made_on_the_command_line_counts_as_confirmed(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "beheer@vrijstad.example", "--name", "Anna"],
        input="Lantaarn-Kade-Vier-7\nLantaarn-Kade-Vier-7\n",
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(User)).email_verified


def test_the_migration_counts_existing_accounts_as_confirmed(tmp_path):
    """Accounts from before e-mail verification were in use: they may go on as before."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    created = "2026-11-02 09:30:00.000000"
    with app.app_context():
        upgrade(revision="f485df72b33d")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, password_hash, name, locale, is_admin, "
                    "is_landlord, is_starter, active, created_at, password_changed_at, "
                    "session_token) VALUES ('oud@example.nl', 'x', 'Oud', 'nl', 0, 1, 0, 1, "
                    ":created, :created, 'token')"
                ),
                {"created": created},
            )
        upgrade(revision="heads")
        user = db.session.scalar(sa.select(User))
        assert user.email_verified_at == user.created_at
        db.session.remove()
        db.engine.dispose()
