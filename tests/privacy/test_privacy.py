"""AVG/GDPR: a person downloads all their data and deletes their account; kept records survive."""

import json

import sqlalchemy as sa

from tests.fixtures_lettings import MOTIVATION
from vrijstad import clock
from vrijstad.applications import services
from vrijstad.applications.models import Application, ApplicationMessage, ApplicationStatus
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.notifications.models import Notification
from vrijstad.starters.models import StarterProfile
from vrijstad.units.models import Unit, UnitStatus


def test_export_holds_profile_applications_and_messages(ctx, client, login, unit, starter):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.post_message(starter, application, "Mag ik komen kijken?")
    db.session.commit()
    login(starter)
    response = client.get("/account/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == starter.email
    assert data["starter_profile"]["kvk_number"] == "87654321"
    assert data["starter_profile"]["invitations_opt_out"] is False
    # every field the profile keeps is in the download (the size and dates of the plan too),
    # not a hand-kept list that a new field slips past; only internal keys stay out
    kept = {c.key for c in sa.inspect(StarterProfile).column_attrs}
    assert set(data["starter_profile"]) >= kept - {"id", "user_id", "plan_key"}
    assert "plan_key" not in data["starter_profile"]
    assert data["applications"][0]["motivation"] == MOTIVATION
    assert data["messages_written"][0]["body"] == "Mag ik komen kijken?"


def test_export_shows_only_your_own_data(ctx, client, login, unit, starter, make_starter):
    services.submit_application(starter, unit, MOTIVATION)
    db.session.commit()
    login(make_starter(name="Iemand Anders"))
    data = json.loads(client.get("/account/data.json").data)
    assert data["applications"] == [] and data["account"]["name"] == "Iemand Anders"


def test_delete_needs_the_password(ctx, client, login, starter):
    login(starter)
    response = client.post("/account/delete", data={"password": "wrong-password-1"})
    assert response.status_code == 422 and "klopt niet" in response.text
    db.session.refresh(starter)
    assert starter.active and starter.name == "Sanne Starter"


def test_deleting_a_starter_anonymises_and_keeps_placements(
    ctx, client, login, unit, offered, make_starter
):
    placement = services.accept_offer(offered.starter, offered)
    other_unit_application = None
    db.session.commit()
    starter = offered.starter
    email = starter.email
    login(starter)
    response = client.post("/account/delete", data={"password": "Correct-Horse-42"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, starter.id)
    assert user.email != email and user.name == "[verwijderd]" and not user.active
    assert (
        db.session.scalar(sa.select(StarterProfile).where(StarterProfile.user_id == user.id))
        is None
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(Notification.user_id == user.id)
        )
        == 0
    )
    kept = db.session.get(Placement, placement.id)
    assert kept is not None and kept.starter_trade_name == "Sanne's Koffie"
    assert db.session.get(Application, offered.id).motivation == "[verwijderd]"
    assert other_unit_application is None
    # The old login no longer works.
    client.post("/logout")
    assert (
        client.post("/login", data={"email": email, "password": "Correct-Horse-42"}).status_code
        != 302
    )


def test_deleting_withdraws_open_applications_and_scrubs_messages(
    ctx, client, login, unit, starter
):
    application = services.submit_application(starter, unit, MOTIVATION)
    services.post_message(starter, application, "Mijn telefoonnummer is 0612345678")
    db.session.commit()
    login(starter)
    client.post("/account/delete", data={"password": "Correct-Horse-42"})
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.status == ApplicationStatus.WITHDRAWN
    bodies = db.session.scalars(sa.select(ApplicationMessage.body)).all()
    assert bodies == ["[verwijderd]"]


def test_deleting_a_landlord_takes_units_offline(ctx, client, login, unit):
    login(unit.owner)
    client.post("/account/delete", data={"password": "Correct-Horse-42"})
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).status == UnitStatus.WITHDRAWN
    assert f"/units/{unit.id}" not in client.get("/units").text


def test_bookings_are_exported_and_open_requests_cancelled_on_delete(
    ctx, client, login, unit, starter
):
    from datetime import timedelta

    from vrijstad.popups.models import Booking, BookingStatus

    start = clock.today() + timedelta(days=30)
    db.session.add(
        Booking(
            unit_id=unit.id,
            starter_id=starter.id,
            start_date=start,
            end_date=start + timedelta(days=3),
            price_cents=22_500,
            note="Mijn 06-nummer staat hier",
        )
    )
    db.session.commit()
    login(starter)
    data = json.loads(client.get("/account/data.json").data)
    assert data["bookings"][0]["price_cents"] == 22_500
    client.post("/account/delete", data={"password": "Correct-Horse-42"})
    db.session.expire_all()
    booking = db.session.scalar(sa.select(Booking))
    assert booking.status == BookingStatus.CANCELLED and booking.note is None
