"""A starter whose e-mail address is unconfirmed applies for nothing: the page says why."""

import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad.applications.models import Application
from vrijstad.extensions import db


def unconfirm(user) -> None:
    user.email_verified_at = None
    db.session.commit()


def test_an_unconfirmed_starter_cannot_apply_and_is_told_why(client, login, unit, starter):
    unconfirm(starter)
    login(starter)
    response = client.post(f"/units/{unit.id}/apply", data={"motivation": MOTIVATION})
    assert response.status_code == 403
    assert "Bevestig eerst je e-mailadres" in response.text
    assert 'action="/account/confirm"' in response.text  # the button for a new link
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_a_json_client_gets_403_with_the_reason(client, login, unit, starter):
    unconfirm(starter)
    login(starter)
    response = client.post(
        f"/units/{unit.id}/apply",
        data={"motivation": MOTIVATION},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 403
    assert response.json["error"] == "email_not_verified"
    assert "Bevestig eerst je e-mailadres" in response.json["message"]
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_once_confirmed_the_same_starter_applies(client, login, unit, starter):
    login(starter)  # the fixtures' people have confirmed their addresses
    response = client.post(f"/units/{unit.id}/apply", data={"motivation": MOTIVATION})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1
