"""Sessions that end: a copied session or remember-me cookie stops working at logout and at a
password change or reset, on every device."""

from datetime import timedelta

import pytest

from tests.auth.test_views import reset_link
from tests.conftest import PASSWORD
from vrijstad import clock
from vrijstad.extensions import db

NEW_PASSWORD = "Zonnebloem-Kast-Fiets-81"  # noqa: S105


def log_in(client, user, password: str = PASSWORD, remember: bool = False):
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.text
    return response


def copy_cookie(source, target, name: str) -> None:
    """What someone who got hold of a cookie (a shared computer, malware) would do."""
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value)


def logged_in(client) -> bool:
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


@pytest.fixture
def thief(app):
    return app.test_client()


def test_a_copied_session_cookie_stops_working_at_logout(client, thief, make_user):
    log_in(client, make_user())
    copy_cookie(client, thief, "session")
    assert logged_in(thief)
    client.post("/logout")
    assert not logged_in(client)
    assert not logged_in(thief)


def test_a_copied_remember_me_cookie_stops_working_at_logout(app, client, thief, make_user):
    log_in(client, make_user(), remember=True)
    copy_cookie(client, thief, "remember_token")
    assert logged_in(thief)  # the remember-me cookie alone logs in
    latecomer = app.test_client()
    copy_cookie(client, latecomer, "remember_token")
    client.post("/logout")
    assert not logged_in(thief)
    assert not logged_in(latecomer)


def test_logging_out_ends_the_sessions_on_every_device(app, client, make_user):
    user = make_user()
    phone = app.test_client()
    log_in(client, user)
    log_in(phone, user, remember=True)
    phone_remember = phone.get_cookie("remember_token").value
    client.post("/logout")
    assert not logged_in(phone)
    later = app.test_client()
    later.set_cookie("remember_token", phone_remember)
    assert not logged_in(later)
    log_in(phone, user)  # logging in again works
    assert logged_in(phone)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, make_user):
    user = make_user()
    laptop = app.test_client()
    log_in(client, user)
    log_in(laptop, user, remember=True)
    remembered = app.test_client()
    copy_cookie(laptop, remembered, "remember_token")
    changed = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert logged_in(client)
    assert not logged_in(laptop)
    assert not logged_in(remembered)


def test_a_password_reset_ends_every_session(app, client, thief, make_user, outbox):
    user = make_user()
    log_in(client, user, remember=True)
    copy_cookie(client, thief, "session")
    copy_cookie(client, thief, "remember_token")
    assert logged_in(thief)
    helper = app.test_client()
    helper.post("/reset", data={"email": user.email})
    link = reset_link(outbox)
    done = helper.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert not logged_in(thief)
    assert not logged_in(client)


def test_a_deactivated_account_is_logged_out(client, make_user):
    user = make_user()
    log_in(client, user)
    user.active = False
    db.session.commit()
    assert not logged_in(client)


def test_the_remember_me_cookie_lasts_thirty_days(app, client, make_user):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    log_in(client, make_user(), remember=True)
    expires = client.get_cookie("remember_token").expires
    assert expires is not None
    days = (expires - clock.now()).total_seconds() / 86400
    assert 29.9 < days <= 30.1
