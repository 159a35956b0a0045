"""Accounts as a user meets them: register, log in, throttle, reset, change, language."""

import re
import time

import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from tests.conftest import PASSWORD
from vrijstad.auth import services
from vrijstad.auth.models import User
from vrijstad.extensions import db


def register(client, **overrides):
    data = {
        "name": "Amira El Idrissi",
        "email": "amira@example.nl",
        "role": "starter",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "consent": "y",
    }
    data.update(overrides)
    return client.post("/register", data=data)


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_register_creates_a_starter_who_then_logs_in(client, outbox):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    user = db.session.scalar(sa.select(User).where(User.email == "amira@example.nl"))
    assert user.is_starter and not user.is_landlord
    assert user.password_hash != PASSWORD
    assert [(m["To"], m["Subject"]) for m in outbox()] == [(user.email, "Welkom bij Vrijstad")]
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Hallo Amira El Idrissi" in client.get("/").text


def _answer(client, **overrides) -> tuple[int, str, str]:
    """What a visitor sees after registering: status, where it leads, and that page's flash."""
    response = register(client, **overrides)
    page = client.get(response.headers["Location"]).text
    flash = re.search(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S)
    return response.status_code, response.headers["Location"], flash and flash.group(1).strip()


def test_registering_a_taken_address_answers_as_a_new_one_and_tells_its_owner(app, outbox):
    new = _answer(app.test_client(), email="Amira@Example.NL")
    assert new[2] and "We hebben je een e-mail gestuurd" in new[2]
    taken = _answer(app.test_client(), email="amira@example.nl", role="landlord", name="Iemand")
    assert taken == new
    assert user_count() == 1
    owner = db.session.scalar(sa.select(User))
    assert owner.name == "Amira El Idrissi" and owner.is_starter and not owner.is_landlord
    mails = outbox()
    assert [m["To"] for m in mails] == ["amira@example.nl", "amira@example.nl"]
    assert mails[1]["Subject"] == "Iemand probeerde zich te registreren met jouw e-mailadres"
    link = reset_link(outbox)
    assert app.test_client().get(link).status_code == 200  # the owner can reset from it


def test_a_taken_address_is_not_revealed_by_a_password_problem_either(client, make_user):
    make_user(email="bekend@example.nl")
    weak = {"password": "vrijstad-demo", "confirm": "vrijstad-demo"}
    known = register(client, email="bekend@example.nl", **weak)
    unknown = register(client, email="onbekend@example.nl", **weak)
    assert known.status_code == unknown.status_code == 422
    assert "te makkelijk te raden" in known.text and "te makkelijk te raden" in unknown.text


def test_register_refuses_short_and_common_passwords(client):
    short = register(client, password="kort123", confirm="kort123")
    assert short.status_code == 422
    assert (
        "minimaal 10" in short.text
        or "Field must be at least 10" in short.text
        or ("10" in short.text)
    )
    common = register(client, password="wachtwoord123", confirm="wachtwoord123")
    assert common.status_code == 422
    assert "Dit wachtwoord komt te vaak voor" in common.text
    own_name = register(client, password="amira-2026-x", confirm="amira-2026-x")
    assert "Gebruik je naam of e-mailadres niet" in own_name.text
    assert user_count() == 0


def test_register_refuses_guessable_passwords_with_a_reason(client):
    digits = register(client, password="12345678901234", confirm="12345678901234")
    assert digits.status_code == 422
    assert "Een wachtwoord van alleen cijfers is makkelijk te raden" in digits.text
    for guessable in ("Welkom012345", "vrijstad-demo"):
        response = register(client, password=guessable, confirm=guessable)
        assert response.status_code == 422
        assert "Dit wachtwoord is te makkelijk te raden" in response.text
    assert user_count() == 0
    client.post("/language", data={"language": "en"})
    english = register(client, password="vrijstad-demo", confirm="vrijstad-demo")
    assert "This password is too easy to guess" in english.text
    good = register(client, password="Zonnebloem-Kast-Fiets-81", confirm="Zonnebloem-Kast-Fiets-81")
    assert good.status_code == 302 and user_count() == 1


def test_register_reports_bad_email_on_the_field(client):
    response = register(client, email="geen-email")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert "Vul een geldig e-mailadres in." in response.text
    assert user_count() == 0


def test_login_and_logout(client, make_user):
    user = make_user("landlord")
    wrong = client.post("/login", data={"email": user.email, "password": "niet-het-wachtwoord"})
    assert wrong.status_code == 422
    assert "E-mailadres of wachtwoord is niet juist." in wrong.text
    ok = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200
    client.post("/logout")
    assert client.get("/account").status_code == 302


def test_login_does_the_same_hash_work_for_known_and_unknown_addresses(
    app, client, make_user, monkeypatch
):
    """Response time must not tell whether an address has an account: every path verifies
    the password once against a hash of the same method and cost, and makes no new hash."""
    known = make_user()
    inactive = make_user(active=False)
    client.post("/login", data={"email": "warm@example.nl", "password": "x"})  # first dummy hash
    calls = []

    def counting_check(stored: str, password: str) -> bool:
        calls.append(("check", stored.split("$", 1)[0]))
        return check_password_hash(stored, password)

    def counting_generate(password: str, method: str, **kwargs) -> str:
        calls.append(("generate", method))
        return generate_password_hash(password, method, **kwargs)

    monkeypatch.setattr(services, "check_password_hash", counting_check)
    monkeypatch.setattr(services, "generate_password_hash", counting_generate)
    method = known.password_hash.split("$", 1)[0]
    attempts = [
        (known.email, "niet-het-wachtwoord"),
        ("niemand@example.nl", PASSWORD),
        (inactive.email, PASSWORD),
    ]
    for email, password in attempts:
        calls.clear()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 422
        assert "E-mailadres of wachtwoord is niet juist." in response.text
        assert calls == [("check", method)], email


def test_login_redirects_only_to_local_next(client, make_user):
    user = make_user()
    evil = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert evil.headers["Location"] == "/"
    client.post("/logout")
    local = client.post("/login?next=/account", data={"email": user.email, "password": PASSWORD})
    assert local.headers["Location"] == "/account"


def test_login_is_throttled_with_a_dutch_429(client, make_user):
    user = make_user()
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "fout-fout-fout"})
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Te veel pogingen" in blocked.text
    assert client.get("/account").status_code == 302  # the correct password did not get in


def reset_link(outbox) -> str:
    body = outbox()[-1].get_body(("plain",)).get_content()
    return re.search(r"http://localhost(/reset/\S+)", body).group(1)


def test_password_reset_link_works_once(client, make_user, outbox):
    user = make_user()
    client.post("/reset", data={"email": user.email})
    messages = outbox()
    assert [m["To"] for m in messages] == [user.email]
    assert messages[0]["Subject"] == "Herstel je Vrijstad-wachtwoord"
    link = reset_link(outbox)
    assert client.get(link).status_code == 200
    changed = client.post(link, data={"password": "Nieuw-Geheim-77", "confirm": "Nieuw-Geheim-77"})
    assert changed.status_code == 302
    assert (
        client.post("/login", data={"email": user.email, "password": "Nieuw-Geheim-77"}).status_code
        == 302
    )
    client.post("/logout")
    reused = client.get(link, follow_redirects=True)
    assert "Deze herstellink is al gebruikt" in reused.text


def test_password_reset_for_unknown_address_sends_nothing(client, outbox):
    response = client.post("/reset", data={"email": "niemand@example.nl"}, follow_redirects=True)
    assert "Als er een account bij dit adres hoort" in response.text
    assert outbox() == []


def test_expired_reset_link_is_refused(app, client, make_user):
    user = make_user()

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - app.config["PASSWORD_RESET_MAX_AGE"] - 60

    serializer = URLSafeTimedSerializer(app.secret_key, salt="password-reset", signer=PastSigner)
    token = serializer.dumps({"uid": user.id, "ph": user.password_hash[-16:]})
    response = client.get(f"/reset/{token}", follow_redirects=True)
    assert "Deze herstellink is verlopen" in response.text
    tampered = client.get(f"/reset/{token}x", follow_redirects=True)
    assert "Deze herstellink is niet geldig" in tampered.text


def test_change_password_needs_the_current_one(client, make_user, login):
    user = make_user()
    login(user)
    wrong = client.post(
        "/account/password",
        data={
            "current": "fout-wachtwoord",
            "password": "Nieuw-Geheim-77",
            "confirm": "Nieuw-Geheim-77",
        },
    )
    assert wrong.status_code == 422
    assert "Je huidige wachtwoord is niet juist." in wrong.text
    ok = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "Nieuw-Geheim-77", "confirm": "Nieuw-Geheim-77"},
    )
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200  # this session stays logged in
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 422
    )


def test_change_email_tells_the_old_address_and_asks_the_new_one_to_confirm(
    client, make_user, login, outbox
):
    user = make_user(email="oud@example.nl")
    login(user)
    response = client.post(
        "/account/email", data={"email": "Nieuw@Example.nl", "password": PASSWORD}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "nieuw@example.nl"
    assert not user.email_verified
    mails = {m["To"]: m for m in outbox()}
    assert sorted(mails) == ["nieuw@example.nl", "oud@example.nl"]
    assert "/account/confirm/" in mails["nieuw@example.nl"].get_body(("plain",)).get_content()


def test_remember_me_sets_a_persistent_cookie(client, make_user):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert "remember_token=" in response.headers.get("Set-Cookie", "") or any(
        "remember_token" in h for h in response.headers.getlist("Set-Cookie")
    )


def test_language_switch_is_remembered_for_the_user(client, make_user, login):
    assert 'lang="nl"' in client.get("/").text
    user = make_user()
    login(user)
    client.post("/language", data={"language": "en"})
    page = client.get("/")
    assert 'lang="en"' in page.text
    assert "Empty shops, new entrepreneurs" in page.text
    db.session.refresh(user)
    assert user.locale == "en"


def test_post_without_csrf_token_is_refused_and_changes_nothing(client):
    response = client.post(
        "/register",
        data={
            "name": "X",
            "email": "x@example.nl",
            "role": "starter",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
        csrf=False,
    )
    assert response.status_code == 400
    assert "Je formulier is verlopen" in response.text
    assert user_count() == 0
