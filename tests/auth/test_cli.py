"""`flask users create-admin`: the first platform admin without demo data or SQL."""

import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.auth.services import authenticate
from vrijstad.extensions import db

ADMIN_PASSWORD = "Lantaarn-Kade-Vier-7"  # noqa: S105


def admin(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_admin_asks_the_password_twice_without_showing_it(runner, client):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "Beheer@Vrijstad.example", "--name", "Anna"],
        input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output
    user = admin("beheer@vrijstad.example")
    assert user.is_admin and user.name == "Anna"
    assert authenticate("beheer@vrijstad.example", ADMIN_PASSWORD) == user
    response = client.post(
        "/login", data={"email": "beheer@vrijstad.example", "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 302
    # A new admin sets up two-step verification before the admin area opens.
    assert client.get("/admin/organisations").location == "/account/two-factor"


def test_two_different_entries_are_asked_again(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "beheer@vrijstad.example"],
        input=f"{ADMIN_PASSWORD}\nsomething-else-1\n{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert admin("beheer@vrijstad.example").is_admin


def test_the_password_can_come_from_the_environment(runner, monkeypatch):
    monkeypatch.setenv("VRIJSTAD_ADMIN_PASSWORD", ADMIN_PASSWORD)
    result = runner.invoke(args=["users", "create-admin", "--email", "beheer@vrijstad.example"])
    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output
    assert authenticate("beheer@vrijstad.example", ADMIN_PASSWORD).is_admin


def test_a_weak_password_is_refused_as_at_registration(runner):
    result = runner.invoke(
        args=["users", "create-admin", "--email", "beheer@vrijstad.example"],
        input="kort\nkort\n",
    )
    assert result.exit_code == 1
    assert "10" in result.output  # the minimum length
    assert admin("beheer@vrijstad.example") is None
    result = runner.invoke(
        args=["users", "create-admin", "--email", "beheer@vrijstad.example"],
        input="password123\npassword123\n",
    )
    assert result.exit_code == 1 and admin("beheer@vrijstad.example") is None


def test_an_existing_address_is_refused_unless_promoted(runner, make_user):
    user = make_user("landlord", email="verhuurder@example.nl")
    result = runner.invoke(
        args=["users", "create-admin", "--email", "Verhuurder@example.nl"],
        input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n",
    )
    assert result.exit_code == 1 and "--promote" in result.output
    assert not admin(user.email).is_admin
    result = runner.invoke(
        args=["users", "create-admin", "--email", user.email, "--promote"],
        input="",
    )
    assert result.exit_code == 0, result.output
    promoted = admin(user.email)
    assert promoted.is_admin and promoted.is_landlord
    assert authenticate(user.email, ADMIN_PASSWORD) is None  # the own password stays
